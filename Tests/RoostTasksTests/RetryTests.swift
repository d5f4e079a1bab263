import RoostCore
import RoostTasks
import RoostTestSupport
import Testing

@Suite struct RetryTests {
    let backoff = Backoff(base: .milliseconds(100), cap: .seconds(10), jitter: .none)

    @Test func succeedsAfterFailuresWaitingTheBackoffOnTheClock() async throws {
        let clock = ManualClock()
        let attempts = Counter()
        async let result = retry(maxAttempts: 5, backoff: backoff, clock: clock) {
            if attempts.increment() < 3 { throw TestFailure(id: attempts.current) }
            return "done"
        }
        await clock.waitForSleepers(count: 1)
        #expect(attempts.current == 1)
        let first = try #require(clock.sleeperDeadlines.first)
        #expect(approximatelyEqual(clock.now.duration(to: first), .milliseconds(100)))
        clock.advance(to: first)

        await clock.waitForSleepers(count: 1)
        #expect(attempts.current == 2)
        let second = try #require(clock.sleeperDeadlines.first)
        #expect(approximatelyEqual(clock.now.duration(to: second), .milliseconds(200)))
        clock.advance(to: second)

        #expect(try await result == "done")
        #expect(attempts.current == 3)
    }

    @Test func exhaustedAttemptsThrowTheTypedErrorWithTheLastCause() async throws {
        let clock = ManualClock()
        let attempts = Counter()
        let result = Task {
            try await retry(maxAttempts: 3, backoff: backoff, clock: clock) {
                throw TestFailure(id: attempts.increment())
            }
        }
        for _ in 1...2 {
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .seconds(1))
        }
        let error = try await #require(throws: RetryExhaustedError.self) { try await result.value }
        #expect(error.attempts == 3)
        #expect(error.code == "tasks.retry.exhausted")
        #expect(error.lastError as? TestFailure == TestFailure(id: 3))
        #expect(attempts.current == 3)
    }

    @Test func nonRetryableErrorIsRethrownAtOnce() async throws {
        let attempts = Counter()
        await #expect(throws: TestFailure(id: 7)) {
            try await retry(maxAttempts: 5, backoff: backoff, clock: ManualClock(), shouldRetry: { _ in false }) {
                attempts.increment()
                throw TestFailure(id: 7)
            }
        }
        #expect(attempts.current == 1)
    }

    @Test func predicateSeesEachError() async throws {
        let clock = ManualClock()
        let attempts = Counter()
        let result = Task {
            try await retry(
                maxAttempts: 10, backoff: backoff, clock: clock,
                shouldRetry: { ($0 as? TestFailure)?.id != 2 }
            ) {
                throw TestFailure(id: attempts.increment())
            }
        }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(1))
        await #expect(throws: TestFailure(id: 2)) { try await result.value }
    }

    @Test func singleAttemptNeverSleeps() async throws {
        let clock = ManualClock()
        let error = try await #require(throws: RetryExhaustedError.self) {
            try await retry(maxAttempts: 1, backoff: backoff, clock: clock) { throw TestFailure(id: 1) }
        }
        #expect(error.attempts == 1)
        #expect(clock.now == ManualClock.Instant(offset: .zero))
    }

    @Test func cancellationDuringTheWaitStopsRetrying() async throws {
        let clock = ManualClock()
        let attempts = Counter()
        let task = Task {
            try await retry(maxAttempts: 5, backoff: backoff, clock: clock) {
                throw TestFailure(id: attempts.increment())
            }
        }
        await clock.waitForSleepers(count: 1)
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(attempts.current == 1)
    }

    @Test func jitterComesFromTheInjectedSource() async throws {
        let clock = ManualClock()
        let jittered = Backoff(base: .seconds(1), cap: .seconds(10), jitter: .full)
        let attempts = Counter()
        async let result = retry(maxAttempts: 2, backoff: jittered, clock: clock, random: FixedRandom(1 << 62)) {
            if attempts.increment() == 1 { throw TestFailure(id: 1) }
            return 1
        }
        await clock.waitForSleepers(count: 1)
        let deadline = try #require(clock.sleeperDeadlines.first)
        #expect(approximatelyEqual(clock.now.duration(to: deadline), .milliseconds(250)))
        clock.advance(to: deadline)
        #expect(try await result == 1)
    }

    @Test func cancellationFromTheOperationIsNeverRetried() async throws {
        let attempts = Counter()
        await #expect(throws: CancellationError.self) {
            try await retry(maxAttempts: 5, backoff: backoff, clock: ManualClock()) {
                attempts.increment()
                throw CancellationError()
            }
        }
        #expect(attempts.current == 1)
    }
}
