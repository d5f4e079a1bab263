import RoostConfig
import Testing

@Suite struct HTTPSettingsTests {
    private func settings(_ arguments: [String] = [], environment: [String: String] = [:]) throws -> HTTPSettings {
        try HTTPSettings(config: RoostConfiguration.reader(arguments: ["roost-demo"] + arguments, environment: environment))
    }

    @Test func defaultsToLoopback8080() throws {
        #expect(try settings() == HTTPSettings(host: "127.0.0.1", port: 8080))
    }

    @Test func readsShortAndLongFlags() throws {
        #expect(try settings(["--port", "9001", "--host", "0.0.0.0"]) == HTTPSettings(host: "0.0.0.0", port: 9001))
        #expect(try settings(["--http-port=9002"]).port == 9002)
    }

    @Test func readsPrefixedEnvironment() throws {
        let env = ["ROOST_HTTP_PORT": "9100", "ROOST_HTTP_HOST": "::1", "HTTP_PORT": "1"]
        #expect(try settings(environment: env) == HTTPSettings(host: "::1", port: 9100))
    }

    @Test func flagsWinOverEnvironment() throws {
        #expect(try settings(["--port", "7000"], environment: ["ROOST_HTTP_PORT": "9100"]).port == 7000)
    }

    @Test func reportsEveryInvalidValueAtOnce() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try settings(["--port", "http"], environment: ["ROOST_HTTP_HOST": "a b"])
        }
        #expect(error.code == "config.invalid")
        #expect(error.problems.map(\.key) == ["http.host", "http.port"])
        #expect(error.problems[1].description == #"http.port = "http": expected an integer from 0 to 65535"#)
        #expect(error.message.contains("ROOST_"))
    }

    @Test func rejectsPortOutOfRange() throws {
        #expect(throws: ConfigurationError.self) { try settings(["--port", "70000"]) }
        #expect(throws: ConfigurationError.self) { try settings(["--port", "-1"]) }
    }
}

@Suite struct HTTPSettingsLimitsTests {
    private func settings(_ arguments: [String] = [], environment: [String: String] = [:]) throws -> HTTPSettings {
        try HTTPSettings(config: RoostConfiguration.reader(arguments: ["roost-demo"] + arguments, environment: environment))
    }

    @Test func defaultsAreSafe() throws {
        let http = try settings()
        #expect(!http.debug)
        #expect(http.accessLog)
        #expect(http.requestTimeoutSeconds == 30)
        #expect(http.maxBodyBytes == 2_097_152)
        #expect(http.trustedProxies.isEmpty)
    }

    @Test func readsLimitsFromFlagsAndEnvironment() throws {
        let http = try settings(
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

    @Test func reportsEveryBadLimit() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try settings(environment: [
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
    @Test func readsFormatAndLevel() throws {
        let config = RoostConfiguration.reader(
            arguments: ["x", "--logging-format", "json"], environment: ["ROOST_LOGGING_LEVEL": "DEBUG"])
        #expect(try LoggingSettings(config: config) == LoggingSettings(format: .json, level: "debug"))
        #expect(try LoggingSettings(config: RoostConfiguration.reader(arguments: ["x"], environment: [:])) == LoggingSettings())
    }

    @Test func reportsBothBadValues() throws {
        let config = RoostConfiguration.reader(
            arguments: ["x", "--logging-format", "xml"], environment: ["ROOST_LOGGING_LEVEL": "loud"])
        let error = try #require(throws: ConfigurationError.self) { try LoggingSettings(config: config) }
        #expect(error.problems.map(\.key) == ["logging.format", "logging.level"])
    }
}
