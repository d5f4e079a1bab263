// bench-platform: one measurement per run, chosen by the first argument; prints one JSON
// object on standard error (standard output belongs to the measured log handler).
//
//   bench-platform log-roost DIR LINES   JSON lines through RotatingFileLogSink into DIR
//   bench-platform log-stream LINES      swift-log's StreamLogHandler to standard output
//   bench-platform xlsx PATH ROWS        XLSXWriter, 10 mixed columns
//
// Log runs report {"lines_per_s": …, "call_ns": …, "dropped": …}: lines per second until
// the last line is on disk (after the handler's own flush), and the mean time a log call
// takes on the calling task; log-roost adds "sink_write_ns", the sink's share of a call. The xlsx run reports {"rows_per_s": …, "bytes": …}.
import Foundation
import Logging
import RoostExport
import RoostLogging

let clock = ContinuousClock()

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

func report(_ values: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: values, options: [.sortedKeys])
    FileHandle.standardError.write(data + Data("\n".utf8))
}

/// The same message and metadata for both handlers: a request log line.
func logLines(_ logger: Logger, count: Int) -> Duration {
    let start = clock.now
    for index in 0..<count {
        logger.info(
            "request finished",
            metadata: [
                "request_id": "7f3c9a12-\(index)", "method": "GET", "path": "/api/orders/42",
                "status": .stringConvertible(200), "ms": .stringConvertible(3.25),
            ])
    }
    return start.duration(to: clock.now)
}

func logRoost(directory: String, count: Int) async throws {
    let sink = try RotatingFileLogSink(
        directory: directory, fileName: "bench.log",
        policy: LogRotationPolicy(maxFileBytes: 64 << 20, retainedFiles: 100), capacityBytes: 16 << 20)
    let logger = Logger(label: "bench") { JSONLogHandler(label: $0, sink: sink) }
    let (calls, total) = try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await sink.run() }
        let start = clock.now
        let calls = logLines(logger, count: count)
        await sink.flush()
        let total = start.duration(to: clock.now)
        group.cancelAll()
        return (calls, total)
    }
    let written = sink.writtenLineCount
    let dropped = sink.droppedLineCount
    report([
        "lines_per_s": Double(written) / seconds(total), "call_ns": seconds(calls) / Double(count) * 1e9,
        "dropped": dropped, "sink_write_ns": try await sinkWriteCost(directory: directory, count: count),
    ])
}

/// The sink's own share of a log call: handing one already formatted line to
/// `RotatingFileLogSink.write`, while its writer drains to disk.
func sinkWriteCost(directory: String, count: Int) async throws -> Double {
    let sink = try RotatingFileLogSink(directory: directory, fileName: "sink.log", capacityBytes: 256 << 20)
    let line = Array(#"{"timestamp":"2026-11-21T12:06:27.123Z","level":"info","label":"bench","message":"request finished","method":"GET","ms":3.25,"path":"/api/orders/42","request_id":"7f3c9a12-1","status":200}"#.utf8 + [0x0A])
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await sink.run() }
        let start = clock.now
        for _ in 0..<count { sink.write(line) }
        let elapsed = start.duration(to: clock.now)
        await sink.flush()
        group.cancelAll()
        return seconds(elapsed) / Double(count) * 1e9
    }
}

func logStream(count: Int) {
    let logger = Logger(label: "bench") { StreamLogHandler.standardOutput(label: $0) }
    let start = clock.now
    // StreamLogHandler flushes standard output after every line, so the lines are in the
    // file when the calls return.
    let calls = logLines(logger, count: count)
    let total = start.duration(to: clock.now)
    report(["lines_per_s": Double(count) / seconds(total), "call_ns": seconds(calls) / Double(count) * 1e9, "dropped": 0])
}

func xlsx(path: String, rows: Int) throws {
    let base = Date(timeIntervalSince1970: 1_763_726_787)
    let start = clock.now
    let writer = try XLSXWriter(path: path)
    try writer.startSheet("Data", layout: XLSXSheetLayout(columnWidths: [10, 24, 12], frozenRows: 1))
    try writer.writeHeader(["id", "name", "amount", "paid", "created", "city", "quantity", "ratio", "note", "code"])
    let cities = ["Berlin", "Tokyo", "São Paulo", "Nairobi", "Toronto"]
    for index in 0..<rows {
        try writer.writeRow([
            .integer(index), .string("customer \(index)"), .number(Double(index) * 0.25), .bool(index % 3 == 0),
            .date(base.addingTimeInterval(Double(index) * 60)), .string(cities[index % cities.count]),
            .integer(index % 97), .number(Double(index % 1000) / 7), .string("note <\(index % 10)> & more"),
            .string("C-\(index % 5000)"),
        ])
    }
    try writer.finish()
    let elapsed = start.duration(to: clock.now)
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    report(["rows_per_s": Double(rows) / seconds(elapsed), "bytes": size])
}

let arguments = CommandLine.arguments
switch arguments.count > 1 ? arguments[1] : "" {
case "log-roost" where arguments.count == 4:
    try await logRoost(directory: arguments[2], count: Int(arguments[3])!)
case "log-stream" where arguments.count == 3:
    logStream(count: Int(arguments[2])!)
case "xlsx" where arguments.count == 4:
    try xlsx(path: arguments[2], rows: Int(arguments[3])!)
default:
    FileHandle.standardError.write(Data("usage: bench-platform log-roost DIR LINES | log-stream LINES | xlsx PATH ROWS\n".utf8))
    exit(2)
}
