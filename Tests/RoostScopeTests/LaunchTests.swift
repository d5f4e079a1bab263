import RoostScope
import ServiceContextModule
import Testing

/// How a service's task starts: inline in its first caller's task, tracked by the root.
@Suite("Starting services' tasks", .timeLimit(.minutes(1)))
struct LaunchTests {
    private enum Request: ServiceContextKey {
        typealias Value = String
    }

    @Test("a chain of 100 services, each started by the one before, starts once each and stops top-down")
    func deepChain() async throws {
        let log = Recorder()
        @Sendable func link(_ ctx: RoostScope.ServiceContext<Int>, _ index: Int) async throws {
            if index < 99 {
                _ = try await ctx.service("s\(index + 1)") { (next: RoostScope.ServiceContext<Int>) in
                    try await link(next, index + 1)
                }
            }
            log("start s\(index)")
            try ctx.register(index)
            try await ctx.noMoreDependents()
            log("stop s\(index)")
        }
        try await ServiceScope.run { scope in
            _ = try await scope.service("s0") { (ctx: RoostScope.ServiceContext<Int>) in try await link(ctx, 0) }
            try scope.release("s0")
        }
        #expect(log.events == (0..<100).reversed().map { "start s\($0)" } + (0..<100).map { "stop s\($0)" })
    }

    @Test("a service started from a traced task runs with the root's tracing context, not the caller's")
    func rootTracingContext() async throws {
        var rootContext = ServiceContext.topLevel
        rootContext[Request.self] = "root"
        let seen = Recorder()
        try await ServiceContext.$current.withValue(rootContext) {
            try await ServiceScope.run { scope in
                var request = ServiceContext.topLevel
                request[Request.self] = "request 42"
                try await ServiceContext.$current.withValue(request) {
                    _ = try await scope.service("svc") { (ctx: RoostScope.ServiceContext<Int>) in
                        seen(ServiceContext.current?[Request.self] ?? "none")
                        try ctx.register(1)
                        try await ctx.noMoreDependents()
                    }
                }
            }
        }
        #expect(seen.events == ["root"])
    }

    @Test("cancelling the task that runs the root stops its services top-down, then the root returns")
    func cancelledRoot() async throws {
        let log = Recorder()
        let started = Gate()
        let root = Task {
            try await ServiceScope.run { scope in
                _ = try await scope.service("A") { (ctx: RoostScope.ServiceContext<Int>) in
                    _ = try await ctx.service("B") { (ctx: RoostScope.ServiceContext<Int>) in
                        try ctx.register(2)
                        try await ctx.noMoreDependents()
                        log("stop B")
                    }
                    try ctx.register(1)
                    try await ctx.noMoreDependents()
                    log("stop A")
                }
                started.open()
                try await untilCancelled()
            }
        }
        try await started.wait()
        root.cancel()
        await #expect(throws: CancellationError.self) { try await root.value }
        #expect(log.events == ["stop A", "stop B"])
    }
}
