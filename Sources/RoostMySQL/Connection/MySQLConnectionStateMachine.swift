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

    private(set) var state: State = .awaitingGreeting
    private(set) var capabilities: MySQLCapabilities = []
    private(set) var session: MySQLSessionInfo?
    /// Whether TLS was established, so secrets may travel without further protection.
    private(set) var isEncrypted = false
    private var expectedSequenceID: UInt8 = 0
    /// The result columns of each open prepared statement, as last described by the
    /// server. With MariaDB's metadata cache (``MySQLCapabilities/mariaDBCacheMetadata``)
    /// an execution's result leaves its column definitions out unless they changed, and
    /// the rows are read with these.
    private var statementColumns: [UInt32: [MySQLColumn]] = [:]
    private let credentials: Credentials

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

    // MARK: - Login

    private mutating func greetingReceived(_ payload: ByteBuffer) throws -> Action {
        let greeting = try MySQLHandshake(payload: payload)
        var wanted = MySQLCapabilities.clientDefault
        if credentials.database != nil { wanted.insert(.connectWithDB) }
        if credentials.countsMatchedRows { wanted.insert(.foundRows) }
        capabilities = wanted.intersection(greeting.capabilities)
        guard capabilities.contains(.secureConnection) else {
            throw MySQLProtocolError(.unsupported, "server lacks CLIENT_SECURE_CONNECTION (pre-4.1 authentication)")
        }
        if credentials.database != nil, !capabilities.contains(.connectWithDB) {
            throw MySQLProtocolError(.unsupported, "server cannot select a database at login")
        }
        let serverOffersTLS = greeting.capabilities.contains(.ssl)
        switch credentials.tls {
        case .disable:
            break
        case .prefer where !serverOffersTLS:
            break
        case .require where !serverOffersTLS:
            throw MySQLConnectionError(
                .tls,
                "TLS is required but the server does not offer it (no CLIENT_SSL in its greeting); start the server with ssl_cert, ssl_key and ssl_ca, or set MySQLConfiguration.tls to .prefer or .disable")
        case .prefer, .require:
            capabilities.insert(.ssl)
            var payload = ByteBuffer()
            MySQLHandshakeResponse.encodeSSLRequest(
                capabilities: capabilities, maximumPacketSize: maximumPacketSize,
                characterSet: Self.utf8mb4CharacterSet, into: &payload)
            state = .awaitingTLS(greeting)
            var out = ByteBuffer()
            expectedSequenceID = MySQLPacket.write(payload: payload, sequenceID: expectedSequenceID, into: &out)
            return .startTLS(out)
        }
        return sendHandshakeResponse(greeting)
    }

    private var maximumPacketSize: UInt32 { UInt32(clamping: credentials.maximumPacketSize) }

    /// The login answer to the greeting, in plain text or over the established TLS.
    private mutating func sendHandshakeResponse(_ greeting: MySQLHandshake) -> Action {
        session = MySQLSessionInfo(
            serverVersion: greeting.serverVersion, connectionID: greeting.connectionID, capabilities: capabilities,
            status: greeting.status)
        // Unknown default plugins get a native-password answer; the server then switches
        // to the plugin the account really uses.
        let plugin = greeting.authPluginName.flatMap(MySQLAuthPlugin.init(rawValue:)) ?? .nativePassword
        let response = MySQLHandshakeResponse(
            capabilities: capabilities, maximumPacketSize: maximumPacketSize,
            characterSet: Self.utf8mb4CharacterSet, username: credentials.username,
            authResponse: plugin.scramble(password: credentials.password, nonce: greeting.authPluginData),
            database: credentials.database, authPluginName: plugin.rawValue, attributes: credentials.attributes)
        var payload = ByteBuffer()
        response.encode(into: &payload)
        state = .authenticating(Authentication(plugin: plugin, nonce: greeting.authPluginData))
        return send(payload)
    }

    private mutating func authenticationPacketReceived(_ payload: ByteBuffer, _ authentication: Authentication) throws -> Action {
        var authentication = authentication
        switch payload.getInteger(at: payload.readerIndex, as: UInt8.self) {
        case 0x00:
            let ok = try MySQLOKPacket(payload: payload, capabilities: capabilities)
            state = .ready
            session?.status = ok.status
            return .authenticated(session!)
        case 0xFF:
            throw try MySQLERRPacket(payload: payload, capabilities: capabilities).error
        case 0xFE:
            let request = try MySQLAuthSwitchRequest(payload: payload)
            guard let plugin = MySQLAuthPlugin(rawValue: request.pluginName) else {
                throw MySQLConnectionError(
                    .authentication,
                    "the account uses the '\(request.pluginName)' authentication plugin, which this client does not support; use mysql_native_password or caching_sha2_password")
            }
            authentication = Authentication(plugin: plugin, nonce: request.pluginData)
            state = .authenticating(authentication)
            return send(ByteBuffer(bytes: plugin.scramble(password: credentials.password, nonce: request.pluginData)))
        case 0x01:
            let more = try MySQLAuthMoreData(payload: payload)
            guard authentication.plugin == .cachingSHA2Password else {
                throw MySQLProtocolError(.unexpected, "AuthMoreData during \(authentication.plugin.rawValue) authentication")
            }
            return try cachingSHA2MoreData(more.data, authentication)
        case let header:
            throw MySQLProtocolError(.unexpected, "packet with header \(header.map { String($0) } ?? "none") during authentication")
        }
    }

    private mutating func cachingSHA2MoreData(_ data: [UInt8], _ authentication: Authentication) throws -> Action {
        var authentication = authentication
        if authentication.awaitingPublicKey {
            authentication.awaitingPublicKey = false
            state = .authenticating(authentication)
            let key = String(decoding: data, as: UTF8.self)
            return send(try encryptedPassword(key, authentication))
        }
        switch data {
        case [0x03]:
            // Fast authentication succeeded; the OK packet follows.
            return .wait
        case [0x04]:
            // Over TLS the password goes as it is (NUL-terminated): TLS protects it, and
            // the server only accepts it in clear on a secure transport.
            if isEncrypted {
                return send(ByteBuffer(bytes: Array(credentials.password.utf8) + [0]))
            }
            // Without TLS it travels encrypted with the server's RSA public key.
            if let key = credentials.serverPublicKey {
                return send(try encryptedPassword(key, authentication))
            }
            guard credentials.allowPublicKeyRetrieval else {
                throw MySQLConnectionError(
                    .authentication,
                    "caching_sha2_password needs full authentication and the connection is not encrypted; set MySQLConfiguration.tls, serverPublicKey or allowPublicKeyRetrieval")
            }
            authentication.awaitingPublicKey = true
            state = .authenticating(authentication)
            return send(ByteBuffer(bytes: [0x02]))
        default:
            throw MySQLProtocolError(.malformed, "caching_sha2_password status \(data.prefix(8))")
        }
    }

    private func encryptedPassword(_ publicKey: String, _ authentication: Authentication) throws -> ByteBuffer {
        ByteBuffer(
            bytes: try MySQLAuthPlugin.rsaEncryptedPassword(
                password: credentials.password, nonce: authentication.nonce, publicKeyPEM: publicKey))
    }

    // MARK: - Commands

    private mutating func commandPacketReceived(_ payload: ByteBuffer, _ running: inout Running) throws -> Action {
        let header = payload.getInteger(at: payload.readerIndex, as: UInt8.self)
        if header == 0xFF {
            let error = try MySQLERRPacket(payload: payload, capabilities: capabilities).error
            // Killed connections and shutdowns announce themselves with an ERR and then close.
            if [1927, 1053, 4031].contains(error.errorCode) {
                return fail(MySQLConnectionError(.closed, "the server ended the connection", underlying: error))
            }
            state = .ready
            return .commandFailed(error)
        }
        switch running.phase {
        case .awaitingResponse:
            if case .prepare = running.command {
                return try prepareResponseReceived(payload, running)
            }
            switch header {
            case 0x00:
                let ok = try MySQLOKPacket(payload: payload, capabilities: capabilities)
                running.current.affectedRows = ok.affectedRows
                running.current.lastInsertID = ok.lastInsertID
                return finishResultSet(running, warnings: ok.warnings, status: ok.status)
            case 0xFB:
                throw MySQLProtocolError(.unsupported, "LOAD DATA LOCAL INFILE")
            case nil:
                throw MySQLProtocolError.truncated("command response")
            default:
                switch running.command {
                case .query, .execute: break
                default: throw MySQLProtocolError(.unexpected, "result set in answer to \(running.command)")
                }
                var buffer = payload
                let count = try buffer.readLengthEncodedInteger("column count")
                var metadataFollows = true
                // With the metadata cache every result set says whether its column
                // definitions follow (a text query's always do).
                if capabilities.contains(.mariaDBCacheMetadata) {
                    guard let flag = buffer.readInteger(as: UInt8.self) else {
                        throw MySQLProtocolError.truncated("result set header")
                    }
                    metadataFollows = flag != 0
                }
                guard count > 0, count <= Self.maximumColumnCount, buffer.readableBytes == 0 else {
                    throw MySQLProtocolError(.malformed, "column count \(count)")
                }
                if metadataFollows {
                    running.current.columns.reserveCapacity(Int(count))
                    running.phase = .columnDefinitions(remaining: Int(count))
                } else {
                    running.current.columns = try cachedColumns(for: running.command, count: Int(count))
                    running.phase = .rows
                }
            }
        case .columnDefinitions(let remaining):
            running.current.columns.append(try MySQLColumn(payload: payload))
            if remaining > 1 {
                running.phase = .columnDefinitions(remaining: remaining - 1)
            } else {
                if case .execute(let statement, _) = running.command, capabilities.contains(.mariaDBCacheMetadata) {
                    statementColumns[statement.id] = running.current.columns
                }
                running.phase = capabilities.contains(.deprecateEOF) ? .rows : .columnsEOF
            }
        case .columnsEOF:
            guard MySQLEOFPacket.matches(payload) else {
                throw MySQLProtocolError(.unexpected, "expected EOF after column definitions")
            }
            _ = try MySQLEOFPacket(payload: payload)
            running.phase = .rows
        case .rows:
            if header == 0xFE {
                if capabilities.contains(.deprecateEOF), payload.readableBytes < MySQLPacket.maximumFramePayload {
                    let ok = try MySQLOKPacket(payload: payload, capabilities: capabilities)
                    return finishResultSet(running, warnings: ok.warnings, status: ok.status)
                }
                if MySQLEOFPacket.matches(payload) {
                    let eof = try MySQLEOFPacket(payload: payload)
                    return finishResultSet(running, warnings: eof.warnings, status: eof.status)
                }
            }
            let row =
                if case .execute = running.command {
                    try MySQLRow(binaryPayload: payload, columns: running.current.columns)
                } else {
                    try MySQLRow(textPayload: payload, columns: running.current.columns)
                }
            if running.streaming {
                state = .running(running)
                return .rowReceived(row)
            }
            running.current.rows.append(row)
        case .statementParameters, .statementParametersEOF, .statementColumns, .statementColumnsEOF:
            return try prepareResponseReceived(payload, running)
        }
        state = .running(running)
        return .wait
    }

    /// `COM_STMT_PREPARE_OK`, then one definition per parameter and per column, each
    /// group closed by an EOF unless `CLIENT_DEPRECATE_EOF` is on.
    private mutating func prepareResponseReceived(_ payload: ByteBuffer, _ running: Running) throws -> Action {
        var running = running
        let classicEOF = !capabilities.contains(.deprecateEOF)
        /// Where to go once the parameter definitions are done.
        func columnsOrDone() -> Phase? {
            running.statementColumnCount > 0 ? .statementColumns(remaining: running.statementColumnCount) : nil
        }
        var next: Phase?
        switch running.phase {
        case .awaitingResponse:
            guard payload.getInteger(at: payload.readerIndex, as: UInt8.self) == 0x00 else {
                throw MySQLProtocolError(.unexpected, "expected COM_STMT_PREPARE_OK")
            }
            let header = try MySQLPreparedStatement.Header(payload: payload)
            running.statement = MySQLPreparedStatement(id: header.id, parameterCount: header.parameterCount, columns: [])
            running.statementColumnCount = header.columnCount
            next = header.parameterCount > 0 ? .statementParameters(remaining: header.parameterCount) : columnsOrDone()
        case .statementParameters(let remaining):
            // Parameter definitions carry nothing a client needs; they are checked and skipped.
            _ = try MySQLColumn(payload: payload)
            next =
                remaining > 1 ? .statementParameters(remaining: remaining - 1)
                : classicEOF ? .statementParametersEOF : columnsOrDone()
        case .statementColumns(let remaining):
            running.statement!.columns.append(try MySQLColumn(payload: payload))
            next = remaining > 1 ? .statementColumns(remaining: remaining - 1) : classicEOF ? .statementColumnsEOF : nil
        case .statementParametersEOF, .statementColumnsEOF:
            guard MySQLEOFPacket.matches(payload) else {
                throw MySQLProtocolError(.unexpected, "expected EOF after statement definitions")
            }
            _ = try MySQLEOFPacket(payload: payload)
            if case .statementParametersEOF = running.phase { next = columnsOrDone() }
        case .columnDefinitions, .columnsEOF, .rows:
            throw MySQLProtocolError(.unexpected, "result set in answer to COM_STMT_PREPARE")
        }
        guard let next else {
            let statement = running.statement!
            if capabilities.contains(.mariaDBCacheMetadata) { statementColumns[statement.id] = statement.columns }
            state = .ready
            return .statementPrepared(statement)
        }
        running.phase = next
        state = .running(running)
        return .wait
    }

    private mutating func finishResultSet(_ running: Running, warnings: UInt16, status: MySQLStatusFlags) -> Action {
        var running = running
        running.current.warnings = warnings
        running.current.status = status
        session?.status = status
        if status.contains(.moreResultsExist) {
            running.finished.append(running.current)
            running.current = MySQLQueryResult()
            running.phase = .awaitingResponse
            state = .running(running)
            return .wait
        }
        state = .ready
        guard var first = running.finished.first else { return .commandSucceeded(running.current) }
        first.moreResults = Array(running.finished.dropFirst()) + [running.current]
        return .commandSucceeded(first)
    }

    // MARK: - Helpers

    /// The columns of an execution whose result left them out: those the server last
    /// described for its statement.
    private func cachedColumns(for command: MySQLCommand, count: Int) throws -> [MySQLColumn] {
        guard case .execute(let statement, _) = command, let columns = statementColumns[statement.id] else {
            throw MySQLProtocolError(.unexpected, "a result without column definitions for a statement never described")
        }
        guard columns.count == count else {
            throw MySQLProtocolError(
                .malformed, "a result of \(count) columns without definitions, for a statement of \(columns.count)")
        }
        return columns
    }

    private mutating func send(_ payload: ByteBuffer) -> Action {
        var out = ByteBuffer()
        expectedSequenceID = MySQLPacket.write(payload: payload, sequenceID: expectedSequenceID, into: &out)
        return .send(out)
    }

    private mutating func fail(_ error: any Error) -> Action {
        state = .closed
        return .closeConnection(error)
    }
}
