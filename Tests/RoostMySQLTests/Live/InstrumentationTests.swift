import InMemoryTracing
import MetricsTestKit
import RoostTestSupport
import Testing
import Tracing

@testable import RoostMySQL

@Suite("Query metrics and spans against the real server", .requires(.mysql))
struct InstrumentationTests {
    @Test(arguments: [
        ("SELECT 1", "SELECT"), ("  insert into t values (1)", "INSERT"), ("(SELECT 1) UNION (SELECT 2)", "SELECT"),
        ("/* hint */ UPDATE t SET a = 1", "UPDATE"), ("-- note\nDELETE FROM t", "DELETE"), ("# note\nCALL p()", "CALL"),
        ("", "QUERY"), ("123", "QUERY"), ("/* never closed", "QUERY"),
    ])
    func operationIsTheFirstKeyword(sql: String, operation: String) {
        #expect(MySQLConnection.operation(of: sql) == operation)
    }

    @Test("text and prepared queries are timed and traced with their statement, never its values; failures are counted")
    func queriesAreTimedAndTraced() async throws {
        let metrics = TestMetrics()
        let tracer = InMemoryTracer()
        var configuration = try LiveServer.configuration()
        configuration.instrumentation = DriverInstrumentation(metricsFactory: metrics, tracer: tracer)
        let connection = try await MySQLConnection.connect(configuration: configuration)
        _ = try await connection.query("SELECT 1")
        _ = try await connection.query("SELECT ? AS secret", ["a secret value"])
        _ = try await connection.query("SELECT 'a secret literal' AS `label`, 42 AS n")
        await #expect(throws: MySQLServerError.self) { try await connection.query("SELECT * FROM no_such_table_here") }
        try await connection.close()

        let server = "\(configuration.host):\(configuration.port)"
        let timer = try metrics.expectTimer(
            "roost_mysql_command_duration_seconds", [("operation", "SELECT"), ("server", server)])
        #expect(timer.values.count == 4)
        let errors = try metrics.expectCounter(
            "roost_mysql_command_errors_total", [("operation", "SELECT"), ("server", server), ("error", "MySQLServerError")])
        #expect(errors.totalValue == 1)
        let spans = tracer.finishedSpans.filter { $0.operationName == "SELECT" }
        #expect(spans.count == 4)
        // The statement, with placeholders as written, or with its literals replaced.
        #expect(spans.map { $0.attributes.get("db.query.text") } == [
            .string("SELECT ?"), .string("SELECT ? AS secret"), .string("SELECT ? AS `label`, ? AS n"),
            .string("SELECT * FROM no_such_table_here"),
        ])
        #expect(spans.allSatisfy { $0.kind == .client && $0.attributes.get("db.system.name") == .string("mysql") })
        #expect(spans.filter { $0.status?.code == .error }.count == 1)
        for span in tracer.finishedSpans {
            span.attributes.forEach { _, value in #expect(!"\(value)".contains("a secret")) }
        }
    }
}
