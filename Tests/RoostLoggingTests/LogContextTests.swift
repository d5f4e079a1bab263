import Foundation
import Logging
import RoostLogging
import Testing

@Suite struct LogContextTests {
    private func object(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func requestIDAndScopeFollowTheTaskAndItsChildren() async throws {
        let sink = InMemoryLogSink()
        let logger = Logger(label: "api") {
            JSONLogHandler(label: $0, sink: sink, fields: [], metadataProvider: .roostContext)
        }
        logger.info("outside")
        await LogContext.$requestID.withValue("req-1") {
            await LogContext.$scopeName.withValue("orders") {
                logger.info("inside")
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { logger.info("child") }
                }
            }
            logger.info("request only")
        }
        let lines = try sink.lines.map(object)
        #expect(lines[0]["request_id"] == nil && lines[0]["scope"] == nil)
        #expect(lines[1]["request_id"] as? String == "req-1" && lines[1]["scope"] as? String == "orders")
        #expect(lines[2]["request_id"] as? String == "req-1" && lines[2]["scope"] as? String == "orders")
        #expect(lines[3]["request_id"] as? String == "req-1" && lines[3]["scope"] == nil)
    }

    @Test func singleValueProvidersAndCallMetadataWins() async throws {
        let sink = InMemoryLogSink()
        let logger = Logger(label: "api") {
            JSONLogHandler(label: $0, sink: sink, fields: [], metadataProvider: .multiplex([.requestID, .scopeName]))
        }
        try await LogContext.$requestID.withValue("req-2") {
            logger.info("a")
            logger.info("b", metadata: ["request_id": "explicit"])
            let first = try object(sink.lines[0])
            #expect(first["request_id"] as? String == "req-2")
            #expect(first["scope"] == nil)
            #expect(try object(sink.lines[1])["request_id"] as? String == "explicit")
        }
        #expect(LogContext.metadata.isEmpty)
    }
}
