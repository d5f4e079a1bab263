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
        /// Close hooks, called on ``close()`` (at once when registered after it).
        let closeHooks = Mutex<[@Sendable ((any Error)?) -> Void]?>([])
        func onClose(_ closure: @escaping @Sendable ((any Error)?) -> Void) {
            let closed = closeHooks.withLock { hooks in
                hooks?.append(closure)
                return hooks == nil
            }
            if closed { closure(nil) }
        }
        func close() {
            usable.store(false, ordering: .relaxed)
            let hooks = closeHooks.withLock { hooks in
                defer { hooks = nil }
                return hooks ?? []
            }
            for hook in hooks { hook(nil) }
        }
        var isClosed: Bool { closeHooks.withLock { $0 == nil } }
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

    /// The pool can hand out a connection whose close it has not heard of yet: the lease
    /// closes it, gives it back, and leases another.
    @Test func aClosedConnectionFromThePoolIsRetiredAndAnotherLeased() async throws {
        let (pool, park) = (FakePool(), makePark())
        let handed = Mutex<[FakeConnection]>([])
        let lease = try await park.lease(
            timeout: .seconds(5),
            submit: { request in
                let lease = handed.withLock { handed in
                    let lease = pool.lease(handed.count + 1, usable: !handed.isEmpty)
                    handed.append(lease.connection)
                    return lease
                }
                request.complete(with: .success(lease))
            },
            cancel: { _ in }, failure: { _ in CancellationError() })
        #expect(lease.connection.id == 2)
        #expect(pool.releasedIDs == [1])
        #expect(handed.withLock { $0.map(\.isClosed) } == [true, false])
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
