import Testing

@testable import RoostRedis

@Suite("Connection configuration from URLs")
struct RedisConnectionConfigurationTests {
    @Test("a full URL")
    func full() throws {
        let configuration = try RedisConnectionConfiguration(url: "redis://app%40x:p%3Ass@cache.local:6380/3?name=svc&protocol=2")
        #expect(configuration.host == "cache.local")
        #expect(configuration.port == 6380)
        #expect(configuration.username == "app@x")
        #expect(configuration.password == "p:ss")
        #expect(configuration.database == 3)
        #expect(configuration.clientName == "svc")
        #expect(configuration.protocolVersion == .resp2)
    }

    @Test("defaults, a password without user, IPv6")
    func defaults() throws {
        let plain = try RedisConnectionConfiguration(url: "redis://localhost")
        #expect(plain.port == 6379)
        #expect(plain.database == 0)
        #expect(plain.username == nil && plain.password == nil)
        #expect(plain.protocolVersion == .resp3)
        let passwordOnly = try RedisConnectionConfiguration(url: "redis://:secret@localhost/")
        #expect(passwordOnly.username == nil)
        #expect(passwordOnly.password == "secret")
        let v6 = try RedisConnectionConfiguration(url: "redis://[::1]:7000")
        #expect(v6.host == "::1")
        #expect(v6.address == "[::1]:7000")
    }

    @Test("bad URLs throw redis.config.invalid with a hint", arguments: [
        "http://localhost", "localhost:6379", "redis://", "redis://host/abc", "redis://host/-1",
        "redis://host:99999", "redis://user@host", "redis://host?db=1", "redis://host?protocol=4",
        "rediss://host?tls_verify=maybe", "redis://host?tls_ca_file=/ca.pem", "not a url at all",
    ])
    func bad(url: String) {
        let error = #expect(throws: RedisConfigurationError.self) { try RedisConnectionConfiguration(url: url) }
        #expect(error?.code.rawValue == "redis.config.invalid")
    }

    @Test("error messages do not leak the password")
    func redacted() {
        let error = #expect(throws: RedisConfigurationError.self) {
            try RedisConnectionConfiguration(url: "redis://u:topsecret@host/notadb")
        }
        #expect(error?.message.contains("topsecret") == false)
    }
}
