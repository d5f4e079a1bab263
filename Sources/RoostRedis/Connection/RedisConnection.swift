import Logging
import NIOCore
import NIOPosix
import NIOSSL
import RoostPoolSupport
import Synchronization

/// One connection to a Redis server, safe to share between tasks.
///
/// Commands sent concurrently are pipelined: they are written as they come, and replies
/// are matched to them in order, so many commands are in flight at once.
///
/// ```swift
/// let connection = try await RedisConnection.connect(
///     configuration: try RedisConnectionConfiguration(url: "redis://localhost:6379"))
/// try await connection.set("greeting", to: "hello", expiration: .seconds(60))
/// let greeting = try await connection.getString("greeting")
/// let reply = try await connection.send("OBJECT", "ENCODING", "greeting")  // any command
/// try await connection.close()
/// ```
public final class RedisConnection: Sendable {
    /// The configuration the connection was opened with.
    public let configuration: RedisConnectionConfiguration
    /// RESP3 push frames (client-side caching invalidations, and so on), in arrival order.
    /// Only one task should iterate it.
    public let pushes: AsyncStream<RESPValue>

    private let channel: any Channel
    /// Runs code on this connection's event loop (see ``RedisConnectionPool/withConnection(leaseTimeout:_:)``).
    let taskExecutor: EventLoopTaskExecutor
    private let handler: NIOLoopBound<RedisChannelHandler>
    private let nextID = Atomic<UInt64>(0)
    private let negotiatedVersion = Atomic<Int>(2)
    /// Command metrics and spans; nil when nothing is recorded.
    private let instruments: CommandInstruments?
    let logger: Logger

    /// The protocol spoken on this connection: RESP3 if the server accepted `HELLO 3`.
    public var protocolVersion: RedisConnectionConfiguration.ProtocolVersion {
        negotiatedVersion.load(ordering: .relaxed) == 3 ? .resp3 : .resp2
    }

    private init(
        configuration: RedisConnectionConfiguration, channel: any Channel, handler: NIOLoopBound<RedisChannelHandler>,
        pushes: AsyncStream<RESPValue>, logger: Logger
    ) {
        self.configuration = configuration
        self.channel = channel
        self.taskExecutor = EventLoopTaskExecutor(channel.eventLoop)
        self.handler = handler
        self.pushes = pushes
        self.logger = logger
        self.instruments = CommandInstruments.make(
            configuration.instrumentation, system: "redis", host: configuration.host, port: configuration.port)
    }

    /// Opens a connection and runs the handshake: `HELLO 3` (falling back to RESP2 when the
    /// server refuses it), `AUTH`, `CLIENT SETNAME` and `SELECT` as configured.
    ///
    /// Throws ``RedisConnectionError`` when the server cannot be reached, and
    /// ``RedisServerError`` when it rejects the credentials (`WRONGPASS`) or the database.
    public static func connect(
        configuration: RedisConnectionConfiguration,
        eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any(),
        logger: Logger = Logger(label: "roost.redis")
    ) async throws -> RedisConnection {
        let (pushes, continuation) = AsyncStream.makeStream(
            of: RESPValue.self, bufferingPolicy: .bufferingNewest(max(1, configuration.pushBufferSize)))
        let address = configuration.address
        let tlsContext = try configuration.tls?.makeContext()
        // Filled by the initializer, so the handler is found even if the channel closes
        // (a failed TLS handshake) before the pipeline could be asked for it.
        let installed = NIOLoopBoundBox.makeEmptyBox(valueType: RedisChannelHandler.self, eventLoop: eventLoop)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls = configuration.tls, let tlsContext {
                        try channel.pipeline.syncOperations.addHandler(
                            tls.makeHandler(context: tlsContext, host: configuration.host))
                    }
                    let handler = RedisChannelHandler(
                        limits: configuration.decoderLimits, address: address, logger: logger
                    ) { value in
                        if case .dropped = continuation.yield(value) {
                            logger.warning("Dropped the oldest RESP3 push frame: nobody reads RedisConnection.pushes fast enough")
                        }
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                    installed.value = handler
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            continuation.finish()
            throw RedisConnectionError(.connectFailed, address: address, underlying: error)
        }
        channel.closeFuture.whenComplete { _ in continuation.finish() }
        let handler: NIOLoopBound<RedisChannelHandler>
        do {
            handler = try await channel.eventLoop.submit {
                guard let handler = installed.value else { throw ChannelPipelineError.notFound }
                return NIOLoopBound(handler, eventLoop: channel.eventLoop)
            }.get()
        } catch {
            // Unreachable: a connected channel ran its initializer.
            channel.close(promise: nil)
            throw RedisConnectionError(.connectFailed, address: address, underlying: error)
        }
        let connection = RedisConnection(
            configuration: configuration, channel: channel, handler: handler, pushes: pushes, logger: logger)
        do {
            try await connection.handshake()
        } catch {
            do {
                try await connection.close()
            } catch let closeError {
                logger.debug("Closing after a failed handshake failed too", metadata: ["error": "\(closeError)"])
            }
            throw RedisConnectionError.classifyingTLS(error, address: address)
        }
        return connection
    }

