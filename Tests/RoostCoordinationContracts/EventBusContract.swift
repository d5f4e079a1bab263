import Foundation
import RoostCoordination
import Synchronization
import Testing

/// What an ``EventBusContract`` check needs: bus clients of the implementation under
/// test (all on the same backend) and control over time.
public struct EventBusContractEnvironment: Sendable {
    /// Returns a client of the backend; every call may return the same instance.
    public let makeBus: @Sendable () async throws -> any EventBus
    /// How the check moves time.
    public let time: ContractTime

    /// Creates an environment.
    public init(time: ContractTime, makeBus: @escaping @Sendable () async throws -> any EventBus) {
        self.makeBus = makeBus
        self.time = time
    }
}

/// An event type used by the contract.
public struct ContractPing: Event, Equatable {
    /// The routing name.
    public static let eventType = "contract.ping"
    /// A sequence number.
    public var number: Int
    /// Free text, to exercise encoding.
    public var note: String
    /// A nested optional value, to exercise encoding.
    public var tags: [String: Double]?

    /// Creates a ping.
    public init(number: Int, note: String = "", tags: [String: Double]? = nil) {
        self.number = number
        self.note = note
        self.tags = tags
    }
}

/// A second event type used by the contract.
public struct ContractPong: Event, Equatable {
    /// The routing name.
    public static let eventType = "contract.pong"
    /// A sequence number.
    public var number: Int

    /// Creates a pong.
    public init(number: Int) { self.number = number }
}

/// The behaviour every ``EventBus`` implementation must show in broadcast mode.
public enum EventBusContract {
    /// Every check of the contract.
    public static let cases: [ContractCase<EventBusContractEnvironment>] = [
        ContractCase("every subscriber receives every event of its type, in order") { env in
            let (publisher, subscriber) = (try await env.makeBus(), try await env.makeBus())
            let pings = (1...50).map { ContractPing(number: $0, note: "ping \($0) ✓", tags: $0 % 2 == 0 ? ["x": 0.5] : nil) }
            let (first, second) = try await subscriber.subscribe(to: ContractPing.self) { one in
                try await subscriber.subscribe(to: ContractPing.self) { two in
                    try await publisher.publish(ContractPong(number: 0))
                    for ping in pings { try await publisher.publish(ping) }
                    var first: [ContractPing] = []
                    var second: [ContractPing] = []
                    for try await ping in one {
                        first.append(ping)
                        if first.count == pings.count { break }
                    }
                    for try await ping in two {
                        second.append(ping)
                        if second.count == pings.count { break }
                    }
                    return (first, second)
                }
            }
            #expect(first == pings)
            #expect(second == pings)
        },
        ContractCase("subscribers see only their event type") { env in
            let bus = try await env.makeBus()
            let received = try await bus.subscribe(to: ContractPong.self) { pongs in
                try await bus.publish(ContractPing(number: 1))
                try await bus.publish(ContractPong(number: 2))
                var iterator = pongs.makeAsyncIterator()
                return try await iterator.next()
            }
            #expect(received == ContractPong(number: 2))
        },
        ContractCase("events published before subscribing are not delivered") { env in
            let bus = try await env.makeBus()
            try await bus.publish(ContractPing(number: 1))
            let received = try await bus.subscribe(to: ContractPing.self) { pings in
                try await bus.publish(ContractPing(number: 2))
                return try await pings.first(timeout: .seconds(5))
            }
            #expect(received.number == 2)
        },
        ContractCase("first(timeout:where:) returns the first match") { env in
            let bus = try await env.makeBus()
            let match = try await bus.subscribe(to: ContractPing.self) { pings in
                for number in 1...5 { try await bus.publish(ContractPing(number: number)) }
                return try await pings.first(timeout: .seconds(5)) { $0.number > 3 }
            }
            #expect(match.number == 4)
        },
        ContractCase("waiting for an event times out with a typed error") { env in
            let bus = try await env.makeBus()
            let error = try await #require(throws: EventBusError.self) {
                try await env.time.driving(step: .milliseconds(100)) {
                    try await bus.firstEvent(of: ContractPong.self, timeout: .seconds(1)) { $0.number == 99 }
                }
            }
            #expect(error.reason == .timeout(.seconds(1)))
            #expect(error.code == "coordination.event_bus.timeout")
            let negative = try await #require(throws: EventBusError.self) {
                try await bus.firstEvent(of: ContractPong.self, timeout: .seconds(-1))
            }
            #expect(negative.reason == .invalidTimeout(.seconds(-1)))
        },
        ContractCase("firstEvent sees an event published while it waits") { env in
            let (waiter, publisher) = (try await env.makeBus(), try await env.makeBus())
            let received = Shared(false)
            let pong = try await withThrowingTaskGroup(of: ContractPong?.self) { group in
                group.addTask {
                    defer { received.set(true) }
                    return try await waiter.firstEvent(of: ContractPong.self, timeout: .seconds(300)) { $0.number == 7 }
                }
                group.addTask {
                    var number = 0
                    // Publish until the waiter has its answer: its subscription may start late.
                    while !received.value {
                        number = number == 7 ? 8 : 7
                        try await publisher.publish(ContractPong(number: number))
                        try await env.time.pause()
                    }
                    return nil
                }
                var pong: ContractPong?
                while let result = try await group.next() { pong = result ?? pong }
                return pong
            }
            #expect(pong == ContractPong(number: 7))
        },
        ContractCase("a cancelled subscriber stops waiting") { env in
            let bus = try await env.makeBus()
            let task = Task {
                try await bus.subscribe(to: ContractPing.self) { pings in
                    for try await _ in pings {}
                }
            }
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
        },
    ]
}
