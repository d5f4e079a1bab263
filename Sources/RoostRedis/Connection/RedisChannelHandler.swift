import Logging
import NIOCore

/// The NIO side of a connection: decodes replies, matches them to requests through
/// ``RedisConnectionStateMachine``, and executes the machine's actions.
///
/// Every method runs on the channel's event loop. That one thread is also why its state
/// skips the run-time exclusivity checks (`@exclusivity(unchecked)`): no two accesses can
/// overlap, and no method holds one property open across a call that touches it again.
final class RedisChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// A command waiting for its reply: slot `index` of the batch it was written in.
    struct Request {
        let batch: PipelineBatch
        let index: Int
        /// The time the command was allowed, for the error once it is up.
        let timeout: Duration?

        /// The command's name, for errors.
        var name: String { batch.commands[index].name }

        func succeed(_ value: RESPValue) { batch.complete(index, with: .success(value)) }
        func fail(_ error: any Error) { batch.complete(index, with: .failure(error)) }
    }

    @exclusivity(unchecked) private var stateMachine = RedisConnectionStateMachine<Request>()
    @exclusivity(unchecked) private var decoder: NIOSingleStepByteToMessageProcessor<RESPDecoder>
    @exclusivity(unchecked) private var context: ChannelHandlerContext?
    @exclusivity(unchecked) private var flushPending = false
    /// One timer for the whole connection, set for the earliest deadline known when it was
    /// armed. Answered commands leave it alone: when it fires it gives up the overdue
    /// commands and re-arms for the earliest deadline left, so a command costs no timer of
    /// its own.
    @exclusivity(unchecked) private var deadlineTimer: Scheduled<Void>?
    @exclusivity(unchecked) private var timerDeadline: NIODeadline?
    private let address: String
    private let onPush: (RESPValue) -> Void
    private let logger: Logger

    init(limits: RESPDecoderLimits, address: String, logger: Logger, onPush: @escaping (RESPValue) -> Void) {
        self.decoder = NIOSingleStepByteToMessageProcessor(RESPDecoder(limits: limits), maximumBufferSize: nil)
        self.address = address
        self.logger = logger
        self.onPush = onPush
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        closeAndFail(RedisConnectionError(.closed, address: address))
        self.context = nil
    }

    /// Commands to write together: their bytes are already encoded, their outcomes go to
    /// one batch, and their ids run from `firstID` up.
    struct Outgoing: Sendable {
        let firstID: UInt64
        let batch: PipelineBatch
        /// The commands' deadlines.
        let deadlines: Deadlines
        /// How many pub/sub confirmations answer each command (0 for an ordinary command).
        var confirmations: Int = 0
    }

    /// When the commands of one write time out.
    enum Deadlines: Sendable {
        /// All at the same time (or never).
        case shared(Duration?)
        /// Each at its own time (a pipeline mixing blocking and other commands).
        case each([Duration?])
    }

    /// Writes `bytes` (the encoded commands of `outgoing`) and registers their requests, in order.
    func write(_ bytes: ByteBuffer, _ outgoing: Outgoing) {
        let batch = outgoing.batch
        guard let context, !stateMachine.isClosed else {
            let error = stateMachine.closeError ?? RedisConnectionError(.closed, address: address)
            for index in batch.commands.indices { batch.complete(index, with: .failure(error)) }
            return
        }
        let ids = outgoing.firstID..<outgoing.firstID + UInt64(batch.commands.count)
        let now = context.eventLoop.now
        for (index, id) in ids.enumerated() {
            let timeout: Duration?
            switch outgoing.deadlines {
            case .shared(let shared): timeout = shared
            case .each(let timeouts): timeout = timeouts[index]
            }
            let request = Request(batch: batch, index: index, timeout: timeout)
            let deadline = timeout.map { now + TimeAmount($0) }
            let action = stateMachine.send(
                id: id, request: request, confirmations: outgoing.confirmations, deadline: deadline)
            switch action {
            case .write:
                if let deadline { armDeadlineTimer(at: deadline, context: context) }
            case .fail(let error):
                // Unreachable while open, which the guard above checked.
                request.fail(error)
            }
        }
        context.write(wrapOutboundOut(bytes), promise: nil)
        scheduleFlush(context: context)
    }

    /// Makes sure the connection's timer fires no later than `deadline`.
    private func armDeadlineTimer(at deadline: NIODeadline, context: ChannelHandlerContext) {
        if let armed = timerDeadline, armed <= deadline { return }
        deadlineTimer?.cancel()
        timerDeadline = deadline
        deadlineTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.deadlinePassed()
        }
    }

    /// Fails the commands whose deadline has passed and re-arms for the next one.
    private func deadlinePassed() {
        deadlineTimer = nil
        timerDeadline = nil
        guard let context else { return }
        let (expired, next) = stateMachine.expire(now: context.eventLoop.now)
        for request in expired {
            request.fail(RedisTimeoutError(command: request.name, timeout: request.timeout ?? .zero))
        }
        if let next { armDeadlineTimer(at: next, context: context) }
    }

    /// Flushes once all writes already queued on the event loop have run, so commands
    /// sent by many tasks at the same moment leave in one system call.
    private func scheduleFlush(context: ChannelHandlerContext) {
        guard !flushPending else { return }
        flushPending = true
        context.eventLoop.assumeIsolated().execute {
            self.flushPending = false
            self.context?.flush()
        }
    }

    /// The caller stopped waiting for command `id`: fail it now, discard its reply later.
    func abandon(id: UInt64, error: any Error) {
        stateMachine.abandon(id: id)?.fail(error)
    }

    /// Closes the connection, failing every command in flight.
    func close(promise: EventLoopPromise<Void>?) {
        closeAndFail(RedisConnectionError(.closedByClient, address: address))
        guard let context else {
            promise?.succeed()
            return
        }
        context.close(promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        do {
            try decoder.process(buffer: bytes) { value in self.received(value) }
        } catch {
            protocolFailure(error, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        closeAndFail(RedisConnectionError(.closed, address: address))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("Redis connection error", metadata: ["error": "\(error)", "address": "\(address)"])
        closeAndFail(RedisConnectionError(.closed, address: address, underlying: error))
        context.close(promise: nil)
    }

    private func received(_ value: RESPValue) {
        switch stateMachine.receive(value) {
        case .succeed(let request, let value):
            switch value.withoutAttributes {
            case .simpleError(let message), .bulkError(let message):
                request.fail(RedisServerError(serverMessage: String(buffer: message), command: request.name))
            default:
                request.succeed(value)
            }
        case .push(let value):
            onPush(value)
        case .discard:
            break
        case .closeAndFail(let requests, let error):
            fail(requests, with: error)
            context?.close(promise: nil)
        }
    }

    private func protocolFailure(_ error: any Error, context: ChannelHandlerContext) {
        logger.warning("Closing Redis connection after a protocol error", metadata: ["error": "\(error)", "address": "\(address)"])
        closeAndFail(error)
        context.close(promise: nil)
    }

    private func closeAndFail(_ error: any Error) {
        deadlineTimer?.cancel()
        deadlineTimer = nil
        timerDeadline = nil
        fail(stateMachine.close(error), with: error)
    }

    private func fail(_ requests: [Request], with error: any Error) {
        for request in requests { request.fail(error) }
    }
}

/// Commands written together and their outcomes, delivered through one promise once the
/// last of them is answered, failed or abandoned: a pipeline of N commands costs one
/// promise and one wake-up of its caller, not N.
///
/// `@unchecked Sendable`: the caller creates it and afterwards only reads ``promise``'s
/// future; the outcomes are recorded only on the connection's event loop, through the
/// channel handler, so the mutable state is never touched from two threads; for the same
/// reason it skips run-time exclusivity checks.
final class PipelineBatch: @unchecked Sendable {
    /// The commands, in the order they were written (their names go into errors).
    let commands: [RedisCommand]
    let promise: EventLoopPromise<[Result<RESPValue, any Error>]>
    @exclusivity(unchecked) private var results: [Result<RESPValue, any Error>]
    @exclusivity(unchecked) private var remaining: Int

    init(_ commands: [RedisCommand], promise: EventLoopPromise<[Result<RESPValue, any Error>]>) {
        self.commands = commands
        self.promise = promise
        // Placeholders: every slot is completed exactly once before the promise is.
        results = Array(repeating: .success(.null), count: commands.count)
        remaining = commands.count
    }

    /// Records the outcome of command `index`; the last one completes the promise.
    func complete(_ index: Int, with result: Result<RESPValue, any Error>) {
        results[index] = result
        remaining -= 1
        if remaining == 0 {
            promise.succeed(results)
            results = []
        }
    }
}
