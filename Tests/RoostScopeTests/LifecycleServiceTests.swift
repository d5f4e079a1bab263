import RoostScope
import ServiceLifecycle
import Synchronization
import Testing

/// A Service that counts its runs and stops when cancelled, or fails when told to.
private final class Worker: Service, Sendable {
    let running = Mutex(0)
    let stopped = Mutex(0)
    let failure = Gate()

    func run() async throws {
        running.withLock { $0 += 1 }
        defer { stopped.withLock { $0 += 1 } }
        try await failure.wait()  // throws CancellationError when the scope stops it
        throw WorkerFailed()
    }
}

private struct WorkerFailed: Error {}

@Suite("Running lifecycle services in a scope", .timeLimit(.minutes(1)))
struct LifecycleServiceTests {
    @Test("a Service runs while used, is shared, and is cancelled when its last user leaves")
    func runsWhileUsed() async throws {
        let worker = Worker()
        try await ServiceScope.run("root") { scope in
            let factory: @Sendable (ServiceContext<Worker>) async throws -> Void = { try await $0.run(worker) }
            try await scope.usingScope("a") { use in
                let first = try await use.service("worker", factory)
                let second = try await scope.service("worker", factory)
                #expect(first === worker && second === worker)
                #expect(worker.running.withLock { $0 } == 1)
            }
            #expect(worker.stopped.withLock { $0 } == 0)  // the root still uses it
            try scope.release("worker")
            try await waitUntil("the worker stopped") { worker.stopped.withLock { $0 } == 1 }
        }
        #expect(worker.running.withLock { $0 } == 1)
    }

    @Test("a Service that fails after registering fails the root with its error")
    func failureReachesTheRoot() async throws {
        let worker = Worker()
        await #expect(throws: WorkerFailed.self) {
            try await ServiceScope.run("root") { scope in
                _ = try await scope.service("worker") { (ctx: ServiceContext<Worker>) in try await ctx.run(worker) }
                worker.failure.open()
                try await Task.sleep(for: .seconds(30))
            }
        }
        #expect(worker.stopped.withLock { $0 } == 1)
    }
}
