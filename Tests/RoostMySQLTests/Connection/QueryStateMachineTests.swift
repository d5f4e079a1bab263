import NIOCore
import Testing

@testable import RoostMySQL

@Suite("Query exchange in the state machine")
struct QueryStateMachineTests {
    typealias T = StateMachineTests

    static let idColumn = MySQLColumn(name: "id", type: .longLong, flags: [.notNull, .unsigned])
    static let nameColumn = MySQLColumn(name: "name", type: .varString)

    static func row(_ values: [String?]) -> (inout ByteBuffer) -> Void {
        { buffer in
            for value in values {
                if let value { buffer.writeLengthEncodedString(value) } else { buffer.writeInteger(UInt8(0xFB)) }
            }
        }
    }

    /// Sends a query and returns the COM_QUERY packet.
    static func startQuery(_ machine: inout MySQLConnectionStateMachine, _ sql: String) throws -> MySQLPacket {
        let packet = try T.sent(machine.start(.query(sql)))
        #expect(packet.sequenceID == 0)
        return packet
    }

    @Test func queryPacketBytes() throws {
        var machine = try T.readyMachine()
        let packet = try Self.startQuery(&machine, "SELECT 1")
        #expect(bytes(packet.payload) == [0x03] + Array("SELECT 1".utf8))
    }

    @Test func resultSetWithDeprecatedEOF() throws {
        var machine = try T.readyMachine()
        _ = try Self.startQuery(&machine, "SELECT id, name FROM t")
        var actions: [MySQLConnectionStateMachine.Action] = []
        actions.append(machine.packetReceived(T.packet(1) { $0.writeLengthEncodedInteger(2) }))
        actions.append(machine.packetReceived(T.packet(2) { Self.idColumn.encode(into: &$0) }))
        actions.append(machine.packetReceived(T.packet(3) { Self.nameColumn.encode(into: &$0) }))
        actions.append(machine.packetReceived(T.packet(4, Self.row(["18446744073709551615", "zoë 🐦"]))))
        actions.append(machine.packetReceived(T.packet(5, Self.row(["2", nil]))))
        for action in actions {
            guard case .wait = action else { Issue.record("\(action)"); return }
        }
        let end = machine.packetReceived(T.packet(6) { MySQLOKPacket(status: .autocommit, warnings: 1).encode(header: 0xFE, into: &$0) })
        guard case .commandSucceeded(let result) = end else { Issue.record("\(end)"); return }
        #expect(result.columns == [Self.idColumn, Self.nameColumn])
        #expect(result.rows.count == 2)
        #expect(try result.rows[0]["id"].decode(UInt64.self) == .max)
        #expect(try result.rows[0]["name"].decode(String.self) == "zoë 🐦")
        #expect(try result.rows[1]["name"].decode(String?.self) == nil)
        #expect(result.warnings == 1)
        #expect(result.status == .autocommit)
        #expect(machine.isReady)
    }

    @Test func resultSetWithClassicEOF() throws {
        var capabilities = MySQLCapabilities.clientDefault.union(.connectWithDB)
        capabilities.remove(.deprecateEOF)
        var machine = try T.readyMachine(capabilities: capabilities)
        _ = try Self.startQuery(&machine, "SELECT id")
        _ = machine.packetReceived(T.packet(1) { $0.writeLengthEncodedInteger(1) })
        _ = machine.packetReceived(T.packet(2) { Self.idColumn.encode(into: &$0) })
        _ = machine.packetReceived(T.packet(3) { MySQLEOFPacket().encode(into: &$0) })
        _ = machine.packetReceived(T.packet(4, Self.row(["7"])))
        let end = machine.packetReceived(T.packet(5) { MySQLEOFPacket(warnings: 0, status: .inTransaction).encode(into: &$0) })
        guard case .commandSucceeded(let result) = end else { Issue.record("\(end)"); return }
        #expect(try result.rows.map { try $0[0].decode(Int.self) } == [7])
        #expect(result.status == .inTransaction)
    }

    @Test func okResponseCarriesCounters() throws {
        var machine = try T.readyMachine()
        _ = try Self.startQuery(&machine, "INSERT …")
        let end = machine.packetReceived(T.packet(1) {
            MySQLOKPacket(affectedRows: 3, lastInsertID: 99, status: .autocommit, warnings: 2).encode(into: &$0)
        })
        guard case .commandSucceeded(let result) = end else { Issue.record("\(end)"); return }
        #expect(result.affectedRows == 3)
        #expect(result.lastInsertID == 99)
        #expect(result.warnings == 2)
        #expect(result.columns.isEmpty)
    }

    @Test func serverErrorKeepsConnectionUsable() throws {
        var machine = try T.readyMachine()
        _ = try Self.startQuery(&machine, "SELEC 1")
        let syntax = MySQLServerError(errorCode: 1064, sqlState: "42000", serverMessage: "You have an error")
        let action = machine.packetReceived(T.packet(1) { MySQLERRPacket(error: syntax).encode(into: &$0) })
        guard case .commandFailed(let error) = action else { Issue.record("\(action)"); return }
        #expect(error == syntax)
        #expect(machine.isReady)
        _ = try Self.startQuery(&machine, "SELECT 1")
    }

