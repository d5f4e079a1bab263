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

    func decode<T: Decodable>(column: String, as type: T.Type) throws -> T {
        if let data = row.column(column), let value = Self.decodeDirectly(T.self, from: data) { return value }
        return try row.sql(decoder: decoder).decode(column: column, as: T.self)
    }

    /// The value when `T` is one of the common types and `data` holds exactly the value
    /// sqlite-nio would convert it from (an integer for integers, text for a string, a
    /// float for a double); else nil.
    private static func decodeDirectly<T>(_ type: T.Type, from data: SQLiteData) -> T? {
        switch (data, type) {
        case (.integer(let value), is Int64.Type): Int64(value) as? T
        case (.integer(let value), is Int.Type): value as? T
        case (.text(let value), is String.Type): value as? T
        case (.float(let value), is Double.Type): value as? T
        default: nil
        }
    }
}
