// roost-bus-consumer: one consumer process of the multi-process durable event bus test.
//
//   roost-bus-consumer REDIS_URL NAMESPACE GROUP REDELIVER_MS MAX_DELIVERIES WORKERS HOLD_AFTER
//       Runs WORKERS durable subscriptions at once to `test.numbered` events ({"number": N})
//       in group GROUP of the RedisEventBus in NAMESPACE. Prints "started <pid>", then one
//       line per delivery: "handled N", or "poison N" for N % 1000 == 999, whose handler
//       throws (the subscription then starts again, leaving the event for redelivery).
//       Once the process has handled HOLD_AFTER events (0: never), each subscription stops
//       at the next event it is handed: it prints "holding N" and sleeps with the event
//       delivered and unacknowledged, until the process is killed.
import Foundation
import RoostCoordination
import RoostRedis
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

struct Numbered: Event {
    static let eventType = "test.numbered"
    let number: Int
}

struct Poison: Error {}

func say(_ line: String) {
    // One write per line: lines from concurrent subscriptions never interleave.
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// The process's subscriptions and what they have handled.
final class Consumer: Sendable {
    let bus: RedisEventBus
    let mode: SubscriptionMode
    let holdAfter: Int
    let handled = Atomic(0)

    init(bus: RedisEventBus, mode: SubscriptionMode, holdAfter: Int) {
        self.bus = bus
        self.mode = mode
        self.holdAfter = holdAfter
    }

    /// Handles events until the process ends; a poison event ends one subscription, and
    /// the next one starts at once.
    func work() async throws {
        while true {
            do {
                try await bus.listen(to: Numbered.self, mode: mode) { event in try await handle(event) }
            } catch is Poison {
                continue
            }
        }
    }

    private func handle(_ event: Numbered) async throws {
        if holdAfter > 0, handled.load(ordering: .relaxed) >= holdAfter {
            say("holding \(event.number)")
            while true { try await Task.sleep(for: .seconds(3_600)) }
        }
        if event.number % 1_000 == 999 {
            say("poison \(event.number)")
            throw Poison()
        }
        say("handled \(event.number)")
        handled.add(1, ordering: .relaxed)
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 8, let redeliverMilliseconds = Int(arguments[4]), let maxDeliveries = Int(arguments[5]),
    let workers = Int(arguments[6]), let holdAfter = Int(arguments[7])
else {
    FileHandle.standardError.write(
        Data("usage: roost-bus-consumer URL NAMESPACE GROUP REDELIVER_MS MAX_DELIVERIES WORKERS HOLD_AFTER\n".utf8))
    exit(2)
}
var configuration = RedisEventBus.Configuration(connection: try RedisConnectionConfiguration(url: arguments[1]))
configuration.namespace = arguments[2]
configuration.pollInterval = .milliseconds(100)
let mode = SubscriptionMode.durable(
    group: arguments[3], redeliverAfter: .milliseconds(redeliverMilliseconds), maxDeliveries: maxDeliveries)
let consumer = Consumer(bus: RedisEventBus(configuration: configuration), mode: mode, holdAfter: holdAfter)

say("started \(getpid())")
try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await consumer.bus.run() }
    for _ in 0..<workers { group.addTask { try await consumer.work() } }
    try await group.waitForAll()
}
