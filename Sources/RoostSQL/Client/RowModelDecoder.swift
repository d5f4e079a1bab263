import SQLKit

/// Decodes a row into a `Decodable` model the way SQLKit's default `SQLRowDecoder` does
/// (each coded key names a column, read with the row's `decode(column:as:)`), for the
/// common case only: a flat model read through a keyed container, without SQLKit's
/// per-key column-name building and per-row generic containers.
///
/// Anything else — a single-value or unkeyed model, nested containers, super decoders —
/// and every failure are handed to `SQLRowDecoder`, which then produces the value or the
/// error exactly as before: decoding has no side effects, so trying twice is safe.
enum RowModelDecoder {
    /// `row` decoded as `Model`.
    static func decode<Model: Decodable>(_ row: any SQLRow, as type: Model.Type) throws -> Model {
        do {
            return try Model(from: FlatDecoder(row: row))
        } catch {
            return try row.decode(model: type)
        }
    }
}

/// Thrown when a model needs more than a flat keyed container.
private struct NeedsSQLRowDecoder: Error {}

private struct FlatDecoder: Decoder {
    let row: any SQLRow
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(FlatContainer<Key>(row: row))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw NeedsSQLRowDecoder() }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { throw NeedsSQLRowDecoder() }
}

private struct FlatContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let row: any SQLRow
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { row.allColumns.compactMap(Key.init(stringValue:)) }

    func contains(_ key: Key) -> Bool { row.contains(column: key.stringValue) }

    func decodeNil(forKey key: Key) throws -> Bool { try row.decodeNil(column: key.stringValue) }

    // A missing column makes every engine's row throw, and SQLRowDecoder then reports it.
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try row.decode(column: key.stringValue, as: type)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        throw NeedsSQLRowDecoder()
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { throw NeedsSQLRowDecoder() }
    func superDecoder() throws -> any Decoder { throw NeedsSQLRowDecoder() }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw NeedsSQLRowDecoder() }
}
