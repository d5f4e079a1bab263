import NIOCore
import NIOSSL
import Testing

@testable import RoostMySQL

/// The SSLRequest exchange and authentication over TLS, on wire bytes.
@Suite("TLS in the connection state machine")
struct TLSStateMachineTests {
    typealias Machine = MySQLConnectionStateMachine
    static let nonce = StateMachineTests.nonce
    static let offeringTLS = MySQLCapabilities.clientDefault.union([.connectWithDB, .ssl])

    static func machine(_ mode: MySQLConfiguration.TLS.Mode, password: String = "secret") -> Machine {
        var credentials = StateMachineTests.credentials(password: password)
        credentials.tls = mode
        return Machine(credentials: credentials)
    }

    /// The single packet a `.startTLS` action carries.
    static func sslRequest(_ action: Machine.Action) throws -> MySQLPacket {
        guard case .startTLS(let bytes) = action else {
            Issue.record("expected .startTLS, got \(action)")
            throw CancellationError()
        }
        return try StateMachineTests.sent(.send(bytes))
    }

    @Test("prefer and require send a 32-byte SSLRequest, then the handshake response over TLS with sequence id 2")
    func sslRequestThenLogin() throws {
        for mode in [MySQLConfiguration.TLS.Mode.prefer, .require] {
            var machine = Self.machine(mode)
            let greeting = StateMachineTests.greeting(plugin: "mysql_native_password", capabilities: Self.offeringTLS)
            let request = try Self.sslRequest(machine.packetReceived(greeting))
            #expect(request.sequenceID == 1)
            let payload = bytes(request.payload)
            #expect(payload.count == 32)
            let capabilities = MySQLCapabilities(
                lower: UInt32(payload[0]) | UInt32(payload[1]) << 8 | UInt32(payload[2]) << 16 | UInt32(payload[3]) << 24)
            #expect(capabilities.contains([.ssl, .protocol41, .secureConnection, .connectWithDB]))
            #expect(Array(payload[4..<8]) == [0, 0, 0, 1])  // 16 MiB, little-endian
            #expect(payload[8] == 45)  // utf8mb4
            #expect(payload[9...].allSatisfy { $0 == 0 })  // 23 reserved bytes
            #expect(machine.isAwaitingTLS)

            let response = try StateMachineTests.sent(machine.tlsEstablished())
            #expect(response.sequenceID == 2)
            let decoded = try MySQLHandshakeResponse(payload: response.payload)
            #expect(decoded.capabilities.contains(.ssl))
            #expect(decoded.username == "app")
            #expect(decoded.authResponse == MySQLAuthPlugin.nativePasswordScramble(password: "secret", nonce: Self.nonce))
            // The response repeats the SSLRequest's fixed part exactly.
            #expect(Array(bytes(response.payload).prefix(32)) == payload)

            let ok = machine.packetReceived(StateMachineTests.packet(3) { MySQLOKPacket().encode(into: &$0) })
            guard case .authenticated(let session) = ok else { Issue.record("\(ok)"); continue }
            #expect(session.capabilities.contains(.ssl))
            #expect(machine.isReady)
        }
    }

    @Test("disable ignores the server's TLS offer; prefer logs in in plain text when there is none")
    func plainText() throws {
        var disabled = Self.machine(.disable)
        let plain = try StateMachineTests.sent(
            disabled.packetReceived(StateMachineTests.greeting(plugin: "mysql_native_password", capabilities: Self.offeringTLS)))
        #expect(plain.sequenceID == 1)
        #expect(try !MySQLHandshakeResponse(payload: plain.payload).capabilities.contains(.ssl))

        var preferred = Self.machine(.prefer)
        let response = try StateMachineTests.sent(
            preferred.packetReceived(StateMachineTests.greeting(plugin: "mysql_native_password")))
        #expect(response.sequenceID == 1)
        #expect(try !MySQLHandshakeResponse(payload: response.payload).capabilities.contains(.ssl))
    }

