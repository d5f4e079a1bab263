import Foundation
import NIOCore
import Testing

@testable import RoostMySQL

@Suite("Prepared statements in the state machine")
struct PreparedStateMachineTests {
    typealias T = StateMachineTests

    static let idColumn = MySQLColumn(name: "id", type: .longLong, flags: [.notNull, .unsigned])
    static let whenColumn = MySQLColumn(name: "at", type: .datetime, decimals: 6)
    static let parameter = MySQLColumn(name: "?", type: .longLong)

    /// Prepares `SELECT id, at FROM t WHERE id = ?` and returns the statement.
    static func prepare(_ machine: inout MySQLConnectionStateMachine, classicEOF: Bool) throws -> MySQLPreparedStatement {
        let packet = try T.sent(machine.start(.prepare("SELECT id, at FROM t WHERE id = ?")))
        #expect(bytes(packet.payload) == [0x16] + Array("SELECT id, at FROM t WHERE id = ?".utf8))
        let eof: (inout ByteBuffer) -> Void = { MySQLEOFPacket().encode(into: &$0) }
        var packets: [(inout ByteBuffer) -> Void] = [
            { MySQLPreparedStatement.Header(id: 7, columnCount: 2, parameterCount: 1).encode(into: &$0) },
            { Self.parameter.encode(into: &$0) },
        ]
        if classicEOF { packets.append(eof) }
        packets += [{ Self.idColumn.encode(into: &$0) }, { Self.whenColumn.encode(into: &$0) }]
        if classicEOF { packets.append(eof) }
        for (index, encode) in packets.enumerated() {
            let action = machine.packetReceived(T.packet(UInt8(index + 1), encode))
            if index < packets.count - 1 {
                guard case .wait = action else { Issue.record("packet \(index): \(action)"); throw CancellationError() }
            } else {
                guard case .statementPrepared(let statement) = action else { Issue.record("\(action)"); throw CancellationError() }
                return statement
            }
        }
        throw CancellationError()
    }

