import NIOCore

/// A task executor that runs jobs on one NIO event loop.
///
/// Code that talks to a connection in a loop — statements in a transaction, a batch of
/// commands — runs with this executor as its preference (`withTaskExecutorPreference`):
/// writes then happen without a hop to the event loop, and the code resumes on the event
/// loop's thread when an answer arrives, instead of waking a thread of the global
/// executor. That saves two cross-thread wake-ups per round trip.
///
/// Keep such code short and non-blocking: while it runs, the event loop serves no other
/// connection.
public final class EventLoopTaskExecutor: TaskExecutor {
    /// The event loop the jobs run on.
    public let eventLoop: any EventLoop

    /// Creates an executor for `eventLoop`.
    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Runs `job` on the event loop.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
