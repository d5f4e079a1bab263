import RoostTasks
import RoostTestSupport
import Testing

@Suite struct BoundedChannelTests {
    @Test func deliversInOrderAndEndsAfterFinish() async throws {
        let channel = BoundedChannel<Int>(capacity: 4)
        async let received: [Int] = {
            var items: [Int] = []
            for try await item in channel { items.append(item) }
            return items
        }()
        for item in 0..<100 { try await channel.send(item) }
        channel.finish()
        #expect(try await received == Array(0..<100))
    }

    @Test func fullChannelMakesTheProducerWait() async throws {
        let channel = BoundedChannel<String>(capacity: 2)
        try await channel.send("a")
        try await channel.send("b")
        #expect(!channel.trySend("c"))
        let sent = Counter()
        let producer = Task {
            try await channel.send("c")
            sent.increment()
        }
        for _ in 0..<1_000 { await Task.yield() }
        #expect(sent.current == 0)
        #expect(channel.count == 2)
        #expect(try await channel.receive() == "a")
        try await producer.value
        #expect(sent.current == 1)
        #expect(channel.count == 2)
        #expect(try await channel.receive() == "b")
        #expect(try await channel.receive() == "c")
    }

    @Test func capacityZeroHandsOverDirectly() async throws {
        let channel = BoundedChannel<Int>(capacity: 0)
        #expect(!channel.trySend(1))
        async let sending: Void = channel.send(1)
        #expect(try await channel.receive() == 1)
        try await sending
        async let received = channel.receive()
        await eventually { channel.trySend(2) }
        #expect(try await received == 2)
    }

    @Test func finishDrainsBufferedElementsThenEnds() async throws {
        let channel = BoundedChannel<Int>(capacity: 3)
        try await channel.send(1)
        try await channel.send(2)
        channel.finish()
        #expect(channel.isFinished)
        await #expect(throws: ChannelClosedError()) { try await channel.send(3) }
        #expect(try await channel.receive() == 1)
        #expect(try await channel.receive() == 2)
        #expect(try await channel.receive() == nil)
        #expect(try await channel.receive() == nil)
    }

    @Test func finishFailsWaitingProducersAndWakesConsumers() async throws {
        let full = BoundedChannel<Int>(capacity: 1)
        try await full.send(0)
        let producer = Task { try await full.send(1) }
        for _ in 0..<1_000 { await Task.yield() }
        full.finish()
        let error = try await #require(throws: ChannelClosedError.self) { try await producer.value }
        #expect(error.code == "tasks.channel.closed")
        #expect(try await full.receive() == 0)
        #expect(try await full.receive() == nil)

        let empty = BoundedChannel<Int>(capacity: 1)
        let consumer = Task { try await empty.receive() }
        for _ in 0..<1_000 { await Task.yield() }
        empty.finish()
        #expect(try await consumer.value == nil)
    }

    @Test func cancelledProducerAndConsumerLeave() async throws {
        let channel = BoundedChannel<Int>(capacity: 1)
        try await channel.send(0)
        let producer = Task { try await channel.send(1) }
        for _ in 0..<1_000 { await Task.yield() }
        producer.cancel()
        await #expect(throws: CancellationError.self) { try await producer.value }
        #expect(try await channel.receive() == 0)
        #expect(channel.count == 0)

        let consumer = Task { try await channel.receive() }
        for _ in 0..<1_000 { await Task.yield() }
        consumer.cancel()
        await #expect(throws: CancellationError.self) { try await consumer.value }
        // The cancelled consumer took nothing.
        try await channel.send(5)
        #expect(try await channel.receive() == 5)
    }

    @Test func manyProducersAndConsumersDeliverEachElementOnce() async throws {
        let channel = BoundedChannel<Int>(capacity: 8)
        let received = EventLog<Int>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask { for try await item in channel { received.append(item) } }
            }
            try await withThrowingTaskGroup(of: Void.self) { producers in
                for producer in 0..<8 {
                    producers.addTask {
                        for item in 0..<250 { try await channel.send(producer * 1_000 + item) }
                    }
                }
                try await producers.waitForAll()
            }
            channel.finish()
            try await group.waitForAll()
        }
        let all = received.all
        #expect(all.count == 2_000)
        #expect(Set(all).count == 2_000)
    }
}
