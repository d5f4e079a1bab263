import NIOCore
import Testing

@testable import RoostRedis

@Suite("Connection state machine")
struct RedisConnectionStateMachineTests {
    typealias Machine = RedisConnectionStateMachine<String>
    private let closed = RedisConnectionError(.closed, address: "test:6379")

    private func succeeded(_ action: Machine.ReceiveAction) -> (String, RESPValue)? {
        if case .succeed(let request, let value) = action { return (request, value) }
        return nil
    }

    private func written(_ action: Machine.SendAction) -> Bool {
        if case .write = action { return true }
        return false
    }

    @Test("replies complete requests first in, first out")
    func fifo() {
        var machine = Machine()
        for (id, name) in ["a", "b", "c"].enumerated() { #expect(written(machine.send(id: UInt64(id), request: name))) }
        #expect(machine.inFlightCount == 3)
        for (index, name) in ["a", "b", "c"].enumerated() {
            let result = succeeded(machine.receive(.integer(Int64(index))))
            #expect(result?.0 == name)
            #expect(result?.1 == .integer(Int64(index)))
        }
        #expect(machine.inFlightCount == 0)
    }

    @Test("expiring gives up only overdue requests still waiting and names the next deadline")
    func expire() {
        var machine = Machine()
        let start = NIODeadline.uptimeNanoseconds(1_000_000)
        _ = machine.send(id: 1, request: "answered", deadline: start + .seconds(1))
        _ = machine.send(id: 2, request: "overdue", deadline: start + .seconds(2))
        _ = machine.send(id: 3, request: "blocking", deadline: nil)
        _ = machine.send(id: 4, request: "later", deadline: start + .seconds(5))
        _ = machine.send(id: 5, request: "sooner", deadline: start + .seconds(4))
        #expect(succeeded(machine.receive(.integer(1)))?.0 == "answered")

        let (expired, next) = machine.expire(now: start + .seconds(3))
        #expect(expired == ["overdue"])
        #expect(next == start + .seconds(4), "the earliest deadline left, not the latest sent")
        #expect(machine.expire(now: start + .seconds(3)).expired.isEmpty, "a request expires once")
        guard case .discard = machine.receive(.integer(2)) else {
            Issue.record("the expired request's late reply was not discarded")
            return
        }
        #expect(succeeded(machine.receive(.integer(3)))?.0 == "blocking")
        let last = machine.expire(now: start + .seconds(10))
        #expect(last.expired == ["later", "sooner"])
        #expect(last.next == nil)
    }

    @Test("push frames are routed apart and consume no request")
    func pushes() {
        var machine = Machine()
        _ = machine.send(id: 1, request: "get")
        let push = RESPValue.push([.bulkString(ByteBuffer(string: "invalidate")), .array([])])
        guard case .push(let routed) = machine.receive(push) else {
            Issue.record("push not routed")
            return
        }
        #expect(routed == push)
        guard case .push = machine.receive(.attributed(attributes: [], value: push)) else {
            Issue.record("attributed push not routed")
            return
        }
        #expect(succeeded(machine.receive(.null))?.0 == "get")
    }

    @Test("an abandoned request fails now and its reply is discarded later")
    func abandon() {
        var machine = Machine()
        for id in 1...3 { _ = machine.send(id: UInt64(id), request: "r\(id)") }
        #expect(machine.abandon(id: 2) == "r2")
        #expect(machine.abandon(id: 2) == nil)
        #expect(machine.abandon(id: 99) == nil)
        #expect(succeeded(machine.receive(.integer(1)))?.0 == "r1")
        guard case .discard = machine.receive(.integer(2)) else {
            Issue.record("reply of abandoned request not discarded")
            return
        }
        #expect(succeeded(machine.receive(.integer(3)))?.0 == "r3")
        #expect(machine.abandon(id: 3) == nil)
    }

    @Test("a reply with nothing in flight closes the connection with a protocol error")
    func unexpectedReply() {
        var machine = Machine()
        guard case .closeAndFail(let requests, let error) = machine.receive(.integer(1)) else {
            Issue.record("unexpected reply accepted")
            return
        }
        #expect(requests.isEmpty)
        #expect((error as? RedisProtocolError)?.code.rawValue == "redis.protocol.unexpected_reply")
        guard case .fail(let sendError) = machine.send(id: 1, request: "late") else {
            Issue.record("send accepted after close")
            return
        }
        #expect((sendError as? RedisProtocolError)?.kind == .unexpectedReply)
    }

    @Test("closing fails every waiting request once, and later sends fail")
    func close() {
        var machine = Machine()
        for id in 1...4 { _ = machine.send(id: UInt64(id), request: "r\(id)") }
        _ = machine.abandon(id: 3)
        #expect(machine.close(closed) == ["r1", "r2", "r4"])
        #expect(machine.close(closed).isEmpty)
        #expect(machine.isClosed)
        #expect(machine.inFlightCount == 0)
        guard case .fail(let error) = machine.send(id: 5, request: "r5") else {
            Issue.record("send accepted after close")
            return
        }
        #expect((error as? RedisConnectionError)?.kind == .closed)
        guard case .discard = machine.receive(.integer(1)) else {
            Issue.record("reply after close not discarded")
            return
        }
    }
}
