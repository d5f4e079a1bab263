import NIOCore

/// The connection protocol as a pure state machine: packets and commands go in, actions
/// for the channel handler come out. No I/O, no event loop; tested on its own.
struct MySQLConnectionStateMachine {
    /// What the connection needs to log in.
    struct Credentials: Sendable {
        var username: String
        var password: String
        var database: String?
        var attributes: [(key: String, value: String)]
        var maximumPacketSize: Int
        var serverPublicKey: String?
        var allowPublicKeyRetrieval: Bool
        /// Whether UPDATE reports the rows it matched rather than the rows it changed.
        var countsMatchedRows = false
        /// Whether the connection switches to TLS after the greeting.
        var tls: MySQLConfiguration.TLS.Mode = .disable
    }

    /// What the handler must do next.
    enum Action {
        /// Write these framed bytes and flush.
        case send(ByteBuffer)
        /// Write these framed bytes (the SSLRequest), flush, then start the TLS handshake
        /// in front of the packet decoder; call ``tlsEstablished()`` once it completes.
        case startTLS(ByteBuffer)
        /// Login finished; commands may run.
        case authenticated(MySQLSessionInfo)
        /// The running command finished.
        case commandSucceeded(MySQLQueryResult)
        /// `COM_STMT_PREPARE` finished: the statement is ready to execute.
        case statementPrepared(MySQLPreparedStatement)
        /// One row of a streamed result arrived (only for commands started with
        /// `streaming: true`; other commands collect their rows in the result).
        case rowReceived(MySQLRow)
        /// The running command failed with a server error; the connection stays usable.
        case commandFailed(MySQLServerError)
        /// The connection is unusable: fail everything with this error and close.
        case closeConnection(any Error)
        /// Nothing to do until the next packet.
        case wait
    }

    enum Phase {
        case awaitingResponse
        case statementParameters(remaining: Int)
        case statementParametersEOF
        case statementColumns(remaining: Int)
        case statementColumnsEOF
        case columnDefinitions(remaining: Int)
        case columnsEOF
        case rows
    }

    struct Authentication {
        var plugin: MySQLAuthPlugin
        var nonce: [UInt8]
        var awaitingPublicKey = false
    }

    struct Running {
        var command: MySQLCommand
        /// Whether rows go out one by one as `.rowReceived` instead of into the result.
        var streaming = false
        var phase: Phase = .awaitingResponse
        /// The statement being prepared.
        var statement: MySQLPreparedStatement?
        var statementColumnCount = 0
        var current = MySQLQueryResult()
        var finished: [MySQLQueryResult] = []
    }

    enum State {
        case awaitingGreeting
        /// The SSLRequest went out; the TLS handshake runs. The greeting is kept for the
        /// handshake response that follows over TLS.
        case awaitingTLS(MySQLHandshake)
        case authenticating(Authentication)
        case ready
        case running(Running)
        case closed
    }

    /// MySQL's limit on columns in a result; a larger count is hostile.
    static let maximumColumnCount: UInt64 = 4096
    /// utf8mb4_general_ci, understood by MySQL 5.5+ and every MariaDB.
    static let utf8mb4CharacterSet: UInt8 = 45

    // Written only by the machine itself (this file and its extensions); the channel
    // handler reads `state`, `capabilities` and `session`.
    var state: State = .awaitingGreeting
    var capabilities: MySQLCapabilities = []
    var session: MySQLSessionInfo?
    /// Whether TLS was established, so secrets may travel without further protection.
    var isEncrypted = false
    var expectedSequenceID: UInt8 = 0
    /// The result columns of each open prepared statement, as last described by the
    /// server. With MariaDB's metadata cache (``MySQLCapabilities/mariaDBCacheMetadata``)
    /// an execution's result leaves its column definitions out unless they changed, and
    /// the rows are read with these.
    var statementColumns: [UInt32: [MySQLColumn]] = [:]
    let credentials: Credentials

    init(credentials: Credentials) {
        self.credentials = credentials
    }

    /// Whether the TLS handshake is running (its failures are TLS errors).
    var isAwaitingTLS: Bool {
        if case .awaitingTLS = state { return true }
        return false
    }

    /// Whether a command can be started now.
    var isReady: Bool {
        if case .ready = state { return true }
        return false
    }

    // MARK: - Input

    /// A packet arrived from the server.
    mutating func packetReceived(_ packet: MySQLPacket) -> Action {
        guard packet.sequenceID == expectedSequenceID else {
            return fail(MySQLProtocolError(.malformed, "packet sequence id \(packet.sequenceID), expected \(expectedSequenceID)"))
        }
        expectedSequenceID = packet.nextSequenceID
        do {
            switch state {
            case .awaitingGreeting:
                return try greetingReceived(packet.payload)
            case .awaitingTLS:
                // The server says nothing between the greeting and the TLS handshake.
                if packet.header == 0xFF {
                    throw try MySQLERRPacket(payload: packet.payload, capabilities: capabilities).error
                }
                throw MySQLProtocolError(.unexpected, "packet during the TLS handshake")
            case .authenticating(let authentication):
                return try authenticationPacketReceived(packet.payload, authentication)
            case .running(var running):
                // Release the state's copy first, so appending a row to `running` does
                // not copy the rows collected so far (every path below sets the state).
                state = .closed
                return try commandPacketReceived(packet.payload, &running)
            case .ready:
                // Servers send an ERR before closing an idle connection (timeout, shutdown).
                if packet.header == 0xFF {
                    let error = try MySQLERRPacket(payload: packet.payload, capabilities: capabilities).error
                    return fail(MySQLConnectionError(.closed, "the server ended the idle connection", underlying: error))
                }
                return fail(MySQLProtocolError(.unexpected, "packet while no command was running"))
            case .closed:
                return .wait
            }
        } catch {
            return fail(error)
        }
    }

    /// Starts a command; the connection must be ready. With `streaming`, rows of the
    /// result come out one by one as `.rowReceived`.
    mutating func start(_ command: MySQLCommand, streaming: Bool = false) -> Action {
        guard case .ready = state else {
            preconditionFailure("a command was started while the connection was not ready")
        }
        switch command {
        case .quit: state = .closed
        case .closeStatement(let id):
            statementColumns[id] = nil
            state = .ready
        case .resetConnection:
            // The server drops every prepared statement.
            statementColumns.removeAll()
            state = .running(Running(command: command, streaming: streaming))
        default: state = .running(Running(command: command, streaming: streaming))
        }
        var out = ByteBuffer()
        expectedSequenceID = MySQLPacket.write(payload: command.payload, sequenceID: 0, into: &out)
        return .send(out)
    }

    /// The TLS handshake that ``Action/startTLS(_:)`` asked for completed: the handshake
    /// response follows, encrypted, with the next sequence id.
    mutating func tlsEstablished() -> Action {
        guard case .awaitingTLS(let greeting) = state else {
            return fail(MySQLProtocolError(.unexpected, "a TLS handshake completed although none was started"))
        }
        isEncrypted = true
        return sendHandshakeResponse(greeting)
    }

    /// The channel closed or failed; nothing more will arrive.
    mutating func closed() {
        state = .closed
    }

    // MARK: - Helpers

    mutating func send(_ payload: ByteBuffer) -> Action {
        var out = ByteBuffer()
        expectedSequenceID = MySQLPacket.write(payload: payload, sequenceID: expectedSequenceID, into: &out)
        return .send(out)
    }

    mutating func fail(_ error: any Error) -> Action {
        state = .closed
        return .closeConnection(error)
    }
}
