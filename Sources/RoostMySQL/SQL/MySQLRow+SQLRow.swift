import Foundation
import SQLKit

extension MySQLRow: SQLRow {
    /// The column names, in order.
    public var allColumns: [String] { columns.map(\.name) }

    /// Whether a column has this name.
    public func contains(column: String) -> Bool {
        columns.contains { $0.name == column }
    }

    /// Whether the named column is NULL; throws when no column has that name.
    public func decodeNil(column: String) throws -> Bool {
        try self[column].isNull
    }

    /// Decodes the named column into any `Decodable` type: ``MySQLDecodable`` types
    /// directly, single-value wrappers (such as `RawRepresentable` enums) through their
    /// underlying scalar, and structs, arrays and dictionaries from JSON text.
    ///
    /// ```swift
    /// let user = try row.decode(model: User.self)   // through SQLKit, by column name
    /// ```
    public func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        try MySQLValueDecoder.decode(D.self, from: self[column])
    }
}

extension MySQLRow {
    /// Decodes the whole row into a `Decodable` model whose property names match the
    /// column names (nested structs and arrays come from JSON columns).
    ///
    /// ```swift
    /// struct User: Decodable { var id: UInt64; var name: String; var email: String? }
    /// let users = try result.rows.map { try $0.decode(User.self) }
    /// ```
    public func decode<D: Decodable>(_ type: D.Type = D.self) throws -> D {
        try SQLRowDecoder().decode(D.self, from: self)
    }
}

/// Decodes one column value into a `Decodable` type.
enum MySQLValueDecoder {
    static func decode<D: Decodable>(_ type: D.Type, from value: MySQLValue) throws -> D {
        // The commonest column types skip the protocol lookup below, a search of the
        // runtime's conformance table on every call; the bit casts are between equal types.
        if D.self == Int64.self { return unsafeBitCast(try Int64(mysqlValue: value), to: D.self) }
        if D.self == Int.self { return unsafeBitCast(try Int(mysqlValue: value), to: D.self) }
        if D.self == String.self { return unsafeBitCast(try String(mysqlValue: value), to: D.self) }
        if let decodable = D.self as? any MySQLDecodable.Type {
            // The cast back cannot fail: `decodable` is `D.self`.
            return try decodable.init(mysqlValue: value) as! D
        }
        do {
            return try D(from: SingleValueDecoder(value: value))
        } catch is NeedsJSON {
            let text = try value.requireText(for: D.self)
            do {
                return try JSONDecoder().decode(D.self, from: Data(text.utf8))
            } catch {
                throw MySQLDecodingError(value: value, type: D.self, reason: "not JSON for this type (\(error))")
            }
        }
    }
}

/// Thrown when a type asks for a keyed or unkeyed container: the value is read as JSON.
private struct NeedsJSON: Error {}

/// A decoder over one value: scalars through ``MySQLDecodable``, containers from JSON.
private struct SingleValueDecoder: Decoder, SingleValueDecodingContainer {
    let value: MySQLValue
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> { throw NeedsJSON() }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw NeedsJSON() }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { value.isNull }
    func decode(_ type: Bool.Type) throws -> Bool { try value.decode(type) }
    func decode(_ type: String.Type) throws -> String { try value.decode(type) }
    func decode(_ type: Double.Type) throws -> Double { try value.decode(type) }
    func decode(_ type: Float.Type) throws -> Float { try value.decode(type) }
    func decode(_ type: Int.Type) throws -> Int { try value.decode(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try value.decode(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try value.decode(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try value.decode(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try value.decode(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try value.decode(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try value.decode(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try value.decode(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try value.decode(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try value.decode(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try MySQLValueDecoder.decode(type, from: value) }
}
