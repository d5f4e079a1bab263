import Foundation
import RoostConfig
import Testing

@Suite struct ConfigurationFileTests {
    private func file(_ contents: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("roost-config-\(UUID()).json").path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func readsTypedValuesFromAJSONFile() async throws {
        let path = try file(#"{"http": {"port": 9100, "debug": true, "trustedProxies": ["10.0.0.0/8"]}, "logging": {"format": "json"}}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try await RoostConfiguration.load(arguments: ["x", "--config", path], environment: [:])
        let http = try HTTPSettings(config: configuration.reader)
        #expect(http.port == 9100)
        #expect(http.debug)
        #expect(http.trustedProxies == ["10.0.0.0/8"])
        #expect(try LoggingSettings(config: configuration.reader).format == .json)
    }

    @Test func flagsAndEnvironmentWinOverTheFile() async throws {
        let path = try file(#"{"http": {"port": 9100, "host": "0.0.0.0"}}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try await RoostConfiguration.load(
            arguments: ["x", "--port", "7000"], environment: ["ROOST_CONFIG": path, "ROOST_HTTP_HOST": "::1"])
        #expect(try HTTPSettings(config: configuration.reader) == HTTPSettings(host: "::1", port: 7000))
    }

    @Test func aMissingFileIsAClearError() async throws {
        let error = try await #require(throws: ConfigurationError.self) {
            try await RoostConfiguration.load(arguments: ["x", "--config", "/nonexistent/roost.json"], environment: [:])
        }
        #expect(error.problems.first?.key == "config")
        #expect(error.problems.first?.value == "/nonexistent/roost.json")
        #expect(error.problems.first?.expected.hasPrefix("a readable JSON file") == true)
    }

    @Test func invalidJSONIsAClearError() async throws {
        let path = try file(#"{"http": {"port": 91"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        await #expect(throws: ConfigurationError.self) {
            try await RoostConfiguration.load(arguments: ["x"], environment: ["ROOST_CONFIG": path])
        }
    }

    @Test func entriesShowValueAndSourceWithSecretsRedacted() async throws {
        let path = try file(#"{"http": {"port": 9100}, "redis": {"url": "redis://app:s3cret@cache:6379/0"}}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try await RoostConfiguration.load(
            arguments: ["x", "--host", "0.0.0.0", "--config", path],
            environment: ["ROOST_AUTH_TOKEN": "abc", "ROOST_LOGGING_LEVEL": "debug"])
        let entries = configuration.entries(for: ["http.host", "http.port", "logging.level", "redis.url", "auth.token", "http.debug"])
        #expect(entries.map(\.source) == ["command line", "file \(path)", "environment", "file \(path)", "environment", "built-in default"])
        #expect(entries.map(\.value) == ["0.0.0.0", "9100", "debug", "redis://app:***@cache:6379/0", "<redacted>", nil])
        #expect(!entries.description.contains("s3cret"))
        let defaults = configuration.entries(for: ["http.maxBodyBytes"], builtIn: HTTPSettings().textValues)
        #expect(defaults.first?.description == "http.maxBodyBytes = 2097152  (built-in default)")
    }
}
