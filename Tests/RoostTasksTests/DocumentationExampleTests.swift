import Foundation
import Logging
import RoostTasks
import RoostTestSupport
import ServiceLifecycle
import Testing

/// The cron example of the module's overview article, minus `@main`, run for real.
@Suite struct DocumentationExampleTests {
    @Test func cronServiceExampleRunsAndShutsDown() async throws {
        let logger = Logger(label: "reports")
        let report = CronTask(
            name: "weekday-report",
            schedule: try CronSchedule("0 9 * * MON-FRI"),
            timeZone: TimeZone(identifier: "Europe/Berlin")!,
            logger: logger
        ) {
            logger.info("Sending the morning report")
        }
        let upcoming = report.nextRunDates(count: 3)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Berlin")!
        #expect(upcoming.count == 3)
        for date in upcoming {
            let parts = calendar.dateComponents([.hour, .minute, .weekday], from: date)
            #expect(parts.hour == 9 && parts.minute == 0)
            #expect((2...6).contains(parts.weekday ?? 0))
        }
        let group = ServiceGroup(services: [report], logger: logger)
        async let running: Void = group.run()
        await eventually { report.isRunning }
        await group.triggerGracefulShutdown()
        try await running
        #expect(!report.isRunning)
    }
}
