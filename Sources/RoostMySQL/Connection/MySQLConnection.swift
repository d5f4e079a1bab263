import Foundation
import Logging
import NIOCore
import NIOPosix
import RoostPoolSupport
import Synchronization

/// One authenticated connection to a MySQL or MariaDB server.
///
/// Commands run one at a time in the order they were issued; concurrent callers queue.
/// A server error (bad SQL, duplicate key) fails only its statement; a lost connection
/// or a protocol error fails every pending command with ``MySQLConnectionError`` or
/// ``MySQLProtocolError`` and closes the connection.
///
/// ```swift
/// let configuration = try MySQLConfiguration(url: "mysql://app:secret@127.0.0.1/shop")
/// let connection = try await MySQLConnection.connect(configuration: configuration)
/// let result = try await connection.query("SELECT id, name FROM users")
/// for row in result.rows { print(try row["name"].decode(String.self)) }
/// try await connection.close()
/// ```
public final class MySQLConnection: Sendable {
    /// The server's version string, such as `10.11.6-MariaDB`.
    public let serverVersion: String
    /// The server's id for this connection (`CONNECTION_ID()`, the target of `KILL`).
    public let connectionID: UInt32
    /// Whether the connection is encrypted with TLS (see ``MySQLConfiguration/tls``).
    public var isEncrypted: Bool { capabilities.contains(.ssl) }
    /// The underlying channel.
    let channel: any Channel
    let capabilities: MySQLCapabilities
    /// Prepared statements by SQL text. Commands that use or close cached statements are
    /// handed to the channel while this lock is held, so they reach the server in the
    /// order the cache saw them: a statement is never executed after its close.
    let statements: Mutex<MySQLStatementCache>
    /// Whether the session is kept read-only (``MySQLConfiguration/readOnly``).
    let readOnly: Bool
    /// Query metrics and spans; nil when nothing is recorded.
    let instruments: CommandInstruments?
    /// Runs code on this connection's event loop (see
    /// ``MySQLConnectionPool/withConnection(leaseTimeout:onEventLoop:_:)``).
    let taskExecutor: EventLoopTaskExecutor

    private init(
        channel: any Channel, session: MySQLSessionInfo, statementCacheCapacity: Int, readOnly: Bool,
        instruments: CommandInstruments?
    ) {
        self.channel = channel
        self.taskExecutor = EventLoopTaskExecutor(channel.eventLoop)
        self.instruments = instruments
        self.readOnly = readOnly
        self.statements = Mutex(MySQLStatementCache(capacity: statementCacheCapacity))
        self.serverVersion = session.serverVersion
        self.connectionID = session.connectionID
        self.capabilities = session.capabilities
    }

