import CoreMetrics
import Synchronization
import Tracing

/// Where a driver reports what its commands do: a duration timer and an error counter per
/// operation (swift-metrics) and a client span per operation (swift-distributed-tracing).
///
/// By default both go to the process-wide systems (`MetricsSystem.bootstrap`,
/// `InstrumentationSystem.bootstrap`), read when a connection opens; when those are not
/// bootstrapped, nothing is measured and a command pays nothing for it.
///
/// ```swift
/// var configuration = try RedisConnectionConfiguration(url: "redis://localhost")
/// configuration.instrumentation.tracing = false   // metrics only
/// ```
///
/// Metrics, with dimensions `operation` (the command name, never its arguments) and
/// `server` (host:port):
/// - `roost_<system>_command_duration_seconds` (timer)
/// - `roost_<system>_command_errors_total` (counter), with `error`: the error's type
///
/// Spans are named after the operation, of kind `client`, with the OpenTelemetry
/// attributes `db.system.name`, `db.operation.name`, `server.address` and `server.port`,
/// and `db.query.text` when the driver passes a statement text free of values (SQL with
/// placeholders or with its literals replaced). Arguments never appear in spans or
/// metrics, so passwords (`AUTH`) cannot leak there.
public struct DriverInstrumentation: Sendable {
    /// Whether command durations and errors are recorded. Default true.
    public var metrics: Bool = true
    /// Whether each command gets a span. Default true.
    public var tracing: Bool = true
    /// Where metrics go; nil means the process-wide `MetricsSystem.factory`.
    public var metricsFactory: (any MetricsFactory)?
    /// Where spans go; nil means the process-wide `InstrumentationSystem.tracer`.
    public var tracer: (any Tracer)?

    /// Reports to the process-wide systems.
    public init() {}

    /// Reports to `metricsFactory` and `tracer` (nil: the process-wide one).
    public init(metricsFactory: (any MetricsFactory)?, tracer: (any Tracer)?) {
        self.metricsFactory = metricsFactory
        self.tracer = tracer
    }
}

/// The instruments of one connection, made from a ``DriverInstrumentation``.
public final class CommandInstruments: Sendable {
    private let system: String
    private let server: String
    private let host: String
    private let port: Int
    private let factory: (any MetricsFactory)?
    private let tracer: (any Tracer)?
    private let timers = Mutex<[String: Timer]>([:])

    /// The instruments for connections of `system` (`redis`, `mysql`) to `host:port`, or
    /// nil when `instrumentation` leaves nothing to record.
    public static func make(
        _ instrumentation: DriverInstrumentation, system: String, host: String, port: Int
    ) -> CommandInstruments? {
        var factory: (any MetricsFactory)? = nil
        if instrumentation.metrics {
            let chosen = instrumentation.metricsFactory ?? MetricsSystem.factory
            if !(chosen is NOOPMetricsHandler) { factory = chosen }
        }
        var tracer: (any Tracer)? = nil
        if instrumentation.tracing {
            let chosen = instrumentation.tracer ?? InstrumentationSystem.tracer
            if !(chosen is NoOpTracer) { tracer = chosen }
        }
        guard factory != nil || tracer != nil else { return nil }
        return CommandInstruments(system: system, host: host, port: port, factory: factory, tracer: tracer)
    }

    private init(system: String, host: String, port: Int, factory: (any MetricsFactory)?, tracer: (any Tracer)?) {
        self.system = system
        self.host = host
        self.port = port
        self.server = "\(host):\(port)"
        self.factory = factory
        self.tracer = tracer
    }

    /// Runs `body`, the work of `operation`, inside a span, recording its duration, and
    /// its error if it throws. `queryText`, evaluated only when there is a tracer, becomes
    /// the span's `db.query.text`; it must not contain values.
    public func measure<R>(
        _ operation: String, queryText: @autoclosure () -> String? = nil, _ body: () async throws -> R
    ) async throws -> R {
        let span = tracer.map { startSpan(operation, queryText: queryText(), on: $0) }
        let start = ContinuousClock.now
        do {
            let result = try await body()
            record(operation, since: start, error: nil)
            span?.end()
            return result
        } catch {
            record(operation, since: start, error: error)
            span?.recordError(error)
            span?.setStatus(SpanStatus(code: .error))
            span?.end()
            throw error
        }
    }

    private func startSpan(_ operation: String, queryText: String?, on tracer: any Tracer) -> any Span {
        let span = tracer.startAnySpan(operation, ofKind: .client)
        span.attributes["db.system.name"] = system
        span.attributes["db.operation.name"] = operation
        if let queryText { span.attributes["db.query.text"] = queryText }
        span.attributes["server.address"] = host
        span.attributes["server.port"] = port
        return span
    }

    private func record(_ operation: String, since start: ContinuousClock.Instant, error: (any Error)?) {
        guard let factory else { return }
        let (seconds, attoseconds) = start.duration(to: .now).components
        let timer = timers.withLock { timers in
            if let timer = timers[operation] { return timer }
            let timer = Timer(
                label: "roost_\(system)_command_duration_seconds",
                dimensions: [("operation", operation), ("server", server)], factory: factory)
            timers[operation] = timer
            return timer
        }
        timer.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        if let error {
            Counter(
                label: "roost_\(system)_command_errors_total",
                dimensions: [("operation", operation), ("server", server), ("error", "\(type(of: error))")],
                factory: factory
            ).increment()
        }
    }
}

extension Optional where Wrapped == CommandInstruments {
    /// Runs `body` measured as `operation` when there are instruments, and as it is when
    /// there are none (`operation` and `queryText` are then never computed).
    public func measure<R>(
        _ operation: @autoclosure () -> String, queryText: @autoclosure () -> String? = nil,
        _ body: () async throws -> R
    ) async throws -> R {
        guard let instruments = self else { return try await body() }
        return try await instruments.measure(operation(), queryText: queryText(), body)
    }
}
