import NIOSSL
import RoostTestSupport
import Testing

@testable import RoostMySQL

/// TLS against mariadbd processes of the tests' own: one started with a test CA's server
/// certificate, one without TLS.
@Suite("TLS against a dedicated mariadbd", .requires(.mysql))
struct LiveTLSTests {
    /// Client TLS that trusts only `caFile` and verifies the host name.
    static func trusting(_ caFile: String) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
        tls.certificateVerification = .fullVerification
        return tls
    }

    static func cipher(_ connection: MySQLConnection) async throws -> String {
        let result = try await connection.query("SHOW STATUS LIKE 'Ssl_cipher'")
        return try result.rows[0]["Value"].decode(String.self)
    }

    @Test("require with the right CA and name encrypts the session; a wrong CA or name fails with mysql.connection.tls_failed")
    func verifiedTLS() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        // The certificate names localhost only, while the client connects to 127.0.0.1.
        let server = try await MariaDBServerProcess(extraArguments: [
            "--ssl-cert=\(certificates.namedServerCertificateFile)", "--ssl-key=\(certificates.serverKeyFile)",
            "--ssl-ca=\(certificates.caFile)",
        ])
        defer { server.stop() }

        var byName = server.configuration
        byName.tls = try .require(Self.trusting(certificates.caFile))
        byName.tlsServerName = "localhost"
        let connection = try await MySQLConnection.connect(configuration: byName)
        #expect(connection.isEncrypted)
        #expect(try await !Self.cipher(connection).isEmpty)
        // Prepared statements and results larger than a TLS record work over TLS too.
        let echoed = try await connection.query("SELECT ? AS s, REPEAT('x', 100000) AS big", ["über"])
        #expect(try echoed.rows[0]["s"].decode(String.self) == "über")
        #expect(try echoed.rows[0]["big"].decode(String.self).count == 100_000)
        try await connection.close()

        var failures: [(String, MySQLConfiguration)] = []
        var byAddress = byName
        byAddress.tlsServerName = nil
        failures.append(("the address, which the certificate does not name", byAddress))
        var wrongName = byName
        wrongName.tlsServerName = "db.example.com"
        failures.append(("another name", wrongName))
        var wrongCA = byName
        wrongCA.tls = try .require(Self.trusting(certificates.otherCAFile))
        failures.append(("an unrelated CA", wrongCA))
        for (what, configuration) in failures {
            let error = await #expect(throws: MySQLConnectionError.self, "verifying \(what)") {
                try await MySQLConnection.connect(configuration: configuration)
            }
            #expect(error?.kind == .tls, "verifying \(what)")
            #expect(error?.code == "mysql.connection.tls_failed")
            #expect(error?.message.contains("trust roots") == true)
        }

        // prefer uses TLS when offered; disable stays in plain text.
        var preferred = byName
        preferred.tls = try .prefer(Self.trusting(certificates.caFile))
        let preferredConnection = try await MySQLConnection.connect(configuration: preferred)
        #expect(preferredConnection.isEncrypted)
        #expect(try await !Self.cipher(preferredConnection).isEmpty)
        try await preferredConnection.close()

        let plain = try await MySQLConnection.connect(configuration: server.configuration)
        #expect(!plain.isEncrypted)
        #expect(try await Self.cipher(plain).isEmpty)
        try await plain.close()
    }

    @Test("a pool of TLS connections, verified by IP address, serves queries")
    func pooledTLS() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let server = try await MariaDBServerProcess(extraArguments: [
            "--ssl-cert=\(certificates.serverCertificateFile)", "--ssl-key=\(certificates.serverKeyFile)",
        ])
        defer { server.stop() }
        var connection = server.configuration
        connection.tls = try .require(Self.trusting(certificates.caFile))
        var configuration = MySQLPoolConfiguration(connection: connection)
        configuration.maximumConnections = 2
        let pool = MySQLConnectionPool(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pool.run() }
            defer { group.cancelAll() }
            let ciphers = try await withThrowingTaskGroup(of: String.self) { queries in
                for _ in 0..<8 {
                    queries.addTask { try await pool.withConnection { try await Self.cipher($0) } }
                }
                return try await queries.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(ciphers.count == 8)
            #expect(ciphers.allSatisfy { !$0.isEmpty })
        }
    }

    @Test("require against a server without TLS fails and says what to do; prefer falls back to plain text")
    func serverWithoutTLS() async throws {
        let server = try await MariaDBServerProcess()
        defer { server.stop() }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none

        var required = server.configuration
        required.tls = try .require(tls)
        let error = await #expect(throws: MySQLConnectionError.self) {
            try await MySQLConnection.connect(configuration: required)
        }
        #expect(error?.kind == .tls)
        #expect(error?.code == "mysql.connection.tls_failed")
        #expect(error?.message.contains("does not offer it") == true)
        #expect(error?.message.contains(".prefer") == true)

        var preferred = server.configuration
        preferred.tls = try .prefer(tls)
        let connection = try await MySQLConnection.connect(configuration: preferred)
        #expect(!connection.isEncrypted)
        #expect(try await Self.cipher(connection).isEmpty)
        try await connection.close()
    }
}
