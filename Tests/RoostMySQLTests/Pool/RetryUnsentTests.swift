import RoostTestSupport
import Synchronization
import Testing

@testable import RoostMySQL

@Suite("Retrying a statement that was never sent")
struct RetryUnsentTests {
    private struct DataError: Error {}

    @Test("a statement whose connection had closed before it was written runs once more")
    func retriesOnceWhenNotSent() async throws {
        let attempts = Mutex(0)
        let value = try await MySQLConnectionPool.retryingUnsent {
            let attempt = attempts.withLock { $0 += 1; return $0 }
            if attempt == 1 { throw MySQLConnectionError.notSent("closed", underlying: nil) }
            return 7
        }
        #expect(value == 7 && attempts.withLock { $0 } == 2)
    }

    @Test("a statement that may have reached the server, or failed on data, is not retried")
    func neverRetriesWhatMayHaveRun() async throws {
        for error in [MySQLConnectionError(.closed, "lost mid-statement") as any Error, DataError()] {
            let attempts = Mutex(0)
            await #expect(throws: (any Error).self) {
                try await MySQLConnectionPool.retryingUnsent {
                    attempts.withLock { $0 += 1 }
                    throw error
                }
            }
            #expect(attempts.withLock { $0 } == 1)
        }
    }

    @Test("the retry happens once only")
    func retriesOnlyOnce() async throws {
        let attempts = Mutex(0)
        let error = await #expect(throws: MySQLConnectionError.self) {
            try await MySQLConnectionPool.retryingUnsent {
                attempts.withLock { $0 += 1 }
                throw MySQLConnectionError.notSent("closed", underlying: nil)
            }
        }
        #expect(attempts.withLock { $0 } == 2)
        #expect(error?.message.contains("was not sent") == true)
    }
}

@Suite("Statements on a closed connection", .requires(.mysql))
struct ClosedConnectionTests {
    @Test("a statement on a connection closed beforehand fails as not sent")
    func notSentAfterClose() async throws {
        let connection = try await LiveServer.connect()
        try await connection.close()
        let error = await #expect(throws: MySQLConnectionError.self) { try await connection.query("SELECT 1") }
        #expect(error?.kind == .closed && error?.commandSent == false)
    }
}
