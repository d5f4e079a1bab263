import Foundation
import NIOCore
import RoostTestSupport
import Testing

@testable import RoostRedis

@Suite("TLS against a dedicated redis-server", .requires(.redis))
struct TLSTests {
    @Test("rediss:// with the right CA runs commands; a wrong CA fails with redis.connection.tls_failed")
    func tls() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let server = try await RedisServerProcess(
            extraArguments: [
                "--tls-cert-file", certificates.serverCertificateFile, "--tls-key-file", certificates.serverKeyFile,
                "--tls-ca-cert-file", certificates.caFile, "--tls-auth-clients", "no",
            ],
            listensOnPlainPort: false)
        defer { server.stop() }

        let url = "rediss://127.0.0.1:\(server.port)?tls_ca_file=\(certificates.caFile)"
        let connection = try await RedisConnection.connect(configuration: RedisConnectionConfiguration(url: url))
        #expect(try await connection.ping() == "PONG")
        #expect(try await connection.set("tls-key", to: "secret"))
        #expect(try await connection.getString("tls-key") == "secret")
        #expect(try await connection.send("INFO", "server").string?.contains("redis_version") == true)
        try await connection.close()

        var byName = try RedisConnectionConfiguration(url: "rediss://localhost:\(server.port)")
        byName.tls?.caCertificateFile = certificates.caFile
        let named = try await RedisConnection.connect(configuration: byName)
        #expect(try await named.ping() == "PONG")
        try await named.close()

        var wrongCA = try RedisConnectionConfiguration(url: "rediss://127.0.0.1:\(server.port)")
        wrongCA.tls?.caCertificateFile = certificates.otherCAFile
        let error = await #expect(throws: RedisConnectionError.self) {
            try await RedisConnection.connect(configuration: wrongCA)
        }
        #expect(error?.kind == .tlsFailed)
        #expect(error?.code.rawValue == "redis.connection.tls_failed")

        var unverified = wrongCA
        unverified.tls?.verification = .none
        let insecure = try await RedisConnection.connect(configuration: unverified)
        #expect(try await insecure.ping() == "PONG")
        try await insecure.close()

        let plain = await #expect(throws: (any Error).self) {
            var configuration = RedisConnectionConfiguration(host: "127.0.0.1", port: server.port)
            configuration.connectTimeout = .seconds(2)
            _ = try await RedisConnection.connect(configuration: configuration)
        }
        #expect(plain is RedisConnectionError || plain is RedisTimeoutError || plain is RedisProtocolError)
    }

    @Test("a server that checks clients accepts this client's certificate and refuses a client without one")
    func clientCertificate() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let server = try await RedisServerProcess(
            extraArguments: [
                "--tls-cert-file", certificates.serverCertificateFile, "--tls-key-file", certificates.serverKeyFile,
                "--tls-ca-cert-file", certificates.caFile, "--tls-auth-clients", "yes",
            ],
            listensOnPlainPort: false)
        defer { server.stop() }
        let url =
            "rediss://127.0.0.1:\(server.port)?tls_ca_file=\(certificates.caFile)"
            + "&tls_cert_file=\(certificates.clientCertificateFile)&tls_key_file=\(certificates.clientKeyFile)"
        let connection = try await RedisConnection.connect(configuration: RedisConnectionConfiguration(url: url))
        #expect(try await connection.echo("mutual") == ByteBuffer(string: "mutual"))
        try await connection.close()

        var anonymous = try RedisConnectionConfiguration(url: "rediss://127.0.0.1:\(server.port)")
        anonymous.tls?.caCertificateFile = certificates.caFile
        anonymous.connectTimeout = .seconds(5)
        let error = await #expect(throws: RedisConnectionError.self) {
            try await RedisConnection.connect(configuration: anonymous)
        }
        #expect(error?.kind == .tlsFailed || error?.kind == .closed)
    }

    @Test("TLS settings that cannot work fail as configuration errors")
    func badConfiguration() throws {
        #expect(throws: RedisConfigurationError.self) {
            try RedisConnectionConfiguration(url: "redis://localhost?tls_ca_file=/x.pem")
        }
        #expect(throws: RedisConfigurationError.self) {
            try RedisConnectionConfiguration(url: "rediss://localhost?tls_verify=sometimes")
        }
        var missing = RedisTLSConfiguration()
        missing.caCertificateFile = "/nonexistent/ca.pem"
        #expect(throws: RedisConfigurationError.self) { try missing.makeContext() }
        var half = RedisTLSConfiguration()
        half.certificateFile = "/nonexistent/client.pem"
        #expect(throws: RedisConfigurationError.self) { try half.makeContext() }
        let parsed = try RedisConnectionConfiguration(url: "rediss://localhost:6380?tls_verify=no_hostname")
        #expect(parsed.tls?.verification == .noHostnameVerification)
        #expect(try RedisConnectionConfiguration(url: "redis://localhost").tls == nil)
    }
}
