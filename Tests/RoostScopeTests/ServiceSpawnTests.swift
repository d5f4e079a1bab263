import RoostScope
import Testing

/// Tasks spawned inside a service's factory: they belong to the service, not to its users.
@Suite("Service tasks", .timeLimit(.minutes(1)))
struct ServiceSpawnTests {
    @Test("a service's task is cancelled when the service stops, and the service ends after it")
    func cancelledWithService() async throws {
        let log = Recorder()
        try await ServiceScope.run("main") { scope in
            _ = try await scope.service("S") { (ctx: ServiceContext<Int>) in
                try ctx.spawn {
                    log("task started")
                    do { try await untilCancelled() } catch { log("task cancelled") }
                }
                try ctx.register(1)
                try await ctx.noMoreDependents()
                log("factory returned")
            }
            try await waitUntil("the task runs") { log.contains("task started") }
            try scope.release("S")
            try await waitUntil("S is gone") { scope.graph.node("S") == nil }
            #expect(log.events == ["task started", "factory returned", "task cancelled"])
        }
    }

    @Test("a service's task that throws fails the service; after register, the root gets the error")
    func failingTaskFailsRoot() async throws {
        await #expect(throws: Boom(id: 3)) {
            try await ServiceScope.run("main") { scope in
                _ = try await scope.service("S") { (ctx: ServiceContext<Int>) in
                    try ctx.register(1)
                    try ctx.spawn { throw Boom(id: 3) }
                    try await ctx.noMoreDependents()
                }
                try await untilCancelled()
            }
        }
    }

    @Test("a service cancelled before it registers cancels its tasks too")
    func cancelledBeforeRegister() async throws {
        let log = Recorder()
        let hold = Gate()
        try await ServiceScope.run("main") { scope in
            try await scope.usingScope("user") { use in
                try use.spawn {
                    _ = try await use.service("S") { (ctx: ServiceContext<Int>) in
                        try ctx.spawn {
                            do { try await untilCancelled() } catch { log("task cancelled") }
                        }
                        do { try await hold.wait() } catch { log("factory cancelled") }
                        throw CancellationError()
                    }
                }
                try await waitUntil("S is starting") { scope.graph.node("S") != nil }
            }
            try await waitUntil("S is gone") { scope.graph.node("S") == nil }
            #expect(Set(log.events) == ["task cancelled", "factory cancelled"])
        }
    }
}
