import Foundation
import NIOPosix
import RoostTasks
import RoostTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct OffloadTests {
    @Test func runsOnAPoolThreadAndReturnsTheResult() async throws {
        let callerThread = pthread_self()
        let (value, ranElsewhere) = try await offload { () -> (Int, Bool) in
            (21 * 2, pthread_equal(pthread_self(), callerThread) == 0)
        }
        #expect(value == 42)
        #expect(ranElsewhere)
    }

    @Test func workErrorPassesThrough() async throws {
        await #expect(throws: TestFailure(id: 5)) {
            try await offload { () throws -> Int in throw TestFailure(id: 5) }
        }
    }

    @Test func stoppedPoolIsATypedError() async throws {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        #expect(try await offload(on: pool) { 1 } == 1)
        try await pool.shutdownGracefully()
        let error = try await #require(throws: OffloadError.self) { try await offload(on: pool) { 2 } }
        #expect(error.code == "tasks.offload.pool_inactive")
    }
}

@Suite(.serialized) struct SignalHandlingTests {
    @Test func handlerSeesSignalsWhileTheOperationRuns() async throws {
        let seen = EventLog<String>()
        let handled = Gate()
        let result = try await withSignalHandler([.sigusr2], handler: { signal in
            seen.append("\(signal)")
            handled.open()
        }) {
            kill(getpid(), SIGUSR2)
            await handled.wait()
            return "done"
        }
        #expect(result == "done")
        #expect(seen.all.count == 1)
    }

    @Test func receivedSignalsIsAnAsyncSequence() async throws {
        let signals = await receivedSignals(.sigusr1)
        kill(getpid(), SIGUSR1)
        var iterator = signals.makeAsyncIterator()
        let first = await iterator.next()
        #expect(first == .sigusr1)
    }
}
