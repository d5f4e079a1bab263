import RoostCore

/// Why a ``BatchingBuffer`` refused an item.
public struct BatchingBufferError: RoostError, Equatable {
    /// The kinds of refusal.
    public enum Reason: Sendable, Hashable {
        /// The buffer already holds `capacity` items waiting to be flushed.
        case full(capacity: Int)
        /// The buffer has shut down and flushes nothing more.
        case stopped
    }

    /// The buffer's name.
    public let buffer: String
    /// Why the item was refused.
    public let reason: Reason

    /// Creates the error.
    public init(buffer: String, reason: Reason) {
        self.buffer = buffer
        self.reason = reason
    }

    /// `tasks.buffer.full` or `tasks.buffer.stopped`.
    public var code: ErrorCode {
        switch reason {
        case .full: "tasks.buffer.full"
        case .stopped: "tasks.buffer.stopped"
        }
    }

    /// What happened and what to do.
    public var message: String {
        switch reason {
        case .full(let capacity):
            "The batching buffer \"\(buffer)\" already holds \(capacity) unflushed items; slow down, flush in larger batches, or raise its capacity."
        case .stopped:
            "The batching buffer \"\(buffer)\" has shut down; add items only while its service runs."
        }
    }
}
