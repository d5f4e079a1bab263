import RoostCoordination
import RoostTestSupport
import Testing

extension EventBusContract {
    /// Checks of durable (consumer group) delivery.
    public static let durableCases: [ContractCase<EventBusContractEnvironment>] = [
        ContractCase("durable: each group gets every event, each event goes to one member") { env in
            let bus = try await env.makeBus()
            let group = "workers-\(UInt64.random(in: 0 ... .max))"
            let (first, second, audit) = try await bus.subscribe(to: ContractPing.self, mode: .durable(group: group)) { one in
                try await bus.subscribe(to: ContractPing.self, mode: .durable(group: group)) { two in
                    try await bus.subscribe(to: ContractPing.self, mode: .durable(group: group + "-audit")) { audit in
                        for number in 1...10 { try await bus.publish(ContractPing(number: number)) }
                        var (first, second, audited) = ([Int](), [Int](), [Int]())
                        var (oneEvents, twoEvents, auditEvents) = (one.makeAsyncIterator(), two.makeAsyncIterator(), audit.makeAsyncIterator())
                        for _ in 0..<5 { first.append(try #require(try await oneEvents.next()).number) }
                        for _ in 0..<5 { second.append(try #require(try await twoEvents.next()).number) }
                        for _ in 0..<10 { audited.append(try #require(try await auditEvents.next()).number) }
                        return (first, second, audited)
                    }
                }
            }
            #expect((first + second).sorted() == Array(1...10))
            #expect(audit.sorted() == Array(1...10))
        },
        ContractCase("durable: events wait for the group while nobody is subscribed") { env in
            let bus = try await env.makeBus()
            let group = "late-\(UInt64.random(in: 0 ... .max))"
            try await bus.subscribe(to: ContractPing.self, mode: .durable(group: group)) { _ in }
            try await bus.publish(ContractPing(number: 1))
            let ping = try await bus.subscribe(to: ContractPing.self, mode: .durable(group: group)) { pings in
                try await pings.first(timeout: .seconds(10))
            }
            #expect(ping.number == 1)
        },
        ContractCase("durable: an event left by a throwing scope is redelivered, then dead-lettered") { env in
            struct HandlerFailed: Error {}
            let bus = try await env.makeBus()
            let group = "retry-\(UInt64.random(in: 0 ... .max))"
            let mode = SubscriptionMode.durable(group: group, redeliverAfter: .seconds(1), maxDeliveries: 2)
            try await bus.subscribe(to: ContractPing.self, mode: mode) { _ in }
            try await bus.publish(ContractPing(number: 1))
            for attempt in 1...2 {
                await #expect(throws: HandlerFailed.self, "attempt \(attempt)") {
                    try await env.time.driving(step: .milliseconds(100)) {
                        try await bus.subscribe(to: ContractPing.self, mode: mode) { pings in
                            let ping = try await pings.first(timeout: .seconds(10))
                            #expect(ping.number == 1)
                            throw HandlerFailed()
                        }
                    }
                }
            }
            // Past the second delivery's deadline the group gives up on the event.
            try await env.time.advance(.seconds(2))
            try await bus.publish(ContractPing(number: 2))
            let next = try await env.time.driving(step: .milliseconds(100)) {
                try await bus.subscribe(to: ContractPing.self, mode: mode) { pings in
                    try await pings.first(timeout: .seconds(10))
                }
            }
            #expect(next.number == 2)
            let dead = try await bus.deadLetters(of: ContractPing.self, group: group)
            #expect(try dead.map { try $0.decode(as: ContractPing.self).number } == [1])
        },
        ContractCase("durable: an event handled by a scope that returns is not redelivered") { env in
            let bus = try await env.makeBus()
            let group = "ack-\(UInt64.random(in: 0 ... .max))"
            let mode = SubscriptionMode.durable(group: group, redeliverAfter: .seconds(1), maxDeliveries: 3)
            try await bus.subscribe(to: ContractPing.self, mode: mode) { _ in }
            try await bus.publish(ContractPing(number: 1))
            let first = try await bus.subscribe(to: ContractPing.self, mode: mode) { pings in
                try await pings.first(timeout: .seconds(10))
            }
            #expect(first.number == 1)
            try await env.time.advance(.seconds(2))
            try await bus.publish(ContractPing(number: 2))
            let second = try await bus.subscribe(to: ContractPing.self, mode: mode) { pings in
                try await pings.first(timeout: .seconds(10))
            }
            #expect(second.number == 2)
            #expect(try await bus.deadLetters(of: ContractPing.self, group: group).isEmpty)
        },
    ]
}
