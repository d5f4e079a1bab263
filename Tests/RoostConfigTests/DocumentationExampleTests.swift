import Foundation
import RoostConfig
import Testing

/// The overview article's example, with the environment and arguments given explicitly,
/// run for real.
@Suite struct DocumentationExampleTests {
    @Test func overviewExampleRuns() async throws {
        let configuration = try await RoostConfiguration.load(
            arguments: ["shop", "--port", "9000"], environment: ["ROOST_LOGGING_LEVEL": "debug"])
        let http = try HTTPSettings(config: configuration.reader)
        #expect(http.port == 9000)

        // Or every section together:
        let settings = try RoostSettings(configuration: configuration)
        #expect(settings.logging.level == "debug")
        let error = try await #require(throws: ConfigurationError.self) {
            try RoostSettings(
                configuration: try await RoostConfiguration.load(
                    arguments: ["shop"], environment: ["ROOST_REDIS_URL": "http://x"]))
        }
        #expect(
            error.problems.map(\.description).first?.hasPrefix(
                #"redis.url = "http://x" (from environment): expected a URL such as"#) == true)

        // What is in effect, and where it came from (secrets redacted):
        let entries = configuration.entries(for: HTTPSettings.keys, builtIn: HTTPSettings().textValues)
        #expect(entries.first { $0.key == "http.port" }?.description == "http.port = 9000  (command line)")
        #expect(entries.first { $0.key == "http.host" }?.description == "http.host = 127.0.0.1  (built-in default)")
    }
}
