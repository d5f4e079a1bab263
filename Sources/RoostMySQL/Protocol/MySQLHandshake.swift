import NIOCore

/// The server greeting (`Protocol::HandshakeV10`), the first packet of every connection.
struct MySQLHandshake: Sendable, Equatable {
    var protocolVersion: UInt8 = 10
    var serverVersion: String
    var connectionID: UInt32
    /// The nonce for the auth plugin (20 bytes with current servers), without the trailing NUL.
    var authPluginData: [UInt8]
    var capabilities: MySQLCapabilities
    var characterSet: UInt8
    var status: MySQLStatusFlags
    /// The server's default auth plugin, when it sets `CLIENT_PLUGIN_AUTH`.
    var authPluginName: String?

    /// Whether the server is MariaDB (its version string says so).
    var isMariaDB: Bool { serverVersion.contains("MariaDB") }

    /// Decodes a greeting payload.
    init(payload: ByteBuffer) throws {
        var buffer = payload
        protocolVersion = try buffer.readMySQLInteger("protocol version")
        if protocolVersion == 0xFF {
            // Servers refuse some connections (too many, host blocked) with an ERR
            // packet in place of the greeting.
            buffer.moveReaderIndex(to: payload.readerIndex)
            throw try MySQLERRPacket(payload: buffer, capabilities: []).error
        }
        guard protocolVersion == 10 else {
            throw MySQLProtocolError(.unsupported, "handshake protocol version \(protocolVersion), only 10 is supported")
        }
        serverVersion = try buffer.readNullTerminatedMySQLString("server version")
        connectionID = try buffer.readMySQLInteger("connection id")
        var nonce = try buffer.readMySQLBytes(length: 8, "auth plugin data part 1")
        _ = try buffer.readMySQLInteger(as: UInt8.self, "filler")
        let lowerCapabilities = UInt32(try buffer.readMySQLInteger(as: UInt16.self, "capability flags"))
        guard buffer.readableBytes > 0 else {
            // A pre-4.1 greeting ends here; this client needs protocol 4.1.
            throw MySQLProtocolError(.unsupported, "server does not speak protocol 4.1")
        }
        characterSet = try buffer.readMySQLInteger("character set")
        status = MySQLStatusFlags(rawValue: try buffer.readMySQLInteger("status flags"))
        let upperCapabilities = UInt32(try buffer.readMySQLInteger(as: UInt16.self, "capability flags (upper)"))
        var standard = MySQLCapabilities(lower: lowerCapabilities | upperCapabilities << 16)
        let authDataLength: UInt8 = try buffer.readMySQLInteger("auth plugin data length")
        _ = try buffer.readMySQLBytes(length: 6, "reserved")
        let mariaDBCapabilities: UInt32 = try buffer.readMySQLInteger("reserved / MariaDB capabilities")
        if !standard.contains(.clientMySQL) {
            standard = MySQLCapabilities(lower: standard.lower32, upper: mariaDBCapabilities)
        }
        capabilities = standard
        guard capabilities.contains(.protocol41) else {
            throw MySQLProtocolError(.unsupported, "server does not speak protocol 4.1")
        }
        if capabilities.contains(.secureConnection) {
            let part2Length = max(13, Int(authDataLength) - 8)
            nonce += try buffer.readMySQLBytes(length: part2Length, "auth plugin data part 2")
            if nonce.last == 0 { nonce.removeLast() }
        }
        authPluginData = nonce
        if capabilities.contains(.pluginAuth) {
            // Some servers omit the terminating NUL of the last field.
            if buffer.readableBytesView.contains(0) {
                authPluginName = try buffer.readNullTerminatedMySQLString("auth plugin name")
            } else {
                authPluginName = buffer.readRestAsString()
            }
        }
    }

    init(
        serverVersion: String, connectionID: UInt32, authPluginData: [UInt8], capabilities: MySQLCapabilities,
        characterSet: UInt8 = 45, status: MySQLStatusFlags = [.autocommit], authPluginName: String?
    ) {
        self.serverVersion = serverVersion
        self.connectionID = connectionID
        self.authPluginData = authPluginData
        self.capabilities = capabilities
        self.characterSet = characterSet
        self.status = status
        self.authPluginName = authPluginName
    }

    /// Encodes the greeting as a server would (used by tests that play the server).
    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(protocolVersion)
        buffer.writeNullTerminatedString(serverVersion)
        buffer.writeMySQLInteger(connectionID)
        buffer.writeBytes(authPluginData.prefix(8))
        buffer.writeInteger(UInt8(0))
        buffer.writeMySQLInteger(UInt16(truncatingIfNeeded: capabilities.lower32))
        buffer.writeInteger(characterSet)
        buffer.writeMySQLInteger(status.rawValue)
        buffer.writeMySQLInteger(UInt16(truncatingIfNeeded: capabilities.lower32 >> 16))
        buffer.writeInteger(capabilities.contains(.pluginAuth) ? UInt8(authPluginData.count + 1) : 0)
        buffer.writeRepeatingByte(0, count: 6)
        buffer.writeMySQLInteger(capabilities.contains(.clientMySQL) ? 0 : capabilities.upper32)
        if capabilities.contains(.secureConnection) {
            let rest = authPluginData.dropFirst(8)
            buffer.writeBytes(rest)
            buffer.writeRepeatingByte(0, count: max(13 - rest.count, 1))
        }
        if let authPluginName, capabilities.contains(.pluginAuth) {
            buffer.writeNullTerminatedString(authPluginName)
        }
    }
}
