import NIOCore

/// A command sent in the command phase.
enum MySQLCommand: Sendable, Equatable {
    /// `COM_QUERY`: run SQL with the text protocol.
    case query(String)
    /// `COM_STMT_PREPARE`: parse SQL with `?` placeholders into a server-side statement.
    case prepare(String)
    /// `COM_STMT_EXECUTE`: run a prepared statement with bound parameters (binary protocol).
    case execute(MySQLPreparedStatement, [MySQLParameter])
    /// `COM_STMT_CLOSE`: drop a prepared statement; the server does not answer.
    case closeStatement(UInt32)
    /// `COM_PING`.
    case ping
    /// `COM_RESET_CONNECTION`: reset session state without re-authenticating.
    case resetConnection
    /// `COM_QUIT`: the server closes the connection without answering.
    case quit

    /// Whether the server answers the command. `COM_STMT_CLOSE` and `COM_QUIT` get no reply.
    var expectsResponse: Bool {
        switch self {
        case .closeStatement, .quit: return false
        default: return true
        }
    }

    /// The command's payload (before framing).
    var payload: ByteBuffer {
        var buffer = ByteBuffer()
        switch self {
        case .query(let sql):
            buffer.reserveCapacity(sql.utf8.count + 1)
            buffer.writeInteger(UInt8(0x03))
            buffer.writeString(sql)
        case .prepare(let sql):
            buffer.reserveCapacity(sql.utf8.count + 1)
            buffer.writeInteger(UInt8(0x16))
            buffer.writeString(sql)
        case .execute(let statement, let parameters):
            MySQLExecutePayload.encode(statementID: statement.id, parameters: parameters, into: &buffer)
        case .closeStatement(let id):
            buffer.writeInteger(UInt8(0x19))
            buffer.writeMySQLInteger(id)
        case .ping: buffer.writeInteger(UInt8(0x0E))
        case .resetConnection: buffer.writeInteger(UInt8(0x1F))
        case .quit: buffer.writeInteger(UInt8(0x01))
        }
        return buffer
    }
}

/// What a command produced: a result (queries, executes, pings) or a prepared statement.
enum MySQLResponse: Sendable {
    case result(MySQLQueryResult)
    case prepared(MySQLPreparedStatement)
}

/// Facts about an authenticated session.
struct MySQLSessionInfo: Sendable, Equatable {
    var serverVersion: String
    var connectionID: UInt32
    var capabilities: MySQLCapabilities
    var status: MySQLStatusFlags
}
