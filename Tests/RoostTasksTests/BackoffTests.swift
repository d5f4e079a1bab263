import RoostTasks
import Testing

@Suite struct BackoffTests {
    @Test func exponentialWithoutJitterDoublesAndCaps() {
        let backoff = Backoff(base: .milliseconds(100), cap: .milliseconds(700), jitter: .none)
        var random = FixedRandom(0)
        let delays = (1...5).map { backoff.delay(beforeRetry: $0, using: &random) }
        let expected: [Duration] = [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(700), .milliseconds(700)]
        #expect(zip(delays, expected).allSatisfy(approximatelyEqual))
    }

    @Test func customMultiplier() {
        let backoff = Backoff(base: .seconds(1), multiplier: 3, cap: .seconds(100), jitter: .none)
        var random = FixedRandom(0)
        #expect(approximatelyEqual(backoff.delay(beforeRetry: 3, using: &random), .seconds(9)))
    }

    @Test func hugeRetryNumbersStayAtTheCap() {
        let backoff = Backoff(base: .seconds(1), cap: .seconds(30), jitter: .none)
        var random = FixedRandom(0)
        #expect(approximatelyEqual(backoff.delay(beforeRetry: 5_000, using: &random), .seconds(30)))
    }

    @Test func fullJitterScalesTheWholeDelay() {
        let backoff = Backoff(base: .seconds(1), cap: .seconds(60), jitter: .full)
        var low = FixedRandom(0)
        var middle = FixedRandom(1 << 63)
        var high = FixedRandom(.max)
        #expect(backoff.delay(beforeRetry: 3, using: &low) == .zero)
        #expect(approximatelyEqual(backoff.delay(beforeRetry: 3, using: &middle), .seconds(2)))
        let top = backoff.delay(beforeRetry: 3, using: &high)
        #expect(top < .seconds(4) && top > .milliseconds(3_999))
    }

    @Test func equalJitterKeepsAtLeastHalf() {
        let backoff = Backoff(base: .seconds(1), cap: .seconds(60), jitter: .equal)
        var low = FixedRandom(0)
        var middle = FixedRandom(1 << 63)
        #expect(approximatelyEqual(backoff.delay(beforeRetry: 3, using: &low), .seconds(2)))
        #expect(approximatelyEqual(backoff.delay(beforeRetry: 3, using: &middle), .seconds(3)))
    }

    @Test func systemRandomStaysInRange() {
        let backoff = Backoff(base: .milliseconds(10), cap: .seconds(1), jitter: .full)
        var random = SystemRandomNumberGenerator()
        for retry in 1...20 {
            let delay = backoff.delay(beforeRetry: retry, using: &random)
            #expect(delay >= .zero && delay <= backoff.jitterFreeDelay(beforeRetry: retry))
        }
    }
}
