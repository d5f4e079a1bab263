import Configuration
import RoostConfig
import Testing

/// A reader over flags and environment, as `roost-demo` builds it.
func reader(_ arguments: [String], environment: [String: String] = [:]) async throws -> ConfigReader {
    try await RoostConfiguration.load(arguments: ["roost-demo"] + arguments, environment: environment).reader
}

@Suite struct HTTPSettingsTests {
    private func settings(_ arguments: [String] = [], environment: [String: String] = [:]) async throws -> HTTPSettings {
        try HTTPSettings(config: try await reader(arguments, environment: environment))
    }

    @Test func defaultsToLoopback8080() async throws {
        #expect(try await settings() == HTTPSettings(host: "127.0.0.1", port: 8080))
    }

    @Test func readsShortAndLongFlags() async throws {
        #expect(try await settings(["--port", "9001", "--host", "0.0.0.0"]) == HTTPSettings(host: "0.0.0.0", port: 9001))
        #expect(try await settings(["--http-port=9002"]).port == 9002)
    }

    @Test func readsPrefixedEnvironment() async throws {
        let env = ["ROOST_HTTP_PORT": "9100", "ROOST_HTTP_HOST": "::1", "HTTP_PORT": "1"]
        #expect(try await settings(environment: env) == HTTPSettings(host: "::1", port: 9100))
    }

    @Test func flagsWinOverEnvironment() async throws {
        #expect(try await settings(["--port", "7000"], environment: ["ROOST_HTTP_PORT": "9100"]).port == 7000)
    }

    @Test func reportsEveryInvalidValueAtOnce() async throws {
        let error = try await #require(throws: ConfigurationError.self) {
            try await settings(["--port", "http"], environment: ["ROOST_HTTP_HOST": "a b"])
        }
        #expect(error.code == "config.invalid")
        #expect(error.problems.map(\.key) == ["http.host", "http.port"])
        #expect(error.problems[1].description == #"http.port = "http": expected an integer from 0 to 65535"#)
        #expect(error.message.contains("ROOST_"))
    }

    @Test func rejectsPortOutOfRange() async throws {
        await #expect(throws: ConfigurationError.self) { try await settings(["--port", "70000"]) }
        await #expect(throws: ConfigurationError.self) { try await settings(["--port", "-1"]) }
    }
}

@Suite struct HTTPSettingsLimitsTests {
    private func settings(_ arguments: [String] = [], environment: [String: String] = [:]) async throws -> HTTPSettings {
        try HTTPSettings(config: try await reader(arguments, environment: environment))
    }

    @Test func defaultsAreSafe() async throws {
        let http = try await settings()
        #expect(!http.debug)
        #expect(http.accessLog)
        #expect(http.requestTimeoutSeconds == 30)
        #expect(http.maxBodyBytes == 2_097_152)
        #expect(http.trustedProxies.isEmpty)
    }

    @Test func readsLimitsFromFlagsAndEnvironment() async throws {
        let http = try await settings(
            ["--debug", "true", "--max-body-bytes", "1024"],
            environment: [
                "ROOST_HTTP_REQUEST_TIMEOUT_SECONDS": "2.5", "ROOST_HTTP_ACCESS_LOG": "no",
                "ROOST_HTTP_TRUSTED_PROXIES": "10.0.0.0/8, ::1",
            ])
        #expect(http.debug)
        #expect(!http.accessLog)
        #expect(http.requestTimeoutSeconds == 2.5)
        #expect(http.maxBodyBytes == 1024)
        #expect(http.trustedProxies == ["10.0.0.0/8", "::1"])
    }

    @Test func reportsEveryBadLimit() async throws {
        let error = try await #require(throws: ConfigurationError.self) {
            try await settings(environment: [
                "ROOST_HTTP_DEBUG": "maybe", "ROOST_HTTP_REQUEST_TIMEOUT_SECONDS": "0",
                "ROOST_HTTP_MAX_BODY_BYTES": "lots", "ROOST_HTTP_TRUSTED_PROXIES": "10.0.0.0/8,proxy.local",
            ])
        }
        #expect(error.problems.map(\.key) == ["http.debug", "http.requestTimeoutSeconds", "http.maxBodyBytes", "http.trustedProxies"])
        #expect(error.problems[0].expected == "true or false")
        #expect(error.problems[1].expected == "a number from 0.001 to 86400")
        #expect(error.problems[3].value == "proxy.local")
    }
}

