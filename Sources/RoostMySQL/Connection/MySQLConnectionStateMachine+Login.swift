import NIOCore

/// The login exchange: greeting, optional SSLRequest, handshake response and the
/// authentication plugins' rounds.
extension MySQLConnectionStateMachine {
    mutating func greetingReceived(_ payload: ByteBuffer) throws -> Action {
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
    mutating func sendHandshakeResponse(_ greeting: MySQLHandshake) -> Action {
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

    mutating func authenticationPacketReceived(_ payload: ByteBuffer, _ authentication: Authentication) throws -> Action {
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
}