    @Test(arguments: [false, true])
    func prepareExecuteAndBinaryRows(classicEOF: Bool) throws {
        var capabilities = MySQLCapabilities.clientDefault.union(.connectWithDB)
        if classicEOF { capabilities.remove(.deprecateEOF) }
        var machine = try T.readyMachine(capabilities: capabilities)
        let statement = try Self.prepare(&machine, classicEOF: classicEOF)
        #expect(statement.id == 7)
        #expect(statement.parameterCount == 1)
        #expect(statement.columns == [Self.idColumn, Self.whenColumn])
        #expect(machine.isReady)

        let execute = try T.sent(machine.start(.execute(statement, [.unsigned(.max)])))
        #expect(bytes(execute.payload) == [0x17, 7, 0, 0, 0, 0, 1, 0, 0, 0, 0b0, 1, 0x08, 0x80] + [UInt8](repeating: 0xFF, count: 8))
        var sequence: UInt8 = 1
        func next(_ encode: (inout ByteBuffer) -> Void) -> MySQLConnectionStateMachine.Action {
            defer { sequence += 1 }
            return machine.packetReceived(T.packet(sequence, encode))
        }
        _ = next { $0.writeLengthEncodedInteger(2) }
        _ = next { Self.idColumn.encode(into: &$0) }
        _ = next { Self.whenColumn.encode(into: &$0) }
        if classicEOF { _ = next { MySQLEOFPacket().encode(into: &$0) } }
        // Row 1: id = UInt64.max, at = 2024-02-29 23:59:58.123456. Row 2: id = 1, at NULL.
        _ = next {
            $0.writeBytes([0x00, 0b0000_0000] + [UInt8](repeating: 0xFF, count: 8))
            $0.writeBytes([11, 0xE8, 0x07, 2, 29, 23, 59, 58, 0x40, 0xE2, 0x01, 0x00])
        }
        _ = next { $0.writeBytes([0x00, 0b0000_1000, 1, 0, 0, 0, 0, 0, 0, 0]) }
        let end = classicEOF ? next { MySQLEOFPacket().encode(into: &$0) } : next { MySQLOKPacket().encode(header: 0xFE, into: &$0) }
        guard case .commandSucceeded(let result) = end else { Issue.record("\(end)"); return }
        #expect(result.rows.count == 2)
        #expect(try result.rows[0]["id"].decode(UInt64.self) == .max)
        #expect(try result.rows[0]["id"].decode(String.self) == "18446744073709551615")
        #expect(try result.rows[0]["at"].decode(MySQLDateTime.self)
            == MySQLDateTime(year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 58, microsecond: 123_456))
        #expect(try result.rows[0]["at"].decode(String.self) == "2024-02-29 23:59:58.123456")
        #expect(try result.rows[1]["id"].decode(Int.self) == 1)
        #expect(try result.rows[1]["at"].isNull)
        #expect(machine.isReady)
    }

    @Test("with MariaDB's metadata cache, results leave out column definitions the client already has")
    func cachedMetadata() throws {
        // A MariaDB greeting: CLIENT_MYSQL clear, extended capabilities offered.
        let capabilities = MySQLCapabilities.clientDefault.subtracting(.clientMySQL).union(.connectWithDB)
        var machine = try T.readyMachine(capabilities: capabilities)
        #expect(machine.capabilities.contains(.mariaDBCacheMetadata))
        let statement = try Self.prepare(&machine, classicEOF: false)
        func execute(_ packets: [(inout ByteBuffer) -> Void]) throws -> MySQLConnectionStateMachine.Action {
            _ = try T.sent(machine.start(.execute(statement, [.int(5)])))
            var last: MySQLConnectionStateMachine.Action = .wait
            for (index, encode) in packets.enumerated() { last = machine.packetReceived(T.packet(UInt8(index + 1), encode)) }
            return last
        }
        let end: (inout ByteBuffer) -> Void = { MySQLOKPacket().encode(header: 0xFE, into: &$0) }
        let idOnly: (inout ByteBuffer) -> Void = { $0.writeBytes([0x00, 0b0000_0000, 5, 0, 0, 0, 0, 0, 0, 0]) }

        // No definitions follow: the row is read with the columns from the prepare.
        var action = try execute([
            { $0.writeLengthEncodedInteger(2); $0.writeInteger(UInt8(0)) },
            { $0.writeBytes([0x00, 0b0000_1000, 5, 0, 0, 0, 0, 0, 0, 0]) }, end,
        ])
        guard case .commandSucceeded(let first) = action else { Issue.record("\(action)"); return }
        #expect(first.columns == [Self.idColumn, Self.whenColumn])
        #expect(try first.rows[0]["id"].decode(Int.self) == 5)
        #expect(try first.rows[0]["at"].isNull)

        // The table changed: the server describes the result again, and the next result
        // without definitions is read with the new ones.
        action = try execute([
            { $0.writeLengthEncodedInteger(1); $0.writeInteger(UInt8(1)) }, { Self.idColumn.encode(into: &$0) }, idOnly, end,
        ])
        guard case .commandSucceeded = action else { Issue.record("\(action)"); return }
        action = try execute([{ $0.writeLengthEncodedInteger(1); $0.writeInteger(UInt8(0)) }, idOnly, end])
        guard case .commandSucceeded(let third) = action else { Issue.record("\(action)"); return }
        #expect(third.columns == [Self.idColumn])

        // A text query's result carries the flag too, with its definitions.
        _ = try T.sent(machine.start(.query("SELECT 5 AS id")))
        _ = machine.packetReceived(T.packet(1) { $0.writeLengthEncodedInteger(1); $0.writeInteger(UInt8(1)) })
        _ = machine.packetReceived(T.packet(2) { Self.idColumn.encode(into: &$0) })
        _ = machine.packetReceived(T.packet(3) { $0.writeLengthEncodedString("5") })
        action = machine.packetReceived(T.packet(4, end))
        guard case .commandSucceeded(let text) = action else { Issue.record("\(action)"); return }
        #expect(try text.rows[0]["id"].decode(Int.self) == 5)

        // A result without definitions whose column count differs from the cached one is
        // a protocol error that closes the connection.
        action = try execute([{ $0.writeLengthEncodedInteger(3); $0.writeInteger(UInt8(0)) }])
        guard case .closeConnection(let error as MySQLProtocolError) = action else { Issue.record("\(action)"); return }
        #expect(error.message.contains("3 columns"))
    }

    @Test func closeStatementExpectsNoAnswer() throws {
        var machine = try T.readyMachine()
        let close = try T.sent(machine.start(.closeStatement(9)))
        #expect(bytes(close.payload) == [0x19, 9, 0, 0, 0])
        #expect(machine.isReady)
    }

    @Test func truncatedBinaryRowIsProtocolError() throws {
        let columns = [Self.idColumn]
        #expect(throws: MySQLProtocolError.self) { try MySQLRow(binaryPayload: buffer([0x00, 0x00, 1, 2, 3]), columns: columns) }
        #expect(throws: MySQLProtocolError.self) { try MySQLRow(binaryPayload: buffer([0x01, 0x00]), columns: columns) }
        let date = [MySQLColumn(name: "d", type: .date)]
        #expect(throws: MySQLProtocolError.self) { try MySQLRow(binaryPayload: buffer([0x00, 0x00, 5, 1, 2, 3, 4, 5]), columns: date) }
    }

    @Test func executePayloadCarriesNullBitmapAndTypes() {
        var payload = ByteBuffer()
        MySQLExecutePayload.encode(
            statementID: 1, parameters: [.null, .int(-1), true.mysqlParameter, "hé".mysqlParameter, Date(timeIntervalSince1970: 0).mysqlParameter],
            into: &payload)
        let expected: [UInt8] =
            [0x17, 1, 0, 0, 0, 0, 1, 0, 0, 0]
            + [0b0000_0001, 1]
            + [0x06, 0, 0x08, 0, 0x01, 0, 0xFE, 0, 0x0C, 0]
            + [UInt8](repeating: 0xFF, count: 8) + [1] + [3, 0x68, 0xC3, 0xA9]
            + [11, 0xB2, 0x07, 1, 1, 0, 0, 0, 0, 0, 0, 0]
        #expect(bytes(payload) == expected)
    }

    @Test func nullBitmapSpansSeveralBytes() {
        var parameters = [MySQLParameter](repeating: .int(7), count: 10)
        for index in [0, 7, 8] { parameters[index] = .null }
        var payload = ByteBuffer()
        MySQLExecutePayload.encode(statementID: 2, parameters: parameters, into: &payload)
        let all = bytes(payload)
        #expect(Array(all[10..<12]) == [0b1000_0001, 0b0000_0001])
        #expect(all[12] == 1)
        #expect(all.count == 10 + 2 + 1 + 2 * 10 + 8 * 7)
    }

    @Test func statementCacheEvictsLeastRecentlyUsed() {
        var cache = MySQLStatementCache(capacity: 2)
        func statement(_ id: UInt32) -> MySQLPreparedStatement { MySQLPreparedStatement(id: id, parameterCount: 0, columns: []) }
        #expect(cache.insert(statement(1), for: "a").close.isEmpty)
        #expect(cache.insert(statement(2), for: "b").close.isEmpty)
        _ = cache.statement(for: "a")
        #expect(cache.insert(statement(3), for: "c").close == [2])
        let duplicate = cache.insert(statement(4), for: "c")
        #expect(duplicate.use == statement(3))
        #expect(duplicate.close == [4])
        var none = MySQLStatementCache(capacity: 0)
        #expect(none.insert(statement(5), for: "x").close == [5])
        #expect(none.count == 0)
    }

    @Test func dateTimeFromInstant() {
        #expect(MySQLDateTime(utc: Date(timeIntervalSince1970: 0)) == MySQLDateTime(year: 1970, month: 1, day: 1))
        #expect(MySQLDateTime(utc: Date(timeIntervalSince1970: -0.5))
            == MySQLDateTime(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59, microsecond: 500_000))
        #expect(MySQLDateTime(utc: Date(timeIntervalSince1970: 951_782_400)) == MySQLDateTime(year: 2000, month: 2, day: 29))
        let instant = Date(timeIntervalSince1970: 1_700_000_000.25)
        #expect(MySQLDateTime(utc: instant).dateAssumingUTC == instant)
    }
}
