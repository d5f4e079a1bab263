import Logging
import RoostScope
import Testing

@Suite("Introspection", .timeLimit(.minutes(1)))
struct IntrospectionTests {
    @Test("the graph lists scopes, states and use counts as text and as DOT")
    func graphTextAndDot() async throws {
        let log = Recorder()
        try await ServiceScope.run("app") { scope in
            _ = try await scope.service("db") { (ctx: ServiceContext<String>) in
                _ = try await ctx.service("config", simpleService("cfg", log: log))
                try ctx.register("db")
                try await ctx.noMoreDependents()
            }
            _ = try await scope.service("db", as: String.self) { _ in }
            try await scope.usingScope("report") { use in
                _ = try await use.service("config", simpleService("cfg", log: log))
                let graph = use.graph
                #expect(
                    graph.text == """
                        root app
                          app [main, running] uses db×2
                          db [service, running, 2 uses] uses config×1
                          config [service, running, 2 uses]
                          report [usage, running, in app] uses config×1
                        """)
                let dot = graph.dot
                #expect(dot.hasPrefix("digraph \"app\" {"))
                #expect(dot.contains("\"db\" [label=\"db\\nrunning\", shape=ellipse];"))
                #expect(dot.contains("\"app\" [label=\"app\\nrunning\", shape=box];"))
                #expect(dot.contains("\"app\" -> \"db\" [label=\"2\"];"))
                #expect(dot.contains("\"db\" -> \"config\" [label=\"1\"];"))
                #expect(dot.contains("\"app\" -> \"report\" [style=dotted, arrowhead=none];"))
                #expect(dot.hasSuffix("}"))
            }
        }
    }

    @Test("starting services are dashed in DOT; names are escaped")
    func dotStatesAndEscaping() async throws {
        let hold = Gate()
        try await ServiceScope.run("a \"quoted\" root") { scope in
            try scope.spawn {
                _ = try await scope.service("slow") { (ctx: ServiceContext<Int>) in
                    try await hold.wait()
                    try ctx.register(1)
                    try await ctx.noMoreDependents()
                }
            }
            try await waitUntil("slow is starting") { scope.graph.node("slow") != nil }
            let graph = scope.graph
            #expect(graph.node("slow")?.state == .starting)
            #expect(graph.dot.contains("\"slow\" [label=\"slow\\nstarting\", shape=ellipse, style=dashed];"))
            #expect(graph.dot.hasPrefix("digraph \"a \\\"quoted\\\" root\" {"))
            hold.open()
        }
    }

    @Test("every scope's logger carries its name in metadata")
    func loggerMetadata() async throws {
        let store = CapturingLogHandler.Store()
        var logger = Logger(label: "test") { _ in CapturingLogHandler(store: store) }
        logger.logLevel = .debug
        try await ServiceScope.run("app", logger: logger) { scope in
            scope.logger.info("root says hi")
            _ = try await scope.service("db") { (ctx: ServiceContext<Int>) in
                ctx.logger.info("db says hi")
                try ctx.register(1)
                try await ctx.noMoreDependents()
            }
            try await scope.usingScope("job") { use in use.logger.info("job says hi") }
        }
        let entries = store.all
        func scopeOf(_ message: String) -> String? {
            entries.first { $0.message == message }?.metadata["scope"].map { "\($0)" }
        }
        #expect(scopeOf("root says hi") == "app")
        #expect(scopeOf("db says hi") == "db")
        #expect(scopeOf("job says hi") == "job")
        #expect(entries.contains { $0.message == "registered" && $0.metadata["scope"] == "db" })
    }
}
