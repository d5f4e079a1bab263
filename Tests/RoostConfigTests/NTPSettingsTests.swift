import Foundation
import RoostConfig
import Testing

@Suite struct NTPSettingsTests {
    private func ntp(_ environment: [String: String], arguments: [String] = []) async throws -> NTPSettings {
        try await RoostConfiguration.load(arguments: ["x"] + arguments, environment: environment).read(NTPSettings.init)
    }

    @Test func defaultsAskThreePoolServersFourTimesEach() async throws {
        let ntp = try await ntp([:])
        #expect(ntp == NTPSettings())
        #expect(ntp.servers.map(\.description) == ["0.pool.ntp.org:123", "1.pool.ntp.org:123", "2.pool.ntp.org:123"])
        #expect(ntp.samplesPerServer == 4)
        #expect(ntp.intervalSeconds == 1024)
    }

    @Test func readsServersWithPortsAndIPv6FromTheEnvironment() async throws {
        let ntp = try await ntp([
            "ROOST_NTP_SERVERS": "time.example.net, 10.0.0.5:1123,[2001:db8::1],[::1]:9123",
            "ROOST_NTP_SAMPLES_PER_SERVER": "8", "ROOST_NTP_TIMEOUT_SECONDS": "0.5",
            "ROOST_NTP_SAMPLE_SPACING_SECONDS": "0", "ROOST_NTP_INTERVAL_SECONDS": "60",
        ])
        #expect(
            ntp.servers == [
                .init(host: "time.example.net"), .init(host: "10.0.0.5", port: 1123), .init(host: "2001:db8::1"),
                .init(host: "::1", port: 9123),
            ])
        #expect(ntp.servers[3].description == "[::1]:9123")
        #expect(
            ntp
                == NTPSettings(
                    servers: ntp.servers, samplesPerServer: 8, timeoutSeconds: 0.5, sampleSpacingSeconds: 0,
                    intervalSeconds: 60))
    }

    @Test func readsAServerListFromAYAMLFile() async throws {
        let path = try temporaryFile(
            "ntp:\n  servers:\n    - a.example.net\n    - b.example.net:1123\n  samplesPerServer: 2\n",
            extension: "yaml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try await RoostConfiguration.load(arguments: ["x", "--config", path], environment: [:])
        let settings = try RoostSettings(configuration: configuration)
        #expect(settings.ntp.servers == [.init(host: "a.example.net"), .init(host: "b.example.net", port: 1123)])
        #expect(settings.ntp.samplesPerServer == 2)
        let entries = configuration.entries(
            for: ["ntp.samplesPerServer", "ntp.intervalSeconds"], builtIn: settings.textValues)
        #expect(
            entries.map(\.description) == [
                "ntp.samplesPerServer = 2  (file \(path))", "ntp.intervalSeconds = 1024.0  (built-in default)",
            ])
    }

    @Test(arguments: [
        "", " , ", "time.example.net:0", "time.example.net:70000", "time.example.net:ntp", "::1", "[::1", "[::1]x",
        "a b.example.net", "ok.example.net,,other.example.net", "user@time.example.net",
    ])
    func badServerListsAreReported(value: String) async throws {
        let error = try await #require(throws: ConfigurationError.self) { try await ntp(["ROOST_NTP_SERVERS": value]) }
        #expect(error.problems.map(\.key) == ["ntp.servers"])
        #expect(error.problems.first?.value == value)
        #expect(error.problems.first?.expected.hasPrefix("one or more servers as host or host:port") == true)
        #expect(error.problems.first?.source == "environment")
    }

    @Test func everyBadNumberIsReportedAtOnce() async throws {
        let error = try await #require(throws: ConfigurationError.self) {
            try await ntp([
                "ROOST_NTP_SERVERS": "time.example.net:0", "ROOST_NTP_SAMPLES_PER_SERVER": "0",
                "ROOST_NTP_TIMEOUT_SECONDS": "soon", "ROOST_NTP_SAMPLE_SPACING_SECONDS": "-1",
                "ROOST_NTP_INTERVAL_SECONDS": "100000",
            ])
        }
        #expect(error.code == "config.invalid")
        #expect(error.problems.map(\.key) == NTPSettings.keys)
        #expect(
            error.problems.map(\.expected).dropFirst() == [
                "a whole number from 1 to 16", "a number from 0.01 to 60", "a number from 0 to 60",
                "a number from 1 to 86400",
            ])
        #expect(error.problems.allSatisfy { $0.source == "environment" })
    }
}
