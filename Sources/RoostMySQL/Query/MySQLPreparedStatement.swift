import NIOCore

/// A statement the server has prepared (`COM_STMT_PREPARE`): its id on this connection,
/// how many `?` placeholders it has and the columns it returns.
struct MySQLPreparedStatement: Sendable, Hashable {
    /// The server's statement id, valid only on the connection that prepared it.
    var id: UInt32
    /// The number of `?` placeholders.
    var parameterCount: Int
    /// The result columns (empty for statements without a result set).
    var columns: [MySQLColumn]

    /// The fixed part of `COM_STMT_PREPARE_OK`; the definitions of parameters and columns
    /// follow in their own packets.
    struct Header: Sendable, Equatable {
        var id: UInt32
        var columnCount: Int
        var parameterCount: Int
        var warnings: UInt16

        init(id: UInt32, columnCount: Int, parameterCount: Int, warnings: UInt16 = 0) {
            self.id = id
            self.columnCount = columnCount
            self.parameterCount = parameterCount
            self.warnings = warnings
        }

        init(payload: ByteBuffer) throws {
            var buffer = payload
            let status: UInt8 = try buffer.readMySQLInteger("prepare OK status")
            guard status == 0 else { throw MySQLProtocolError(.malformed, "prepare OK status \(status)") }
            id = try buffer.readMySQLInteger("statement id")
            columnCount = Int(try buffer.readMySQLInteger(as: UInt16.self, "statement column count"))
            parameterCount = Int(try buffer.readMySQLInteger(as: UInt16.self, "statement parameter count"))
            // A reserved byte and the warning count; MySQL 8 may append a metadata flag.
            if buffer.readableBytes >= 3 {
                buffer.moveReaderIndex(forwardBy: 1)
                warnings = try buffer.readMySQLInteger("statement warnings")
            } else {
                warnings = 0
            }
            guard columnCount <= Int(MySQLConnectionStateMachine.maximumColumnCount) else {
                throw MySQLProtocolError(.malformed, "statement column count \(columnCount)")
            }
        }

        /// Encodes the header as a server would (used by tests that play the server).
        func encode(into buffer: inout ByteBuffer) {
            buffer.writeInteger(UInt8(0))
            buffer.writeMySQLInteger(id)
            buffer.writeMySQLInteger(UInt16(columnCount))
            buffer.writeMySQLInteger(UInt16(parameterCount))
            buffer.writeInteger(UInt8(0))
            buffer.writeMySQLInteger(warnings)
        }
    }
}
