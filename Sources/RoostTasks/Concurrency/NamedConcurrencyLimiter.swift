/// A ``ConcurrencyLimiter`` whose operations carry a name: a call whose name is already
/// waiting or running joins that operation instead of queueing a second one (the named
/// de-duplication of the peers' `RateLimiter`).
///
/// Joined callers take no extra slot or queue place and receive the same value or error,
/// including a ``ConcurrencyLimiterError`` rejection. Each caller may be cancelled on its
/// own; the operation is cancelled only when every caller of its name has gone (see
/// ``SingleFlight``). Once it has finished, the next call with that name starts anew.
///
/// ```swift
/// let refreshes = NamedConcurrencyLimiter<String, Feed, ContinuousClock>(
///     maxRunning: 4, maxWaiting: 100, clock: ContinuousClock())
/// // A burst of refresh requests for one feed results in one refresh.
/// let feed = try await refreshes.run(name: feedURL) { try await fetchFeed(feedURL) }
/// ```
public final class NamedConcurrencyLimiter<Name: Hashable & Sendable, Value: Sendable, C: Clock>: Sendable
where C.Duration == Duration {
    /// The limiter that bounds the distinct operations.
    public let limiter: ConcurrencyLimiter<C>
    private let flights = SingleFlight<Name, Value>()

    /// Creates a limiter; the parameters are those of ``ConcurrencyLimiter``.
    public init(maxRunning: Int, maxWaiting: Int, queueTimeout: Duration? = nil, clock: C) {
        limiter = ConcurrencyLimiter(maxRunning: maxRunning, maxWaiting: maxWaiting, queueTimeout: queueTimeout, clock: clock)
    }

    /// The number of distinct names waiting or running.
    public var activeNameCount: Int { flights.inFlightCount }

    /// The number of callers sharing the operation named `name` (0 when none).
    public func callerCount(name: Name) -> Int { flights.waiterCount(key: name) }

    /// Runs `operation` under the limiter, unless an operation named `name` is already
    /// waiting or running, in which case this call waits for that one's result.
    ///
    /// - Throws: as ``ConcurrencyLimiter/run(_:)``; every caller of the name gets the error.
    public func run(name: Name, operation: @escaping @Sendable () async throws -> Value) async throws -> Value {
        try await flights.run(key: name) { [limiter] in try await limiter.run(operation) }
    }
}

extension NamedConcurrencyLimiter where C == ContinuousClock {
    /// Creates a limiter whose queue timeout is measured on the system's continuous clock.
    public convenience init(maxRunning: Int, maxWaiting: Int, queueTimeout: Duration? = nil) {
        self.init(maxRunning: maxRunning, maxWaiting: maxWaiting, queueTimeout: queueTimeout, clock: ContinuousClock())
    }
}
