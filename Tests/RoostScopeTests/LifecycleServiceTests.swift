import Logging
import RoostScope
import ServiceLifecycle
import Synchronization
import Testing

/// A Service that counts its runs and stops on graceful shutdown (or, when told to
/// ignore it, only when cancelled), or fails when told to.
private final class Worker: Service, Sendable {
    let running = Mutex(0)
    let stopped = Mutex(0)
    let failure = Gate()
    let ignoresGracefulShutdown: Bool

    init(ignoresGracefulShutdown: Bool = false) {
        self.ignoresGracefulShutdown = ignoresGracefulShutdown
    }

    func run() async throws {
        running.withLock { $0 += 1 }
        defer { stopped.withLock { $0 += 1 } }
        if ignoresGracefulShutdown {
            try await failure.wait()  // throws CancellationError when the scope cancels it
        } else {
            try await cancelWhenGracefulShutdown { try await self.failure.wait() }
        }
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
                // run() starts beside the registration, not necessarily before it.
                try await waitUntil("the worker runs") { worker.running.withLock { $0 } == 1 }
            }
            #expect(worker.stopped.withLock { $0 } == 0)  // the root still uses it
            try scope.release("worker")
            try await waitUntil("the worker stopped") { worker.stopped.withLock { $0 } == 1 }
        }
        #expect(worker.running.withLock { $0 } == 1)
    }

    @Test("a Service that ignores graceful shutdown is cancelled after the grace period")
    func cancelledAfterGracePeriod() async throws {
        let worker = Worker(ignoresGracefulShutdown: true)
        try await ServiceScope.run("root") { scope in
            _ = try await scope.service("worker") { (ctx: ServiceContext<Worker>) in
                try await ctx.run(worker, gracePeriod: .milliseconds(50))
            }
            try scope.release("worker")
            // Without the cancellation that ends the grace period it would never stop.
            try await waitUntil("the worker was cancelled") { worker.stopped.withLock { $0 } == 1 }
        }
    }

    @Test("a graceful shutdown of the surrounding group reaches a scoped Service only through its scope")
    func insulatedFromTheGroupsShutdown() async throws {
        let worker = Worker()
        let acquired = Gate()
        let release = Mutex(false)
        let stoppedWhileUsed = Mutex<Int?>(nil)
        let root = ServiceScope("root") { scope in
            _ = try await scope.service("worker") { (ctx: ServiceContext<Worker>) in try await ctx.run(worker) }
            acquired.open()
            try? await untilCancelled()  // the group's graceful shutdown cancels the body…
            // …which still uses the worker (as a server draining its requests would).
            while !release.withLock({ $0 }) { await Task.yield() }
            stoppedWhileUsed.withLock { $0 = worker.stopped.withLock { $0 } }
        }
        let group = ServiceGroup(services: [root], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await acquired.wait()
            await group.triggerGracefulShutdown()
            // Time for a worker that heard the group directly to stop, which it must not.
            try await Task.sleep(for: .milliseconds(200))
            release.withLock { $0 = true }
            try await tasks.waitForAll()
        }
        #expect(stoppedWhileUsed.withLock { $0 } == 0)
        #expect(worker.stopped.withLock { $0 } == 1)
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

@Suite("Running a value's background services in a scope", .timeLimit(.minutes(1)))
struct ValueServicesTests {
    /// Records its start and its graceful stop under its name.
    private struct Part: Service {
        let name: String
        let log: Recorder

        func run() async throws {
            log("start \(name)")
            try? await gracefulShutdown()
            log("stop \(name)")
        }
    }

    @Test("a value's services run while it is used and stop gracefully, the last listed first")
    func servicesBehindAValue() async throws {
        let log = Recorder()
        try await ServiceScope.run("root") { scope in
            let store = try await scope.service("store") { (ctx: ServiceContext<String>) in
                try await ctx.run("the store", services: [Part(name: "writer", log: log), Part(name: "consumer", log: log)])
            }
            #expect(store == "the store")
            try await waitUntil("both services run") { log.count("start writer") == 1 && log.count("start consumer") == 1 }
            try scope.release("store")
            try await waitUntil("both services stopped") { log.contains("stop writer") }
        }
        let stops = log.events.filter { $0.hasPrefix("stop") }
        #expect(stops == ["stop consumer", "stop writer"])
    }
}
