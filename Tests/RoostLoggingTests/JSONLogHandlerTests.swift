import Foundation
import Logging
import RoostLogging
import Testing

private let fixedDate = Date(timeIntervalSince1970: 1_763_726_787.123)

private func makeLogger(
    _ sink: InMemoryLogSink, level: Logger.Level = .info, fields: JSONLogHandler.Fields = [],
    provider: Logger.MetadataProvider? = nil
) -> Logger {
    Logger(label: "orders") { label in
        JSONLogHandler(label: label, sink: sink, logLevel: level, fields: fields, metadataProvider: provider, now: { fixedDate })
    }
}

private func decode(_ line: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
}

@Suite struct JSONLogHandlerTests {
    @Test func oneObjectPerLineInFieldOrder() throws {
        let sink = InMemoryLogSink()
        let logger = makeLogger(sink)
        logger.info("order placed", metadata: ["id": "42"])
        #expect(
            sink.lines == [
                #"{"timestamp":"2025-11-21T12:06:27.123Z","level":"info","label":"orders","message":"order placed","id":"42"}"#
            ])
    }

    @Test func levelsBelowTheHandlersAreNotWritten() {
        let sink = InMemoryLogSink()
        let logger = makeLogger(sink, level: .warning)
        logger.info("quiet")
        logger.warning("loud")
        logger.critical("louder")
        #expect(sink.lines.count == 2)
        #expect(sink.lines[0].contains(#""level":"warning""#))
        #expect(sink.lines[1].contains(#""level":"critical""#))
    }

    @Test func metadataIsFlattenedAndTyped() throws {
        let sink = InMemoryLogSink()
        let logger = makeLogger(sink)
        logger.info(
            "done",
            metadata: [
                "http": ["method": "GET", "status": .stringConvertible(200), "timing": ["ms": .stringConvertible(12.5)]],
                "cached": .stringConvertible(true),
                "tags": ["a", "b"],
                "url": .stringConvertible(URL(string: "https://example.com/x")!),
            ])
        let object = try decode(sink.lines[0])
        #expect(object["http.method"] as? String == "GET")
        #expect(object["http.status"] as? Int == 200)
        #expect(object["http.timing.ms"] as? Double == 12.5)
        #expect(object["cached"] as? Bool == true)
        #expect(object["tags"] as? [String] == ["a", "b"])
        #expect(object["url"] as? String == "https://example.com/x")
        #expect(object["http"] == nil)
    }

    @Test func metadataPrecedenceHandlerThenProviderThenCall() throws {
        let sink = InMemoryLogSink()
        let provider = Logger.MetadataProvider { ["request": "from-provider", "trace": "t-1"] }
        var logger = makeLogger(sink, provider: provider)
        logger[metadataKey: "request"] = "from-handler"
        logger[metadataKey: "service"] = "shop"
        logger.info("a")
        logger.info("b", metadata: ["request": "from-call"])
        let first = try decode(sink.lines[0])
        let second = try decode(sink.lines[1])
        #expect(first["request"] as? String == "from-provider")
        #expect(first["service"] as? String == "shop")
        #expect(first["trace"] as? String == "t-1")
        #expect(second["request"] as? String == "from-call")
    }

    @Test func reservedKeysAreMovedAside() throws {
        let sink = InMemoryLogSink()
        makeLogger(sink).info("real", metadata: ["message": "fake", "level": "fake"])
        let object = try decode(sink.lines[0])
        #expect(object["message"] as? String == "real")
        #expect(object["level"] as? String == "info")
        #expect(object["metadata.message"] as? String == "fake")
        #expect(object["metadata.level"] as? String == "fake")
    }

    @Test func awkwardTextSurvivesEscaping() throws {
        let sink = InMemoryLogSink()
        let message = "quote \" backslash \\ newline \n tab \t bell \u{07} zoë 東京 👩‍👩‍👧"
        makeLogger(sink).error("\(message)", metadata: ["key \"x\"": "line1\r\nline2"])
        #expect(sink.lines.count == 1)
        let object = try decode(sink.lines[0])
        #expect(object["message"] as? String == message)
        #expect(object["key \"x\""] as? String == "line1\r\nline2")
    }

    @Test func sourceAndLocationAreOptional() throws {
        let sink = InMemoryLogSink()
        makeLogger(sink).info("plain")
        makeLogger(sink, fields: [.source, .location]).info("located")
        let plain = try decode(sink.lines[0])
        #expect(plain["source"] == nil && plain["file"] == nil && plain["line"] == nil)
        let located = try decode(sink.lines[1])
        #expect(located["source"] as? String == "RoostLoggingTests")
        #expect((located["file"] as? String)?.hasSuffix("JSONLogHandlerTests.swift") == true)
        #expect(located["line"] as? Int != nil)
        #expect(located["function"] as? String == "sourceAndLocationAreOptional()")
    }

    @Test func errorsAreIncluded() throws {
        struct Boom: Error, CustomStringConvertible { var description: String { "boom" } }
        let sink = InMemoryLogSink()
        let handler = JSONLogHandler(label: "x", sink: sink, fields: [], now: { fixedDate })
        handler.log(
            event: LogEvent(
                level: .error, message: "failed", metadata: nil, source: "S", file: "f", function: "g", line: 1))
        var event = LogEvent(level: .error, message: "failed", metadata: nil, source: "S", file: "f", function: "g", line: 1)
        event.error = Boom()
        handler.log(event: event)
        #expect(try decode(sink.lines[0])["error"] == nil)
        #expect(try decode(sink.lines[1])["error"] as? String == "boom")
    }

    @Test func concurrentLoggersWriteWholeLines() async throws {
        let sink = InMemoryLogSink()
        let logger = makeLogger(sink)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<50 {
                group.addTask {
                    for index in 0..<100 { logger.info("line", metadata: ["task": "\(task)", "index": "\(index)"]) }
                }
            }
        }
        #expect(sink.lines.count == 5_000)
        for line in sink.lines { _ = try decode(line) }
    }
}
