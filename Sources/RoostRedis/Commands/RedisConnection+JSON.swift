import Foundation
import NIOCore

extension RedisConnection {
    /// Stores `value` encoded as JSON at `key` (`SET`); returns `false` when `condition`
    /// prevented the write.
    ///
    /// ```swift
    /// struct Session: Codable { var user: String }
    /// try await connection.setJSON("session:1", to: Session(user: "ada"), expiration: .seconds(3600))
    /// let session = try await connection.getJSON("session:1", as: Session.self)
    /// ```
    @discardableResult
    public func setJSON<Value: Encodable>(
        _ key: String, to value: Value, expiration: RedisExpiration? = nil, condition: RedisSetCondition = .always,
        encoder: JSONEncoder = JSONEncoder()
    ) async throws -> Bool {
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            throw RedisJSONError(key: key, type: "\(Value.self)", decoding: false, underlying: error)
        }
        return try await set(key, to: .bytes(ByteBuffer(bytes: data)), expiration: expiration, condition: condition)
    }

    /// Reads the JSON at `key` (`GET`) and decodes it; `nil` when the key does not exist.
    /// Throws ``RedisJSONError`` when the value is not JSON of that type.
    public func getJSON<Value: Decodable>(
        _ key: String, as type: Value.Type = Value.self, decoder: JSONDecoder = JSONDecoder()
    ) async throws -> Value? {
        guard let bytes = try await get(key) else { return nil }
        do {
            return try decoder.decode(Value.self, from: Data(bytes.readableBytesView))
        } catch {
            throw RedisJSONError(key: key, type: "\(Value.self)", decoding: true, underlying: error)
        }
    }
}
