import RoostTestSupport
import Synchronization
import Testing

@testable import RoostHTTP

@Suite struct TickingRequestTimerTests {
    @Test func dueDeadlinesFireOnceAndCancelledOnesNever() async throws {
        let timer = TickingRequestTimer(resolution: .milliseconds(10))
        let fired = Mutex<[String]>([])
        _ = timer.schedule(after: .milliseconds(30)) { fired.withLock { $0.append("due") } }
        let cancelled = timer.schedule(after: .milliseconds(30)) { fired.withLock { $0.append("cancelled") } }
        _ = timer.schedule(after: .seconds(3_600)) { fired.withLock { $0.append("far") } }
        timer.cancel(cancelled)
        try await pollUntil("the due deadline fired") { fired.withLock { $0 } == ["due"] }
        try await Task.sleep(for: .milliseconds(100))
        #expect(fired.withLock { $0 } == ["due"])
    }

    @Test func theTickStopsWhenIdleAndRestartsForANewDeadline() async throws {
        let timer = TickingRequestTimer(resolution: .milliseconds(10))
        let count = Mutex(0)
        _ = timer.schedule(after: .milliseconds(10)) { count.withLock { $0 += 1 } }
        try await pollUntil("the first deadline fired") { count.withLock { $0 } == 1 }
        try await Task.sleep(for: .milliseconds(50))  // idle: the tick has stopped
        _ = timer.schedule(after: .milliseconds(10)) { count.withLock { $0 += 1 } }
        try await pollUntil("a deadline after the idle period fired") { count.withLock { $0 } == 2 }
    }
}
