import NIOCore
import RoostTestSupport
import Testing

@testable import RoostMySQL

/// Random and mutated input must end in a typed error or a valid result: never a crash,
/// a hang or an untyped error.
@Suite("Random input")
struct RandomInputTests {
    static func isTyped(_ error: any Error) -> Bool {
        error is MySQLProtocolError || error is MySQLServerError || error is MySQLConnectionError
    }

    @Test func mutatedGreetings() throws {
        var random = SplitMix64(seed: 1)
        let original = bytes(PacketDecodingTests.mariaDBGreeting)
        for _ in 0..<5_000 {
            var mutated = original
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                mutated[Int.random(in: 0..<mutated.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            mutated = Array(mutated.prefix(Int.random(in: 0...mutated.count, using: &random)))
            do {
                _ = try MySQLHandshake(payload: buffer(mutated))
            } catch {
                #expect(Self.isTyped(error), "\(error) for \(mutated)")
            }
        }
    }

    @Test func randomFramesIntoTheDecoder() throws {
        var random = SplitMix64(seed: 2)
        for _ in 0..<2_000 {
            var decoder = MySQLPacketDecoder(maximumPacketSize: 4096)
            var input = ByteBuffer(bytes: (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
            do {
                while try decoder.decode(buffer: &input) != nil {}
                _ = try decoder.decodeLast(buffer: &input, seenEOF: true)
            } catch {
                #expect(Self.isTyped(error), "\(error)")
            }
        }
    }

    @Test func randomPacketsDuringQueries() throws {
        var random = SplitMix64(seed: 3)
        let headers: [UInt8] = [0x00, 0x01, 0x02, 0x03, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF]
        for _ in 0..<2_000 {
            var machine = try StateMachineTests.readyMachine()
            guard case .send = machine.start(.query("SELECT 1")) else { Issue.record("query not sent"); return }
            var sequenceID: UInt8 = 1
            packets: for _ in 0..<20 {
                var payload: [UInt8] = [headers.randomElement(using: &random)!]
                payload += (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                switch machine.packetReceived(MySQLPacket(sequenceID: sequenceID, payload: buffer(payload))) {
                case .closeConnection(let error):
                    #expect(Self.isTyped(error), "\(error)")
                    break packets
                case .commandSucceeded, .commandFailed:
                    break packets
                case .send, .startTLS, .authenticated, .statementPrepared, .rowReceived:
                    Issue.record("unexpected action during a query")
                    break packets
                case .wait:
                    sequenceID &+= 1
                }
            }
        }
    }

    @Test func randomPacketsDuringLogin() throws {
        var random = SplitMix64(seed: 4)
        for plugin in ["mysql_native_password", "caching_sha2_password"] {
            for _ in 0..<1_000 {
                var machine = MySQLConnectionStateMachine(credentials: StateMachineTests.credentials())
                guard case .send = machine.packetReceived(StateMachineTests.greeting(plugin: plugin)) else {
                    Issue.record("no login response")
                    return
                }
                var payload: [UInt8] = [[0x00, 0x01, 0xFE, 0xFF].randomElement(using: &random)!]
                payload += (0..<Int.random(in: 0...30, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                if case .closeConnection(let error) = machine.packetReceived(MySQLPacket(sequenceID: 2, payload: buffer(payload))) {
                    #expect(Self.isTyped(error), "\(error)")
                }
            }
        }
    }
}
