import Foundation
import RoostConfig
import Testing

/// Writes `contents` to a new temporary file ending in `.extension`.
func temporaryFile(_ contents: String, extension fileExtension: String) throws -> String {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("roost-config-\(UUID()).\(fileExtension)").path
    try contents.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

@Suite struct YAMLConfigurationTests {
    private let yaml = """
        http:
          port: 9200
          debug: true
          trustedProxies:
            - 10.0.0.0/8
            - "::1"
        redis:
          url: redis://app:s3cret@cache:6379/1
          poolMaximum: 32
        coordination:
          backend: redis
          keyPrefix: "shop:"
        """

    @Test(arguments: ["yaml", "yml", "YAML"])
    func readsTypedValuesFromAYAMLFile(fileExtension: String) async throws {
        let path = try temporaryFile(yaml, extension: fileExtension)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try await RoostConfiguration.load(arguments: ["x", "--config", path], environment: [:])
        let settings = try RoostSettings(configuration: configuration)
        #expect(settings.http.port == 9200)
        #expect(settings.http.debug)
        #expect(settings.http.trustedProxies == ["10.0.0.0/8", "::1"])
        #expect(settings.redis.url == "redis://app:s3cret@cache:6379/1")
        #expect(settings.redis.pool.maximumConnections == 32)
        #expect(settings.coordination == CoordinationSettings(backend: .redis, keyPrefix: "shop:"))
        let entries = configuration.entries(for: ["redis.url", "redis.poolMinimum"], builtIn: settings.textValues)
        #expect(entries.map(\.description) == [
            "redis.url = redis://app:***@cache:6379/1  (file \(path))", "redis.poolMinimum = 0  (built-in default)",
        ])
    }

    @Test func environmentWinsOverTheYAMLFile() async throws {
        let path = try temporaryFile(yaml, extension: "yml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try await RoostConfiguration.load(
            arguments: ["x"], environment: ["ROOST_CONFIG": path, "ROOST_REDIS_POOL_MAXIMUM": "8"])
        #expect(try configuration.read(RedisSettings.init).pool.maximumConnections == 8)
        #expect(try configuration.read(HTTPSettings.init).port == 9200)
    }

    @Test func anUnknownExtensionIsAClearError() async throws {
        let path = try temporaryFile(yaml, extension: "toml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try await #require(throws: ConfigurationError.self) {
            try await RoostConfiguration.load(arguments: ["x"], environment: ["ROOST_CONFIG": path])
        }
        #expect(error.problems == [
            ConfigurationProblem(
                key: "config", value: path, expected: "a file ending in .json, .yaml or .yml", source: "environment")
        ])
    }

    @Test func invalidYAMLIsAClearError() async throws {
        let path = try temporaryFile("http:\n  port: [9200\n", extension: "yaml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try await #require(throws: ConfigurationError.self) {
            try await RoostConfiguration.load(arguments: ["x", "--config", path], environment: [:])
        }
        #expect(error.problems.first?.expected.hasPrefix("a readable YAML file") == true)
        #expect(error.problems.first?.source == "command line")
    }

    @Test func aMissingYAMLFileIsAClearError() async throws {
        let error = try await #require(throws: ConfigurationError.self) {
            try await RoostConfiguration.load(arguments: ["x", "--config", "/nonexistent/roost.yml"], environment: [:])
        }
        #expect(error.problems.first?.key == "config")
        #expect(error.problems.first?.expected.hasPrefix("a readable YAML file") == true)
    }
}
