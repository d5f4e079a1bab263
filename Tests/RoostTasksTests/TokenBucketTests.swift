import RoostTasks
import RoostTestSupport
import Testing

@Suite struct TokenBucketTests {
    @Test func startsFullAndRefillsWithTime() {
        let clock = ManualClock()
        let bucket = TokenBucket(capacity: 3, refillPerSecond: 2, clock: clock)
        #expect(bucket.tryTake())
        #expect(bucket.tryTake())
        #expect(bucket.tryTake())
        #expect(!bucket.tryTake())
        clock.advance(by: .milliseconds(499))
        #expect(!bucket.tryTake())
        clock.advance(by: .milliseconds(1))
        #expect(bucket.tryTake())
        #expect(!bucket.tryTake())
    }

    @Test func neverHoldsMoreThanCapacity() {
        let clock = ManualClock()
        let bucket = TokenBucket(capacity: 5, refillPerSecond: 100, clock: clock)
        #expect(bucket.tryTake(5))
        clock.advance(by: .seconds(60))
        #expect(bucket.availableTokens == 5)
        #expect(!bucket.tryTake(6))
        #expect(bucket.availableTokens == 5)
    }

    @Test func takeWaitsOnTheClockForTokens() async throws {
        let clock = ManualClock()
        let bucket = TokenBucket(capacity: 1, refillPerSecond: 1, clock: clock)
        try await bucket.take()
        let waiter = Task { try await bucket.take() }
        await clock.waitForSleepers(count: 1)
        let deadline = try #require(clock.sleeperDeadlines.first)
        #expect(deadline.offset >= .seconds(1))
        #expect(deadline.offset < .seconds(1) + .microseconds(1))
        clock.advance(to: deadline)
        try await waiter.value
        #expect(bucket.availableTokens < 0.001)
    }

    @Test func askingForMoreThanCapacityIsATypedError() async {
        let bucket = TokenBucket(capacity: 2, refillPerSecond: 1, clock: ManualClock())
        let error = await #expect(throws: TokenBucketError.self) { try await bucket.take(3) }
        #expect(error?.code == "tasks.token_bucket.over_capacity")
        #expect(error == TokenBucketError(requested: 3, capacity: 2))
    }

    @Test func cancelledWaiterStops() async throws {
        let clock = ManualClock()
        let bucket = TokenBucket(capacity: 1, refillPerSecond: 0.1, clock: clock)
        #expect(bucket.tryTake())
        let waiter = Task { try await bucket.take() }
        await clock.waitForSleepers(count: 1)
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
    }
}
