import RoostCoordination
import RoostCoordinationContracts
import RoostCore
import RoostTestSupport
import Testing

@Suite struct InMemoryLockContractTests {
    @Test(arguments: LockContract.cases)
    func contract(_ check: ContractCase<LockContractEnvironment>) async throws {
        let clock = ManualClock()
        let lock = InMemoryLock(clock: clock)
        try await check.run(LockContractEnvironment(time: .manual(clock)) { lock })
    }
}

@Suite struct InMemoryLockTests {
    @Test func takingOverAnExpiredHolderMarksItsLeaseLostAtOnce() async throws {
        let clock = ManualClock()
        let lock = InMemoryLock(clock: clock)
        let old = try #require(try lock.tryAcquire("k", ttl: .seconds(1)))
        clock.advance(by: .seconds(1))
        #expect(old.isHeld)
        let new = try #require(try lock.tryAcquire("k", ttl: .seconds(1)))
        #expect(old.lostError?.reason == .expired)
        #expect(old.lostError?.fencingToken == 1)
        #expect(new.fencingToken == 2)
    }

    @Test func aReleaseWakesAWaiterWithoutTimePassing() async throws {
        let clock = ManualClock()
        let lock = InMemoryLock(clock: clock)
        let holder = try #require(try lock.tryAcquire("k", ttl: .seconds(60)))
        async let waiter = lock.acquire("k", ttl: .seconds(60), timeout: .seconds(10))
        await clock.waitForSleepers(count: 1)
        lock.release(holder)
        let lease = try await waiter
        #expect(lease.fencingToken == 2)
        #expect(clock.now == ManualClock.Instant(offset: .zero))
    }

    @Test func retriesFollowTheJitteredBackoffUpToTheDeadline() async throws {
        let clock = ManualClock()
        let lock = InMemoryLock(clock: clock, retryBackoff: .init(base: .seconds(1), cap: .seconds(4), jitter: .equal))
        _ = try #require(try lock.tryAcquire("k", ttl: .seconds(3_600)))
        async let waiter = lock.acquire("k", ttl: .seconds(60), timeout: .seconds(10))
        var wakes: [Duration] = []
        while wakes.count < 20 {
            await clock.waitForSleepers(count: 1)
            let deadline = try #require(clock.sleeperDeadlines.first)
            wakes.append(deadline.offset)
            clock.advance(to: deadline)
            if deadline.offset == .seconds(10) { break }
        }
        do {
            _ = try await waiter
            Issue.record("the wait did not time out")
        } catch let error as LockError {
            #expect(error == LockError(key: "k", reason: .timeout(.seconds(10))))
        }
        let gaps = zip([Duration.zero] + wakes, wakes).map { $1 - $0 }
        // Equal jitter: retry n waits between half and all of min(cap, base * 2^(n-1)).
        for (index, gap) in gaps.dropLast().enumerated() {
            let full = min(Duration.seconds(4), .seconds(1) * (1 << index))
            #expect(gap >= full / 2 && gap <= full, "retry \(index + 1) waited \(gap)")
        }
        #expect(wakes.last == .seconds(10))
    }

    @Test func cancellingAWaiterEndsItsWait() async throws {
        let clock = ManualClock()
        let lock = InMemoryLock(clock: clock)
        _ = try #require(try lock.tryAcquire("k", ttl: .seconds(3_600)))
        let waiter = Task { try await lock.acquire("k", ttl: .seconds(1), timeout: .seconds(3_600)) }
        await clock.waitForSleepers(count: 1)
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
    }

    @Test func renewalRunsOnTheInjectedClockEveryThirdOfTheTTL() async throws {
        let clock = ManualClock()
        let lock = InMemoryLock(clock: clock)
        let gate = Gate()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await lock.withLock("k", ttl: .seconds(3), timeout: .zero) { _ in await gate.wait() }
            }
            await clock.waitForSleepers(count: 1)
            #expect(clock.sleeperDeadlines == [ManualClock.Instant(offset: .seconds(1))])
            clock.advance(by: .seconds(1))
            await eventually { clock.sleeperDeadlines == [ManualClock.Instant(offset: .seconds(2))] }
            gate.open()
            try await group.waitForAll()
        }
        #expect(clock.sleeperCount == 0)
        #expect(lock.isLocked("k") == false)
    }
}

@Suite struct InMemoryLockSweepTests {
    @Test func expiredHoldersAreSweptAsTheTableGrowsAndTheirLeasesAreLost() async throws {
        let clock = ManualClock()
        let lock = InMemoryLock(clock: clock)
        var stale: [LockLease] = []
        for index in 0..<1_000 { stale.append(try #require(try lock.tryAcquire("old:\(index)", ttl: .seconds(1)))) }
        clock.advance(by: .seconds(1))
        for index in 0..<100 { _ = try #require(try lock.tryAcquire("new:\(index)", ttl: .seconds(60))) }
        #expect(lock.heldCount < 200)
        #expect(stale.allSatisfy { $0.lostError?.reason == .expired })
        #expect(lock.isLocked("new:99"))
    }
}

@Suite struct InMemoryLockCancellationTests {
    @Test func cancellingTheHolderEndsTheBodyAndReleasesTheLock() async throws {
        let lock = InMemoryLock(clock: ManualClock())
        let entered = Gate()
        let holder = Task {
            try await lock.withLock("k", ttl: .seconds(30), timeout: .zero) { _ in
                entered.open()
                await untilCancelled()
                try Task.checkCancellation()
            }
        }
        await entered.wait()
        #expect(lock.isLocked("k"))
        holder.cancel()
        await #expect(throws: CancellationError.self) { try await holder.value }
        #expect(lock.isLocked("k") == false)
    }

    @Test func waitingForALossCanBeCancelled() async throws {
        let lock = InMemoryLock(clock: ManualClock())
        let lease = try #require(try lock.tryAcquire("k", ttl: .seconds(30)))
        let watcher = Task { try await lease.waitUntilLost() }
        watcher.cancel()
        await #expect(throws: CancellationError.self) { try await watcher.value }
        #expect(lease.isHeld)
        lock.release(lease)
        #expect(lease.isHeld == false && lease.lostError == nil)
    }
}

@Suite struct InMemoryLockSafetyTests {
    /// Many tasks contend for one key with varying hold times; an independent log of
    /// entries and exits proves that holds never overlap and fencing tokens only grow.
    @Test func twoThousandContendedAcquisitionsNeverOverlap() async throws {
        let lock = InMemoryLock(clock: ManualClock())
        let log = Shared<[(fence: UInt64, entering: Bool)]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    for _ in 0..<125 {
                        let holdYields = Int.random(in: 0...3)
                        try await lock.withLock("hot", ttl: .seconds(60), timeout: .seconds(3_600)) { lease in
                            log.update { $0.append((lease.fencingToken, true)) }
                            for _ in 0..<holdYields { await Task.yield() }
                            log.update { $0.append((lease.fencingToken, false)) }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let entries = log.value
        #expect(entries.count == 4_000)
        var previous: UInt64 = 0
        var overlaps = 0
        for pair in stride(from: 0, to: entries.count, by: 2) {
            let (enter, exit) = (entries[pair], entries[pair + 1])
            if !(enter.entering && !exit.entering && enter.fence == exit.fence) { overlaps += 1 }
            if enter.fence <= previous { overlaps += 1 }
            previous = enter.fence
        }
        #expect(overlaps == 0)
        #expect(previous == 2_000)
    }
}
