import NIOCore
import Testing
import _CryptoExtras

@testable import RoostMySQL

/// Drives ``MySQLConnectionStateMachine`` with server packets built byte by byte.
@Suite("Connection state machine")
struct StateMachineTests {
    static let nonce = Array("abcdefghijklmnopqrst".utf8)

    static func credentials(
        password: String = "secret", database: String? = "shop", allowPublicKeyRetrieval: Bool = true
    ) -> MySQLConnectionStateMachine.Credentials {
        .init(
            username: "app", password: password, database: database, attributes: [(key: "_client_name", value: "t")],
            maximumPacketSize: 1 << 24, serverPublicKey: nil, allowPublicKeyRetrieval: allowPublicKeyRetrieval)
    }

    static func greeting(plugin: String, capabilities: MySQLCapabilities = MySQLCapabilities.clientDefault.union(.connectWithDB)) -> MySQLPacket {
        var payload = ByteBuffer()
        MySQLHandshake(
            serverVersion: "10.11.6-MariaDB", connectionID: 42, authPluginData: nonce, capabilities: capabilities,
            authPluginName: plugin
        ).encode(into: &payload)
        return MySQLPacket(sequenceID: 0, payload: payload)
    }

    static func packet(_ sequenceID: UInt8, _ encode: (inout ByteBuffer) -> Void) -> MySQLPacket {
        var payload = ByteBuffer()
        encode(&payload)
        return MySQLPacket(sequenceID: sequenceID, payload: payload)
    }

    /// The single packet a `.send` action carries.
    static func sent(_ action: MySQLConnectionStateMachine.Action) throws -> MySQLPacket {
        guard case .send(var bytes) = action else {
            Issue.record("expected .send, got \(action)")
            throw CancellationError()
        }
        var decoder = MySQLPacketDecoder()
        let packet = try #require(try decoder.decode(buffer: &bytes))
        #expect(bytes.readableBytes == 0)
        return packet
    }

    /// A state machine that has logged in with native password and is ready.
    static func readyMachine(capabilities: MySQLCapabilities = MySQLCapabilities.clientDefault.union(.connectWithDB)) throws -> MySQLConnectionStateMachine {
        var machine = MySQLConnectionStateMachine(credentials: credentials())
        _ = try sent(machine.packetReceived(greeting(plugin: "mysql_native_password", capabilities: capabilities)))
        guard case .authenticated = machine.packetReceived(packet(2) { MySQLOKPacket().encode(into: &$0) }) else {
            throw MySQLProtocolError(.unexpected, "login did not finish")
        }
        return machine
    }

    @Test func nativePasswordLogin() throws {
        var machine = MySQLConnectionStateMachine(credentials: Self.credentials())
        let response = try Self.sent(machine.packetReceived(Self.greeting(plugin: "mysql_native_password")))
        #expect(response.sequenceID == 1)
        let decoded = try MySQLHandshakeResponse(payload: response.payload)
        #expect(decoded.username == "app")
        #expect(decoded.database == "shop")
        #expect(decoded.authPluginName == "mysql_native_password")
        #expect(decoded.authResponse == MySQLAuthPlugin.nativePasswordScramble(password: "secret", nonce: Self.nonce))
        #expect(decoded.characterSet == 45)
        #expect(decoded.capabilities.contains(.connectWithDB))
        #expect(decoded.capabilities.contains(.deprecateEOF))
        #expect(decoded.attributes.map(\.key) == ["_client_name"])

        let action = machine.packetReceived(Self.packet(2) { MySQLOKPacket(status: .autocommit).encode(into: &$0) })
        guard case .authenticated(let session) = action else { Issue.record("\(action)"); return }
        #expect(session.connectionID == 42)
        #expect(session.serverVersion == "10.11.6-MariaDB")
        #expect(machine.isReady)
    }

