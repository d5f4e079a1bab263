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
        let completion: Completion
        var timeout: Scheduled<Void>?
    }

    /// Where a command's outcome goes.
    enum Completion: Sendable {
        /// A promise of its own.
        case single(EventLoopPromise<RESPValue>)
        /// Slot `index` of a pipeline's batch, which completes once, with every outcome.
        case batch(PipelineBatch, index: Int)

        func succeed(_ value: RESPValue) { complete(.success(value)) }
        func fail(_ error: any Error) { complete(.failure(error)) }

        func complete(_ result: Result<RESPValue, any Error>) {
            switch self {
            case .single(let promise): promise.completeWith(result)
            case .batch(let batch, let index): batch.complete(index, with: result)
            }
        }
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
        let completion: Completion
        let timeout: Duration?
        var confirmations: Int = 0
    }

    /// Writes `bytes` (one or more encoded commands) and registers their requests, in order.
    func write(_ bytes: ByteBuffer, commands: [Outgoing]) {
        guard let context, !stateMachine.isClosed else {
            let error = stateMachine.closeError ?? RedisConnectionError(.closed, address: address)
            for command in commands { command.completion.fail(error) }
            return
        }
        // A pipeline whose commands share one deadline gets one timer, held by its last
        // command (which completes last); otherwise each command gets its own.
        let sharedTimeout = commands.count > 1 && commands.allSatisfy { $0.timeout == commands[0].timeout }
            ? commands[0].timeout : nil
        for (index, command) in commands.enumerated() {
            var request = Request(name: command.name, completion: command.completion, timeout: nil)
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
                command.completion.fail(error)
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
        request.completion.fail(error)
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
                request.completion.fail(RedisServerError(serverMessage: String(buffer: message), command: request.name))
            default:
                request.completion.succeed(value)
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
            request.completion.fail(error)
        }
    }
}

/// The outcomes of a pipeline's commands, delivered through one promise once the last of
/// them is answered, failed or abandoned: a pipeline of N commands costs one promise and
/// one wake-up of its caller, not N.
///
/// `@unchecked Sendable`: the caller creates it and only reads ``promise``'s future
/// afterwards; ``complete(_:with:)`` runs only on the connection's event loop, through the
/// channel handler, so the mutable state is never touched from two threads.
final class PipelineBatch: @unchecked Sendable {
    let promise: EventLoopPromise<[Result<RESPValue, any Error>]>
    private var results: [Result<RESPValue, any Error>]
    private var remaining: Int

    init(count: Int, promise: EventLoopPromise<[Result<RESPValue, any Error>]>) {
        self.promise = promise
        // Placeholders: every slot is completed exactly once before the promise is.
        results = Array(repeating: .success(.null), count: count)
        remaining = count
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
