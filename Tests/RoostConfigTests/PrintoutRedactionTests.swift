import Foundation
import RoostConfig
import Testing

/// Settings printed in any way show no password.
@Suite struct PrintoutRedactionTests {
    private func settings() async throws -> RoostSettings {
        let configuration = try await RoostConfiguration.load(
            arguments: ["x"],
            environment: [
                "ROOST_REDIS_URL": "redis://app:s3cret@cache:6379/0",
                "ROOST_POSTGRES_URL": "postgres://shop:pg-s3cret@db:5432/shop",
                "ROOST_DATABASE_URL": "mysql://shop:my-s3cret@db:3306/shop",
            ])
        return try RoostSettings(configuration: configuration)
    }

    @Test func descriptionDebugDescriptionAndDumpRedactPasswords() async throws {
        let settings = try await settings()
        var dumped = ""
        dump(settings, to: &dumped)
        var dumpedSection = ""
        dump(settings.postgres, to: &dumpedSection)
        let printouts = [
            "\(settings)", String(reflecting: settings), dumped, "\(settings.redis)", String(reflecting: settings.postgres),
            dumpedSection, "\(settings.database)",
        ]
        for printout in printouts {
            #expect(!printout.contains("s3cret"), "\(printout)")
        }
        #expect("\(settings.redis)".contains("redis.url: redis://app:***@cache:6379/0"))
        #expect(dumpedSection.contains("postgres.url: \"postgres://shop:***@db:5432/shop\""))
        #expect("\(settings)".hasPrefix("RoostSettings(coordination.backend: memory, "))
        // The values themselves stay usable.
        #expect(settings.redis.url == "redis://app:s3cret@cache:6379/0")
    }
}
