import RoostScope
import Testing

@Suite("Teardown order and sharing", .timeLimit(.minutes(1)))
struct TeardownTests {
    @Test("main → B → C: the user stops first, then B, then C", arguments: [true, false])
    func chainCleanupOrder(waitForNoMoreDependents: Bool) async throws {
        let log = Recorder()
        @Sendable func stop(_ ctx: ServiceContext<String>) async throws {
            if waitForNoMoreDependents {
                try await ctx.noMoreDependents()
                log("stop \(ctx.name)")
            } else {
                do { try await untilCancelled() } catch { log("stop \(ctx.name)") }
            }
        }
        try await ServiceScope.run("main") { scope in
            let started = Gate()
            try scope.spawn {
                let b = try await scope.service("B") { (ctx: ServiceContext<String>) in
                    let c = try await ctx.service("C") { (ctx: ServiceContext<String>) in
                        try ctx.register("c")
                        try await stop(ctx)
                    }
                    try ctx.register("b+" + c)
                    try await stop(ctx)
                }
                log("main got \(b)")
                started.open()
                do { try await untilCancelled() } catch {
                    log("main task cancelled")
                    throw error
                }
            }
            try await started.wait()
        }
        #expect(log.events == ["main got b+c", "main task cancelled", "stop B", "stop C"])
    }

    @Test("diamond: B1, B2 → C1, C2 → D with D registering late; each starts once and all stop")
    func diamond() async throws {
        let log = Recorder()
        let instances = Counter()
        let releaseD = Gate()

        let d: @Sendable (ServiceContext<Int>) async throws -> Void = { ctx in
            log("start D")
            try await releaseD.wait()
            try ctx.register(instances.next())
            try await ctx.noMoreDependents()
            log("stop D")
        }
        @Sendable func c(_ ctx: ServiceContext<Int>) async throws {
            log("start \(ctx.name)")
            let me = instances.next()
            try ctx.register(me)
            let dValue = try await ctx.service("D", d)
            log("\(ctx.name) got D=\(dValue)")
            try await ctx.noMoreDependents()
            log("stop \(ctx.name)")
        }
        @Sendable func b(_ ctx: ServiceContext<String>) async throws {
            log("start \(ctx.name)")
            let c2 = try await ctx.service("C2", c)
            let c1 = try await ctx.service("C1", c)
            try ctx.register("C1=\(c1) C2=\(c2)")
            try await ctx.noMoreDependents()
            log("stop \(ctx.name)")
        }

        try await ServiceScope.run("main") { scope in
            let b1 = try await scope.service("B1", b)
            let b2 = try await scope.service("B2", b)
            #expect(b1 == b2)
            try await waitUntil("C1 and C2 wait for D") {
                let d = scope.graph.node("D")
                return d?.state == .starting && d?.useCount == 2
            }
            releaseD.open()
            try await waitUntil("both C got D") { log.count("C1 got D=3") == 1 && log.count("C2 got D=3") == 1 }
        }
        for name in ["B1", "B2", "C1", "C2", "D"] {
            #expect(log.count("start \(name)") == 1, "\(name) started once")
            #expect(log.count("stop \(name)") == 1, "\(name) stopped cleanly")
        }
        let events = log.events
        let position = { (event: String) in events.firstIndex(of: event) ?? -1 }
        #expect(position("stop D") > position("stop C1"))
        #expect(position("stop D") > position("stop C2"))
        for user in ["stop B1", "stop B2"] {
            #expect(position(user) < position("stop C1"))
            #expect(position(user) < position("stop C2"))
        }
    }

    @Test("a usage scope releases the chain A → B → C it started")
    func usageScopeReleasesChain() async throws {
        let log = Recorder()
        try await ServiceScope.run("main") { scope in
            let value = try await scope.usingScope("work") { use in
                try await use.service("A") { (ctx: ServiceContext<String>) in
                    let b = try await ctx.service("B") { (ctx: ServiceContext<String>) in
                        let c = try await ctx.service("C", simpleService("c", log: log))
                        try ctx.register("b" + c)
                        try await ctx.noMoreDependents()
                        log("stop B")
                    }
                    try ctx.register("a" + b)
                    try await ctx.noMoreDependents()
                    log("stop A")
                }
            }
            #expect(value == "abc")
            try await waitUntil("the chain stopped") { scope.graph.nodes.count == 1 }
            #expect(log.events == ["start C", "stop A", "stop B", "stop C"])
        }
    }

    @Test("the first caller holds one use: one release stops the service")
    func firstCallerCountedOnce() async throws {
        let log = Recorder()
        try await ServiceScope.run("main") { scope in
            _ = try await scope.service("S", simpleService(1, log: log))
            #expect(scope.graph.node("S")?.useCount == 1)
            _ = try await scope.service("S", simpleService(2, log: log))
            #expect(scope.graph.node("S")?.useCount == 2)
            try scope.release("S")
            #expect(scope.graph.node("S")?.state == .running)
            try scope.release("S")
            try await waitUntil("S stopped") { scope.graph.node("S") == nil }
            #expect(log.events == ["start S", "stop S"])
        }
    }

    @Test("releaseAll drops every use at once")
    func releaseAll() async throws {
        let log = Recorder()
        try await ServiceScope.run("main") { scope in
            for _ in 0..<3 { _ = try await scope.service("S", simpleService(1, log: log)) }
            #expect(scope.graph.node("S")?.useCount == 3)
            try scope.releaseAll("S")
            try await waitUntil("S stopped") { log.contains("stop S") }
        }
    }

    @Test("a service whose users are gone and that does not wait is cancelled")
    func notWaitingMeansCancelled() async throws {
        let log = Recorder()
        try await ServiceScope.run("main") { scope in
            _ = try await scope.service("S") { (ctx: ServiceContext<Int>) in
                try ctx.register(1)
                do { try await untilCancelled() } catch {
                    log("S cancelled")
                    throw error
                }
            }
            try scope.release("S")
            try await waitUntil("S cancelled") { log.contains("S cancelled") }
        }
    }

    @Test("a request for a stopping service waits for it to end, then starts a fresh one")
    func requestWhileStopping() async throws {
        let log = Recorder()
        let instances = Counter()
        let finishStop = Gate()
        let factory: @Sendable (ServiceContext<Int>) async throws -> Void = { ctx in
            try ctx.register(instances.next())
            try await ctx.noMoreDependents()
            log("stopping")
            try await finishStop.wait()
            log("stopped")
        }
        try await ServiceScope.run("main") { scope in
            let first = try await scope.service("S", factory)
            try scope.release("S")
            try await waitUntil("S is stopping") { log.contains("stopping") }
            try scope.spawn {
                try await waitUntil("the new request waits") { scope.graph.node("S")?.state == .stopping }
                finishStop.open()
            }
            let second = try await scope.service("S", factory)
            #expect(first == 1)
            #expect(second == 2)
            #expect(log.events == ["stopping", "stopped"])
        }
    }
}