    /// Opens a TCP connection, logs in and returns the ready connection.
    ///
    /// Throws ``MySQLConnectionError`` when the server cannot be reached or login cannot
    /// proceed, ``MySQLServerError`` when the server refuses the login (1045 for a wrong
    /// password) and ``MySQLProtocolError`` when the peer does not speak the protocol.
    public static func connect(
        configuration: MySQLConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "roost.mysql")
    ) async throws -> MySQLConnection {
        var logger = logger
        logger[metadataKey: "mysql.host"] = "\(configuration.host):\(configuration.port)"
        let eventLoop = eventLoopGroup.next()
        let loginPromise = eventLoop.makePromise(of: MySQLSessionInfo.self)
        let credentials = MySQLConnectionStateMachine.Credentials(
            username: configuration.username, password: configuration.password, database: configuration.database,
            attributes: Self.attributes(configuration.connectionAttributes),
            maximumPacketSize: configuration.maximumPacketSize, serverPublicKey: configuration.serverPublicKey,
            allowPublicKeyRetrieval: configuration.allowPublicKeyRetrieval,
            countsMatchedRows: configuration.countsMatchedRows, tls: configuration.tls.mode)
        let tls = configuration.tls
        let host = configuration.host
        let tlsServerName = configuration.tlsServerName
        let maximumPacketSize = configuration.maximumPacketSize
        let loginTimeout = configuration.loginTimeout
        let handlerLogger = logger
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        MySQLChannelHandler(
                            credentials: credentials, loginPromise: loginPromise, loginTimeout: loginTimeout,
                            maximumPacketSize: maximumPacketSize, logger: handlerLogger,
                            makeTLSHandler: { try tls.makeHandler(host: host, serverName: tlsServerName) }))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            let failure = MySQLConnectionError(
                .connectFailed, "\(configuration.host):\(configuration.port) did not accept a connection", underlying: error)
            loginPromise.fail(failure)
            throw failure
        }
        do {
            let session = try await loginPromise.futureResult.get()
            let connection = MySQLConnection(
                channel: channel, session: session, statementCacheCapacity: configuration.statementCacheCapacity,
                readOnly: configuration.readOnly,
                instruments: CommandInstruments.make(
                    configuration.instrumentation, system: "mysql", host: configuration.host, port: configuration.port))
            if configuration.readOnly { try await connection.query(Self.readOnlyStatement) }
            return connection
        } catch {
            // The handler closes the channel on every login failure; this only makes sure,
            // and a failure to close an already closed channel adds nothing to `error`.
            try? await channel.close()
            throw error
        }
    }

    /// The connection attributes sent at login: the defaults plus `custom`, sorted by key.
    static func attributes(_ custom: [String: String]) -> [(key: String, value: String)] {
        var attributes = [
            "_client_name": "roost-mysql", "_client_version": "0.1", "_pid": String(ProcessInfo.processInfo.processIdentifier),
        ]
        #if os(Linux)
        attributes["_os"] = "Linux"
        #elseif os(macOS)
        attributes["_os"] = "macOS"
        #endif
        attributes.merge(custom) { _, new in new }
        return attributes.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
    }

    /// Runs SQL with the text protocol (`COM_QUERY`) and returns its rows and counters.
    ///
    /// Throws ``MySQLServerError`` when the server rejects the statement (the connection
    /// stays usable).
    @discardableResult
    public func query(_ sql: String) async throws -> MySQLQueryResult {
        try await instruments.measure(Self.operation(of: sql), queryText: MySQLQueryText.sanitized(sql)) {
            try await send(.query(sql))
        }
    }

    /// The statement's first keyword, upper-cased (`SELECT`, `INSERT`): the operation
    /// name in metrics and spans. Spans also carry the statement (`db.query.text`), with
    /// placeholders or with its literals replaced by `?`, never with values.
    static func operation(of sql: String) -> String {
        var rest = Substring(sql)
        while true {
            rest = rest.drop { $0.isWhitespace || $0 == "(" }
            if rest.hasPrefix("/*") {
                guard let end = rest.range(of: "*/") else { return "QUERY" }
                rest = rest[end.upperBound...]
            } else if rest.hasPrefix("--") || rest.hasPrefix("#") {
                rest = rest.drop { $0 != "\n" }
            } else {
                break
            }
        }
        let keyword = rest.prefix { $0.isLetter }
        return keyword.isEmpty ? "QUERY" : keyword.uppercased()
    }

    /// Checks that the server answers (`COM_PING`).
    public func ping() async throws {
        try await send(.ping)
    }

    /// Resets session state (variables, temporary tables, open transaction, prepared
    /// statements) without logging in again (`COM_RESET_CONNECTION`).
    public func resetConnection() async throws {
        try await send(.resetConnection)
    }

    /// Whether the connection can still run commands.
    public var isClosed: Bool { !channel.isActive }

    /// Says goodbye (`COM_QUIT`) and closes the connection once pending commands finished.
    /// Closing a closed connection does nothing.
    public func close() async throws {
        guard channel.isActive else { return }
        do {
            try await send(.quit)
        } catch let error as MySQLConnectionError where error.kind == .closed {
            // Already closed by the server or the network: nothing left to say goodbye to.
        }
        // The close future never fails; awaiting it only waits for the socket to close.
        try? await channel.closeFuture.get()
    }

    /// Sends one command and waits for its result.
    ///
    /// A command is not interrupted once sent (that needs KILL QUERY from another
    /// connection), but a task cancelled beforehand does not send it, unless
    /// `evenIfCancelled` is set: the pool uses that for cleanup (`ROLLBACK`,
    /// `COM_RESET_CONNECTION`) that must happen precisely because a task was cancelled.
    @discardableResult
    func send(_ command: MySQLCommand, evenIfCancelled: Bool = false) async throws -> MySQLQueryResult {
        if command != .quit && !evenIfCancelled { try Task.checkCancellation() }
        if command == .resetConnection {
            // The server drops every prepared statement of the session.
            let (reset, readOnly) = statements.withLock { cache in
                cache.removeAll()
                return (submit(command), self.readOnly ? submit(.query(Self.readOnlyStatement)) : nil)
            }
            let result = try await reset.result()
            _ = try await readOnly?.result()
            return result
        }
        return try await submit(command).result()
    }

    /// Makes the session read-only.
    static let readOnlyStatement = "SET SESSION TRANSACTION READ ONLY"

    /// Hands a command to the channel without waiting; with `rows`, its result rows go
    /// there one by one.
    func submit(_ command: MySQLCommand, rows: MySQLRowStreamSink? = nil) -> EventLoopFuture<MySQLResponse> {
        let promise = channel.eventLoop.makePromise(of: MySQLResponse.self)
        channel.writeAndFlush(MySQLRequest(command: command, promise: promise, rows: rows)).whenFailure { error in
            promise.fail(MySQLConnectionError.notSent("the command could not be sent", underlying: error))
        }
        return promise.futureResult
    }
}

extension EventLoopFuture<MySQLResponse> {
    /// The query result of a command that produces one.
    func result() async throws -> MySQLQueryResult {
        switch try await get() {
        case .result(let result): return result
        case .prepared: throw MySQLProtocolError(.unexpected, "a prepared statement where a result was expected")
        }
    }
}
