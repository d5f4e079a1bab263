import Synchronization

/// The bounded hand-off between loggers (many threads, never waiting) and the one writer
/// task of a ``RotatingFileLogSink``.
///
/// Loggers append whole lines under a short lock; the writer swaps the whole buffer out
/// in one step. When appending would exceed the capacity the line is dropped and counted
/// (drop-newest), so a slow or stalled disk costs lines, never latency.
final class LogLineBuffer: Sendable {
    /// Lines taken out by the writer in one step.
    struct Batch {
        /// Complete lines, each ending in `\n`.
        var bytes: [UInt8]
        /// How many lines `bytes` holds.
        var lineCount: Int
        /// Lines dropped since the previous batch, to be reported in the file.
        var droppedSinceLastBatch: Int
    }

    private enum Phase { case running, draining, closed }

    private struct State {
        var pending: [UInt8] = []
        var spare: [UInt8] = []
        var pendingLines = 0
        var droppedSinceLastBatch = 0
        var droppedTotal = 0
        var acceptedLines = 0
        var writtenLines = 0
        var phase = Phase.running
        var writer: CheckedContinuation<Void, Never>?
        var flushers: [(target: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let capacity: Int
    private let state = Mutex(State())

    /// Creates a buffer holding at most `capacity` bytes of waiting lines.
    init(capacity: Int) { self.capacity = capacity }

    /// Queues one line, or drops it when the buffer is full or the writer has stopped.
    /// Never waits for the disk.
    func append(_ line: [UInt8]) {
        let writer = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.phase != .closed, state.pending.count + line.count <= capacity else {
                state.droppedSinceLastBatch += 1
                state.droppedTotal += 1
                return nil
            }
            state.pending.append(contentsOf: line)
            state.pendingLines += 1
            state.acceptedLines += 1
            defer { state.writer = nil }
            return state.writer
        }
        writer?.resume()
    }

    /// The lines dropped so far.
    var droppedLineCount: Int { state.withLock { $0.droppedTotal } }

    /// The lines written to disk so far.
    var writtenLineCount: Int { state.withLock { $0.writtenLines } }

    /// Waits for lines and takes all of them; returns `nil` once the buffer is draining
    /// (shutdown) and empty. Cancellation of the waiting task also starts draining.
    func next() async -> Batch? {
        while true {
            enum Step { case batch(Batch), finished, wait }
            let step = state.withLock { state -> Step in
                if state.pendingLines > 0 || state.droppedSinceLastBatch > 0 {
                    let batch = Batch(
                        bytes: state.pending, lineCount: state.pendingLines,
                        droppedSinceLastBatch: state.droppedSinceLastBatch)
                    state.pending = state.spare
                    state.spare = []
                    state.pendingLines = 0
                    state.droppedSinceLastBatch = 0
                    return .batch(batch)
                }
                return state.phase == .running ? .wait : .finished
            }
            switch step {
            case .batch(let batch): return batch
            case .finished: return nil
            case .wait:
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let resumeNow = state.withLock { state -> Bool in
                            if state.pendingLines > 0 || state.phase != .running { return true }
                            state.writer = continuation
                            return false
                        }
                        if resumeNow { continuation.resume() }
                    }
                } onCancel: {
                    drain()
                }
            }
        }
    }

    /// Records that a batch reached the file, takes its storage back for reuse (so that a
    /// busy sink does not allocate per batch) and wakes the flushers it satisfies.
    /// `storage` must be the batch's (uniquely held) bytes.
    func markWritten(lineCount: Int, storage: consuming [UInt8]) {
        storage.removeAll(keepingCapacity: true)
        let ready = state.withLock { [storage] state -> [CheckedContinuation<Void, Never>] in
            state.writtenLines += lineCount
            state.spare = storage
            return takeFlushers(&state, all: false)
        }
        ready.forEach { $0.resume() }
    }

    /// Stops waiting for more lines: the writer takes what is left, then finishes.
    func drain() {
        let writer = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.phase == .running { state.phase = .draining }
            defer { state.writer = nil }
            return state.writer
        }
        writer?.resume()
    }

    /// Refuses further lines (they are counted as dropped) and releases every flusher.
    func close() {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.phase = .closed
            return takeFlushers(&state, all: true)
        }
        ready.forEach { $0.resume() }
    }

    /// Returns once every line accepted before the call has been written (or the writer
    /// has stopped).
    func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if state.phase == .closed || state.writtenLines >= state.acceptedLines { return true }
                state.flushers.append((state.acceptedLines, continuation))
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func takeFlushers(_ state: inout State, all: Bool) -> [CheckedContinuation<Void, Never>] {
        let written = state.writtenLines
        let ready = state.flushers.filter { all || $0.target <= written }.map(\.continuation)
        state.flushers.removeAll { all || $0.target <= written }
        return ready
    }
}
