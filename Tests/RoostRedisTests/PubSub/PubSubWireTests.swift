import NIOCore
import Testing

@testable import RoostRedis

/// Pub/sub routing in the state machine, alone and through the channel handler with wire
/// bytes: confirmations complete subscribe commands, messages go out of band.
@Suite("Pub/sub routing")
struct PubSubWireTests {
    typealias Machine = RedisConnectionStateMachine<String>

    private func bulk(_ text: String) -> RESPValue { .bulkString(ByteBuffer(string: text)) }

    private func succeeded(_ action: Machine.ReceiveAction) -> String? {
        if case .succeed(let request, _) = action { return request }
        return nil
    }

    private func isPush(_ action: Machine.ReceiveAction) -> Bool {
        if case .push = action { return true }
        return false
    }

    private func isDiscard(_ action: Machine.ReceiveAction) -> Bool {
        if case .discard = action { return true }
        return false
    }

    @Test("RESP3: a subscribe completes with its last confirmation; messages in between are pushes")
    func resp3Confirmations() {
        var machine = Machine()
        _ = machine.send(id: 1, request: "subscribe", confirmations: 2)
        _ = machine.send(id: 2, request: "get")
        #expect(isDiscard(machine.receive(.push([bulk("subscribe"), bulk("a"), .integer(1)]))))
        #expect(isPush(machine.receive(.push([bulk("message"), bulk("a"), bulk("hi")]))))
        #expect(succeeded(machine.receive(.push([bulk("subscribe"), bulk("b"), .integer(2)]))) == "subscribe")
        #expect(isPush(machine.receive(.push([bulk("subscribe"), bulk("c"), .integer(3)]))), "unsolicited")
        // RESP3 allows ordinary commands while subscribed: an array reply is a reply.
        #expect(succeeded(machine.receive(.array([bulk("message"), bulk("x"), bulk("y")]))) == "get")
        #expect(!machine.isSubscribedRESP2)
    }

    @Test("RESP2: subscribed mode routes message arrays as pushes until the count returns to zero")
    func resp2Mode() {
        var machine = Machine()
        _ = machine.send(id: 1, request: "lrange")
        _ = machine.send(id: 2, request: "psubscribe", confirmations: 1)
        // Before subscribing, an array that looks like a message is the reply it is.
        #expect(succeeded(machine.receive(.array([bulk("message"), bulk("a"), bulk("b")]))) == "lrange")
        #expect(succeeded(machine.receive(.array([bulk("psubscribe"), bulk("n.*"), .integer(1)]))) == "psubscribe")
        #expect(machine.isSubscribedRESP2)
        #expect(isPush(machine.receive(.array([bulk("pmessage"), bulk("n.*"), bulk("n.1"), bulk("x")]))))
        _ = machine.send(id: 3, request: "ping")
        #expect(succeeded(machine.receive(.array([bulk("pong"), bulk("")]))) == "ping")
        _ = machine.send(id: 4, request: "punsubscribe", confirmations: 1)
        #expect(isPush(machine.receive(.array([bulk("pmessage"), bulk("n.*"), bulk("n.2"), bulk("y")]))))
        #expect(succeeded(machine.receive(.array([bulk("punsubscribe"), bulk("n.*"), .integer(0)]))) == "punsubscribe")
        #expect(!machine.isSubscribedRESP2)
        _ = machine.send(id: 5, request: "lrange")
        #expect(succeeded(machine.receive(.array([bulk("message"), bulk("a"), bulk("b")]))) == "lrange")
    }

    @Test("an error reply completes a subscribe that expected confirmations")
    func refused() {
        var machine = Machine()
        _ = machine.send(id: 1, request: "subscribe", confirmations: 3)
        let error = RESPValue.simpleError(ByteBuffer(string: "NOPERM no access"))
        #expect(succeeded(machine.receive(error)) == "subscribe")
        #expect(machine.inFlightCount == 0)
    }

    @Test("an abandoned subscribe still consumes its confirmations")
    func abandonedSubscribe() {
        var machine = Machine()
        _ = machine.send(id: 1, request: "subscribe", confirmations: 2)
        _ = machine.send(id: 2, request: "get")
        #expect(machine.abandon(id: 1) == "subscribe")
        #expect(isDiscard(machine.receive(.push([bulk("subscribe"), bulk("a"), .integer(1)]))))
        #expect(isDiscard(machine.receive(.push([bulk("subscribe"), bulk("b"), .integer(2)]))))
        #expect(succeeded(machine.receive(.null)) == "get")
    }

