import Logging
import NIOCore

/// The NIO side of a connection: decodes replies, matches them to requests through
/// ``RedisConnectionStateMachine``, and executes the machine's actions.
///
/// Every method runs on the channel's event loop.
final class RedisChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// A command waiting for its reply.
    struct Request {
        let name: String
        let promise: EventLoopPromise<RESPValue>
        var timeout: Scheduled<Void>?
    }

    private var stateMachine = RedisConnectionStateMachine<Request>()
    private var decoder: NIOSingleStepByteToMessageProcessor<RESPDecoder>
    private var context: ChannelHandlerContext?
    private var flushPending = false
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

    /// One command to write: its name (for errors), encoded bytes already in the batch
    /// buffer, its promise and deadline, and how many pub/sub confirmations answer it
    /// (0 for an ordinary command).
    struct Outgoing: Sendable {
        let id: UInt64
        let name: String
        let promise: EventLoopPromise<RESPValue>
        let timeout: Duration?
        var confirmations: Int = 0
    }

    /// Writes `bytes` (one or more encoded commands) and registers their requests, in order.
    func write(_ bytes: ByteBuffer, commands: [Outgoing]) {
        guard let context, !stateMachine.isClosed else {
            let error = stateMachine.closeError ?? RedisConnectionError(.closed, address: address)
            for command in commands { command.promise.fail(error) }
            return
        }
        // A pipeline whose commands share one deadline gets one timer, held by its last
        // command (which completes last); otherwise each command gets its own.
        let sharedTimeout = commands.count > 1 && commands.allSatisfy { $0.timeout == commands[0].timeout }
            ? commands[0].timeout : nil
        for (index, command) in commands.enumerated() {
            var request = Request(name: command.name, promise: command.promise, timeout: nil)
            if let timeout = command.timeout {
                if sharedTimeout == nil {
                    request.timeout = scheduleTimeout(timeout, for: [command], context: context)
                } else if index == commands.count - 1 {
                    request.timeout = scheduleTimeout(timeout, for: commands, context: context)
                }
            }
            switch stateMachine.send(id: command.id, request: request, confirmations: command.confirmations) {
            case .write:
                break
            case .fail(let error):
                // Unreachable while open, which the guard above checked.
                request.timeout?.cancel()
                command.promise.fail(error)
            }
        }
        context.write(wrapOutboundOut(bytes), promise: nil)
        scheduleFlush(context: context)
    }

    private func scheduleTimeout(_ timeout: Duration, for commands: [Outgoing], context: ChannelHandlerContext) -> Scheduled<Void> {
        context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) {
            for command in commands {
                self.abandon(id: command.id, error: RedisTimeoutError(command: command.name, timeout: timeout))
            }
        }
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
        guard let request = stateMachine.abandon(id: id) else { return }
        request.timeout?.cancel()
        request.promise.fail(error)
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
            request.timeout?.cancel()
            switch value.withoutAttributes {
            case .simpleError(let message), .bulkError(let message):
                request.promise.fail(RedisServerError(serverMessage: String(buffer: message), command: request.name))
            default:
                request.promise.succeed(value)
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
        fail(stateMachine.close(error), with: error)
    }

    private func fail(_ requests: [Request], with error: any Error) {
        for request in requests {
            request.timeout?.cancel()
            request.promise.fail(error)
        }
    }
}