    /// Sends any command and returns its reply: the escape hatch for commands without a
    /// typed method.
    ///
    /// An error reply throws ``RedisServerError``. The reply must arrive within `timeout`
    /// (default: the configured command timeout, or the blocking one for blocking
    /// commands), or ``RedisTimeoutError`` is thrown. Cancelling the task throws
    /// `CancellationError`; the connection stays usable either way.
    ///
    /// ```swift
    /// let length = try await connection.send(RedisCommand("STRLEN", "greeting")).integer
    /// ```
    @discardableResult
    public func send(_ command: RedisCommand, timeout: Duration? = nil) async throws -> RESPValue {
        let timeout = timeout ?? defaultTimeout(for: command)
        var buffer = channel.allocator.buffer(capacity: 64)
        command.encode(into: &buffer)
        return try await instruments.measure(command.name) {
            try await submit(buffer, [command], timeout: timeout)[0].get()
        }
    }

    /// Sends a command given as a name and arguments.
    ///
    /// ```swift
    /// try await connection.send("HSET", "user:1", "name", "Ada")
    /// ```
    @discardableResult
    public func send(_ name: String, _ arguments: RedisArgument...) async throws -> RESPValue {
        try await send(RedisCommand(name, arguments: arguments))
    }

    /// Writes all `commands` at once and returns each one's outcome, in order.
    ///
    /// One failing command (a server error, say) does not fail the others. The call throws
    /// `CancellationError` when the task is cancelled before anything is written; once
    /// written, cancelling fails the commands still waiting with `CancellationError`.
    ///
    /// ```swift
    /// let results = try await connection.pipeline([RedisCommand("INCR", "a"), RedisCommand("INCR", "b")])
    /// ```
    public func pipeline(_ commands: [RedisCommand], timeout: Duration? = nil) async throws -> [Result<RESPValue, any Error>] {
        guard !commands.isEmpty else { return [] }
        var buffer = channel.allocator.buffer(capacity: 32 * commands.count)
        for command in commands { command.encode(into: &buffer) }
        return try await instruments.measure("PIPELINE") { try await submit(buffer, commands, timeout: timeout) }
    }

    /// Closes the connection. Commands in flight fail with ``RedisConnectionError`` of kind
    /// ``RedisConnectionError/Kind/closedByClient``. Closing twice is harmless.
    public func close() async throws {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        let handler = self.handler
        channel.eventLoop.execute { handler.value.close(promise: promise) }
        do {
            try await promise.futureResult.get()
        } catch ChannelError.alreadyClosed {
            return
        } catch NIOSSLError.uncleanShutdown {
            // Redis answers TLS close_notify by closing the socket without its own
            // close_notify; the connection is closed either way, and no reply was pending.
            return
        }
    }

    /// Whether the connection is still open.
    public var isOpen: Bool { channel.isActive }

