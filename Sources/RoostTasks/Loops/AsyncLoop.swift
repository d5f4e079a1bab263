/// An async sequence of iteration numbers `0, 1, 2, …` for polling loops: the first
/// iteration comes at once, each later one `interval` after the loop body asked for it,
/// and the loop ends after `maxIterations`, at `deadline`, or when the task is cancelled.
///
/// The delay is measured from the end of the previous iteration's body, so a slow body
/// never causes a burst of iterations. An iteration that could only start at or after the
/// deadline is not waited for: the loop ends at once.
///
/// ```swift
/// // Poll up to 10 times, once a second, for at most 8 seconds overall.
/// for await attempt in AsyncLoop(every: .seconds(1), maxIterations: 10, timeout: .seconds(8)) {
///     if try await job.isFinished() { break }
///     logger.debug("job still running", metadata: ["attempt": "\(attempt)"])
/// }
/// ```
public struct AsyncLoop<C: Clock>: AsyncSequence, Sendable where C.Duration == Duration {
    /// The iteration number, starting at 0.
    public typealias Element = Int

    /// The delay before each iteration after the first.
    public let interval: Duration
    /// The most iterations; nil for no limit.
    public let maxIterations: Int?
    /// The instant at which the loop ends; nil for no deadline.
    public let deadline: C.Instant?
    private let clock: C

    /// Creates a loop on `clock`.
    ///
    /// - Parameters:
    ///   - interval: The delay before each iteration after the first; not negative.
    ///   - maxIterations: The most iterations, at least 0; nil for no limit.
    ///   - deadline: No iteration starts at or after this instant; nil for no deadline.
    ///   - clock: The clock to wait on.
    public init(every interval: Duration, maxIterations: Int? = nil, until deadline: C.Instant? = nil, clock: C) {
        precondition(interval >= .zero, "interval must not be negative")
        precondition((maxIterations ?? 0) >= 0, "maxIterations must not be negative")
        self.interval = interval
        self.maxIterations = maxIterations
        self.deadline = deadline
        self.clock = clock
    }

    /// Creates an iterator; each iterator runs the loop from the start.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(loop: self)
    }

    /// Produces the iteration numbers.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private let loop: AsyncLoop
        private var index = 0
        private var finished = false

        init(loop: AsyncLoop) { self.loop = loop }

        /// The next iteration number, after the interval; nil when the loop is over.
        public mutating func next() async -> Int? {
            guard !finished else { return nil }
            if let maxIterations = loop.maxIterations, index >= maxIterations { return finish() }
            let start = index == 0 ? loop.clock.now : loop.clock.now.advanced(by: loop.interval)
            if let deadline = loop.deadline, start >= deadline { return finish() }
            if index > 0 {
                do { try await loop.clock.sleep(until: start, tolerance: nil) } catch { return finish() }
            }
            if Task.isCancelled { return finish() }
            defer { index += 1 }
            return index
        }

        private mutating func finish() -> Int? {
            finished = true
            return nil
        }
    }
}

extension AsyncLoop where C == ContinuousClock {
    /// Creates a loop on the system's continuous clock that ends `timeout` from now.
    ///
    /// - Parameters:
    ///   - interval: The delay before each iteration after the first.
    ///   - maxIterations: The most iterations; nil for no limit.
    ///   - timeout: How long from now the loop may go on; nil for no limit.
    public init(every interval: Duration, maxIterations: Int? = nil, timeout: Duration? = nil) {
        let clock = ContinuousClock()
        self.init(
            every: interval, maxIterations: maxIterations, until: timeout.map { clock.now.advanced(by: $0) },
            clock: clock)
    }
}
