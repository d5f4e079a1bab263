import RoostTasks
import RoostTestSupport
import Testing

@Suite struct TimeoutTests {
    @Test func returnsTheValueWhenInTime() async throws {
        let clock = ManualClock()
        let value = try await withTimeout(.seconds(5), clock: clock) { 42 }
        #expect(value == 42)
        #expect(clock.sleeperCount == 0)
    }

    @Test func throwsTimeoutErrorAndCancelsTheOperation() async throws {
        let clock = ManualClock()
        let cancelled = Counter()
        let call = Task {
            try await withTimeout(.seconds(5), clock: clock) {
                do {
                    try await clock.sleep(for: .seconds(60))
                } catch {
                    cancelled.increment()
                    throw error
                }
                return 1
            }
        }
        await clock.waitForSleepers(count: 2)
        clock.advance(by: .seconds(4))
        #expect(clock.sleeperCount == 2)
        clock.advance(by: .seconds(1))
        let error = try await #require(throws: TimeoutError.self) { try await call.value }
        #expect(error.timeout == .seconds(5))
        #expect(error.code == "tasks.timeout")
        #expect(cancelled.current == 1)
    }

    @Test func operationErrorPassesThrough() async throws {
        await #expect(throws: TestFailure(id: 8)) {
            try await withTimeout(.seconds(5), clock: ManualClock()) { () async throws -> Int in
                throw TestFailure(id: 8)
            }
        }
    }

    @Test func optionalNilIsAValueNotATimeout() async throws {
        let value: Int? = try await withTimeout(.seconds(1), clock: ManualClock()) { nil }
        #expect(value == nil)
    }
}
