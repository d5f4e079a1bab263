import Logging
import RoostScope
import Testing

@Suite("Errors", .timeLimit(.minutes(1)))
struct ErrorTests {
    @Test("an error in the root body comes out unchanged, after its services stopped")
    func mainErrorUnchanged() async throws {
        let log = Recorder()
        await #expect(throws: Boom(id: 7)) {
            try await ServiceScope.run("main") { scope in
                _ = try await scope.service("S", simpleService(1, log: log))
                throw Boom(id: 7)
            }
        }
        #expect(log.events == ["start S", "stop S"])
    }

    @Test("requesting a service that would close a cycle fails and names the cycle")
    func cycle() async throws {
        let error = await #expect(throws: ScopeError.self) {
            try await ServiceScope.run("main") { scope in
                _ = try await scope.service("A") { (ctx: ServiceContext<Int>) in
                    _ = try await ctx.service("B") { (ctx: ServiceContext<Int>) in
                        _ = try await ctx.service("A", as: Int.self) { _ in Issue.record("A started twice") }
                        try ctx.register(2)
                    }
                    try ctx.register(1)
                }
            }
        }
        #expect(error?.kind == .cycle(["B", "A", "B"]))
        #expect(error?.code == "scope.cycle")
        #expect(error?.message.contains("B → A → B") == true)
    }

    @Test("a service requesting itself is a cycle")
    func selfCycle() async throws {
        let error = await #expect(throws: ScopeError.self) {
            try await ServiceScope.run("main") { scope in
                _ = try await scope.service("A") { (ctx: ServiceContext<Int>) in
                    _ = try await ctx.service("A", as: Int.self) { _ in }
                    try ctx.register(1)
                }
            }
        }
        #expect(error?.kind == .cycle(["A", "A"]))
    }

    @Test("a usage block's requests count for its service when checking cycles")
    func cycleThroughUsageScope() async throws {
        let error = await #expect(throws: ScopeError.self) {
            try await ServiceScope.run("main") { scope in
                _ = try await scope.service("A") { (ctx: ServiceContext<Int>) in
                    try ctx.register(1)
                    try await ctx.usingScope { use in
                        _ = try await use.service("B") { (ctx: ServiceContext<Int>) in
                            _ = try await ctx.service("A", as: Int.self) { _ in }
                            try ctx.register(2)
                        }
                    }
                    try await ctx.noMoreDependents()
                }
                // A fails after registering, which fails the root and cancels this wait.
                try await untilCancelled()
            }
        }
        #expect(error?.kind == .cycle(["B", "A", "B"]))
    }

    @Test("an error before register reaches every waiting caller, direct and transitive, unchanged")
    func startupErrorReachesAllWaiters() async throws {
        let log = Recorder()
        let fail = Gate()
        let c: @Sendable (ServiceContext<Int>) async throws -> Void = { _ in
            try await fail.wait()
            throw Boom(id: 3)
        }
        let b: @Sendable (ServiceContext<Int>) async throws -> Void = { ctx in
            let value = try await ctx.service("C", c)
            try ctx.register(value)
        }
        let a: @Sendable (ServiceContext<Int>) async throws -> Void = { ctx in
            let value = try await ctx.service("B", b)
            try ctx.register(value)
        }
        try await ServiceScope.run("main") { scope in
            @Sendable func attempt(_ label: String, _ body: @escaping @Sendable () async throws -> Int) throws {
                try scope.spawn {
                    do {
                        _ = try await body()
                        log("\(label): no error")
                    } catch let error as Boom {
                        log("\(label): Boom \(error.id)")
                    }
                }
            }
            try attempt("direct 1") { try await scope.service("C", c) }
            try attempt("direct 2") { try await scope.service("C", c) }
            try attempt("via B") { try await scope.service("B", b) }
            try attempt("via A") { try await scope.service("A", a) }
            try await waitUntil("everyone waits") {
                scope.graph.node("C")?.useCount == 3 && scope.graph.node("B")?.useCount == 2
            }
            fail.open()
            try await waitUntil("everyone got the error") { log.events.count == 4 }
            #expect(scope.graph.nodes.count == 1)
        }
        #expect(Set(log.events) == ["direct 1: Boom 3", "direct 2: Boom 3", "via B: Boom 3", "via A: Boom 3"])
    }

    @Test("a factory that throws before it first suspends gives its caller the original error, not logged as lost")
    func immediateStartupError() async throws {
        let store = CapturingLogHandler.Store()
        let logger = Logger(label: "test") { _ in CapturingLogHandler(store: store) }
        try await ServiceScope.run("main", logger: logger) { scope in
            await #expect(throws: Boom(id: 4)) {
                _ = try await scope.service("S", as: Int.self) { _ in throw Boom(id: 4) }
            }
            #expect(scope.graph.nodes.count == 1)
        }
        #expect(!store.all.contains { $0.message.contains("nobody waiting") })
    }

    @Test("a caller cancelled while the service it started is starting gives up its use, and the service stops")
    func starterCancelledWhileStarting() async throws {
        try await ServiceScope.run("main") { scope in
            let starter = Task {
                try await scope.service("S", as: Int.self) { ctx in
                    try await Task.sleep(for: .seconds(60))
                    try ctx.register(1)
                }
            }
            try await waitUntil("S is starting") { scope.graph.node("S")?.useCount == 1 }
            starter.cancel()
            await #expect(throws: CancellationError.self) { try await starter.value }
            try await waitUntil("S has stopped") { scope.graph.node("S") == nil }
        }
    }

    @Test("a factory that returns without registering gives a clear error")
    func noRegister() async throws {
        let error = await #expect(throws: ScopeError.self) {
            try await ServiceScope.run("main") { scope in
                _ = try await scope.service("lazy", as: Int.self) { _ in }
            }
        }
        #expect(error?.kind == .notRegistered("lazy"))
        #expect(error?.code == "scope.service.not_registered")
    }

    @Test("a service failing after register fails the root with its own error")
    func errorAfterRegisterReachesRoot() async throws {
        let log = Recorder()
        let fail = Gate()
        await #expect(throws: Boom(id: 5)) {
            try await ServiceScope.run("main") { scope in
                _ = try await scope.service("S") { (ctx: ServiceContext<Int>) in
                    try ctx.register(1)
                    try await fail.wait()
                    throw Boom(id: 5)
                }
                _ = try await scope.service("other", simpleService(2, log: log))
                fail.open()
                do { try await untilCancelled() } catch {
                    log("main cancelled")
                    throw error
                }
            }
        }
        #expect(log.events == ["start other", "main cancelled", "stop other"])
    }

    @Test("a used service that ends cancels the usage block with ScopeDied; its owner keeps running")
    func scopeDiedInUsageBlockOnly() async throws {
        let log = Recorder()
        let endB = Gate()
        try await ServiceScope.run("main") { scope in
            _ = try await scope.service("A") { (ctx: ServiceContext<String>) in
                try ctx.register("a")
                do {
                    try await ctx.usingScope("A.use") { use in
                        let b = try await use.service("B") { (ctx: ServiceContext<String>) in
                            try ctx.register("b")
                            try await endB.wait()
                            log("B ends")
                        }
                        log("using \(b)")
                        try await untilCancelled()
                    }
                    log("usage block returned")
                } catch let died as ScopeDied {
                    log("\(died.scope) died because \(died.service) ended")
                }
                try await ctx.noMoreDependents()
                log("stop A")
            }
            try await waitUntil("A uses B") { log.contains("using b") }
            endB.open()
            try await waitUntil("the usage block died") { log.events.count == 3 }
            #expect(scope.graph.node("A")?.state == .running)
            #expect(scope.graph.node("B") == nil)
            try scope.release("A")
            try await waitUntil("A stopped") { log.contains("stop A") }
        }
        #expect(log.events == ["using b", "B ends", "A.use died because B ended", "stop A"])
    }

    @Test("a service the root body uses that ends makes the root throw ScopeDied")
    func scopeDiedInRoot() async throws {
        let endS = Gate()
        let error = await #expect(throws: ScopeDied.self) {
            try await ServiceScope.run("main") { scope in
                _ = try await scope.service("S") { (ctx: ServiceContext<Int>) in
                    try ctx.register(1)
                    try await endS.wait()
                }
                endS.open()
                try await untilCancelled()
            }
        }
        #expect(error?.scope == "main")
        #expect(error?.service == "S")
        #expect(error?.code == "scope.died")
    }

    @Test("a spawned task that throws cancels its scope, which ends with that error")
    func spawnedErrorFailsScope() async throws {
        await #expect(throws: Boom(id: 9)) {
            try await ServiceScope.run("main") { scope in
                try scope.spawn { throw Boom(id: 9) }
                try await untilCancelled()
            }
        }
    }

    @Test("spawned tasks are cancelled when the scope ends")
    func spawnedTasksCancelled() async throws {
        let log = Recorder()
        try await ServiceScope.run("main") { scope in
            try await scope.usingScope("block") { use in
                try use.spawn {
                    do { try await untilCancelled() } catch { log("cancelled") }
                }
            }
            #expect(log.events == ["cancelled"])
        }
    }

    @Test("lookup finds a registered value without using it; bad lookups throw typed errors")
    func lookup() async throws {
        let hold = Gate()
        try await ServiceScope.run("main") { scope in
            #expect(throws: ScopeError(.notFound("db"))) { try scope.lookup("db", as: Int.self) }
            try scope.spawn {
                _ = try await scope.service("slow") { (ctx: ServiceContext<Int>) in
                    try await hold.wait()
                    try ctx.register(2)
                    try await ctx.noMoreDependents()
                }
            }
            _ = try await scope.service("db", simpleService(42, log: Recorder()))
            #expect(try scope.lookup("db", as: Int.self) == 42)
            #expect(scope.graph.node("db")?.useCount == 1)
            #expect(
                throws: ScopeError(.typeMismatch(service: "db", expected: "String", actual: "Int"))
            ) { try scope.lookup("db", as: String.self) }
            try await waitUntil("slow is starting") { scope.graph.node("slow") != nil }
            #expect(throws: ScopeError(.notFound("slow"))) { try scope.lookup("slow", as: Int.self) }
            hold.open()
        }
    }

    @Test("joining a service with the wrong value type throws typeMismatch and holds no use")
    func joinTypeMismatch() async throws {
        try await ServiceScope.run("main") { scope in
            _ = try await scope.service("db", simpleService(42, log: Recorder()))
            await #expect(throws: ScopeError(.typeMismatch(service: "db", expected: "String", actual: "Int"))) {
                _ = try await scope.service("db", simpleService("x", log: Recorder()))
            }
            #expect(scope.graph.node("db")?.useCount == 1)
        }
    }

    @Test("register twice and noMoreDependents before register throw typed errors")
    func registerMisuse() async throws {
        let log = Recorder()
        try await ServiceScope.run("main") { scope in
            _ = try await scope.service("S") { (ctx: ServiceContext<Int>) in
                await #expect(throws: ScopeError(.waitBeforeRegister("S"))) { try await ctx.noMoreDependents() }
                try ctx.register(1)
                #expect(throws: ScopeError(.alreadyRegistered("S"))) { try ctx.register(2) }
                log("checked")
                try await ctx.noMoreDependents()
            }
        }
        #expect(log.events == ["checked"])
    }

    @Test("releasing a service the scope does not use throws notUsed")
    func releaseNotUsed() async throws {
        try await ServiceScope.run("main") { scope in
            #expect(throws: ScopeError(.notUsed("nothing"))) { try scope.release("nothing") }
            _ = try await scope.service("S", simpleService(1, log: Recorder()))
            try await scope.usingScope { use in
                #expect(throws: ScopeError(.notUsed("S"))) { try use.release("S") }
            }
        }
    }

    @Test("an ended scope refuses to spawn, acquire or release")
    func endedScope() async throws {
        try await ServiceScope.run("main") { scope in
            let ended = try await scope.usingScope("gone") { use in use }
            #expect(throws: ScopeError(.scopeEnded("gone"))) { try ended.spawn {} }
            #expect(throws: ScopeError(.scopeEnded("gone"))) { try ended.release("S") }
            await #expect(throws: ScopeError(.scopeEnded("gone"))) {
                _ = try await ended.service("S", simpleService(1, log: Recorder()))
            }
            await #expect(throws: ScopeError(.scopeEnded("gone"))) {
                _ = try await ended.usingScope { _ in 1 }
            }
            #expect(throws: ScopeError(.scopeEnded("gone"))) { try ended.lookup("S", as: Int.self) }
        }
    }
}
