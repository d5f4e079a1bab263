import NIOCore

/// `OK_Packet`: a command succeeded. Also sent with header 0xFE in place of EOF when
/// `CLIENT_DEPRECATE_EOF` is on.
struct MySQLOKPacket: Sendable, Equatable {
    var affectedRows: UInt64
    var lastInsertID: UInt64
    var status: MySQLStatusFlags
    var warnings: UInt16
    var info: String

    init(affectedRows: UInt64 = 0, lastInsertID: UInt64 = 0, status: MySQLStatusFlags = [], warnings: UInt16 = 0, info: String = "") {
        self.affectedRows = affectedRows
        self.lastInsertID = lastInsertID
        self.status = status
        self.warnings = warnings
        self.info = info
    }

    init(payload: ByteBuffer, capabilities: MySQLCapabilities) throws {
        var buffer = payload
        let header: UInt8 = try buffer.readMySQLInteger("OK header")
        guard header == 0x00 || header == 0xFE else {
            throw MySQLProtocolError(.malformed, "OK packet header 0x\(String(header, radix: 16))")
        }
        affectedRows = try buffer.readLengthEncodedInteger("affected rows")
        lastInsertID = try buffer.readLengthEncodedInteger("last insert id")
        status = MySQLStatusFlags(rawValue: try buffer.readMySQLInteger("status flags"))
        warnings = try buffer.readMySQLInteger("warnings")
        if capabilities.contains(.sessionTrack), buffer.readableBytes > 0 {
            info = try buffer.readLengthEncodedString("info")
        } else {
            info = buffer.readRestAsString()
        }
    }

    func encode(header: UInt8 = 0x00, into buffer: inout ByteBuffer) {
        buffer.writeInteger(header)
        buffer.writeLengthEncodedInteger(affectedRows)
        buffer.writeLengthEncodedInteger(lastInsertID)
        buffer.writeMySQLInteger(status.rawValue)
        buffer.writeMySQLInteger(warnings)
        buffer.writeString(info)
    }
}

/// `EOF_Packet`: ends column definitions and rows when `CLIENT_DEPRECATE_EOF` is off.
struct MySQLEOFPacket: Sendable, Equatable {
    var warnings: UInt16
    var status: MySQLStatusFlags

    init(warnings: UInt16 = 0, status: MySQLStatusFlags = []) {
        self.warnings = warnings
        self.status = status
    }

    init(payload: ByteBuffer) throws {
        var buffer = payload
        let header: UInt8 = try buffer.readMySQLInteger("EOF header")
        guard header == 0xFE else { throw MySQLProtocolError(.malformed, "EOF packet header 0x\(String(header, radix: 16))") }
        warnings = try buffer.readMySQLInteger("EOF warnings")
        status = MySQLStatusFlags(rawValue: try buffer.readMySQLInteger("EOF status flags"))
    }

    /// Whether a payload is an EOF packet rather than a row or data starting with 0xFE:
    /// real EOF packets are shorter than 9 bytes.
    static func matches(_ payload: ByteBuffer) -> Bool {
        payload.readableBytes < 9 && payload.getInteger(at: payload.readerIndex, as: UInt8.self) == 0xFE
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(0xFE))
        buffer.writeMySQLInteger(warnings)
        buffer.writeMySQLInteger(status.rawValue)
    }
}

/// `ERR_Packet`: a command failed; decoded into a ``MySQLServerError``.
struct MySQLERRPacket: Sendable, Equatable {
    var error: MySQLServerError

    init(error: MySQLServerError) { self.error = error }

    init(payload: ByteBuffer, capabilities: MySQLCapabilities) throws {
        var buffer = payload
        let header: UInt8 = try buffer.readMySQLInteger("ERR header")
        guard header == 0xFF else { throw MySQLProtocolError(.malformed, "ERR packet header 0x\(String(header, radix: 16))") }
        let code: UInt16 = try buffer.readMySQLInteger("error code")
        var sqlState = "HY000"
        // The SQLSTATE marker is absent in errors sent before capabilities are agreed.
        if buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) == UInt8(ascii: "#") {
            buffer.moveReaderIndex(forwardBy: 1)
            guard let state = buffer.readString(length: 5) else { throw MySQLProtocolError.truncated("SQLSTATE") }
            sqlState = state
        }
        error = MySQLServerError(errorCode: code, sqlState: sqlState, serverMessage: buffer.readRestAsString())
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(0xFF))
        buffer.writeMySQLInteger(error.errorCode)
        buffer.writeInteger(UInt8(ascii: "#"))
        buffer.writeString(error.sqlState)
        buffer.writeString(error.serverMessage)
    }
}

/// `AuthSwitchRequest`: the server wants the client to authenticate with another plugin.
struct MySQLAuthSwitchRequest: Sendable, Equatable {
    var pluginName: String
    var pluginData: [UInt8]

    init(pluginName: String, pluginData: [UInt8]) {
        self.pluginName = pluginName
        self.pluginData = pluginData
    }

    init(payload: ByteBuffer) throws {
        var buffer = payload
        let header: UInt8 = try buffer.readMySQLInteger("auth switch header")
        guard header == 0xFE else { throw MySQLProtocolError(.malformed, "auth switch header 0x\(String(header, radix: 16))") }
        guard buffer.readableBytes > 0 else {
            throw MySQLProtocolError(.unsupported, "server requested the pre-4.1 mysql_old_password method")
        }
        pluginName = try buffer.readNullTerminatedMySQLString("auth plugin name")
        var data = Array(buffer.readableBytesView)
        if data.last == 0 { data.removeLast() }
        pluginData = data
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(0xFE))
        buffer.writeNullTerminatedString(pluginName)
        buffer.writeBytes(pluginData)
        buffer.writeInteger(UInt8(0))
    }
}

/// `AuthMoreData`: plugin-specific data during authentication (for example the
/// caching_sha2_password fast-auth result or an RSA public key).
struct MySQLAuthMoreData: Sendable, Equatable {
    var data: [UInt8]

    init(data: [UInt8]) { self.data = data }

    init(payload: ByteBuffer) throws {
        var buffer = payload
        let header: UInt8 = try buffer.readMySQLInteger("auth more data header")
        guard header == 0x01 else { throw MySQLProtocolError(.malformed, "auth more data header 0x\(String(header, radix: 16))") }
        data = Array(buffer.readableBytesView)
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(0x01))
        buffer.writeBytes(data)
    }
}
