import RoostScope
import RoostTestSupport
import Testing

@Suite("Keep-alive", .timeLimit(.minutes(1)))
struct KeepAliveTests {
    static func counting(_ instances: Counter, log: Recorder) -> @Sendable (ServiceContext<Int>) async throws -> Void {
        { ctx in
            let me = instances.next()
            try ctx.register(me)
            try await ctx.noMoreDependents()
            log("stop \(me)")
        }
    }

    @Test("a re-acquire within the grace period reuses the service; it stops once the period passes idle")
    func reuseAndExpiry() async throws {
        let clock = ManualClock()
        let log = Recorder()
        let instances = Counter()
        let factory = Self.counting(instances, log: log)
        try await ServiceScope.run("main", clock: clock) { scope in
            let first = try await scope.service("cache", keepAlive: .seconds(5), factory)
            try scope.release("cache")
            await clock.waitForSleepers(count: 1)
            #expect(scope.graph.node("cache")?.state == .idle)

            clock.advance(by: .seconds(3))
            let again = try await scope.service("cache", keepAlive: .seconds(5), factory)
            #expect(again == first)
            #expect(scope.graph.node("cache")?.state == .running)
            try scope.release("cache")

            // The grace period restarts at the second release (t = 3s), so it ends at 8s.
            clock.advance(by: .seconds(2))
            await clock.waitForSleepers(count: 1)
            #expect(scope.graph.node("cache")?.state == .idle)
            #expect(log.events.isEmpty)

            clock.advance(by: .seconds(3))
            try await waitUntil("the idle service stopped") { scope.graph.node("cache") == nil }
            #expect(log.events == ["stop 1"])

            let third = try await scope.service("cache", keepAlive: .seconds(5), factory)
            #expect(third == 2)
        }
        #expect(log.events == ["stop 1", "stop 2"])
    }

    @Test("a service still in use when the period would end keeps running")
    func inUseAtDeadline() async throws {
        let clock = ManualClock()
        let log = Recorder()
        let factory = Self.counting(Counter(), log: log)
        try await ServiceScope.run("main", clock: clock) { scope in
            _ = try await scope.service("cache", keepAlive: .seconds(5), factory)
            try scope.release("cache")
            await clock.waitForSleepers(count: 1)
            _ = try await scope.service("cache", keepAlive: .seconds(5), factory)
            clock.advance(by: .seconds(10))
            try await waitUntil("the timer gave up") { clock.sleeperCount == 0 }
            try await scope.usingScope { _ in }  // let the timer's last look at the graph settle
            #expect(scope.graph.node("cache")?.state == .running)
            #expect(log.events.isEmpty)
        }
        #expect(log.events == ["stop 1"])
    }

    @Test("root shutdown stops idle services at once, without waiting out the period")
    func shutdownSkipsGrace() async throws {
        let clock = ManualClock()
        let log = Recorder()
        let factory = Self.counting(Counter(), log: log)
        try await ServiceScope.run("main", clock: clock) { scope in
            _ = try await scope.service("cache", keepAlive: .seconds(3600), factory)
            try scope.release("cache")
            await clock.waitForSleepers(count: 1)
            _ = try await scope.service("held", keepAlive: .seconds(3600), factory)
        }
        #expect(Set(log.events) == ["stop 1", "stop 2"])
    }
}
