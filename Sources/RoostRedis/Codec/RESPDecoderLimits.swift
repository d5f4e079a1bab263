/// Bounds that keep a hostile or broken server from exhausting memory or stack.
///
/// A reply breaking any limit fails with ``RedisProtocolError`` of kind
/// ``RedisProtocolError/Kind/tooLarge`` before the bytes it announces are buffered.
///
/// ```swift
/// var limits = RESPDecoderLimits()
/// limits.maxBulkLength = 16 << 20  // 16 MiB strings at most
/// ```
public struct RESPDecoderLimits: Hashable, Sendable {
    /// The deepest nesting of aggregates (arrays, maps, sets, pushes, attributes). Default 32.
    public var maxDepth: Int
    /// The longest bulk string, bulk error or verbatim string, in bytes. Default 512 MiB,
    /// the largest value a Redis server accepts.
    public var maxBulkLength: Int
    /// The most elements of one aggregate (entries, for a map). Default 16,777,216.
    public var maxAggregateCount: Int
    /// The longest line: a simple string, simple error, number or header. Default 1 MiB.
    public var maxLineLength: Int

    /// Creates limits; every parameter has a default suited to a trusted Redis server.
    public init(
        maxDepth: Int = 32,
        maxBulkLength: Int = 512 << 20,
        maxAggregateCount: Int = 1 << 24,
        maxLineLength: Int = 1 << 20
    ) {
        self.maxDepth = maxDepth
        self.maxBulkLength = maxBulkLength
        self.maxAggregateCount = maxAggregateCount
        self.maxLineLength = maxLineLength
    }
}
