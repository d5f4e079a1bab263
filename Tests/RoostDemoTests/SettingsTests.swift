import RoostConfig
import Testing

@testable import roost_demo

@Suite struct SettingsTests {
    /// The settings read from `ROOST_*` environment variables, as the program reads them.
    private func settings(_ environment: [String: String]) async throws -> DemoSettings {
        try DemoSettings(config: try await RoostConfiguration.load(arguments: ["roost-demo"], environment: environment).reader)
    }

    @Test func defaultsKeepEverythingInTheProcess() async throws {
        let settings = try await settings([:])
        #expect(settings.redis == nil)
        #expect(settings.demo == DemoOptions())
        #expect(settings.database.url == "sqlite://.roost/roost.db")
    }

    @Test func aRedisURLSwitchesCoordinationToRedis() async throws {
        let settings = try await settings([
            "ROOST_REDIS_URL": "redis://127.0.0.1:6390/2", "ROOST_COORDINATION_KEY_PREFIX": "shop:",
            "ROOST_DEMO_WRITES_PER_MINUTE": "30", "ROOST_DEMO_DATA_DIRECTORY": "/var/lib/board",
        ])
        #expect(settings.redis?.url == "redis://127.0.0.1:6390/2")
        #expect(settings.coordination.keyPrefix == "shop:")
        #expect(settings.demo.writesPerMinute == 30)
        #expect(settings.demo.dataDirectory == "/var/lib/board")
        #expect(try await self.settings(["ROOST_COORDINATION_BACKEND": "redis"]).redis?.url == "redis://127.0.0.1:6379")
    }

    @Test func everyBadValueIsReportedAtOnce() async throws {
        let error = await #expect(throws: ConfigurationError.self) {
            try await settings([
                "ROOST_REDIS_URL": "http://cache", "ROOST_DEMO_WRITES_PER_MINUTE": "0", "ROOST_DEMO_MAX_IMAGE_BYTES": "lots",
                "ROOST_DEMO_LOCK_WAIT_SECONDS": "9999", "ROOST_DEMO_DATA_DIRECTORY": " ",
            ])
        }
        #expect(error?.code == "config.invalid")
        #expect(
            Set(error?.problems.map(\.key) ?? []) == [
                "redis.url", "demo.writesPerMinute", "demo.maxImageBytes", "demo.lockWaitSeconds", "demo.dataDirectory",
            ])
    }
}
