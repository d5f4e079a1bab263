import Logging
import NIOCore

/// A command for the channel handler, with the promise its result completes.
struct MySQLRequest: Sendable {
    var command: MySQLCommand
    var promise: EventLoopPromise<MySQLQueryResult>
}

/// The NIO shell around ``MySQLConnectionStateMachine``: feeds it packets, executes its
/// actions and queues commands, running one at a time.
final class MySQLChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = MySQLPacket
    typealias OutboundIn = MySQLRequest
    typealias OutboundOut = ByteBuffer

    private var stateMachine: MySQLConnectionStateMachine
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

    init(
        credentials: MySQLConnectionStateMachine.Credentials, loginPromise: EventLoopPromise<MySQLSessionInfo>,
        loginTimeout: TimeAmount, logger: Logger
    ) {
        self.stateMachine = MySQLConnectionStateMachine(credentials: credentials)
        self.loginPromise = loginPromise
        self.loginTimeout = loginTimeout
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        let timeout = loginTimeout
        loginTimer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            shutDown(MySQLConnectionError(.timeout, "no completed login within \(timeout)"), context: context)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let packet = unwrapInboundIn(data)
        execute(stateMachine.packetReceived(packet), context: context)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        promise?.succeed()
        if let closeReason {
            request.promise.fail(Self.closedError(closeReason))
            return
        }
        queue.append(request)
        startNextCommand(context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("MySQL channel error", metadata: ["error": "\(error)"])
        switch error {
        case is MySQLProtocolError, is MySQLConnectionError, is MySQLServerError:
            shutDown(error, context: context)
        default:
            // Socket errors (connection reset, …) reach callers as a typed connection error.
            shutDown(MySQLConnectionError(.closed, "the network connection failed", underlying: error), context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        shutDown(MySQLConnectionError(.closed, "the server or the network closed the connection"), context: context)
        context.fireChannelInactive()
    }

    // MARK: - Actions

    private func execute(_ action: MySQLConnectionStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .send(let bytes):
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        case .authenticated(let session):
            loginCompleted = true
            loginTimer?.cancel()
            logger[metadataKey: "mysql.connection_id"] = "\(session.connectionID)"
            logger.debug("MySQL login succeeded", metadata: ["mysql.server_version": "\(session.serverVersion)"])
            loginPromise.succeed(session)
            startNextCommand(context: context)
        case .commandSucceeded(let result):
            let request = current
            current = nil
            request?.promise.succeed(result)
            startNextCommand(context: context)
        case .commandFailed(let error):
            let request = current
            current = nil
            request?.promise.fail(error)
            startNextCommand(context: context)
        case .closeConnection(let error):
            shutDown(error, context: context)
        case .wait:
            break
        }
    }

    private func startNextCommand(context: ChannelHandlerContext) {
        guard current == nil, stateMachine.isReady, let request = queue.popFirst() else { return }
        logger.trace("MySQL command", metadata: ["mysql.command": "\(request.command)"])
        guard case .send(let bytes) = stateMachine.start(request.command) else {
            preconditionFailure("starting a command always sends it")
        }
        if request.command == .quit {
            closeReason = MySQLConnectionError(.closed, "the connection was closed by the client")
            let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(bytes)).whenComplete { _ in
                request.promise.succeed(MySQLQueryResult())
                boundContext.value.close(promise: nil)
            }
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
            current = nil
            request.promise.fail(reason)
        }
        while let request = queue.popFirst() {
            request.promise.fail(Self.closedError(reason))
        }
        if firstFailure { context.close(promise: nil) }
    }

    private static func closedError(_ reason: any Error) -> MySQLConnectionError {
        if let error = reason as? MySQLConnectionError, error.kind == .closed { return error }
        return MySQLConnectionError(.closed, "an earlier error closed the connection", underlying: reason)
    }
}
