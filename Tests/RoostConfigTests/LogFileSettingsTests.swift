import Foundation
import RoostConfig
import Testing

@Suite struct LogFileSettingsTests {
    private func logging(_ environment: [String: String]) async throws -> LoggingSettings {
        try await RoostConfiguration.load(arguments: ["x"], environment: environment).read(LoggingSettings.init)
    }

    @Test func noDirectoryMeansNoLogFile() async throws {
        #expect(try await logging([:]).file == nil)
        #expect(try await logging(["ROOST_LOGGING_LEVEL": "debug"]) == LoggingSettings(level: "debug"))
    }

    @Test func readsEveryFileSettingFromTheEnvironment() async throws {
        let settings = try await logging([
            "ROOST_LOGGING_FILE_DIRECTORY": "/var/log/my shop", "ROOST_LOGGING_FILE_NAME": "shop.log",
            "ROOST_LOGGING_FILE_MAX_BYTES": "0", "ROOST_LOGGING_FILE_DAILY_AT": "3:05",
            "ROOST_LOGGING_FILE_TIME_ZONE": "Europe/Berlin", "ROOST_LOGGING_FILE_RETAINED_FILES": "14",
        ])
        let file = try #require(settings.file)
        #expect(
            file
                == LogFileSettings(
                    directory: "/var/log/my shop", fileName: "shop.log", maxFileBytes: nil, dailyAt: .init("03:05"),
                    timeZone: TimeZone(identifier: "Europe/Berlin")!, retainedFiles: 14))
        #expect(file.dailyAt?.description == "03:05")
        #expect(settings.textValues["logging.file.dailyAt"] == "03:05")
        #expect(settings.textValues["logging.file.maxBytes"] == "0")
    }

    @Test func defaultsOnceADirectoryIsSet() async throws {
        let file = try #require(try await logging(["ROOST_LOGGING_FILE_DIRECTORY": "/tmp/logs"]).file)
        #expect(file == LogFileSettings(directory: "/tmp/logs"))
        #expect(file.maxFileBytes == 100 << 20)
        #expect(file.dailyAt == nil)
        #expect(file.timeZone == .gmt)
    }

    @Test func readsTheFileSectionFromYAML() async throws {
        let path = try temporaryFile(
            "logging:\n  file:\n    directory: /srv/logs\n    dailyAt: \"00:00\"\n    retainedFiles: 3\n",
            extension: "yaml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try await RoostConfiguration.load(arguments: ["x", "--config", path], environment: [:])
        let file = try #require(try RoostSettings(configuration: configuration).logging.file)
        #expect(file == LogFileSettings(directory: "/srv/logs", dailyAt: .init("00:00"), retainedFiles: 3))
    }

    @Test(arguments: ["24:00", "12:60", "noon", "1200", "12:5", "-1:30", "12:30:00", "１２:３０"])
    func badTimesOfDayAreReported(value: String) async throws {
        let error = try await #require(throws: ConfigurationError.self) {
            try await logging(["ROOST_LOGGING_FILE_DIRECTORY": "/tmp/logs", "ROOST_LOGGING_FILE_DAILY_AT": value])
        }
        #expect(error.problems.map(\.key) == ["logging.file.dailyAt"])
        #expect(error.problems.first?.expected == "a time of day as HH:MM, such as 00:00, or off")
    }

    @Test func everyBadFileValueIsReportedAtOnce() async throws {
        let error = try await #require(throws: ConfigurationError.self) {
            try await logging([
                "ROOST_LOGGING_FILE_DIRECTORY": " ", "ROOST_LOGGING_FILE_NAME": "logs/shop.log",
                "ROOST_LOGGING_FILE_MAX_BYTES": "-5", "ROOST_LOGGING_FILE_DAILY_AT": "midnight",
                "ROOST_LOGGING_FILE_TIME_ZONE": "Mars/Olympus", "ROOST_LOGGING_FILE_RETAINED_FILES": "many",
                "ROOST_LOGGING_LEVEL": "chatty",
            ])
        }
        #expect(error.problems.map(\.key) == ["logging.level"] + LogFileSettings.keys)
        #expect(error.problems.allSatisfy { $0.source == "environment" })
        #expect(
            error.problems.map(\.value) == ["chatty", " ", "logs/shop.log", "-5", "midnight", "Mars/Olympus", "many"])
    }

    @Test func fileKeysWithoutADirectoryAreReported() async throws {
        let error = try await #require(throws: ConfigurationError.self) {
            try await logging(["ROOST_LOGGING_FILE_RETAINED_FILES": "5", "ROOST_LOGGING_FILE_DAILY_AT": "00:00"])
        }
        #expect(error.problems.map(\.key) == ["logging.file.directory"])
        #expect(
            error.problems.first?.expected
                == "a directory for the log files (also set: logging.file.dailyAt, logging.file.retainedFiles)")
    }
}
