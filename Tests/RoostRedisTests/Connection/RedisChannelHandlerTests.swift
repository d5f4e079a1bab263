import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import RoostRedis

/// Wire-level tests of the channel handler on an embedded channel, whose event loop has a
/// manual clock for deadlines.
@Suite("Channel handler")
struct RedisChannelHandlerTests {
    final class Harness {
        let channel = EmbeddedChannel()
        let handler: RedisChannelHandler
        var pushes: [RESPValue] = []
        private var nextID: UInt64 = 0

        init(limits: RESPDecoderLimits = RESPDecoderLimits()) throws {
            var pushed: (RESPValue) -> Void = { _ in }
            handler = RedisChannelHandler(limits: limits, address: "embedded:6379", logger: Logger(label: "test")) {
                pushed($0)
            }
            try channel.pipeline.syncOperations.addHandler(handler)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 6379)).wait()
            pushed = { [unowned self] in self.pushes.append($0) }
        }

        /// Sends commands through the handler as one write, as a pipeline; returns each
        /// command's future (they complete together, when the batch does).
        func send(_ commands: [RedisCommand], timeout: Duration? = nil, confirmations: Int = 0) -> [EventLoopFuture<RESPValue>] {
            let batch = sendBatch(commands, timeout: timeout, confirmations: confirmations)
            return commands.indices.map { index in batch.flatMapThrowing { try $0[index].get() } }
        }

        /// Sends commands as one pipeline batch, as `RedisConnection.pipeline` does; returns
        /// the batch's future.
        func sendBatch(
            _ commands: [RedisCommand], timeout: Duration? = nil, confirmations: Int = 0
        ) -> EventLoopFuture<[Result<RESPValue, any Error>]> {
            var bytes = ByteBuffer()
            for command in commands { command.encode(into: &bytes) }
            let batch = PipelineBatch(commands, promise: channel.eventLoop.makePromise())
            handler.write(
                bytes, .init(firstID: nextID + 1, batch: batch, deadlines: .shared(timeout), confirmations: confirmations))
            nextID += UInt64(commands.count)
            return batch.promise.futureResult
        }

        /// The bytes flushed to the socket so far.
        func written() throws -> String {
            channel.embeddedEventLoop.run()
            var text = ""
            while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
            return text
        }

        func reply(_ wire: String) throws {
            try channel.writeInbound(ByteBuffer(string: wire))
        }
    }

    func result(_ future: EventLoopFuture<RESPValue>) -> Result<RESPValue, any Error>? {
        var outcome: Result<RESPValue, any Error>?
        future.assumeIsolated().whenComplete { outcome = $0 }
        return outcome
    }

    @Test("pipelined commands are written in order and completed by replies split anywhere")
    func pipelining() throws {
        let harness = try Harness()
        let futures = harness.send([RedisCommand("SET", "k", "v"), RedisCommand("GET", "k")])
            + harness.send([RedisCommand("INCR", "n")])
        #expect(try harness.channel.readOutbound(as: ByteBuffer.self) == nil, "flushed before the loop turned")
        #expect(try harness.written() == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n")
        let wire = Array("+OK\r\n$1\r\nv\r\n:1\r\n".utf8)
        for byte in wire { try harness.channel.writeInbound(ByteBuffer(bytes: [byte])) }
        #expect(try result(futures[0])?.get() == .simpleString(ByteBuffer(string: "OK")))
        #expect(try result(futures[1])?.get() == .bulkString(ByteBuffer(string: "v")))
        #expect(try result(futures[2])?.get() == .integer(1))
    }

    @Test("an error reply fails its command only, typed by prefix")
    func serverError() throws {
        let harness = try Harness()
        let futures = harness.send([RedisCommand("INCR", "list"), RedisCommand("PING")])
        try harness.reply("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n+PONG\r\n")
        guard case .failure(let error as RedisServerError) = result(futures[0]) else {
            Issue.record("no server error")
            return
        }
        #expect(error.kind == .wrongType)
        #expect(error.code.rawValue == "redis.server.wrongtype")
        #expect(error.command == "INCR")
        #expect(try result(futures[1])?.get().string == "PONG")
    }

    @Test("push frames go to the push handler, between replies")
    func pushFrames() throws {
        let harness = try Harness()
        let future = harness.send([RedisCommand("GET", "k")])[0]
        try harness.reply(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n$-1\r\n")
        #expect(harness.pushes.count == 1)
        #expect(harness.pushes.first?.array?.first?.string == "invalidate")
        #expect(try result(future)?.get() == .null)
    }

    @Test("malformed bytes fail every command in flight with a protocol error and close")
    func malformed() throws {
        let harness = try Harness()
        let futures = harness.send([RedisCommand("GET", "a"), RedisCommand("GET", "b")])
        try harness.reply("$3\r\nabcXY")
        for future in futures {
            guard case .failure(let error as RedisProtocolError) = result(future) else {
                Issue.record("command not failed with a protocol error")
                return
            }
            #expect(error.code.rawValue == "redis.protocol.malformed")
        }
        #expect(!harness.channel.isActive)
        let late = harness.send([RedisCommand("PING")])[0]
        guard case .failure(let error as RedisProtocolError) = result(late) else {
            Issue.record("send after protocol error did not fail")
            return
        }
        #expect(error.kind == .malformed)
    }

    @Test("a hostile length fails with too_large before the bytes arrive")
    func hostileLength() throws {
        var limits = RESPDecoderLimits()
        limits.maxBulkLength = 1024
        let harness = try Harness(limits: limits)
        let future = harness.send([RedisCommand("GET", "a")])[0]
        try harness.reply("$1025\r\n")
        guard case .failure(let error as RedisProtocolError) = result(future) else {
            Issue.record("command not failed")
            return
        }
        #expect(error.code.rawValue == "redis.protocol.too_large")
    }

    @Test("a reply nobody asked for is a protocol error")
    func unsolicited() throws {
        let harness = try Harness()
        try harness.reply("+OK\r\n")
        #expect(!harness.channel.isActive)
    }

    @Test("the connection closing fails every command in flight with a connection error")
    func closing() throws {
        let harness = try Harness()
        let futures = harness.send((0..<100).map { RedisCommand("INCR", .integer($0)) })
        try harness.reply(":1\r\n:2\r\n")
        harness.channel.pipeline.fireChannelInactive()
        #expect(try result(futures[1])?.get() == .integer(2))
        for future in futures[2...] {
            guard case .failure(let error as RedisConnectionError) = result(future) else {
                Issue.record("in-flight command not failed")
                return
            }
            #expect(error.code.rawValue == "redis.connection.closed")
        }
    }

    @Test("a command past its deadline times out; its late reply is discarded")
    func deadline() throws {
        let harness = try Harness()
        let slow = harness.send([RedisCommand("BLPOP", "q", 0)], timeout: .seconds(2))[0]
        let fast = harness.send([RedisCommand("PING")], timeout: .seconds(10))[0]
        harness.channel.embeddedEventLoop.advanceTime(by: .milliseconds(1999))
        #expect(result(slow) == nil)
        harness.channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        guard case .failure(let error as RedisTimeoutError) = result(slow) else {
            Issue.record("no timeout")
            return
        }
        #expect(error.code.rawValue == "redis.command.timeout")
        #expect(error.timeout == .seconds(2))
        try harness.reply("*-1\r\n+PONG\r\n")
        #expect(try result(fast)?.get().string == "PONG")
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(20))
        #expect(harness.channel.isActive)
    }

    @Test("a pipeline shares one deadline: commands answered in time succeed, the rest time out")
    func pipelineDeadline() throws {
        let harness = try Harness()
        let futures = harness.send([RedisCommand("GET", "a"), RedisCommand("GET", "b"), RedisCommand("GET", "c")], timeout: .seconds(1))
        try harness.reply("$1\r\na\r\n")
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(try result(futures[0])?.get().string == "a")
        for future in futures[1...] {
            guard case .failure(let error as RedisTimeoutError) = result(future) else {
                Issue.record("no timeout")
                return
            }
            #expect(error.command == "GET")
        }
        try harness.reply("$1\r\nb\r\n$1\r\nc\r\n+PONG\r\n")
        #expect(!harness.channel.isActive, "the PONG answers nothing, so the stream is out of step")
    }

    @Test("a pipeline's batch completes once, after its last command, with every outcome in order")
    func pipelineBatch() throws {
        let harness = try Harness()
        let batch = harness.sendBatch(
            [RedisCommand("GET", "a"), RedisCommand("INCR", "list"), RedisCommand("GET", "c")], timeout: .seconds(1))
        var outcomes: [Result<RESPValue, any Error>]?
        batch.assumeIsolated().whenSuccess { outcomes = $0 }
        try harness.reply("$1\r\na\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n")
        #expect(outcomes == nil, "the third command is still unanswered")
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        let results = try #require(outcomes)
        #expect(results.count == 3)
        #expect(try results[0].get().string == "a")
        guard case .failure(let server as RedisServerError) = results[1], case .failure(let timeout as RedisTimeoutError) = results[2]
        else {
            Issue.record("expected a server error, then a timeout: \(results)")
            return
        }
        #expect(server.kind == .wrongType)
        #expect(timeout.command == "GET")
    }

    @Test("a pipeline answered in full before its deadline fails nothing when the timer fires later")
    func pipelineDeadlineCancelled() throws {
        let harness = try Harness()
        let futures = harness.send([RedisCommand("GET", "a"), RedisCommand("GET", "b")], timeout: .seconds(1))
        try harness.reply("$1\r\na\r\n$1\r\nb\r\n")
        let next = harness.send([RedisCommand("PING")])[0]
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(5))
        #expect(try futures.map { try result($0)?.get().string } == ["a", "b"])
        #expect(result(next) == nil)
    }

    @Test("one connection timer: it skips answered commands and re-arms for those still waiting")
    func rearmedDeadline() throws {
        let harness = try Harness()
        let first = harness.send([RedisCommand("GET", "a")], timeout: .seconds(1))[0]
        try harness.reply("$1\r\na\r\n")
        harness.channel.embeddedEventLoop.advanceTime(by: .milliseconds(500))
        let second = harness.send([RedisCommand("GET", "b")], timeout: .seconds(1))[0]
        harness.channel.embeddedEventLoop.advanceTime(by: .milliseconds(999))
        #expect(try result(first)?.get().string == "a")
        #expect(result(second) == nil, "the timer fired for the answered command and must wait for this one")
        harness.channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        guard case .failure(let error as RedisTimeoutError) = result(second) else {
            Issue.record("no timeout")
            return
        }
        #expect(error.timeout == .seconds(1))
    }

    @Test("a command with a shorter deadline than the armed timer still times out on time")
    func earlierDeadline() throws {
        let harness = try Harness()
        let slow = harness.send([RedisCommand("BLPOP", "q", 0)], timeout: .seconds(10))[0]
        let fast = harness.send([RedisCommand("GET", "a")], timeout: .seconds(1))[0]
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        guard case .failure(is RedisTimeoutError) = result(fast) else {
            Issue.record("the later, shorter deadline did not fire")
            return
        }
        #expect(result(slow) == nil)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        guard case .failure(is RedisTimeoutError) = result(slow) else {
            Issue.record("the timer did not re-arm for the longer deadline")
            return
        }
    }

    @Test("abandoning a command (cancellation) fails it at once")
    func abandon() throws {
        let harness = try Harness()
        let futures = harness.send([RedisCommand("GET", "a")]) + harness.send([RedisCommand("GET", "b")])
        harness.handler.abandon(id: 1, error: CancellationError())
        guard case .failure(is CancellationError) = result(futures[0]) else {
            Issue.record("not cancelled")
            return
        }
        try harness.reply("$1\r\na\r\n$1\r\nb\r\n")
        #expect(try result(futures[1])?.get().string == "b")
    }

    @Test("close fails commands in flight as closed by the client")
    func clientClose() throws {
        let harness = try Harness()
        let future = harness.send([RedisCommand("GET", "a")])[0]
        harness.handler.close(promise: nil)
        guard case .failure(let error as RedisConnectionError) = result(future) else {
            Issue.record("not failed")
            return
        }
        #expect(error.kind == .closedByClient)
    }
}
