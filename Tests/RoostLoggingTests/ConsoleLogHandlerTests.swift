import Foundation
import Logging
import RoostLogging
import Testing

private let fixedDate = Date(timeIntervalSince1970: 1_763_726_787.123)

@Suite struct ConsoleLogHandlerTests {
    @Test func humanFormatWithoutColorsOffATerminal() {
        let sink = InMemoryLogSink(isTerminal: false)
        let logger = Logger(label: "api") { ConsoleLogHandler(label: $0, sink: sink, now: { fixedDate }) }
        logger.warning("slow request", metadata: ["http": ["path": "/orders"], "ms": "1200", "note": "two words"])
        #expect(
            sink.lines == [
                #"2025-11-21T12:06:27.123Z  warning api: slow request http.path=/orders ms=1200 note="two words""#
            ])
    }

    @Test func colorsOnlyOnATerminalByDefault() {
        let terminal = InMemoryLogSink(isTerminal: true)
        Logger(label: "api") { ConsoleLogHandler(label: $0, sink: terminal, now: { fixedDate }) }.error("bad")
        #expect(terminal.lines == ["2025-11-21T12:06:27.123Z \u{1B}[31m   error\u{1B}[0m api: bad"])

        let plain = InMemoryLogSink(isTerminal: false)
        Logger(label: "api") { ConsoleLogHandler(label: $0, sink: plain, now: { fixedDate }) }.error("bad")
        #expect(!plain.lines[0].contains("\u{1B}"))
    }

    @Test func colorModeCanBeForced() {
        let terminal = InMemoryLogSink(isTerminal: true)
        Logger(label: "a") { ConsoleLogHandler(label: $0, sink: terminal, colors: .never) }.error("x")
        #expect(!terminal.lines[0].contains("\u{1B}"))
        let file = InMemoryLogSink(isTerminal: false)
        Logger(label: "a") { ConsoleLogHandler(label: $0, sink: file, colors: .always) }.info("x")
        #expect(file.lines[0].contains("\u{1B}[32m"))
    }

    @Test func levelFilteringAndErrors() {
        struct Boom: Error {}
        let sink = InMemoryLogSink()
        let handler = ConsoleLogHandler(label: "a", sink: sink, logLevel: .notice, now: { fixedDate })
        let logger = Logger(label: "a") { _ in handler }
        logger.info("hidden")
        logger.notice("shown")
        #expect(sink.lines.count == 1)
        var event = LogEvent(level: .error, message: "failed", metadata: nil, source: "S", file: "f", function: "g", line: 1)
        event.error = Boom()
        handler.log(event: event)
        #expect(sink.lines[1].hasSuffix("failed error=Boom()"))
    }
}

@Suite struct TimestampTests {
    /// Checks the handler's timestamps against Foundation's ISO 8601 formatter.
    @Test(arguments: [0, 951_782_400.999, 1_709_164_800.5, -1.5, -86_400 * 365.25 * 100, 4_102_444_800.001])
    func matchesFoundation(seconds: Double) throws {
        let date = Date(timeIntervalSince1970: seconds)
        let sink = InMemoryLogSink()
        JSONLogHandler(label: "t", sink: sink, fields: [], now: { date })
            .log(event: LogEvent(level: .info, message: "m", metadata: nil, source: "s", file: "f", function: "g", line: 1))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        #expect(sink.lines[0].hasPrefix(#"{"timestamp":"\#(formatter.string(from: date))""#))
    }
}