    @Test("malformed pub/sub frames are not messages")
    func malformedFrames() {
        #expect(PubSubFrame.message(.push([bulk("message"), bulk("a")])) == nil)
        #expect(PubSubFrame.message(.push([bulk("pmessage"), bulk("a"), bulk("b")])) == nil)
        #expect(PubSubFrame.message(.push([bulk("message"), .integer(1), bulk("b")])) == nil)
        #expect(PubSubFrame.message(.push([bulk("invalidate"), .array([])])) == nil)
        let message = PubSubFrame.message(.push([bulk("smessage"), bulk("s"), bulk("p")]))
        #expect(message?.kind == .smessage)
        #expect(message?.channel == "s")
    }

    @Test("wire bytes over RESP2: subscribe, messages to the push handler, replies in order")
    func handlerRESP2() throws {
        let harness = try RedisChannelHandlerTests.Harness()
        let handlerTests = RedisChannelHandlerTests()
        let subscribe = harness.send([RedisCommand("SUBSCRIBE", "a", "b")], confirmations: 2)[0]
        #expect(try harness.written() == "*3\r\n$9\r\nSUBSCRIBE\r\n$1\r\na\r\n$1\r\nb\r\n")
        try harness.reply("*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n")
        #expect(handlerTests.result(subscribe) == nil)
        try harness.reply("*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$5\r\nearly\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n")
        #expect(try handlerTests.result(subscribe)?.get().array?.last?.integer == 2)
        let ping = harness.send([RedisCommand("PING")])[0]
        try harness.reply("*3\r\n$7\r\nmessage\r\n$1\r\nb\r\n$4\r\nlate\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n")
        #expect(try handlerTests.result(ping)?.get().array?.first?.string == "pong")
        #expect(harness.pushes.compactMap { PubSubFrame.message($0)?.payload }.map { String(buffer: $0) } == ["early", "late"])
    }

    @Test("wire bytes over RESP3: confirmations are push frames that complete the command")
    func handlerRESP3() throws {
        let harness = try RedisChannelHandlerTests.Harness()
        let handlerTests = RedisChannelHandlerTests()
        let subscribe = harness.send([RedisCommand("PSUBSCRIBE", "n.*")], confirmations: 1)[0]
        let get = harness.send([RedisCommand("GET", "k")])[0]
        try harness.reply(">3\r\n$10\r\npsubscribe\r\n$3\r\nn.*\r\n:1\r\n>4\r\n$8\r\npmessage\r\n$3\r\nn.*\r\n$3\r\nn.1\r\n$1\r\nx\r\n$1\r\nv\r\n")
        #expect(try handlerTests.result(subscribe)?.get().array?.first?.string == "psubscribe")
        #expect(try handlerTests.result(get)?.get().string == "v")
        let message = try #require(harness.pushes.first.flatMap(PubSubFrame.message))
        #expect(message.pattern == "n.*")
        #expect(message.channel == "n.1")
    }

    @Test("a consumer that falls behind its buffer is told how many messages it lost, before the next one")
    func overflow() async {
        let registry = RedisSubscriptionRegistry()
        let (stream, continuation) = AsyncStream.makeStream(of: RedisPubSubEvent.self, bufferingPolicy: .bufferingOldest(3))
        _ = registry.add([.channel("c")], continuation: continuation)
        func message(_ text: String) -> RedisPubSubMessage {
            RedisPubSubMessage(channel: "c", payload: ByteBuffer(string: text))
        }
        for index in 0..<6 { registry.deliver(message("\(index)")) }
        registry.deliver(RedisPubSubMessage(channel: "other", payload: ByteBuffer(string: "not for c")))
        var iterator = stream.makeAsyncIterator()
        var events: [RedisPubSubEvent] = []
        for _ in 0..<3 { events.append(await iterator.next()!) }
        registry.deliver(message("next"))
        for _ in 0..<2 { events.append(await iterator.next()!) }
        #expect(events.compactMap(\.message?.string) == ["0", "1", "2", "next"])
        #expect(events[3] == .gap(.bufferOverflow(droppedMessages: 3)))
    }
}
