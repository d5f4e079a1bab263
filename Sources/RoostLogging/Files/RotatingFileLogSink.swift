import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A ``LogSink`` that writes to a file, rotated by size and by time of day, with old
/// files pruned — written by a background task so that logging never waits for the disk.
///
/// ``write(_:)`` only appends the line to a bounded in-memory buffer. The sink is also a
/// swift-service-lifecycle `Service`: its ``run()`` takes everything buffered at once and
/// appends it to the file from NIO's blocking-I/O thread pool, starts new files as the
/// ``LogRotationPolicy`` says, and on graceful shutdown (or cancellation) writes what is
/// left and closes the file.
///
/// **Overflow policy: drop newest.** When the buffer already holds ``capacityBytes`` of
/// unwritten lines, further lines are dropped — loggers are never slowed down by a slow
/// or stalled disk. Dropped lines are counted in ``droppedLineCount`` and the writer
/// records the loss in the file itself as soon as it can, with a line such as
/// `{"timestamp":"…","level":"warning","label":"roost.logging","message":"log lines dropped: the file sink's buffer was full","dropped":1200}`.
/// Lines written before ``run()`` starts wait in the buffer; lines written after it has
/// finished are dropped and counted.
///
/// A line is never split across two files. Lines buffered when the rotation time comes
/// may land at the end of the old file or the start of the new one.
///
/// ```swift
/// let sink = try RotatingFileLogSink(
///     directory: "/var/log/shop", fileName: "shop.log",
///     policy: LogRotationPolicy(maxFileBytes: 50 << 20, dailyAt: .midnight, retainedFiles: 14))
/// LoggingSystem.bootstrap { JSONLogHandler(label: $0, sink: sink) }
/// let group = ServiceGroup(services: [sink, server], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()  // the sink flushes when the group shuts down
/// ```
public final class RotatingFileLogSink: LogSink, Service {
    /// The most bytes of unwritten lines held before new lines are dropped.
    public let capacityBytes: Int
    /// When files rotate and how many are kept.
    public let policy: LogRotationPolicy
    /// How long the writer lets lines gather after writing a small batch, so that a
    /// steady stream of lines wakes it about once per delay instead of once per line.
    public let batchingDelay: Duration
    /// The file being written.
    public let currentPath: String

    private let buffer: LogLineBuffer
    private let writer: Mutex<LogFileWriter>
    private let now: @Sendable () -> Date
    private let failures = Mutex<(count: Int, last: LogFileError?)>((0, nil))

    /// Opens (creating it and its directory if needed) the current log file.
    ///
    /// - Parameters:
    ///   - directory: Where the files live.
    ///   - fileName: The current file's name, such as `app.log`; rotated files keep its
    ///     stem and extension: `app.20261121T000000Z.000001.log`.
    ///   - policy: Rotation and retention.
    ///   - capacityBytes: The buffer between loggers and the writer (default 8 MiB).
    ///   - batchingDelay: The writer's pause after a small batch (default 1 ms): lines
    ///     reach the disk at most that much later, and logging calls rarely have to wake
    ///     the writer. `.zero` writes each line as soon as possible.
    ///   - now: The wall clock for time-of-day rotation and rotated names (inject one in
    ///     tests).
    /// - Throws: ``LogFileError`` when the directory or file cannot be created or opened.
    public init(
        directory: String, fileName: String, policy: LogRotationPolicy = LogRotationPolicy(),
        capacityBytes: Int = 8 << 20, batchingDelay: Duration = .milliseconds(1),
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(LogFileError) {
        let fileWriter = try LogFileWriter(directory: directory, fileName: fileName, policy: policy, now: now)
        self.currentPath = fileWriter.currentPath
        self.writer = Mutex(fileWriter)
        self.capacityBytes = max(1, capacityBytes)
        self.buffer = LogLineBuffer(capacity: self.capacityBytes)
        self.policy = policy
        self.now = now
        self.batchingDelay = max(.zero, batchingDelay)
    }

    /// Queues one line for the writer; never blocks on the disk. Drops (and counts) the
    /// line when the buffer is full or the writer has finished.
    public func write(_ line: [UInt8]) { buffer.append(line) }

    /// The lines dropped so far because the buffer was full or the writer had finished.
    public var droppedLineCount: Int { buffer.droppedLineCount }

    /// The lines written to the file so far.
    public var writtenLineCount: Int { buffer.writtenLineCount }

    /// How many batches could not be written, and the last such failure.
    public var writeFailures: (count: Int, last: LogFileError?) { failures.withLock { $0 } }

    /// The rotated files on disk, oldest first (the current file is ``currentPath``).
    public var rotatedFiles: [String] { writer.withLock { $0.rotatedFiles() } }

    /// Returns once every line written before the call is in the file, or the writer has
    /// finished. Needs ``run()`` to be running.
    public func flush() async { await buffer.flush() }

    /// Writes buffered lines until graceful shutdown or cancellation, then writes what is
    /// left and closes the file.
    ///
    /// A failed write loses that batch (counted in ``writeFailures`` and reported on
    /// standard error, since the log file itself is failing); the writer keeps going so
    /// that logging resumes when the disk recovers.
    public func run() async {
        await withGracefulShutdownHandler {
            while let batch = await buffer.next() {
                let small = batch.bytes.count < capacityBytes / 4
                await writeBatch(batch)
                if small && batchingDelay > .zero {
                    do {
                        try await Task.sleep(for: batchingDelay)
                    } catch {
                        // Cancelled: the next call to next() sees it and drains the buffer.
                    }
                }
            }
        } onGracefulShutdown: {
            self.buffer.drain()
        }
        writer.withLock { $0.closeCurrent() }
        buffer.close()
    }

    private func writeBatch(_ batch: LogLineBuffer.Batch) async {
        let report = batch.droppedSinceLastBatch > 0 ? droppedLinesReport(batch.droppedSinceLastBatch) : []
        let append: @Sendable () -> Result<Void, LogFileError> = { [self, bytes = batch.bytes] in
            self.writer.withLock { file in
                Result { () throws(LogFileError) in
                    try file.append(bytes)
                    if !report.isEmpty { try file.append(report) }
                }
            }
        }
        let result: Result<Void, LogFileError>
        do {
            result = try await NIOThreadPool.singleton.runIfActive(append)
        } catch {
            // The shared thread pool is gone (process teardown): write here instead.
            result = append()
        }
        if case .failure(let error) = result { reportFailure(error) }
        buffer.markWritten(lineCount: batch.lineCount, storage: batch.bytes)
    }

    private func droppedLinesReport(_ count: Int) -> [UInt8] {
        var line: [UInt8] = Array(#"{"timestamp":""#.utf8)
        LogTimestamp.append(now(), to: &line)
        line.append(
            contentsOf: #"","level":"warning","label":"roost.logging","message":"log lines dropped: the file sink's buffer was full","dropped":"#
                .utf8)
        line.append(contentsOf: String(count).utf8)
        line.append(contentsOf: "}\n".utf8)
        return line
    }

    private func reportFailure(_ error: LogFileError) {
        failures.withLock {
            $0.count += 1
            $0.last = error
        }
        var line: [UInt8] = Array("roost.logging: ".utf8)
        line.append(contentsOf: error.description.utf8)
        line.append(0x0A)
        StandardStreamLogSink.standardError.write(line)
    }
}
