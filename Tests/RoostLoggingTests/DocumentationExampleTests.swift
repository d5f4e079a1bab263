import Foundation
import Logging
import RoostLogging
import ServiceLifecycle
import Testing

/// The overview article's examples, with a sink the test can read, run for real.
@Suite struct DocumentationExampleTests {
    @Test func consoleOrJSONByTerminal() throws {
        for sink in [InMemoryLogSink(isTerminal: true), InMemoryLogSink(isTerminal: false)] {
            let logger = Logger(label: "orders") { label in
                if sink.isTerminal {
                    ConsoleLogHandler(label: label, sink: sink)
                } else {
                    JSONLogHandler(label: label, sink: sink, fields: [.source, .location])
                }
            }
            logger.info("order placed", metadata: ["order": ["id": "42", "total": "9.95"]])
            let line = try #require(sink.lines.first)
            if sink.isTerminal {
                #expect(line.contains("order placed") && !line.hasPrefix("{"))
            } else {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                #expect(object["message"] as? String == "order placed")
                #expect(object["order.id"] as? String == "42")  // nested metadata is flattened
            }
        }
    }

    @Test func rotatingFilesFlushOnGracefulShutdown() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-log-example-\(UUID())")
            .path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = try RotatingFileLogSink(
            directory: directory, fileName: "orders.log",
            policy: LogRotationPolicy(maxFileBytes: 50 << 20, dailyAt: .midnight, retainedFiles: 14))
        let logger = Logger(label: "orders") {
            JSONLogHandler(label: $0, sink: sink, metadataProvider: .roostContext)
        }

        let services = ServiceGroup(
            services: [sink], logger: Logger(label: "services") { _ in SwiftLogNoOpLogHandler() })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            LogContext.$requestID.withValue("req-1") {
                for index in 0..<1_000 { logger.info("line \(index)") }
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }

        let text = try String(contentsOfFile: "\(directory)/orders.log", encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 1_000)
        #expect(lines.last?.contains(#""message":"line 999""#) == true)
        #expect(lines.allSatisfy { $0.contains(#""request_id":"req-1""#) })
    }
}
