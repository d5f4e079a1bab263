import Foundation
import RoostCoordination
import RoostCoordinationContracts
import RoostCore
import RoostTestSupport
import Testing

@Suite struct InMemoryEventBusContractTests {
    @Test(arguments: EventBusContract.cases + EventBusContract.shutdownCases + EventBusContract.durableCases)
    func contract(_ check: ContractCase<EventBusContractEnvironment>) async throws {
        let clock = ManualClock()
        let bus = InMemoryEventBus(clock: clock)
        try await check.run(EventBusContractEnvironment(time: .manual(clock)) { bus })
    }
}

private struct Renamed: Event {
    static let eventType = ContractPing.eventType
    var number: String
}

private struct Unencodable: Event {
    static let eventType = "unencodable"
    var value: Double
}

@Suite struct InMemoryEventBusTests {
    @Test func leavingTheScopeUnsubscribes() async throws {
        let bus = InMemoryEventBus(clock: ManualClock())
        try await bus.subscribe(to: ContractPing.self) { _ in
            #expect(bus.subscriberCount == 1)
        }
        #expect(bus.subscriberCount == 0)
        struct Failed: Error {}
        await #expect(throws: Failed.self) {
            try await bus.subscribe(to: ContractPing.self) { _ in throw Failed() }
        }
        #expect(bus.subscriberCount == 0)
        try bus.publish(ContractPing(number: 1))
    }

    @Test func aFullBufferDropsTheOldestEventAndCountsIt() async throws {
        let bus = InMemoryEventBus(bufferLimit: 3, clock: ManualClock())
        let numbers = try await bus.subscribe(to: ContractPing.self) { pings in
            for number in 1...5 { try bus.publish(ContractPing(number: number)) }
            var iterator = pings.makeAsyncIterator()
            var numbers: [Int] = []
            for _ in 0..<3 { numbers.append(try #require(try await iterator.next()).number) }
            return numbers
        }
        #expect(numbers == [3, 4, 5])
        #expect(bus.droppedCount == 2)
    }

    @Test func aPayloadOfTheWrongShapeIsATypedDecodingError() async throws {
        let bus = InMemoryEventBus(clock: ManualClock())
        let error = try await #require(throws: EventBusError.self) {
            try await bus.subscribe(to: ContractPing.self) { pings in
                try bus.publish(Renamed(number: "one"))
                for try await _ in pings {}
            }
        }
        #expect(error.reason == .decodingFailed)
        #expect(error.code == "coordination.event_bus.decoding_failed")
        #expect(error.underlying is DecodingError)
    }

    @Test func anEventThatCannotBeEncodedIsATypedError() async throws {
        let bus = InMemoryEventBus(clock: ManualClock())
        let error = try #require(throws: EventBusError.self) { try bus.publish(Unencodable(value: .nan)) }
        #expect(error.reason == .encodingFailed)
        #expect(error.eventType == "unencodable")
        #expect(error.underlying is EncodingError)
    }

    @Test func envelopesOfAnotherTypeAreRefused() throws {
        let envelope = try EventEnvelope(ContractPong(number: 1))
        #expect(envelope.eventType == "contract.pong")
        let error = try #require(throws: EventBusError.self) { try envelope.decode(as: ContractPing.self) }
        #expect(error.reason == .decodingFailed)
        #expect(try envelope.decode(as: ContractPong.self) == ContractPong(number: 1))
    }

    @Test func firstEventTimesOutOnTheInjectedClock() async throws {
        let clock = ManualClock()
        let bus = InMemoryEventBus(clock: clock)
        async let waited = bus.firstEvent(of: ContractPing.self, timeout: .seconds(30))
        await clock.waitForSleepers(count: 1)
        #expect(clock.sleeperDeadlines == [ManualClock.Instant(offset: .seconds(30))])
        clock.advance(by: .seconds(29))
        #expect(bus.subscriberCount == 1)
        clock.advance(by: .seconds(1))
        do {
            _ = try await waited
            Issue.record("the wait did not time out")
        } catch let error as EventBusError {
            #expect(error.reason == .timeout(.seconds(30)))
        }
        #expect(bus.subscriberCount == 0)
    }

    @Test func cancellingShutdownStopsWaitingButKeepsTheBusShut() async throws {
        let bus = InMemoryEventBus(clock: ManualClock())
        let gate = Gate()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await bus.subscribe(to: ContractPing.self) { _ in await gate.wait() }
            }
            await eventually { bus.subscriberCount == 1 }
            let shutdown = Task { await bus.shutdown() }
            await eventually { bus.isShutDown }
            shutdown.cancel()
            await shutdown.value
            #expect(bus.subscriberCount == 1)
            gate.open()
            try await group.waitForAll()
        }
        #expect(bus.subscriberCount == 0)
    }
}

@Suite struct InMemoryDurableEventBusTests {
    @Test func aCancelledHandlerLeavesItsEventForRedelivery() async throws {
        let clock = ManualClock()
        let bus = InMemoryEventBus(clock: clock)
        let mode = SubscriptionMode.durable(group: "g", redeliverAfter: .seconds(5))
        try await bus.subscribe(to: ContractPing.self, mode: mode) { _ in }
        try bus.publish(ContractPing(number: 1))
        let handling = Gate()
        let consumer = Task {
            try await bus.listen(to: ContractPing.self, mode: mode) { _ in
                handling.open()
                await untilCancelled()
                try Task.checkCancellation()
            }
        }
        await handling.wait()
        consumer.cancel()
        await #expect(throws: CancellationError.self) { try await consumer.value }
        #expect(bus.pendingCount(of: ContractPing.self, group: "g") == 1)
        async let redelivered = bus.subscribe(to: ContractPing.self, mode: mode) { pings in
            var iterator = pings.makeAsyncIterator()
            return try await iterator.next()
        }
        await clock.waitForSleepers(count: 1)
        #expect(clock.sleeperDeadlines == [ManualClock.Instant(offset: .seconds(5))])
        clock.advance(by: .seconds(5))
        #expect(try await redelivered == ContractPing(number: 1))
        #expect(bus.pendingCount(of: ContractPing.self, group: "g") == 0)
    }

    @Test func shutdownEndsDurableListenersOnceTheirQueueIsEmpty() async throws {
        let bus = InMemoryEventBus(clock: ManualClock())
        let mode = SubscriptionMode.durable(group: "g")
        let handled = Shared<[Int]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await bus.listen(to: ContractPing.self, mode: mode) { ping in handled.update { $0.append(ping.number) } }
            }
            await eventually { bus.subscriberCount == 1 }
            for number in 1...3 { try bus.publish(ContractPing(number: number)) }
            await bus.shutdown()
            try await group.waitForAll()
        }
        #expect(handled.value == [1, 2, 3])
        #expect(bus.pendingCount(of: ContractPing.self, group: "g") == 0)
    }

    @Test func aFullGroupQueueDropsTheOldestEvent() async throws {
        let bus = InMemoryEventBus(bufferLimit: 2, clock: ManualClock())
        let mode = SubscriptionMode.durable(group: "g")
        let numbers = try await bus.subscribe(to: ContractPing.self, mode: mode) { pings in
            for number in 1...3 { try bus.publish(ContractPing(number: number)) }
            var iterator = pings.makeAsyncIterator()
            return [try await iterator.next()?.number, try await iterator.next()?.number]
        }
        #expect(numbers == [2, 3])
        #expect(bus.droppedCount == 1)
    }
}
