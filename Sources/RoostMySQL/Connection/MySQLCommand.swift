import NIOCore

/// A command sent in the command phase.
enum MySQLCommand: Sendable, Equatable {
    /// `COM_QUERY`: run SQL with the text protocol.
    case query(String)
    /// `COM_PING`.
    case ping
    /// `COM_RESET_CONNECTION`: reset session state without re-authenticating.
    case resetConnection
    /// `COM_QUIT`: the server closes the connection without answering.
    case quit

    /// The command's payload (before framing).
    var payload: ByteBuffer {
        var buffer = ByteBuffer()
        switch self {
        case .query(let sql):
            buffer.reserveCapacity(sql.utf8.count + 1)
            buffer.writeInteger(UInt8(0x03))
            buffer.writeString(sql)
        case .ping: buffer.writeInteger(UInt8(0x0E))
        case .resetConnection: buffer.writeInteger(UInt8(0x1F))
        case .quit: buffer.writeInteger(UInt8(0x01))
        }
        return buffer
    }
}

/// Facts about an authenticated session.
struct MySQLSessionInfo: Sendable, Equatable {
    var serverVersion: String
    var connectionID: UInt32
    var capabilities: MySQLCapabilities
    var status: MySQLStatusFlags
}
