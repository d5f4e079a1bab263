import SQLKit
import SQLiteKit

/// A SQLite row for SQLKit that decodes the common column types straight from
/// sqlite-nio's values, and everything else (and every mismatch, so that values and errors
/// stay the same) through sqlite-kit's row with the client's decoder.
struct SQLiteFastRow: SQLRow {
    let row: SQLiteRow
    let decoder: SQLiteDataDecoder

    var allColumns: [String] { row.columns.map(\.name) }

    func contains(column: String) -> Bool { row.column(column) != nil }

    func decodeNil(column: String) throws -> Bool { (row.column(column) ?? .null) == .null }

    /// The common types, when the column holds exactly the value sqlite-nio would convert
    /// them from (an integer for integers, text for a string, a float for a double), are
    /// read directly: comparing types costs less than sqlite-kit's conformance lookup, and
    /// the bit casts are between equal types.
    func decode<T: Decodable>(column: String, as type: T.Type) throws -> T {
        switch row.column(column) {
        case .integer(let value) where T.self == Int64.self: return unsafeBitCast(Int64(value), to: T.self)
        case .integer(let value) where T.self == Int.self: return unsafeBitCast(value, to: T.self)
        case .text(let value) where T.self == String.self: return unsafeBitCast(value, to: T.self)
        case .float(let value) where T.self == Double.self: return unsafeBitCast(value, to: T.self)
        default: return try row.sql(decoder: decoder).decode(column: column, as: T.self)
        }
    }
}
