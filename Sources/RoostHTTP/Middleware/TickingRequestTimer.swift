import NIOCore
import NIOPosix
import Synchronization

/// A ``RequestTimer`` that checks every deadline on one shared tick instead of scheduling
/// a timer per request: registering and cancelling a deadline is a lock and a dictionary
/// operation, with no wake-up of an event loop on the request's path. A deadline fires up
/// to `resolution` late, which suits time limits measured in seconds.
///
/// The tick runs only while deadlines are pending.
public final class TickingRequestTimer: RequestTimer, Sendable {
    /// The timer ``RequestTimeoutMiddleware/init(timeout:)`` uses: 100 ms resolution.
    public static let shared = TickingRequestTimer()

    private struct Entry {
        let deadline: ContinuousClock.Instant
        let action: @Sendable () -> Void
    }

    private struct State {
        var nextID: UInt64 = 0
        var entries: [UInt64: Entry] = [:]
        var ticking = false
    }

    private let state = Mutex(State())
    private let resolution: Duration
    private let eventLoop: any EventLoop

    /// Creates a timer that checks its deadlines every `resolution` on `eventLoop`.
    public init(
        resolution: Duration = .milliseconds(100), eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()
    ) {
        self.resolution = resolution
        self.eventLoop = eventLoop
    }

    /// Registers `action` to run once `delay` has passed, unless cancelled first.
    public func schedule(after delay: Duration, _ action: @escaping @Sendable () -> Void) -> UInt64 {
        let deadline = ContinuousClock.now.advanced(by: delay)
        let (id, mustStart) = state.withLock { state in
            state.nextID += 1
            state.entries[state.nextID] = Entry(deadline: deadline, action: action)
            defer { state.ticking = true }
            return (state.nextID, !state.ticking)
        }
        if mustStart {
            let interval = TimeAmount(resolution)
            eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [weak self] task in
                guard let self else { return task.cancel() }
                self.tick(task)
            }
        }
        return id
    }

    /// Forgets a deadline that has not fired.
    public func cancel(_ handle: UInt64) {
        _ = state.withLock { $0.entries.removeValue(forKey: handle) }
    }

    private func tick(_ task: RepeatedTask) {
        let now = ContinuousClock.now
        let (due, idle) = state.withLock { state -> ([@Sendable () -> Void], Bool) in
            var due: [@Sendable () -> Void] = []
            for (id, entry) in state.entries where entry.deadline <= now {
                due.append(entry.action)
                state.entries[id] = nil
            }
            if state.entries.isEmpty { state.ticking = false }
            return (due, state.entries.isEmpty)
        }
        if idle { task.cancel() }
        for action in due { action() }
    }
}
