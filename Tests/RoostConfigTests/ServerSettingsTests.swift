import Configuration
import RoostConfig
import Testing

@Suite struct ServerSettingsTests {
    private func configuration(_ environment: [String: String], arguments: [String] = []) async throws
        -> RoostConfiguration
    {
        try await RoostConfiguration.load(arguments: ["roost-demo"] + arguments, environment: environment)
    }

    @Test func defaultsNeedNoConfiguration() async throws {
        let settings = try RoostSettings(configuration: try await configuration([:]))
        #expect(settings == RoostSettings())
        #expect(settings.redis.url == "redis://127.0.0.1:6379")
        #expect(settings.redis.pool == ConnectionPoolSettings())
        #expect(settings.sqlite.path == ".roost/roost.db")
        #expect(settings.coordination.backend == .memory)
    }

    @Test func readsEveryServerSection() async throws {
        let config = try await configuration([
            "ROOST_REDIS_URL": "rediss://cache.internal:6380/2", "ROOST_REDIS_COMMAND_TIMEOUT_SECONDS": "2.5",
            "ROOST_REDIS_POOL_SHARED": "4",
            "ROOST_MYSQL_URL": "mariadb://app:pw@db:3307/shop", "ROOST_MYSQL_POOL_MINIMUM": "2",
            "ROOST_MYSQL_POOL_MAXIMUM": "4", "ROOST_POSTGRES_URL": "postgresql://app@pg/shop",
            "ROOST_POSTGRES_QUERY_TIMEOUT_SECONDS": "0", "ROOST_POSTGRES_CONNECT_TIMEOUT_SECONDS": "1",
            "ROOST_SQLITE_PATH": ":memory:", "ROOST_COORDINATION_BACKEND": "REDIS",
        ])
        let settings = try RoostSettings(configuration: config)
        #expect(settings.redis == RedisSettings(
            url: "rediss://cache.internal:6380/2", pool: ConnectionPoolSettings(operationTimeoutSeconds: 2.5), sharedConnections: 4))
        #expect(settings.mysql.url == "mariadb://app:pw@db:3307/shop")
        #expect(settings.mysql.pool.minimumConnections == 2 && settings.mysql.pool.maximumConnections == 4)
        #expect(settings.postgres.pool == ConnectionPoolSettings(connectTimeoutSeconds: 1, operationTimeoutSeconds: 0))
        #expect(settings.sqlite.path == ":memory:")
        #expect(settings.coordination.backend == .redis)
    }

    @Test func badURLsAreReportedWithPasswordsRedacted() async throws {
        let error = try await #require(throws: ConfigurationError.self) {
            try RoostSettings(configuration: try await configuration([
                "ROOST_REDIS_URL": "http://user:hunter2@cache:6379", "ROOST_MYSQL_URL": "mysql://app:hunter2@:3306/x",
                "ROOST_POSTGRES_URL": "postgres://app:hunter2@db:99999/x",
            ]))
        }
        #expect(error.problems.map(\.key) == ["redis.url", "mysql.url", "postgres.url"])
        #expect(error.problems.map(\.value) == [
            "http://user:***@cache:6379", "mysql://app:***@:3306/x", "postgres://app:***@db:99999/x",
        ])
        #expect(error.problems[0].expected.contains("scheme redis or rediss"))
        #expect(error.problems.allSatisfy { $0.source == "environment" })
        #expect(!error.description.contains("hunter2"))
    }

    @Test func badPoolSizesAndTimeoutsAreEachReported() async throws {
        let error = try await #require(throws: ConfigurationError.self) {
            try RoostSettings(configuration: try await configuration(
                [
                    "ROOST_REDIS_POOL_MINIMUM": "-1", "ROOST_REDIS_POOL_MAXIMUM": "many", "ROOST_REDIS_POOL_SHARED": "-2",
                    "ROOST_MYSQL_POOL_MINIMUM": "10", "ROOST_MYSQL_POOL_MAXIMUM": "5",
                    "ROOST_POSTGRES_CONNECT_TIMEOUT_SECONDS": "0", "ROOST_POSTGRES_QUERY_TIMEOUT_SECONDS": "soon",
                ], arguments: ["--redis-connect-timeout-seconds", "7200"]))
        }
        #expect(error.problems.map(\.key) == [
            "redis.poolMinimum", "redis.poolMaximum", "redis.connectTimeoutSeconds", "redis.poolShared",
            "mysql.poolMaximum", "postgres.connectTimeoutSeconds", "postgres.queryTimeoutSeconds",
        ])
        #expect(error.problems[0].expected == "a whole number from 0 to 10000")
        #expect(error.problems[1].expected == "a whole number from 1 to 10000")
        #expect(error.problems[2].expected == "a number from 0.001 to 3600")
        #expect(error.problems[2].source == "command line")
        #expect(error.problems[3].expected == "a whole number from 0 to 10000")
        #expect(error.problems[4].expected == "mysql.poolMaximum (5) to be at least mysql.poolMinimum (10)")
        #expect(error.problems[6].value == "soon")
        #expect(error.problems[5].source == "environment")
    }

    @Test func badSQLiteAndCoordinationValuesAreReported() async throws {
        let error = try await #require(throws: ConfigurationError.self) {
            try RoostSettings(configuration: try await configuration([
                "ROOST_SQLITE_PATH": "data/", "ROOST_SQLITE_BUSY_TIMEOUT_SECONDS": "-3",
                "ROOST_COORDINATION_BACKEND": "etcd", "ROOST_COORDINATION_KEY_PREFIX": "my app:",
            ]))
        }
        #expect(error.problems.map(\.key) == [
            "sqlite.path", "sqlite.busyTimeoutSeconds", "coordination.backend", "coordination.keyPrefix",
        ])
        #expect(error.problems[2].expected == "one of memory, redis")
        #expect(error.problems[3].expected.contains("without spaces"))
    }

    @Test func aTooLongKeyPrefixIsReported() async throws {
        let config = try await configuration(["ROOST_COORDINATION_KEY_PREFIX": String(repeating: "k", count: 65)])
        let error = try #require(throws: ConfigurationError.self) { try config.read(CoordinationSettings.init) }
        #expect(error.problems.map(\.key) == ["coordination.keyPrefix"])
    }

    @Test func problemsOfAllSectionsArriveTogetherWithTheirSources() async throws {
        let path = try temporaryFile("logging:\n  level: chatty\n", extension: "yaml")
        let error = try await #require(throws: ConfigurationError.self) {
            try RoostSettings(configuration: try await configuration(
                ["ROOST_CONFIG": path, "ROOST_HTTP_PORT": "99999"], arguments: ["--coordination-backend", "zk"]))
        }
        #expect(error.problems.map(\.key) == ["http.port", "logging.level", "coordination.backend"])
        #expect(error.problems.map(\.source) == ["environment", "file \(path)", "command line"])
        #expect(error.problems[1].description == #"logging.level = "chatty" (from file \#(path)): expected one of trace, debug, info, notice, warning, error, critical"#)
        #expect(error.code == "config.invalid")
    }
}