    /// Completes when the channel has closed, for whatever reason.
    var closeFuture: EventLoopFuture<Void> { channel.closeFuture }

    /// Starts closing without waiting, failing commands in flight.
    func startClosing() {
        let handler = self.handler
        channel.eventLoop.execute { handler.value.close(promise: nil) }
    }

    private func defaultTimeout(for command: RedisCommand) -> Duration? {
        command.isBlocking ? configuration.blockingCommandTimeout : configuration.commandTimeout
    }

    /// Hands encoded commands to the channel handler and waits for all their outcomes.
    /// Cancelling the task abandons the commands that have not completed.
    ///
    /// `bytes` holds the encoded `commands`; `timeout` overrides each one's default.
    private func submit(
        _ bytes: ByteBuffer, _ commands: [RedisCommand], timeout: Duration?
    ) async throws -> [Result<RESPValue, any Error>] {
        try Task.checkCancellation()
        let (batch, ids) = enqueue(bytes, commands, deadlines: deadlines(of: commands, timeout))
        let eventLoop = channel.eventLoop
        let handler = self.handler
        // One wait for the whole batch; every command completes (reply, error, deadline,
        // cancellation or close), so this cannot hang. A cancellation abandons the
        // commands after they were written: the loop runs jobs in order.
        return try await withTaskCancellationHandler {
            try await batch.promise.futureResult.get()
        } onCancel: {
            eventLoop.execute {
                for id in ids { handler.value.abandon(id: id, error: CancellationError()) }
            }
        }
    }

    /// Hands `bytes`, the encoded `commands`, to the channel handler as one batch and
    /// returns the batch and the commands' ids. Always through `execute`, never inline:
    /// jobs enqueued on the loop run in the order they were enqueued, so commands reach
    /// the server in call order, even from different threads.
    private func enqueue(
        _ bytes: ByteBuffer, _ commands: [RedisCommand], deadlines: RedisChannelHandler.Deadlines, confirmations: Int = 0
    ) -> (batch: PipelineBatch, ids: Range<UInt64>) {
        let firstID = nextID.add(UInt64(commands.count), ordering: .relaxed).oldValue
        let batch = PipelineBatch(commands, promise: channel.eventLoop.makePromise())
        let outgoing = RedisChannelHandler.Outgoing(
            firstID: firstID, batch: batch, deadlines: deadlines, confirmations: confirmations)
        let handler = self.handler
        channel.eventLoop.execute { handler.value.write(bytes, outgoing) }
        return (batch, firstID..<firstID + UInt64(commands.count))
    }

    /// The deadlines of `commands`: `timeout` for all, or each one's default (shared
    /// unless blocking and other commands are mixed).
    private func deadlines(of commands: [RedisCommand], _ timeout: Duration?) -> RedisChannelHandler.Deadlines {
        if let timeout { return .shared(timeout) }
        let first = defaultTimeout(for: commands[0])
        guard commands.contains(where: { defaultTimeout(for: $0) != first }) else { return .shared(first) }
        return .each(commands.map(defaultTimeout(for:)))
    }

    /// Hands one command to the channel handler without waiting: commands written by
    /// successive calls reach the server in call order, even from different threads, which
    /// lets a caller order them under a lock. `confirmations` is the number of pub/sub
    /// confirmations that answer the command (0 for an ordinary command). The command runs
    /// under the configured command timeout.
    func write(_ command: RedisCommand, confirmations: Int) -> EventLoopFuture<RESPValue> {
        var buffer = channel.allocator.buffer(capacity: 64)
        command.encode(into: &buffer)
        let (batch, _) = enqueue(
            buffer, [command], deadlines: .shared(defaultTimeout(for: command)), confirmations: confirmations)
        return batch.promise.futureResult.flatMapThrowing { try $0[0].get() }
    }

    func setNegotiatedVersion(_ version: RedisConnectionConfiguration.ProtocolVersion) {
        negotiatedVersion.store(version.rawValue, ordering: .relaxed)
    }
}
