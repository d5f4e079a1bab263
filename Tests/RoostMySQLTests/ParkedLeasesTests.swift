import Synchronization
import Testing
import _ConnectionPoolModule

@testable import RoostPoolSupport

/// The park in front of the drivers' pools, on leases whose release is counted.
@Suite struct ParkedLeasesTests {
    final class FakeConnection: PooledConnection {
        let id: Int
        let usable: Atomic<Bool>
        init(id: Int, usable: Bool = true) {
            self.id = id
            self.usable = Atomic(usable)
        }
        func onClose(_ closure: @escaping @Sendable ((any Error)?) -> Void) {}
        func close() {}
    }

    /// Leases whose `release()` records the connection's id, as the pool would take it back.
    final class FakePool: Sendable {
        let released = Mutex<[Int]>([])
        func lease(_ id: Int, usable: Bool = true) -> ConnectionLease<FakeConnection> {
            ConnectionLease(connection: FakeConnection(id: id, usable: usable)) { [self] connection in
                released.withLock { $0.append(connection.id) }
            }
        }
        var releasedIDs: [Int] { released.withLock { $0 } }
    }

    private func take(_ park: ParkedLeases<FakeConnection>) -> Int? {
        park.take()?.connection.id
    }

    /// A park whose connections are usable while their `usable` flag is set.
    private func makePark(maximumParkTime: Duration = .seconds(1)) -> ParkedLeases<FakeConnection> {
        ParkedLeases(maximumParkTime: maximumParkTime) { $0.usable.load(ordering: .relaxed) }
    }

    @Test func theMostRecentlyParkedIsTakenFirstWithoutThePool() {
        let (pool, park) = (FakePool(), makePark())
        park.park(pool.lease(1))
        park.park(pool.lease(2))
        #expect(take(park) == 2)
        #expect(take(park) == 1)
        #expect(pool.releasedIDs.isEmpty)
    }

    @Test func whileACallerWaitsOnThePoolReturnsGoToThePool() {
        let (pool, park) = (FakePool(), makePark())
        #expect(take(park) == nil)  // now waiting on the pool
        park.park(pool.lease(1))
        #expect(pool.releasedIDs == [1])
        park.stopWaiting()
        park.park(pool.lease(2))
        #expect(pool.releasedIDs == [1])
        #expect(take(park) == 2)
    }

    @Test func unusableConnectionsGoBackToThePool() {
        let (pool, park) = (FakePool(), makePark())
        park.park(pool.lease(1))
        park.park(pool.lease(2, usable: false))
        #expect(take(park) == 1)
        #expect(pool.releasedIDs == [2])
    }

    @Test func connectionsParkedTooLongGoBackToThePool() {
        let (pool, park) = (FakePool(), makePark())
        park.park(pool.lease(1))
        park.park(pool.lease(2))
        let between = ContinuousClock.now
        park.park(pool.lease(3))
        // Only what was parked before the deadline leaves, oldest first.
        park.releaseParked(before: between)
        #expect(pool.releasedIDs == [1, 2])
        #expect(take(park) == 3)
        park.park(pool.lease(4))
        park.releaseParked(before: .now + .seconds(1))
        #expect(pool.releasedIDs == [1, 2, 4])
        #expect(take(park) == nil)
    }

    @Test func closingReturnsEverythingAndLaterReturnsGoStraightBack() {
        let (pool, park) = (FakePool(), makePark())
        park.park(pool.lease(1))
        park.park(pool.lease(2))
        park.close()
        #expect(pool.releasedIDs == [1, 2])
        park.park(pool.lease(3))
        #expect(pool.releasedIDs == [1, 2, 3])
    }

    @Test func cancellingTheRunReturnsTheParkedConnections() async {
        let (pool, park) = (FakePool(), makePark(maximumParkTime: .seconds(3_600)))
        let (started, continuation) = AsyncStream.makeStream(of: Void.self)
        let run = Task {
            await park.run(
                pool: {
                    continuation.yield()
                    // Stands in for the pool's run(), which returns when its task is cancelled.
                    while (try? await Task.sleep(for: .seconds(3_600))) != nil {}
                },
                forceShutdown: {})
        }
        for await _ in started { break }
        park.park(pool.lease(1))
        #expect(pool.releasedIDs.isEmpty)
        run.cancel()
        await run.value
        #expect(pool.releasedIDs == [1])
    }
}
