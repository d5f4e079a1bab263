import Foundation
import RoostCoordination
import RoostCoordinationContracts
import RoostTestSupport
import Testing

@testable import RoostRedis

/// The event `roost-bus-consumer` handles: number N is poison (its handler always throws)
/// when N % 1000 == 999.
private struct Numbered: Event {
    static let eventType = "test.numbered"
    let number: Int
}

/// At-least-once delivery of ``RedisEventBus``'s durable mode across real OS processes
/// (the `roost-bus-consumer` executable), one of them killed with SIGKILL while events it
/// was handed are still unacknowledged.
@Suite("RedisEventBus across processes", .requires(.redis), .timeLimit(.minutes(2)))
struct RedisEventBusProcessTests {
    static let events = 10_000
    static let poison = Set((0..<10).map { $0 * 1_000 + 999 })
    static let group = "workers"
    static let maxDeliveries = 3
    static let workersEach = 4

    @Test("10,000 durable events, 3 consumer processes, one SIGKILLed holding deliveries: nothing lost, poison dead-lettered")
    func killedConsumerProcessLosesNothing() async throws {
        let url = try TestServer.redis.url().absoluteString
        let namespace = "\(uniqueKeyPrefix()):events:"
        try await withTestEventBus({ $0.namespace = namespace }) { bus in
            let mode = SubscriptionMode.durable(group: Self.group, redeliverAfter: .seconds(3), maxDeliveries: Self.maxDeliveries)
            try await bus.subscribe(to: Numbered.self, mode: mode) { _ in }  // creates the group before the events
            try await withThrowingTaskGroup(of: Void.self) { group in
                for part in 0..<10 {
                    group.addTask {
                        for number in stride(from: part, to: Self.events, by: 10) {
                            try await bus.publish(Numbered(number: number))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let connection = try await connectToTestServer()
            let stream = bus.stream(Numbered.eventType)

            // Each process: 4 subscriptions, redelivery after 3 s, 3 deliveries at most. The
            // victim stops at the first event each subscription is handed after it handled 300.
            let arguments = [url, namespace, Self.group, "3000", "\(Self.maxDeliveries)", "\(Self.workersEach)"]
            try await withStressProcess(arguments + ["300"], executable: "roost-bus-consumer") { victim in
                try await withStressProcess(arguments + ["0"], executable: "roost-bus-consumer") { first in
                    try await withStressProcess(arguments + ["0"], executable: "roost-bus-consumer") { second in
                        try await pollUntil("the victim holds one event per subscription") {
                            victim.lines.value.count { $0.hasPrefix("holding ") } == Self.workersEach
                        }
                        _ = try await victim.pid()
                        victim.kill()
                        try await victim.waitUntilEnded()
                        // The events the victim held died with it delivered and unacknowledged:
                        // they are pending with its consumers (read within the 3 s before the
                        // survivors may reclaim them).
                        let held = Set(numbers(victim.lines.value, "holding"))
                        let owners = try await pendingOwners(of: held, stream: stream, on: connection)
                        #expect(Set(owners.keys) == held)

                        let wanted = Set(0..<Self.events).subtracting(Self.poison)
                        try await pollUntil("all handled or dead-lettered", within: .seconds(45), every: .milliseconds(200)) {
                            let handled = Set(numbers(first.lines.value + second.lines.value + victim.lines.value, "handled"))
                            let dead = try await bus.deadLetters(of: Numbered.self, group: Self.group)
                            return handled.isSuperset(of: wanted) && dead.count >= Self.poison.count
                        }

                        // The independent check: what the processes said they handled.
                        let survivors = first.lines.value + second.lines.value
                        let handled = numbers(survivors + victim.lines.value, "handled")
                        #expect(Set(handled) == wanted)
                        // The survivors took over (XAUTOCLAIM) what the victim held and handled it.
                        let reclaimed = Set(numbers(survivors, "handled") + numbers(survivors, "poison"))
                        #expect(held.isSubset(of: reclaimed))
                        // Each poison event was handed out until its delivery limit, then dead-lettered once.
                        let poisonSeen = numbers(survivors + victim.lines.value, "poison")
                        #expect(Set(poisonSeen) == Self.poison)
                        #expect(poisonSeen.count <= Self.poison.count * Self.maxDeliveries)
                        let dead = try await bus.deadLetters(of: Numbered.self, group: Self.group)
                        #expect(try dead.map { try $0.decode(as: Numbered.self).number }.sorted() == Self.poison.sorted())
                        // Nothing stays pending, the dead consumers' deliveries included.
                        try await pollUntil("nothing is pending") {
                            try await connection.streamPending(stream, group: Self.group).count == 0
                        }
                    }
                }
            }
            try await connection.close()
        }
    }
}

/// The numbers on the lines that start with `word`.
private func numbers(_ lines: [String], _ word: String) -> [Int] {
    lines.compactMap { line in
        let fields = line.split(separator: " ")
        guard fields.count == 2, fields[0] == word else { return nil }
        return Int(fields[1])
    }
}

/// The consumer each of `numbers` is pending with, read from the stream's pending list
/// (`XPENDING`, `XRANGE`), not from the bus.
private func pendingOwners(
    of numbers: Set<Int>, stream: String, on connection: RedisConnection
) async throws -> [Int: String] {
    var owners: [Int: String] = [:]
    for entry in try await connection.streamPending(stream, group: RedisEventBusProcessTests.group, count: 10_000) {
        guard let record = try await connection.streamRange(stream, from: entry.id, to: entry.id).first,
            let payload = record.fields["event"]
        else { continue }
        let event = try EventEnvelope(eventType: Numbered.eventType, payload: Data(payload.readableBytesView))
            .decode(as: Numbered.self)
        if numbers.contains(event.number) { owners[event.number] = entry.consumer }
    }
    return owners
}