    @Test("require fails with mysql.connection.tls_failed when the server does not offer TLS")
    func requireWithoutServerTLS() throws {
        var machine = Self.machine(.require)
        let action = machine.packetReceived(StateMachineTests.greeting(plugin: "mysql_native_password"))
        guard case .closeConnection(let error as MySQLConnectionError) = action else {
            Issue.record("expected a connection error, got \(action)")
            return
        }
        #expect(error.kind == .tls)
        #expect(error.code == "mysql.connection.tls_failed")
        #expect(error.message.contains("CLIENT_SSL"))
    }

    @Test("caching_sha2_password full authentication over TLS sends the password in clear, NUL-terminated")
    func cachingSHA2FullAuthenticationOverTLS() throws {
        var machine = Self.machine(.require, password: "pässword")
        _ = try Self.sslRequest(
            machine.packetReceived(StateMachineTests.greeting(plugin: "caching_sha2_password", capabilities: Self.offeringTLS)))
        let response = try StateMachineTests.sent(machine.tlsEstablished())
        #expect(try MySQLHandshakeResponse(payload: response.payload).authResponse
            == MySQLAuthPlugin.cachingSHA2Scramble(password: "pässword", nonce: Self.nonce))
        // The server's cache misses: "perform full authentication".
        let more = machine.packetReceived(StateMachineTests.packet(3) { MySQLAuthMoreData(data: [4]).encode(into: &$0) })
        guard case .send(let wire) = more else { Issue.record("\(more)"); return }
        // Frame: length 10 (3 bytes LE), sequence 4, then UTF-8 "pässword" and NUL.
        #expect(bytes(wire) == [0x0A, 0x00, 0x00, 0x04, 0x70, 0xC3, 0xA4, 0x73, 0x73, 0x77, 0x6F, 0x72, 0x64, 0x00])
        let ok = machine.packetReceived(StateMachineTests.packet(5) { MySQLOKPacket().encode(into: &$0) })
        guard case .authenticated = ok else { Issue.record("\(ok)"); return }
    }

    @Test("caching_sha2_password full authentication without TLS still refuses to send the password in clear")
    func cachingSHA2FullAuthenticationWithoutTLS() throws {
        var credentials = StateMachineTests.credentials(allowPublicKeyRetrieval: false)
        credentials.tls = .prefer
        var machine = Machine(credentials: credentials)
        _ = try StateMachineTests.sent(machine.packetReceived(StateMachineTests.greeting(plugin: "caching_sha2_password")))
        let action = machine.packetReceived(StateMachineTests.packet(2) { MySQLAuthMoreData(data: [4]).encode(into: &$0) })
        guard case .closeConnection(let error as MySQLConnectionError) = action else {
            Issue.record("expected a connection error, got \(action)")
            return
        }
        #expect(error.kind == .authentication)
    }

    @Test("a packet during the TLS handshake, or a handshake nobody asked for, is a protocol error")
    func unexpectedEvents() throws {
        var machine = Self.machine(.require)
        _ = try Self.sslRequest(
            machine.packetReceived(StateMachineTests.greeting(plugin: "mysql_native_password", capabilities: Self.offeringTLS)))
        let action = machine.packetReceived(StateMachineTests.packet(2) { MySQLOKPacket().encode(into: &$0) })
        guard case .closeConnection(let error as MySQLProtocolError) = action else {
            Issue.record("expected a protocol error, got \(action)")
            return
        }
        #expect(error.kind == .unexpected)

        var plain = Self.machine(.disable)
        _ = try StateMachineTests.sent(plain.packetReceived(StateMachineTests.greeting(plugin: "mysql_native_password")))
        guard case .closeConnection(let late as MySQLProtocolError) = plain.tlsEstablished() else {
            Issue.record("a TLS handshake without SSLRequest must fail")
            return
        }
        #expect(late.kind == .unexpected)
    }

    @Test("a TLS configuration NIOSSL cannot load is refused when made, with mysql.configuration.invalid")
    func invalidConfiguration() throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file("/nonexistent/ca.pem")
        let error = #expect(throws: MySQLConnectionError.self) { try MySQLConfiguration.TLS.require(tls) }
        #expect(error?.code == "mysql.configuration.invalid")
        #expect(error?.kind == .invalidConfiguration)
    }
}
