import Logging
import NIOCore
import NIOSSL
import NIOTLS

/// A command for the channel handler, with the promise its result completes.
struct MySQLRequest: Sendable {
    var command: MySQLCommand
    var promise: EventLoopPromise<MySQLResponse>
    /// Where rows go one by one, for streamed results; `nil` collects them in the result.
    var rows: MySQLRowStreamSink?
}

/// The NIO shell around ``MySQLConnectionStateMachine``: cuts the bytes it reads into
/// packets, feeds them to the machine, executes its actions and queues commands, running
/// one at a time.
///
/// The packet decoder runs inside the handler rather than as a handler of its own, so a
/// packet reaches the machine without a trip through the pipeline.
final class MySQLChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = MySQLRequest
    typealias OutboundOut = ByteBuffer

    private var stateMachine: MySQLConnectionStateMachine
    private var decoder: NIOSingleStepByteToMessageProcessor<MySQLPacketDecoder>
    private let loginPromise: EventLoopPromise<MySQLSessionInfo>
    /// Whether the login promise has been completed (either way).
    private var loginCompleted = false
    private var current: MySQLRequest?
    private var queue = CircularBuffer<MySQLRequest>()
    /// Why the connection closed, once it has; later commands fail with it.
    private var closeReason: (any Error)?
    private var logger: Logger
    private let loginTimeout: TimeAmount
    private var loginTimer: Scheduled<Void>?
    private var context: ChannelHandlerContext?
    /// A streamed result's consumer has enough rows: socket reads wait until it asks.
    private var readingPaused = false
    /// A read was requested while paused.
    private var pendingRead = false
    /// The consumer of the running streamed result went away: its rows are dropped.
    private var discardingRows = false
    /// Makes the TLS handler when the state machine asks for TLS.
    private let makeTLSHandler: () throws -> NIOSSLClientHandler?

    init(
        credentials: MySQLConnectionStateMachine.Credentials, loginPromise: EventLoopPromise<MySQLSessionInfo>,
        loginTimeout: TimeAmount, maximumPacketSize: Int, logger: Logger,
        makeTLSHandler: @escaping () throws -> NIOSSLClientHandler? = { nil }
    ) {
        self.decoder = NIOSingleStepByteToMessageProcessor(
            MySQLPacketDecoder(maximumPacketSize: maximumPacketSize), maximumBufferSize: nil)
        self.makeTLSHandler = makeTLSHandler
        self.stateMachine = MySQLConnectionStateMachine(credentials: credentials)
        self.loginPromise = loginPromise
        self.loginTimeout = loginTimeout
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func read(context: ChannelHandlerContext) {
        if readingPaused {
            pendingRead = true
        } else {
            context.read()
        }
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        // Events of a stream that is not running (queued, or already finished) change
        // nothing: a finished stream has nothing left to read, and a queued one that was
        // dropped finds out when its first row is refused.
        switch event as? MySQLRowStreamEvent {
        case .produceMore(let stream):
            if current?.rows?.statistics === stream { resumeReading() }
            promise?.succeed()
        case .consumerLeft(let stream):
            if current?.rows?.statistics === stream {
                discardingRows = true
                resumeReading()
            }
            promise?.succeed()
        case nil:
            context.triggerUserOutboundEvent(event, promise: promise)
        }
    }

    /// Reads again after a stream paused reading.
    private func resumeReading() {
        guard readingPaused else { return }
        readingPaused = false
        if pendingRead, let context {
            pendingRead = false
            context.read()
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        let timeout = loginTimeout
        loginTimer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            shutDown(MySQLConnectionError(.timeout, "no completed login within \(timeout)"), context: context)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // After a failure the stream is out of step: what still arrives is dropped.
        guard closeReason == nil else { return }
        decodePackets(context: context) { try $0.process(buffer: unwrapInboundIn(data), $1) }
    }

    /// Runs `step` of the packet decoder, feeding each packet it cuts to the state machine;
    /// a decoding error closes the connection.
    private func decodePackets(
        context: ChannelHandlerContext,
        _ step: (inout NIOSingleStepByteToMessageProcessor<MySQLPacketDecoder>, (MySQLPacket) throws -> Void) throws -> Void
    ) {
        do {
            try step(&decoder) { packet in execute(stateMachine.packetReceived(packet), context: context) }
        } catch {
            errorCaught(context: context, error: error)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        promise?.succeed()
        if let closeReason {
            // Never written: the connection had closed before this command arrived.
            let closed = Self.closedError(closeReason)
            let error = MySQLConnectionError.notSent(closed.detail, underlying: closed.underlying)
            request.rows?.source.finish(error)
            request.promise.fail(error)
            return
        }
        queue.append(request)
        startNextCommand(context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent, stateMachine.isAwaitingTLS {
            logger.debug("MySQL TLS established")
            execute(stateMachine.tlsEstablished(), context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("MySQL channel error", metadata: ["error": "\(error)"])
        switch error {
        case is MySQLProtocolError, is MySQLConnectionError, is MySQLServerError:
            shutDown(error, context: context)
        case _ where stateMachine.isAwaitingTLS:
            shutDown(
                MySQLConnectionError(
                    .tls,
                    "the TLS handshake failed (\(error)); check that the configured trust roots hold the CA that signed the server's certificate and that the certificate names the host, or set MySQLConfiguration.tlsServerName to the name it carries",
                    underlying: error),
                context: context)
        default:
            // Socket errors (connection reset, …) reach callers as a typed connection error.
            shutDown(MySQLConnectionError(.closed, "the network connection failed", underlying: error), context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if closeReason == nil {
            // The last bytes: whole packets still count, a cut one is a protocol error.
            decodePackets(context: context) { try $0.finishProcessing(seenEOF: true, $1) }
        }
        shutDown(MySQLConnectionError(.closed, "the server or the network closed the connection"), context: context)
        context.fireChannelInactive()
    }

    // MARK: - Actions

    private func execute(_ action: MySQLConnectionStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .send(let bytes):
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        case .startTLS(let sslRequest):
            context.writeAndFlush(wrapOutboundOut(sslRequest), promise: nil)
            do {
                guard let handler = try makeTLSHandler() else {
                    preconditionFailure("the state machine asked for TLS without a TLS configuration")
                }
                // In front of the packet decoder: it then sees decrypted bytes only. The
                // SSLRequest has already left the pipeline, so it stays in plain text.
                try context.pipeline.syncOperations.addHandler(handler, position: .first)
            } catch {
                shutDown(
                    MySQLConnectionError(.tls, "the TLS handler could not be set up (\(error))", underlying: error),
                    context: context)
            }
        case .authenticated(let session):
            loginCompleted = true
            loginTimer?.cancel()
            logger[metadataKey: "mysql.connection_id"] = "\(session.connectionID)"
            logger.debug("MySQL login succeeded", metadata: ["mysql.server_version": "\(session.serverVersion)"])
            loginPromise.succeed(session)
            startNextCommand(context: context)
        case .commandSucceeded(let result):
            let request = current
            finishCommand()
            request?.rows?.source.finish()
            request?.promise.succeed(.result(result))
            startNextCommand(context: context)
        case .statementPrepared(let statement):
            let request = current
            finishCommand()
            request?.promise.succeed(.prepared(statement))
            startNextCommand(context: context)
        case .rowReceived(let row):
            guard let sink = current?.rows else { preconditionFailure("rows are only streamed for streaming commands") }
            guard !discardingRows else { return }
            sink.statistics.yielded()
            switch sink.source.yield(row) {
            case .produceMore: break
            case .stopProducing: readingPaused = true
            case .dropped: discardingRows = true
            }
        case .commandFailed(let error):
            let request = current
            finishCommand()
            request?.rows?.source.finish(error)
            request?.promise.fail(error)
            startNextCommand(context: context)
        case .closeConnection(let error):
            shutDown(error, context: context)
        case .wait:
            break
        }
    }

    private func startNextCommand(context: ChannelHandlerContext) {
        while current == nil, stateMachine.isReady, let request = queue.popFirst() {
            start(request, context: context)
        }
    }

    private func start(_ request: MySQLRequest, context: ChannelHandlerContext) {
        logger.trace("MySQL command", metadata: ["mysql.command": "\(request.command)"])
        guard case .send(let bytes) = stateMachine.start(request.command, streaming: request.rows != nil) else {
            preconditionFailure("starting a command always sends it")
        }
        if request.command == .quit {
            closeReason = MySQLConnectionError(.closed, "the connection was closed by the client")
            let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(bytes)).whenComplete { _ in
                request.promise.succeed(.result(MySQLQueryResult()))
                boundContext.value.close(promise: nil)
            }
            return
        }
        if !request.command.expectsResponse {
            // COM_STMT_CLOSE: nothing comes back, so the next command may follow at once.
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
            request.promise.succeed(.result(MySQLQueryResult()))
            return
        }
        current = request
        context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
    }

    /// Fails login, the running command and every queued command, then closes.
    private func shutDown(_ error: any Error, context: ChannelHandlerContext) {
        stateMachine.closed()
        let firstFailure = closeReason == nil
        if firstFailure {
            closeReason = error
            if loginCompleted, !(error is MySQLConnectionError) {
                logger.warning("MySQL connection failed", metadata: ["error": "\(error)"])
            }
        }
        let reason = closeReason!
        if !loginCompleted {
            loginCompleted = true
            loginTimer?.cancel()
            loginPromise.fail(reason)
        }
        if let request = current {
            finishCommand()
            request.rows?.source.finish(reason)
            request.promise.fail(reason)
        }
        while let request = queue.popFirst() {
            request.rows?.source.finish(Self.closedError(reason))
            request.promise.fail(Self.closedError(reason))
        }
        if firstFailure { context.close(promise: nil) }
    }

    /// Clears the running command; reading resumes if a stream had paused it.
    private func finishCommand() {
        current = nil
        discardingRows = false
        resumeReading()
    }

    private static func closedError(_ reason: any Error) -> MySQLConnectionError {
        if let error = reason as? MySQLConnectionError, error.kind == .closed { return error }
        return MySQLConnectionError(.closed, "an earlier error closed the connection", underlying: reason)
    }
}
