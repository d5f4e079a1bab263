import NIOCore

/// Answers to commands: OK and ERR packets, result sets (text and binary rows, MariaDB's
/// cached metadata) and prepared statements.
extension MySQLConnectionStateMachine {
    mutating func commandPacketReceived(_ payload: ByteBuffer, _ running: inout Running) throws -> Action {
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
}
