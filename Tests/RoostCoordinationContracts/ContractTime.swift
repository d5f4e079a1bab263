import RoostTestSupport
import Testing

/// How a contract suite moves time for the implementation under test.
///
/// In-memory implementations run on a ``ManualClock`` that the suite advances by hand;
/// server-backed implementations (whose expiry the server measures) run on real time,
/// where advancing means waiting.
///
/// ```swift
/// let clock = ManualClock()
/// let time = ContractTime.manual(clock)
/// let time = ContractTime.real
/// ```
public struct ContractTime: Sendable {
    /// Moves time forward by the duration (or waits it out).
    public let advance: @Sendable (Duration) async throws -> Void
    /// Moves time forward by the duration once at least the given number of timers are
    /// waiting on the clock (a manual clock), or waits the duration out (real time). Use
    /// it to step background timers, such as lease renewal, one firing at a time.
    public let advanceWhenWaiting: @Sendable (_ timers: Int, _ duration: Duration) async throws -> Void
    /// Lets other tasks make progress once, while polling for a condition.
    public let pause: @Sendable () async throws -> Void
    /// How many pauses a poll may take before the condition counts as never met.
    public let pollLimit: Int

    /// Creates a time source from its parts.
    public init(
        advance: @escaping @Sendable (Duration) async throws -> Void,
        advanceWhenWaiting: @escaping @Sendable (_ timers: Int, _ duration: Duration) async throws -> Void,
        pause: @escaping @Sendable () async throws -> Void,
        pollLimit: Int
    ) {
        self.advance = advance
        self.advanceWhenWaiting = advanceWhenWaiting
        self.pause = pause
        self.pollLimit = pollLimit
    }

    /// Time on a manual clock: advancing moves the clock and then lets woken tasks run.
    public static func manual(_ clock: ManualClock) -> ContractTime {
        ContractTime(
            advance: { duration in
                clock.advance(by: duration)
                for _ in 0..<20 { await Task.yield() }
            },
            advanceWhenWaiting: { timers, duration in
                await clock.waitForSleepers(count: timers)
                clock.advance(by: duration)
            },
            pause: { await Task.yield() },
            pollLimit: 100_000)
    }

    /// Real time: advancing sleeps, polling sleeps a millisecond per step (up to 10 s).
    public static let real = ContractTime(
        advance: { try await Task.sleep(for: $0) },
        advanceWhenWaiting: { _, duration in try await Task.sleep(for: duration) },
        pause: { try await Task.sleep(for: .milliseconds(1)) },
        pollLimit: 10_000)

    /// Polls until `condition` holds; records an issue and throws if it never does.
    public func until(
        _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ condition: () async throws -> Bool
    ) async throws {
        for _ in 0..<pollLimit {
            if try await condition() { return }
            try await pause()
        }
        Issue.record("never happened: \(what)", sourceLocation: sourceLocation)
        throw ContractFailure(description: "never happened: \(what)")
    }

    /// Runs `operation` while advancing time in steps of `step`, so that timers inside it
    /// fire however late it starts waiting; stops advancing when it returns.
    public func driving<Value: Sendable>(
        step: Duration, _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        try await withThrowingTaskGroup(of: DrivenEvent<Value>.self) { group in
            group.addTask { .finished(try await operation()) }
            group.addTask {
                while !Task.isCancelled { try await advance(step) }
                return .stopped
            }
            defer { group.cancelAll() }
            while let event = try await group.next() {
                if case .finished(let value) = event { return value }
            }
            preconditionFailure("the operation's task always reports")
        }
    }
}

/// What a task inside ``ContractTime/driving(step:_:)`` reports.
private enum DrivenEvent<Value: Sendable>: Sendable {
    case finished(Value)
    case stopped
}

/// A contract expectation that could not be met; the recorded issue says which.
public struct ContractFailure: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
}

/// Suspends until the current task is cancelled, without real time passing.
public func untilCancelled() async {
    let (stream, continuation) = AsyncStream<Never>.makeStream()
    for await _ in stream {}
    continuation.finish()
}
