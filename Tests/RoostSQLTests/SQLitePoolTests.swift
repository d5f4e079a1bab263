import Foundation
import RoostSQL
import Testing

/// The SQLite pool's waits: an exhausted pool, cancellation, closing with waiters, and no
/// connection lost under many concurrent borrowers.
@Suite struct SQLitePoolTests {
    /// A one-shot signal between tasks.
    private struct Signal: Sendable {
        let stream: AsyncStream<Void>
        let continuation: AsyncStream<Void>.Continuation
        init() { (stream, continuation) = AsyncStream.makeStream(of: Void.self) }
        func fire() { continuation.yield() }
        func wait() async { for await _ in stream { return } }
    }

    /// Runs `body` with a client of one connection that a transaction holds until `release` fires.
    private func withHeldConnection(
        poolTimeout: Duration = .seconds(30),
        _ body: (DatabaseClient, _ release: Signal, _ holder: Task<Void, any Error>) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-pool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Opening borrows the connection within the pool timeout; on a loaded machine a
        // short one can pass before the test begins, so opening is tried again then.
        var attempt = 1
        var opened: DatabaseClient?
        while opened == nil {
            do {
                opened = try await DatabaseClient.open("sqlite://\(directory.path)/pool.db") {
                    $0.maxConnections = 1
                    $0.poolTimeout = poolTimeout
                }
            } catch is DatabaseError where attempt < 20 {
                attempt += 1
            }
        }
        let db = try #require(opened)
        let (held, release) = (Signal(), Signal())
        let holder = Task {
            try await db.withTransaction { _ in
                held.fire()
                await release.wait()
            }
        }
        await held.wait()
        try await body(db, release, holder)
        release.fire()
        try await holder.value
        try await db.close()
    }

    @Test func exhaustedPoolTimesOut() async throws {
        try await withHeldConnection(poolTimeout: .milliseconds(100)) { db, release, holder in
            let started = ContinuousClock.now
            let error = try await #require(throws: DatabaseError.self) { try await db.check() }
            #expect(error.kind == .poolTimeout)
            #expect(error.code == "sql.pool.timeout")
            #expect(error.message.contains("maxConnections"))
            #expect(ContinuousClock.now - started >= .milliseconds(100))
            release.fire()
            try await holder.value
            // The connection came back: the pool still works.
            try await db.check()
        }
    }

    @Test func waiterGetsTheReturnedConnection() async throws {
        try await withHeldConnection { db, release, _ in
            let waiter = Task { try await db.find("SELECT 7 AS n", as: Answer.self) }
            release.fire()
            let answer = try await waiter.value
            #expect(answer?.n == 7)
        }
    }

    @Test func cancelledWaiterLeavesThePoolWorking() async throws {
        try await withHeldConnection { db, release, holder in
            let waiter = Task { try await db.check() }
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            release.fire()
            try await holder.value
            try await db.check()
        }
    }

    @Test func closingFailsWaitersAndWaitsForBorrowedConnections() async throws {
        try await withHeldConnection { db, release, holder in
            let waiter = Task { try await db.check() }
            let closing = Task { try await db.close() }
            let error = try await #require(throws: DatabaseError.self) { try await waiter.value }
            #expect(error.kind == .closed)
            // The transaction still has its connection, and commits.
            release.fire()
            try await holder.value
            try await closing.value
            let closed = try await #require(throws: DatabaseError.self) { try await db.check() }
            #expect(closed.kind == .closed)
        }
    }

    @Test func manyBorrowersLoseNothing() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-pool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = try await DatabaseClient.open("sqlite://\(directory.path)/pool.db") {
            $0.maxConnections = 3
            $0.poolTimeout = .seconds(30)
        }
        try await db.execute("CREATE TABLE hits (task INTEGER, n INTEGER)")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<100 {
                group.addTask {
                    for n in 0..<20 {
                        if n % 5 == 4 {
                            let waiter = Task { try await db.check() }
                            waiter.cancel()
                            _ = try? await waiter.value
                        }
                        try await db.insert(into: "hits", ["task": task, "n": n])
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await db.count(from: "hits") == 2_000)
        // All three connections came back: three sessions can hold one each at once.
        let held = AsyncStream.makeStream(of: Void.self)
        let releases = [Signal(), Signal(), Signal()]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for release in releases {
                group.addTask {
                    do {
                        try await db.sql.withSession { _ in
                            held.continuation.yield()
                            await release.wait()
                        }
                    } catch {
                        held.continuation.yield()  // so that the count below still ends
                        throw error
                    }
                }
            }
            var count = 0
            for await _ in held.stream {
                count += 1
                if count == 3 { break }
            }
            for release in releases { release.fire() }
            try await group.waitForAll()
        }
        try await db.close()
    }

    private struct Answer: Decodable { var n: Int }

    /// Several clients opening the same new file at once each switch it to WAL; SQLite
    /// refuses that switch at once while another connection holds a lock, and opening
    /// tries again instead of failing.
    @Test func clientsOpeningOneNewFileAtOnceAllOpen() async throws {
        for _ in 0..<20 {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-wal-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let url = "sqlite://\(directory.path)/new.db"
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let db = try await DatabaseClient.open(url) { $0.minConnections = 2 }
                        try await db.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY)")
                        try await db.close()
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}