@Suite struct LoggingSettingsTests {
    @Test func readsFormatAndLevel() async throws {
        let config = try await reader(["--logging-format", "json"], environment: ["ROOST_LOGGING_LEVEL": "DEBUG"])
        #expect(try LoggingSettings(config: config) == LoggingSettings(format: .json, level: "debug"))
        #expect(try LoggingSettings(config: try await reader([])) == LoggingSettings())
    }

    @Test func reportsBothBadValues() async throws {
        let config = try await reader(["--logging-format", "xml"], environment: ["ROOST_LOGGING_LEVEL": "loud"])
        let error = try #require(throws: ConfigurationError.self) { try LoggingSettings(config: config) }
        #expect(error.problems.map(\.key) == ["logging.format", "logging.level"])
    }
}

@Suite struct HTTPSettingsMiddlewareSetTests {
    private func settings(_ arguments: [String] = [], environment: [String: String] = [:]) async throws -> HTTPSettings {
        try HTTPSettings(config: try await reader(arguments, environment: environment))
    }

    @Test func defaultsServeMetricsWithoutCORSOrCompression() async throws {
        let http = try await settings()
        #expect(http.metrics && !http.compression && http.corsOrigins.isEmpty && !http.corsAllowCredentials)
        #expect(http.headTimeoutSeconds == 10 && http.idleTimeoutSeconds == 60 && http.maxHeaderBytes == 32_768)
    }

    @Test func readsServerLimitsAndTheMiddlewareSet() async throws {
        let http = try await settings(
            ["--compression", "true", "--head-timeout-seconds", "2.5"],
            environment: [
                "ROOST_HTTP_METRICS": "false", "ROOST_HTTP_IDLE_TIMEOUT_SECONDS": "15",
                "ROOST_HTTP_MAX_HEADER_BYTES": "8192", "ROOST_HTTP_CORS_ORIGINS": "https://shop.example, http://localhost:3000",
                "ROOST_HTTP_CORS_ALLOW_CREDENTIALS": "true",
            ])
        #expect(http.compression && !http.metrics && http.corsAllowCredentials)
        #expect(http.headTimeoutSeconds == 2.5 && http.idleTimeoutSeconds == 15 && http.maxHeaderBytes == 8192)
        #expect(http.corsOrigins == ["https://shop.example", "http://localhost:3000"])
        #expect(http.textValues["http.corsOrigins"] == "https://shop.example,http://localhost:3000")
    }

    @Test func reportsEveryBadLimitAndOrigin() async throws {
        let error = try await #require(throws: ConfigurationError.self) {
            try await settings(environment: [
                "ROOST_HTTP_HEAD_TIMEOUT_SECONDS": "0", "ROOST_HTTP_MAX_HEADER_BYTES": "10",
                "ROOST_HTTP_COMPRESSION": "gzip", "ROOST_HTTP_CORS_ORIGINS": "shop.example,https://ok.example/path",
            ])
        }
        #expect(
            error.problems.map(\.key) == [
                "http.headTimeoutSeconds", "http.maxHeaderBytes", "http.compression", "http.corsOrigins", "http.corsOrigins",
            ])
        #expect(error.problems[1].expected == "a whole number from 1024 to 1048576")
        #expect(error.problems[3].value == "shop.example")
        #expect(error.problems[4].value == "https://ok.example/path")
    }

    @Test func refusesAnyOriginWithCredentials() async throws {
        let error = try await #require(throws: ConfigurationError.self) {
            try await settings(environment: ["ROOST_HTTP_CORS_ORIGINS": "*", "ROOST_HTTP_CORS_ALLOW_CREDENTIALS": "yes"])
        }
        #expect(error.problems.map(\.key) == ["http.corsAllowCredentials"])
        #expect(error.problems[0].expected.contains("list the origins"))
        let mixed = try await #require(throws: ConfigurationError.self) {
            try await settings(environment: ["ROOST_HTTP_CORS_ORIGINS": "*,https://shop.example"])
        }
        #expect(mixed.problems.map(\.key) == ["http.corsOrigins"])
    }
}