    @Test func authSwitchToNativePassword() throws {
        var machine = MySQLConnectionStateMachine(credentials: Self.credentials())
        let first = try Self.sent(machine.packetReceived(Self.greeting(plugin: "caching_sha2_password")))
        #expect(try MySQLHandshakeResponse(payload: first.payload).authResponse
            == MySQLAuthPlugin.cachingSHA2Scramble(password: "secret", nonce: Self.nonce))
        let newNonce = Array("ABCDEFGHIJKLMNOPQRST".utf8)
        let answer = try Self.sent(
            machine.packetReceived(Self.packet(2) {
                MySQLAuthSwitchRequest(pluginName: "mysql_native_password", pluginData: newNonce).encode(into: &$0)
            }))
        #expect(answer.sequenceID == 3)
        #expect(bytes(answer.payload) == MySQLAuthPlugin.nativePasswordScramble(password: "secret", nonce: newNonce))
        guard case .authenticated = machine.packetReceived(Self.packet(4) { MySQLOKPacket().encode(into: &$0) }) else {
            Issue.record("login did not finish")
            return
        }
    }

    @Test func cachingSHA2FastPath() throws {
        var machine = MySQLConnectionStateMachine(credentials: Self.credentials())
        _ = try Self.sent(machine.packetReceived(Self.greeting(plugin: "caching_sha2_password")))
        guard case .wait = machine.packetReceived(Self.packet(2) { MySQLAuthMoreData(data: [3]).encode(into: &$0) }) else {
            Issue.record("fast auth success must wait for OK")
            return
        }
        guard case .authenticated = machine.packetReceived(Self.packet(3) { MySQLOKPacket().encode(into: &$0) }) else {
            Issue.record("login did not finish")
            return
        }
    }

    @Test func cachingSHA2FullAuthenticationWithPublicKeyRetrieval() throws {
        let privateKey = try _RSA.Encryption.PrivateKey(keySize: .bits2048)
        var machine = MySQLConnectionStateMachine(credentials: Self.credentials())
        _ = try Self.sent(machine.packetReceived(Self.greeting(plugin: "caching_sha2_password")))
        let request = try Self.sent(machine.packetReceived(Self.packet(2) { MySQLAuthMoreData(data: [4]).encode(into: &$0) }))
        #expect(request.sequenceID == 3)
        #expect(bytes(request.payload) == [0x02])
        let pem = Array(privateKey.publicKey.pemRepresentation.utf8)
        let encrypted = try Self.sent(machine.packetReceived(Self.packet(4) { MySQLAuthMoreData(data: pem).encode(into: &$0) }))
        #expect(encrypted.sequenceID == 5)
        let plain = Array(try privateKey.decrypt(bytes(encrypted.payload), padding: .PKCS1_OAEP))
        #expect(plain.enumerated().map { $0.element ^ Self.nonce[$0.offset % 20] } == Array("secret".utf8) + [0])
        guard case .authenticated = machine.packetReceived(Self.packet(6) { MySQLOKPacket().encode(into: &$0) }) else {
            Issue.record("login did not finish")
            return
        }
    }

    @Test func cachingSHA2FullAuthenticationRefusedWithoutKey() throws {
        var machine = MySQLConnectionStateMachine(credentials: Self.credentials(allowPublicKeyRetrieval: false))
        _ = try Self.sent(machine.packetReceived(Self.greeting(plugin: "caching_sha2_password")))
        let action = machine.packetReceived(Self.packet(2) { MySQLAuthMoreData(data: [4]).encode(into: &$0) })
        guard case .closeConnection(let error) = action else { Issue.record("\(action)"); return }
        #expect((error as? MySQLConnectionError)?.kind == .authentication)
    }

    @Test func switchToUnsupportedPluginFailsClearly() throws {
        var machine = MySQLConnectionStateMachine(credentials: Self.credentials())
        _ = try Self.sent(machine.packetReceived(Self.greeting(plugin: "mysql_native_password")))
        let action = machine.packetReceived(Self.packet(2) {
            MySQLAuthSwitchRequest(pluginName: "client_ed25519", pluginData: Self.nonce).encode(into: &$0)
        })
        guard case .closeConnection(let error) = action else { Issue.record("\(action)"); return }
        let connectionError = try #require(error as? MySQLConnectionError)
        #expect(connectionError.code == "mysql.auth.failed")
        #expect(connectionError.message.contains("client_ed25519"))
    }

    @Test func accessDeniedIsServerError() throws {
        var machine = MySQLConnectionStateMachine(credentials: Self.credentials())
        _ = try Self.sent(machine.packetReceived(Self.greeting(plugin: "mysql_native_password")))
        let denied = MySQLServerError(errorCode: 1045, sqlState: "28000", serverMessage: "Access denied for user 'app'")
        let action = machine.packetReceived(Self.packet(2) { MySQLERRPacket(error: denied).encode(into: &$0) })
        guard case .closeConnection(let error) = action else { Issue.record("\(action)"); return }
        #expect(error as? MySQLServerError == denied)
    }

    @Test func wrongSequenceIDIsMalformed() throws {
        var machine = MySQLConnectionStateMachine(credentials: Self.credentials())
        _ = try Self.sent(machine.packetReceived(Self.greeting(plugin: "mysql_native_password")))
        let action = machine.packetReceived(Self.packet(5) { MySQLOKPacket().encode(into: &$0) })
        guard case .closeConnection(let error) = action else { Issue.record("\(action)"); return }
        #expect((error as? MySQLProtocolError)?.kind == .malformed)
    }

    @Test func garbageGreetingIsProtocolError() {
        var machine = MySQLConnectionStateMachine(credentials: Self.credentials())
        let action = machine.packetReceived(MySQLPacket(sequenceID: 0, payload: hex("0a 35 2e 35")))
        guard case .closeConnection(let error) = action else { Issue.record("\(action)"); return }
        #expect((error as? MySQLProtocolError)?.kind == .malformed)
    }
}
