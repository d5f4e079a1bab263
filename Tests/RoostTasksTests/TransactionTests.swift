import RoostTasks
import RoostTestSupport
import Testing

@Suite struct TransactionTests {
    @Test func commitRunsCommitHooksInOrder() async throws {
        let log = EventLog<String>()
        let transaction = Transaction()
        transaction.onCommit { log.append("commit 1") }
        transaction.onRollback { log.append("rollback") }
        transaction.onCommit { log.append("commit 2") }
        try await transaction.commit()
        #expect(log.all == ["commit 1", "commit 2"])
        #expect(transaction.state == .committed)
    }

    @Test func rollbackRunsRollbackHooksLastFirst() async throws {
        let log = EventLog<String>()
        let transaction = Transaction()
        transaction.onRollback { log.append("undo 1") }
        transaction.onCommit { log.append("commit") }
        transaction.onRollback { log.append("undo 2") }
        try await transaction.rollback()
        #expect(log.all == ["undo 2", "undo 1"])
        #expect(transaction.state == .rolledBack)
    }

    @Test func finishingTwiceIsATypedError() async throws {
        let transaction = Transaction()
        try await transaction.commit()
        let error = try await #require(throws: TransactionError.self) { try await transaction.rollback() }
        #expect(error.reason == .alreadyFinished(.committed))
        #expect(error.code == "tasks.transaction.finished")
        await #expect(throws: TransactionError.self) { try await transaction.commit() }
    }

    @Test func failingHooksDoNotStopTheOthersAndAreReported() async throws {
        let log = EventLog<String>()
        let transaction = Transaction()
        transaction.onCommit { throw TestFailure(id: 1) }
        transaction.onCommit { log.append("ran") }
        transaction.onCommit { throw TestFailure(id: 3) }
        let error = try await #require(throws: TransactionError.self) { try await transaction.commit() }
        #expect(log.all == ["ran"])
        #expect(error.reason == .hooksFailed(.committed, count: 2))
        #expect(error.hookErrors.compactMap { ($0 as? TestFailure)?.id } == [1, 3])
        #expect(error.code == "tasks.transaction.hooks_failed")
        #expect(transaction.state == .committed)
    }

    @Test func scopeRollsBackAnUnfinishedTransaction() async throws {
        let log = EventLog<String>()
        let value = try await withTransaction { transaction in
            transaction.onRollback { log.append("undo") }
            transaction.onCommit { log.append("commit") }
            return 5
        }
        #expect(value == 5)
        #expect(log.all == ["undo"])
    }

    @Test func scopeKeepsACommittedTransaction() async throws {
        let log = EventLog<String>()
        try await withTransaction { transaction in
            transaction.onRollback { log.append("undo") }
            transaction.onCommit { log.append("commit") }
            try await transaction.commit()
        }
        #expect(log.all == ["commit"])
    }

    @Test func scopeRollsBackWhenTheBodyThrows() async throws {
        let log = EventLog<String>()
        await #expect(throws: TestFailure(id: 7)) {
            try await withTransaction { transaction in
                transaction.onRollback { log.append("undo") }
                throw TestFailure(id: 7)
            }
        }
        #expect(log.all == ["undo"])
    }

    @Test func failingRollbackHookAfterABodyErrorCarriesBoth() async throws {
        let error = try await #require(throws: TransactionError.self) {
            try await withTransaction { transaction in
                transaction.onRollback { throw TestFailure(id: 2) }
                throw TestFailure(id: 1)
            }
        }
        #expect(error.reason == .hooksFailed(.rolledBack, count: 1))
        #expect(error.underlying as? TestFailure == TestFailure(id: 1))
        #expect(error.hookErrors.first as? TestFailure == TestFailure(id: 2))
    }
}
