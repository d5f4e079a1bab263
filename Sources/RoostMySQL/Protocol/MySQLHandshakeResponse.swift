import NIOCore

/// The client's answer to the greeting (`Protocol::HandshakeResponse41`).
struct MySQLHandshakeResponse: Sendable, Equatable {
    var capabilities: MySQLCapabilities
    var maximumPacketSize: UInt32
    var characterSet: UInt8
    var username: String
    var authResponse: [UInt8]
    var database: String?
    var authPluginName: String?
    /// Connection attributes in order (`_client_name`, `program_name`, …).
    var attributes: [(key: String, value: String)]

    static func == (lhs: MySQLHandshakeResponse, rhs: MySQLHandshakeResponse) -> Bool {
        lhs.capabilities == rhs.capabilities && lhs.maximumPacketSize == rhs.maximumPacketSize
            && lhs.characterSet == rhs.characterSet && lhs.username == rhs.username
            && lhs.authResponse == rhs.authResponse && lhs.database == rhs.database
            && lhs.authPluginName == rhs.authPluginName
            && lhs.attributes.map(\.key) == rhs.attributes.map(\.key)
            && lhs.attributes.map(\.value) == rhs.attributes.map(\.value)
    }

    /// The 32-byte `Protocol::SSLRequest`: the fixed start of a handshake response (with
    /// `CLIENT_SSL` among the capabilities), after which both sides switch to TLS.
    static func encodeSSLRequest(
        capabilities: MySQLCapabilities, maximumPacketSize: UInt32, characterSet: UInt8, into buffer: inout ByteBuffer
    ) {
        precondition(capabilities.contains(.ssl), "an SSLRequest without CLIENT_SSL")
        encodeFixedPart(capabilities: capabilities, maximumPacketSize: maximumPacketSize, characterSet: characterSet, into: &buffer)
    }

    /// Capabilities, maximum packet size, character set and 23 reserved bytes.
    private static func encodeFixedPart(
        capabilities: MySQLCapabilities, maximumPacketSize: UInt32, characterSet: UInt8, into buffer: inout ByteBuffer
    ) {
        buffer.writeMySQLInteger(capabilities.lower32)
        buffer.writeMySQLInteger(maximumPacketSize)
        buffer.writeInteger(characterSet)
        buffer.writeRepeatingByte(0, count: 19)
        // MariaDB reads its extended capabilities here when CLIENT_MYSQL is clear.
        buffer.writeMySQLInteger(capabilities.contains(.clientMySQL) ? 0 : capabilities.upper32)
    }

    func encode(into buffer: inout ByteBuffer) {
        Self.encodeFixedPart(
            capabilities: capabilities, maximumPacketSize: maximumPacketSize, characterSet: characterSet, into: &buffer)
        buffer.writeNullTerminatedString(username)
        if capabilities.contains(.pluginAuthLengthEncodedClientData) {
            buffer.writeLengthEncodedBytes(authResponse)
        } else {
            precondition(authResponse.count <= 0xFF, "auth response too long without length-encoded client data")
            buffer.writeInteger(UInt8(authResponse.count))
            buffer.writeBytes(authResponse)
        }
        if capabilities.contains(.connectWithDB) {
            buffer.writeNullTerminatedString(database ?? "")
        }
        if capabilities.contains(.pluginAuth) {
            buffer.writeNullTerminatedString(authPluginName ?? "")
        }
        if capabilities.contains(.connectAttributes) {
            var attributeBuffer = ByteBuffer()
            for (key, value) in attributes {
                attributeBuffer.writeLengthEncodedString(key)
                attributeBuffer.writeLengthEncodedString(value)
            }
            buffer.writeLengthEncodedInteger(UInt64(attributeBuffer.readableBytes))
            buffer.writeBuffer(&attributeBuffer)
        }
    }

    init(
        capabilities: MySQLCapabilities, maximumPacketSize: UInt32, characterSet: UInt8, username: String,
        authResponse: [UInt8], database: String?, authPluginName: String?, attributes: [(key: String, value: String)]
    ) {
        self.capabilities = capabilities
        self.maximumPacketSize = maximumPacketSize
        self.characterSet = characterSet
        self.username = username
        self.authResponse = authResponse
        self.database = database
        self.authPluginName = authPluginName
        self.attributes = attributes
    }

    /// Decodes a handshake response as a server would (used by tests that play the server).
    init(payload: ByteBuffer) throws {
        var buffer = payload
        let lower: UInt32 = try buffer.readMySQLInteger("capability flags")
        maximumPacketSize = try buffer.readMySQLInteger("max packet size")
        characterSet = try buffer.readMySQLInteger("character set")
        _ = try buffer.readMySQLBytes(length: 19, "filler")
        let upper: UInt32 = try buffer.readMySQLInteger("MariaDB capabilities")
        capabilities = MySQLCapabilities(lower: lower, upper: lower & 1 == 0 ? upper : 0)
        username = try buffer.readNullTerminatedMySQLString("user name")
        if capabilities.contains(.pluginAuthLengthEncodedClientData) {
            authResponse = Array(try buffer.readLengthEncodedSlice("auth response").readableBytesView)
        } else {
            let length: UInt8 = try buffer.readMySQLInteger("auth response length")
            authResponse = try buffer.readMySQLBytes(length: Int(length), "auth response")
        }
        database =
            capabilities.contains(.connectWithDB) ? try buffer.readNullTerminatedMySQLString("database") : nil
        authPluginName =
            capabilities.contains(.pluginAuth) ? try buffer.readNullTerminatedMySQLString("auth plugin name") : nil
        attributes = []
        if capabilities.contains(.connectAttributes) {
            var attributeBuffer = try buffer.readLengthEncodedSlice("connection attributes")
            while attributeBuffer.readableBytes > 0 {
                let key = try attributeBuffer.readLengthEncodedString("attribute key")
                let value = try attributeBuffer.readLengthEncodedString("attribute value")
                attributes.append((key, value))
            }
        }
    }
}
