import Foundation

/// Turns an `Encodable` SQLKit bind into a ``MySQLParameter``.
///
/// ``MySQLEncodable`` values map directly. Other types are encoded: a single value
/// (a `RawRepresentable` enum, a wrapper around a scalar) becomes that scalar; a keyed or
/// unkeyed value (a struct, an array, a dictionary) becomes JSON text, for `JSON` columns.
enum MySQLBindEncoder {
    static func parameter(for value: any Encodable) throws -> MySQLParameter {
        // The commonest bind types skip the protocol lookup, a search of the runtime's
        // conformance table on every call.
        switch value {
        case let value as Int64: return value.mysqlParameter
        case let value as Int: return value.mysqlParameter
        case let value as String: return value.mysqlParameter
        case let value as any MySQLEncodable: return value.mysqlParameter
        default: break
        }
        let encoder = SingleValueCapture()
        do {
            try value.encode(to: encoder)
        } catch is NotASingleValue {}
        if encoder.isComposite {
            let json = try JSONEncoder().encode(AnyEncodable(value))
            return .string(String(decoding: json, as: UTF8.self))
        }
        return encoder.parameter ?? .null
    }
}

/// Thrown inside the capture when a value asks for a keyed or unkeyed container.
private struct NotASingleValue: Error {}

private struct AnyEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

/// An encoder that records the one scalar a value encodes itself as.
private final class SingleValueCapture: Encoder, SingleValueEncodingContainer {
    var parameter: MySQLParameter?
    /// Whether the value asked for a keyed or unkeyed container.
    var isComposite = false
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        isComposite = true
        return KeyedEncodingContainer(FailingKeyedContainer<Key>())
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        isComposite = true
        return FailingUnkeyedContainer()
    }
    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    func encodeNil() throws { parameter = .null }
    func encode(_ value: Bool) throws { parameter = value.mysqlParameter }
    func encode(_ value: String) throws { parameter = value.mysqlParameter }
    func encode(_ value: Double) throws { parameter = value.mysqlParameter }
    func encode(_ value: Float) throws { parameter = value.mysqlParameter }
    func encode(_ value: Int) throws { parameter = value.mysqlParameter }
    func encode(_ value: Int8) throws { parameter = value.mysqlParameter }
    func encode(_ value: Int16) throws { parameter = value.mysqlParameter }
    func encode(_ value: Int32) throws { parameter = value.mysqlParameter }
    func encode(_ value: Int64) throws { parameter = value.mysqlParameter }
    func encode(_ value: UInt) throws { parameter = value.mysqlParameter }
    func encode(_ value: UInt8) throws { parameter = value.mysqlParameter }
    func encode(_ value: UInt16) throws { parameter = value.mysqlParameter }
    func encode(_ value: UInt32) throws { parameter = value.mysqlParameter }
    func encode(_ value: UInt64) throws { parameter = value.mysqlParameter }
    func encode<T: Encodable>(_ value: T) throws { parameter = try MySQLBindEncoder.parameter(for: value) }
}

/// Keyed encoding means the value is not a scalar: it is sent as JSON instead.
private struct FailingKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    var codingPath: [any CodingKey] { [] }
    mutating func encodeNil(forKey key: Key) throws { throw NotASingleValue() }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { throw NotASingleValue() }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(FailingKeyedContainer<NestedKey>())
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { FailingUnkeyedContainer() }
    mutating func superEncoder() -> any Encoder { SingleValueCapture() }
    mutating func superEncoder(forKey key: Key) -> any Encoder { SingleValueCapture() }
}

/// Unkeyed encoding means the value is not a scalar: it is sent as JSON instead.
private struct FailingUnkeyedContainer: UnkeyedEncodingContainer {
    var codingPath: [any CodingKey] { [] }
    var count: Int { 0 }
    mutating func encodeNil() throws { throw NotASingleValue() }
    mutating func encode<T: Encodable>(_ value: T) throws { throw NotASingleValue() }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(FailingKeyedContainer<NestedKey>())
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { FailingUnkeyedContainer() }
    mutating func superEncoder() -> any Encoder { SingleValueCapture() }
}
