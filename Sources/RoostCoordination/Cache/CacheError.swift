import RoostCore

/// Why a ``Cache`` operation failed.
public struct CacheError: RoostError {
    /// The kinds of failure.
    public enum Reason: Sendable, Hashable {
        /// The value could not be encoded as JSON.
        case encodingFailed
        /// The stored value could not be decoded as the requested type.
        case decodingFailed
        /// The computation of a missing value failed; every caller waiting for it gets
        /// this error with the computation's error as the cause.
        case computeFailed
        /// Another caller was computing the value and did not finish within the wait timeout.
        case waitTimeout(Duration)
        /// The time to live was zero or negative.
        case invalidTTL(Duration)
        /// The wait timeout was negative.
        case invalidTimeout(Duration)
    }

    /// The entry's key, including its namespace.
    public let key: String
    /// What went wrong.
    public let reason: Reason
    /// The encoder's, decoder's or computation's error, if any.
    public let underlying: (any Error)?

    /// Creates the error.
    public init(key: String, reason: Reason, underlying: (any Error)? = nil) {
        self.key = key
        self.reason = reason
        self.underlying = underlying
    }

    /// `coordination.cache.<reason>`: `encoding_failed`, `decoding_failed`,
    /// `compute_failed`, `wait_timeout`, `invalid_ttl` or `invalid_timeout`.
    public var code: ErrorCode {
        switch reason {
        case .encodingFailed: "coordination.cache.encoding_failed"
        case .decodingFailed: "coordination.cache.decoding_failed"
        case .computeFailed: "coordination.cache.compute_failed"
        case .waitTimeout: "coordination.cache.wait_timeout"
        case .invalidTTL: "coordination.cache.invalid_ttl"
        case .invalidTimeout: "coordination.cache.invalid_timeout"
        }
    }

    /// What happened and what to do.
    public var message: String {
        switch reason {
        case .encodingFailed:
            "Cache value for '\(key)' could not be encoded as JSON; check its Encodable conformance (see the cause)."
        case .decodingFailed:
            "Cache entry '\(key)' does not decode as the requested type; read it with the type it was written with, or delete it."
        case .computeFailed:
            "Computing the value for cache entry '\(key)' failed (see the cause); nothing was cached, so the next call computes again."
        case .waitTimeout(let timeout):
            "Another caller has been computing cache entry '\(key)' for more than \(timeout); raise the wait timeout or make the computation faster."
        case .invalidTTL(let ttl):
            "Cache entry '\(key)' was given a time to live of \(ttl); pass a positive duration, or nil for no expiry."
        case .invalidTimeout(let timeout):
            "Cache entry '\(key)' was given a wait timeout of \(timeout); pass zero or a positive duration."
        }
    }
}
