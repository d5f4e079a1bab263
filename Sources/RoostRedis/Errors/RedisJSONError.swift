import RoostCore

/// A value could not be encoded to, or decoded from, JSON by
/// ``RedisConnection/setJSON(_:to:expiration:condition:encoder:)`` or
/// ``RedisConnection/getJSON(_:as:decoder:)``.
public struct RedisJSONError: RoostError {
    /// The key read or written.
    public let key: String
    /// The Swift type involved.
    public let type: String
    /// Whether decoding (reading) failed, rather than encoding.
    public let decoding: Bool
    /// The encoder's or decoder's error.
    public let underlying: (any Error)?

    /// `redis.json.decode` or `redis.json.encode`.
    public var code: ErrorCode { decoding ? "redis.json.decode" : "redis.json.encode" }

    /// What happened and what to do.
    public var message: String {
        decoding
            ? "The value at '\(key)' is not JSON for \(type); check what wrote it, or delete the key."
            : "The \(type) for '\(key)' could not be encoded as JSON; check its Encodable conformance."
    }
}