    @Test func killedConnectionIsConnectionError() throws {
        var machine = try T.readyMachine()
        _ = try Self.startQuery(&machine, "SELECT SLEEP(10)")
        let killed = MySQLServerError(errorCode: 1927, sqlState: "70100", serverMessage: "Connection was killed")
        let action = machine.packetReceived(T.packet(1) { MySQLERRPacket(error: killed).encode(into: &$0) })
        guard case .closeConnection(let error) = action else { Issue.record("\(action)"); return }
        let connectionError = try #require(error as? MySQLConnectionError)
        #expect(connectionError.kind == .closed)
        #expect(connectionError.underlying as? MySQLServerError == killed)
    }

    @Test func multipleResultSets() throws {
        var machine = try T.readyMachine()
        _ = try Self.startQuery(&machine, "CALL p()")
        _ = machine.packetReceived(T.packet(1) { $0.writeLengthEncodedInteger(1) })
        _ = machine.packetReceived(T.packet(2) { Self.idColumn.encode(into: &$0) })
        _ = machine.packetReceived(T.packet(3, Self.row(["1"])))
        _ = machine.packetReceived(T.packet(4) { MySQLOKPacket(status: .moreResultsExist).encode(header: 0xFE, into: &$0) })
        let end = machine.packetReceived(T.packet(5) { MySQLOKPacket(affectedRows: 0, status: .autocommit).encode(into: &$0) })
        guard case .commandSucceeded(let result) = end else { Issue.record("\(end)"); return }
        #expect(result.rows.count == 1)
        #expect(result.moreResults.count == 1)
        #expect(result.moreResults[0].columns.isEmpty)
    }

    @Test(arguments: [
        ("hostile column count", [0xFE, 0, 0, 0, 0, 0, 1, 0, 0]),
        ("zero column count", [0xFC, 0, 0]),
        ("truncated column count", [0xFD, 1]),
        ("column count with trailing bytes", [0x02, 0x02]),
    ] as [(String, [UInt8])])
    func badFirstResponsePacket(name: String, payload: [UInt8]) throws {
        var machine = try T.readyMachine()
        _ = try Self.startQuery(&machine, "SELECT 1")
        let action = machine.packetReceived(MySQLPacket(sequenceID: 1, payload: buffer(payload)))
        guard case .closeConnection(let error) = action else { Issue.record("\(name): \(action)"); return }
        #expect((error as? MySQLProtocolError)?.kind == .malformed, "\(name)")
    }

    @Test func rowWithWrongValueCountIsMalformed() throws {
        var machine = try T.readyMachine()
        _ = try Self.startQuery(&machine, "SELECT id")
        _ = machine.packetReceived(T.packet(1) { $0.writeLengthEncodedInteger(1) })
        _ = machine.packetReceived(T.packet(2) { Self.idColumn.encode(into: &$0) })
        let tooMany = machine.packetReceived(T.packet(3, Self.row(["1", "2"])))
        guard case .closeConnection(let error) = tooMany else { Issue.record("\(tooMany)"); return }
        #expect((error as? MySQLProtocolError)?.kind == .malformed)
    }

    @Test func truncatedColumnDefinitionIsMalformed() throws {
        var machine = try T.readyMachine()
        _ = try Self.startQuery(&machine, "SELECT id")
        _ = machine.packetReceived(T.packet(1) { $0.writeLengthEncodedInteger(1) })
        let action = machine.packetReceived(T.packet(2) { $0.writeLengthEncodedString("def"); $0.writeBytes([5, 1]) })
        guard case .closeConnection(let error) = action else { Issue.record("\(action)"); return }
        #expect((error as? MySQLProtocolError)?.kind == .malformed)
    }

    @Test func unsolicitedPacketWhileIdle() throws {
        var machine = try T.readyMachine()
        let timeout = MySQLServerError(errorCode: 4031, sqlState: "HY000", serverMessage: "inactivity timeout")
        let action = machine.packetReceived(T.packet(3) { MySQLERRPacket(error: timeout).encode(into: &$0) })
        guard case .closeConnection(let error) = action else { Issue.record("\(action)"); return }
        #expect((error as? MySQLConnectionError)?.kind == .closed)
    }

    @Test func pingAndReset() throws {
        var machine = try T.readyMachine()
        #expect(bytes(try T.sent(machine.start(.ping)).payload) == [0x0E])
        guard case .commandSucceeded = machine.packetReceived(T.packet(1) { MySQLOKPacket().encode(into: &$0) }) else {
            Issue.record("ping failed")
            return
        }
        #expect(bytes(try T.sent(machine.start(.resetConnection)).payload) == [0x1F])
        guard case .commandSucceeded = machine.packetReceived(T.packet(1) { MySQLOKPacket().encode(into: &$0) }) else {
            Issue.record("reset failed")
            return
        }
        #expect(bytes(try T.sent(machine.start(.quit)).payload) == [0x01])
        #expect(!machine.isReady)
    }
}
