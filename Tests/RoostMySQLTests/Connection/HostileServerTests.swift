import NIOCore
import Testing

@testable import RoostMySQL

/// Malformed and hostile bytes from a scripted server on loopback: every case must end
/// in a typed error, never a crash or a hang.
@Suite("Hostile server")
struct HostileServerTests {
    static func configuration(port: Int, maximumPacketSize: Int = 64 * 1024 * 1024) -> MySQLConfiguration {
        var configuration = MySQLConfiguration(host: "127.0.0.1", port: port, username: "u", password: "p")
        configuration.maximumPacketSize = maximumPacketSize
        return configuration
    }

    static func connectError(_ server: ScriptedServer, maximumPacketSize: Int = 64 * 1024 * 1024) async throws -> any Error {
        try await server.run { port in
            do {
                let connection = try await MySQLConnection.connect(configuration: configuration(port: port, maximumPacketSize: maximumPacketSize))
                try await connection.close()
                Issue.record("connect succeeded against a broken server")
                return MySQLConnectionError(.closed, "unexpected success")
            } catch {
                return error
            }
        }
    }

    @Test func garbageGreeting() async throws {
        let error = try await Self.connectError(ScriptedServer(greeting: ScriptedServer.frame(0) { $0.writeBytes([0x0A, 0x35, 0x00, 0x01]) }))
        #expect((error as? MySQLProtocolError)?.code == "mysql.protocol.malformed")
    }

    @Test func notMySQLAtAll() async throws {
        let error = try await Self.connectError(ScriptedServer(greeting: ByteBuffer(string: "HTTP/1.1 400 Bad Request\r\n\r\n")))
        #expect(error is MySQLProtocolError)
    }

    @Test func hostileLengthIsBounded() async throws {
        var greeting = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0x00])
        greeting.writeRepeatingByte(0x41, count: 100)
        let error = try await Self.connectError(ScriptedServer(greeting: greeting), maximumPacketSize: 1024)
        #expect((error as? MySQLProtocolError)?.code == "mysql.protocol.tooLarge")
    }

    @Test func closedMidPacket() async throws {
        // The header promises 64 bytes, one arrives, then the server hangs up.
        let script = ScriptedServer(greeting: ByteBuffer(bytes: [0x40, 0x00, 0x00, 0x00, 0x0A]), closeAfterGreeting: true)
        let error = try await Self.connectError(script)
        #expect((error as? MySQLProtocolError)?.code == "mysql.protocol.malformed")
    }

    @Test func closedBeforeGreeting() async throws {
        let error = try await Self.connectError(ScriptedServer(greeting: ByteBuffer(), closeAfterGreeting: true))
        #expect((error as? MySQLConnectionError)?.code == "mysql.connection.closed")
    }

    @Test func closedBeforeLoginFinished() async throws {
        let error = try await Self.connectError(ScriptedServer(greeting: ScriptedServer.greeting, replies: [nil]))
        #expect((error as? MySQLConnectionError)?.code == "mysql.connection.closed")
    }

    @Test func malformedResultAfterLogin() async throws {
        let script = ScriptedServer(
            greeting: ScriptedServer.greeting,
            replies: [
                ScriptedServer.ok(2),
                // Column count 2, then a column definition that is cut short.
                ScriptedServer.frame(1) { $0.writeLengthEncodedInteger(2) } + ScriptedServer.frame(2) { $0.writeBytes([3, 0x64]) },
            ])
        try await script.run { port in
            let connection = try await MySQLConnection.connect(configuration: Self.configuration(port: port))
            #expect(connection.connectionID == 9)
            await #expect {
                try await connection.query("SELECT 1")
            } throws: { error in
                (error as? MySQLProtocolError)?.kind == .malformed
            }
            await #expect {
                try await connection.query("SELECT 2")
            } throws: { error in
                (error as? MySQLConnectionError)?.kind == .closed
            }
            try await connection.close()
        }
    }

    @Test func loginSendsCredentialsAndAttributes() async throws {
        let script = ScriptedServer(greeting: ScriptedServer.greeting, replies: [ScriptedServer.ok(2), ScriptedServer.ok(1)])
        try await script.run { port in
            var configuration = MySQLConfiguration(host: "127.0.0.1", port: port, username: "app", password: "pw", database: "shop")
            configuration.connectionAttributes["program_name"] = "billing"
            let connection = try await MySQLConnection.connect(configuration: configuration)
            #expect(connection.serverVersion == "10.11.0-Scripted")
            try await connection.ping()  // answered, so the server has read everything before it
            try await connection.close()
        }
        let packets = script.received.packets
        #expect(packets.count >= 2)
        let login = try MySQLHandshakeResponse(payload: try #require(packets.first).payload)
        #expect(login.username == "app")
        #expect(login.database == "shop")
        #expect(login.authPluginName == "mysql_native_password")
        #expect(login.authResponse == MySQLAuthPlugin.nativePasswordScramble(password: "pw", nonce: Array(repeating: 0x61, count: 20)))
        #expect(login.attributes.first { $0.key == "program_name" }?.value == "billing")
        #expect(login.attributes.first { $0.key == "_client_name" }?.value == "roost-mysql")
        #expect(bytes(packets[1].payload) == [0x0E])  // COM_PING
        #expect(packets[1].sequenceID == 0)
    }

    @Test func silentServerTimesOut() async throws {
        // Accepts the connection and never greets; another that greets and never answers.
        for script in [ScriptedServer(greeting: ByteBuffer()), ScriptedServer(greeting: ScriptedServer.greeting)] {
            try await script.run { port in
                var configuration = Self.configuration(port: port)
                configuration.loginTimeout = .milliseconds(100)
                await #expect {
                    _ = try await MySQLConnection.connect(configuration: configuration)
                } throws: { error in
                    (error as? MySQLConnectionError)?.code == "mysql.connection.timeout"
                }
            }
        }
    }

    @Test func refusedPort() async throws {
        let port = try await ScriptedServer(greeting: ScriptedServer.greeting).run { $0 }
        await #expect {
            _ = try await MySQLConnection.connect(configuration: Self.configuration(port: port))
        } throws: { error in
            (error as? MySQLConnectionError)?.code == "mysql.connection.failed"
        }
    }
}

func + (lhs: ByteBuffer, rhs: ByteBuffer) -> ByteBuffer {
    var result = lhs
    var rhs = rhs
    result.writeBuffer(&rhs)
    return result
}
