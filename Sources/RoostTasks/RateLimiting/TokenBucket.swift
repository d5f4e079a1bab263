import Synchronization

/// A local token bucket: it holds up to `capacity` tokens, gains `refillPerSecond` tokens
/// per second on the injected clock, and each call takes tokens or waits for them.
///
/// Use it to smooth a request rate inside one process (for a limit shared between
/// processes, use a distributed rate limiter). A bucket starts full, so bursts of up to
/// `capacity` go through at once.
///
/// ```swift
/// let bucket = TokenBucket(capacity: 10, refillPerSecond: 5)
/// if bucket.tryTake() { try await send(message) }   // or drop it
/// try await bucket.take()                            // or wait for a token
/// ```
public final class TokenBucket<C: Clock>: Sendable where C.Duration == Duration {
    private struct State {
        var tokens: Double
        var updated: C.Instant
    }

    /// The most tokens the bucket holds.
    public let capacity: Double
    /// Tokens added per second.
    public let refillPerSecond: Double
    private let clock: C
    private let state: Mutex<State>

    /// Creates a full bucket.
    ///
    /// - Parameters:
    ///   - capacity: The most tokens held (the largest burst); greater than 0.
    ///   - refillPerSecond: Tokens added per second; greater than 0.
    ///   - clock: The clock that measures refills and waits.
    public init(capacity: Double, refillPerSecond: Double, clock: C) {
        precondition(capacity > 0, "capacity must be positive")
        precondition(refillPerSecond > 0, "refillPerSecond must be positive")
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
        self.clock = clock
        state = Mutex(State(tokens: capacity, updated: clock.now))
    }

    /// The tokens available now.
    public var availableTokens: Double {
        state.withLock { state in
            refill(&state)
            return state.tokens
        }
    }

    /// Takes `count` tokens if they are available now; returns false (taking nothing) if not.
    public func tryTake(_ count: Double = 1) -> Bool {
        state.withLock { state in
            refill(&state)
            guard state.tokens >= count else { return false }
            state.tokens -= count
            return true
        }
    }

    /// Takes `count` tokens, waiting on the clock until they have accumulated.
    ///
    /// - Throws: ``TokenBucketError`` if `count` exceeds the capacity (it could never be
    ///   served), `CancellationError` if cancelled while waiting.
    public func take(_ count: Double = 1) async throws {
        guard count <= capacity else { throw TokenBucketError(requested: count, capacity: capacity) }
        while true {
            let wait = state.withLock { state -> Duration? in
                refill(&state)
                if state.tokens >= count {
                    state.tokens -= count
                    return nil
                }
                return .seconds((count - state.tokens) / refillPerSecond)
            }
            guard let wait else { return }
            // Round up to whole nanoseconds so that the next check finds the tokens there.
            try await clock.sleep(for: max(wait, .nanoseconds(1)) + .nanoseconds(1))
        }
    }

    private func refill(_ state: inout State) {
        let now = clock.now
        let elapsed = state.updated.duration(to: now)
        guard elapsed > .zero else { return }
        state.tokens = min(capacity, state.tokens + elapsed.seconds * refillPerSecond)
        state.updated = now
    }
}

extension TokenBucket where C == ContinuousClock {
    /// Creates a full bucket that refills on the system's continuous clock.
    public convenience init(capacity: Double, refillPerSecond: Double) {
        self.init(capacity: capacity, refillPerSecond: refillPerSecond, clock: ContinuousClock())
    }
}
