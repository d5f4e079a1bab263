import Foundation
import Logging
import RoostTestSupport
import Synchronization

/// A log handler that keeps every record, for checking what a task logged.
final class LogCapture: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    private let records = Mutex<[Record]>([])

    var all: [Record] { records.withLock { $0 } }

    func append(_ record: Record) { records.withLock { $0.append(record) } }

    /// A logger that writes into this capture.
    var logger: Logger {
        Logger(label: "test") { _ in Handler(capture: self) }
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged = metadata
            merged.merge(event.metadata ?? [:]) { $1 }
            capture.append(Record(level: event.level, message: "\(event.message)", metadata: merged))
        }
    }
}

extension ManualClock {
    /// The clock's time as a number of seconds since its origin.
    var seconds: Double {
        let parts = now.offset.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }

    /// Waits until `sleepers` tasks sleep on the clock, then moves time to the earliest deadline.
    func advanceToNextDeadline(sleepers: Int = 1) async {
        await waitForSleepers(count: sleepers)
        if let first = sleeperDeadlines.first { advance(to: first) }
    }
}

/// A wall clock that follows a manual clock from `start`, and can be set back or forward.
final class ManualWallClock: Sendable {
    private let clock: ManualClock
    private let start: Date
    private let adjustment = Mutex<TimeInterval>(0)

    init(clock: ManualClock, start: Date) {
        self.clock = clock
        self.start = start
    }

    func now() -> Date { start.addingTimeInterval(clock.seconds + adjustment.withLock { $0 }) }

    /// Moves the wall clock by `seconds` without moving the manual clock.
    func adjust(by seconds: TimeInterval) { adjustment.withLock { $0 += seconds } }
}
