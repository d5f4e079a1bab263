import RoostCoordination
import RoostTestSupport
import Synchronization
import Testing

extension EventBusContract {
    /// Checks of graceful shutdown; each shuts its bus down.
    public static let shutdownCases: [ContractCase<EventBusContractEnvironment>] = [
        ContractCase("shutdown lets the handler in flight and delivered events finish") { env in
            let bus = try await env.makeBus()
            let gate = Gate()
            let handled = Shared<[Int]>([])
            let blocked = Shared(0)
            let shutDown = Shared(false)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await bus.listen(to: ContractPing.self) { ping in
                        let first = blocked.update { (value: inout Int) -> Bool in
                            guard value == 0 else { return false }
                            value = ping.number
                            return true
                        }
                        if first {
                            await gate.wait()
                        }
                        handled.update { $0.append(ping.number) }
                    }
                }
                // The listener's subscription may start late: publish until it handles one.
                var number = 0
                while blocked.value == 0 {
                    number += 1
                    try await bus.publish(ContractPing(number: number))
                    try await env.time.pause()
                }
                let first = blocked.value
                try await bus.publish(ContractPing(number: 1_001))
                try await bus.publish(ContractPing(number: 1_002))
                group.addTask {
                    await bus.shutdown()
                    shutDown.set(true)
                }
                try await env.time.until("publishing is refused") {
                    do {
                        // A type nobody listens to, so that probing delivers nothing.
                        try await bus.publish(ContractPong(number: 2_000))
                        return false
                    } catch let error as EventBusError {
                        return error.reason == .shutDown
                    }
                }
                for _ in 0..<100 { try await env.time.pause() }
                let shutDownValue = shutDown.value
                #expect(shutDownValue == false)
                gate.open()
                try await group.waitForAll()
                let numbers = handled.value
                #expect(numbers.first == first)
                #expect(Array(numbers.suffix(2)) == [1_001, 1_002])
            }
            let shutDownValue = shutDown.value
            #expect(shutDownValue)
            let error = try await #require(throws: EventBusError.self) {
                try await bus.subscribe(to: ContractPing.self) { _ in }
            }
            #expect(error.reason == .shutDown)
            #expect(error.code == "coordination.event_bus.shut_down")
        },
        ContractCase("shutdown with no subscribers returns at once and refuses publishing") { env in
            let bus = try await env.makeBus()
            await bus.shutdown()
            let error = try await #require(throws: EventBusError.self) {
                try await bus.publish(ContractPong(number: 1))
            }
            #expect(error.reason == .shutDown)
            await bus.shutdown()
        },
    ]
}
