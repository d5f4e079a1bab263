import RoostCore

/// A ``TokenBucket`` was asked for more tokens than it can ever hold.
public struct TokenBucketError: RoostError, Equatable {
    /// The tokens asked for.
    public let requested: Double
    /// The bucket's capacity.
    public let capacity: Double

    /// Creates the error.
    public init(requested: Double, capacity: Double) {
        self.requested = requested
        self.capacity = capacity
    }

    /// `tasks.token_bucket.over_capacity`.
    public var code: ErrorCode { "tasks.token_bucket.over_capacity" }

    /// What happened and what to do.
    public var message: String {
        "Asked for \(requested) tokens from a bucket that holds at most \(capacity); take fewer tokens at a time or raise the capacity."
    }
}
