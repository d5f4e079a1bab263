import RoostTestSupport
import Synchronization
import Testing

/// One named check of a contract, run against an environment that provides the
/// implementation under test.
///
/// Each protocol has a contract (``LockContract``, ``ConcurrencyLimiterContract``,
/// ``EventBusContract``, ``CacheContract``, ``CounterContract``,
/// ``RateLimiterContract``) whose `cases` every implementation must pass. An in-memory
/// implementation runs them on a ``ManualClock`` with ``ContractTime/manual(_:)``; a
/// server-backed one runs them on ``ContractTime/real`` and returns a client connected
/// to the test server from the environment's factory (a new client per call models
/// separate processes). Keys are prefixed per run, so a shared server is fine.
///
/// Pass a contract's `cases` to a parameterised test:
///
/// ```swift
/// @Test(arguments: LockContract.cases)
/// func lockContract(_ check: ContractCase<LockContractEnvironment>) async throws {
///     let clock = ManualClock()
///     let lock = InMemoryLock(clock: clock)
///     try await check.run(LockContractEnvironment(time: .manual(clock)) { lock })
/// }
/// ```
public struct ContractCase<Environment: Sendable>: Sendable, CustomTestStringConvertible {
    /// What the check proves.
    public let name: String
    /// Whether the check sleeps and then expects expiry within a second: exact on a manual
    /// clock, but a loaded machine can oversleep by more. Real-time environments run
    /// deterministic server-side checks of the same behaviour instead.
    public let needsPreciseTime: Bool
    private let body: @Sendable (Environment) async throws -> Void

    /// Creates a check.
    public init(
        _ name: String, needsPreciseTime: Bool = false, _ body: @escaping @Sendable (Environment) async throws -> Void
    ) {
        self.name = name
        self.needsPreciseTime = needsPreciseTime
        self.body = body
    }

    /// Runs the check against `environment`.
    /// A check stuck for two minutes fails with the check's name instead of hanging the run.
    public func run(_ environment: Environment) async throws {
        let body = body
        try await withDeadline("the contract check '\(name)'") { try await body(environment) }
    }

    /// The name, as shown in test results.
    public var testDescription: String { name }
}

/// A prefix that keeps the keys of one test run apart from every other run's.
public func uniqueKeyPrefix() -> String {
    "contract:\(UInt64.random(in: 0 ... .max))"
}

/// A value shared between the tasks of a check, behind a lock. Unlike `Atomic` and
/// `Mutex` it is a class, so escaping and sending closures can capture it.
public final class Shared<Value: Sendable>: Sendable {
    private let state: Mutex<Value>

    /// Creates a box holding `value`.
    public init(_ value: Value) { state = Mutex(value) }

    /// The current value.
    public var value: Value { state.withLock { $0 } }

    /// Replaces the value.
    public func set(_ value: Value) { state.withLock { $0 = value } }

    /// Changes the value in place and returns what `body` returns.
    @discardableResult
    public func update<Result: Sendable>(_ body: (inout Value) -> Result) -> Result { state.withLock { body(&$0) } }
}
