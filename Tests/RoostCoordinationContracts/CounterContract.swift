import RoostCoordination
import RoostTasks
import Testing

/// What a ``CounterContract`` check needs: counter clients of the implementation under
/// test (all on the same backend) and control over time.
public struct CounterContractEnvironment: Sendable {
    /// Returns a client of the backend; every call may return the same instance.
    public let makeCounter: @Sendable () async throws -> any Counter
    /// How the check moves time.
    public let time: ContractTime
    /// Prefixes every key, so runs against a shared server do not collide.
    public let keyPrefix: String

    /// Creates an environment.
    public init(
        time: ContractTime, keyPrefix: String = uniqueKeyPrefix(),
        makeCounter: @escaping @Sendable () async throws -> any Counter
    ) {
        self.makeCounter = makeCounter
        self.time = time
        self.keyPrefix = keyPrefix
    }

    /// A key unique to this run.
    public func key(_ name: String) -> String { "\(keyPrefix):\(name)" }
}

/// The behaviour every ``Counter`` implementation must show.
public enum CounterContract {
    /// Every check of the contract.
    public static let cases: [ContractCase<CounterContractEnvironment>] = [
        ContractCase("increments, decrements and resets are seen by every client") { env in
            let (one, two) = (try await env.makeCounter(), try await env.makeCounter())
            let key = env.key("shared")
            #expect(try await two.value(key) == 0)
            #expect(try await one.increment(key, by: 5) == 5)
            #expect(try await two.decrement(key, by: 2) == 3)
            #expect(try await one.value(key) == 3)
            try await two.reset(key)
            #expect(try await one.value(key) == 0)
            #expect(try await one.decrement(key) == -1)
            try await one.reset(key)
        },
        ContractCase("a ttl starts when the counter is created and later changes keep it", needsPreciseTime: true) { env in
            let counter = try await env.makeCounter()
            let key = env.key("period")
            // A full second of slack at each check keeps real-time runs on a busy machine exact.
            #expect(try await counter.increment(key, by: 1, ttl: .seconds(4)) == 1)
            try await env.time.advance(.milliseconds(3_000))
            #expect(try await counter.increment(key, by: 1, ttl: .seconds(4)) == 2)
            try await env.time.advance(.milliseconds(2_000))
            #expect(try await counter.value(key) == 0)
            #expect(try await counter.increment(key, by: 1, ttl: .seconds(4)) == 1)
            let forever = env.key("forever")
            _ = try await counter.increment(forever, by: 7, ttl: nil)
            try await env.time.advance(.seconds(3))
            #expect(try await counter.value(forever) == 7)
            try await counter.reset(forever)
        },
        ContractCase("an increment inside a transaction is taken back on rollback and kept on commit") { env in
            struct WorkFailed: Error {}
            let counter = try await env.makeCounter()
            let key = env.key("quota")
            await #expect(throws: WorkFailed.self) {
                try await withTransaction { transaction in
                    #expect(try await counter.increment(key, by: 3, ttl: nil, in: transaction) == 3)
                    throw WorkFailed()
                }
            }
            #expect(try await counter.value(key) == 0)
            try await withTransaction { transaction in
                try await counter.increment(key, by: 2, ttl: nil, in: transaction)
                try await transaction.commit()
            }
            #expect(try await counter.value(key) == 2)
        },
        ContractCase("overflow and bad ttls are typed errors that change nothing") { env in
            let counter = try await env.makeCounter()
            let key = env.key("big")
            _ = try await counter.increment(key, by: .max, ttl: nil)
            await #expect(throws: CounterError(key: key, reason: .overflow)) {
                try await counter.increment(key, by: 1, ttl: nil)
            }
            #expect(try await counter.value(key) == .max)
            for ttl in [Duration.zero, .seconds(-1)] {
                await #expect(throws: CounterError(key: env.key("ttl"), reason: .invalidTTL(ttl))) {
                    try await counter.increment(env.key("ttl"), by: 1, ttl: ttl)
                }
            }
            #expect(try await counter.value(env.key("ttl")) == 0)
            try await counter.reset(key)
        },
        ContractCase("concurrent increments are exact") { env in
            let counter = try await env.makeCounter()
            let key = env.key("concurrent")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    group.addTask { for _ in 0..<25 { try await counter.increment(key) } }
                }
                try await group.waitForAll()
            }
            #expect(try await counter.value(key) == 500)
            try await counter.reset(key)
        },
    ]
}
