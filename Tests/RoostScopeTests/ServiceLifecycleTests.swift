import Logging
import RoostScope
import ServiceLifecycle
import Testing

@Suite("ServiceLifecycle bridge", .timeLimit(.minutes(1)))
struct ServiceLifecycleTests {
    @Test("in a ServiceGroup, graceful shutdown cancels the body, then stops services top-down")
    func gracefulShutdownTearsDownInOrder() async throws {
        let log = Recorder()
        let ready = Gate()
        let root = ServiceScope("app") { scope in
            _ = try await scope.service("api") { (ctx: ServiceContext<String>) in
                let db = try await ctx.service("db", simpleService("db", log: log))
                try ctx.register("api on \(db)")
                try await ctx.noMoreDependents()
                log("stop api")
            }
            ready.open()
            do { try await untilCancelled() } catch {
                log("body cancelled")
                throw error
            }
        }
        let group = ServiceGroup(services: [root], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await ready.wait()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(log.events == ["start db", "body cancelled", "stop api", "stop db"])
    }

    @Test("a body that returns ends the root service; its error reaches the group")
    func bodyErrorReachesGroup() async throws {
        let root = ServiceScope("app") { _ in throw Boom(id: 1) }
        let group = ServiceGroup(services: [root], logger: Logger(label: "test"))
        await #expect(throws: Boom(id: 1)) { try await group.run() }
    }
}
