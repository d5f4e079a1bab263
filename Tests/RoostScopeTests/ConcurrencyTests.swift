import RoostScope
import Testing

@Suite("Concurrent use", .timeLimit(.minutes(2)))
struct ConcurrencyTests {
    @Test("1,000 tasks acquire and release a held service: it starts once and counts stay exact")
    func thousandTasksShareOneService() async throws {
        let log = Recorder()
        let instances = Counter()
        let factory: @Sendable (ServiceContext<Int>) async throws -> Void = { ctx in
            try ctx.register(instances.next())
            try await ctx.noMoreDependents()
            log("stop")
        }
        try await ServiceScope.run("main") { scope in
            let held = try await scope.service("shared", factory)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<1_000 {
                    group.addTask {
                        for _ in 0..<5 {
                            let value = try await scope.service("shared", factory)
                            #expect(value == held)
                            try scope.release("shared")
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(instances.current == 1)
            #expect(scope.graph.node("shared")?.useCount == 1)
        }
        #expect(log.events == ["stop"])
    }

    @Test("1,000 tasks churn through ten services from their own usage scopes; every start has its stop")
    func thousandTasksChurn() async throws {
        let starts = Counter()
        let stops = Counter()
        let factory: @Sendable (ServiceContext<Int>) async throws -> Void = { ctx in
            try ctx.register(starts.next())
            try await ctx.noMoreDependents()
            stops.next()
        }
        try await ServiceScope.run("main") { scope in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<1_000 {
                    group.addTask {
                        try await scope.usingScope { use in
                            _ = try await use.service("s\(task % 10)", factory)
                            _ = try await use.service("s\((task + 1) % 10)", factory)
                        }
                    }
                }
                try await group.waitForAll()
            }
            try await waitUntil("every service stopped") { scope.graph.nodes.count == 1 }
        }
        #expect(starts.current >= 10)
        #expect(starts.current == stops.current)
    }
}
