import RoostTasks
import RoostTestSupport
import Testing

@Suite struct AsyncLoopTests {
    struct Iteration: Equatable, Sendable {
        var index: Int
        var at: Double
    }

    /// Consumes `loop` in a task whose body spends `bodyTime` on the clock per iteration.
    func consume(_ loop: AsyncLoop<ManualClock>, clock: ManualClock, bodyTime: Duration = .zero) -> Task<[Iteration], Never> {
        Task {
            var seen: [Iteration] = []
            for await index in loop {
                seen.append(Iteration(index: index, at: clock.seconds))
                if bodyTime > .zero { try? await clock.sleep(for: bodyTime) }
            }
            return seen
        }
    }

    @Test func firstIterationIsImmediateThenEveryIntervalAtMostNTimes() async {
        let clock = ManualClock()
        let loop = consume(AsyncLoop(every: .seconds(1), maxIterations: 3, clock: clock), clock: clock)
        await clock.advanceToNextDeadline()
        await clock.advanceToNextDeadline()
        let seen = await loop.value
        #expect(seen == [Iteration(index: 0, at: 0), Iteration(index: 1, at: 1), Iteration(index: 2, at: 2)])
        #expect(clock.sleeperCount == 0)
    }

    @Test func theIntervalStartsWhenTheBodyEnds() async {
        let clock = ManualClock()
        let loop = consume(
            AsyncLoop(every: .seconds(1), maxIterations: 3, clock: clock), clock: clock, bodyTime: .milliseconds(500))
        for _ in 0..<5 { await clock.advanceToNextDeadline() }
        let seen = await loop.value
        #expect(seen.map(\.at) == [0, 1.5, 3])
    }

    @Test func endsAtTheDeadlineWithoutWaitingForIt() async {
        let clock = ManualClock()
        let deadline = clock.now.advanced(by: .milliseconds(2500))
        let loop = consume(AsyncLoop(every: .seconds(1), until: deadline, clock: clock), clock: clock)
        await clock.advanceToNextDeadline()
        await clock.advanceToNextDeadline()
        let seen = await loop.value
        #expect(seen.map(\.index) == [0, 1, 2])
        #expect(clock.seconds == 2)
    }

    @Test func noIterationsWhenTheLimitIsZeroOrTheDeadlinePassed() async {
        let clock = ManualClock()
        #expect(await consume(AsyncLoop(every: .seconds(1), maxIterations: 0, clock: clock), clock: clock).value.isEmpty)
        #expect(await consume(AsyncLoop(every: .seconds(1), until: clock.now, clock: clock), clock: clock).value.isEmpty)
    }

    @Test func cancellationEndsTheLoop() async {
        let clock = ManualClock()
        let loop = consume(AsyncLoop(every: .seconds(1), clock: clock), clock: clock)
        await clock.advanceToNextDeadline()
        await clock.waitForSleepers(count: 1)
        loop.cancel()
        let seen = await loop.value
        #expect(seen.map(\.index) == [0, 1])
    }

    @Test func eachIteratorStartsOver() async {
        let clock = ManualClock()
        let loop = AsyncLoop(every: .seconds(1), maxIterations: 1, clock: clock)
        var first: [Int] = []
        for await index in loop { first.append(index) }
        var second: [Int] = []
        for await index in loop { second.append(index) }
        #expect(first == [0])
        #expect(second == [0])
    }

    @Test func systemClockLoopWithATimeout() async {
        var seen: [Int] = []
        for await index in AsyncLoop(every: .zero, maxIterations: 3, timeout: .seconds(60)) { seen.append(index) }
        #expect(seen == [0, 1, 2])
    }
}
