import Testing

@testable import RoostRedis

@Suite("Which commands may share a connection")
struct RedisCommandSharingTests {
    @Test("ordinary commands share, in any letter case", arguments: ["GET", "set", "EvalSha", "XADD", "PUBLISH"])
    func ordinary(name: String) {
        #expect(RedisCommand(name, "key").canShareConnection)
    }

    @Test("blocking and connection-state commands do not", arguments: [
        "BLPOP", "brpop", "BLMOVE", "BZPOPMIN", "WAIT", "SELECT", "multi", "EXEC", "WATCH", "SUBSCRIBE", "CLIENT",
        "HELLO", "AUTH", "RESET", "MONITOR",
    ])
    func connectionBound(name: String) {
        #expect(!RedisCommand(name, "key").canShareConnection)
    }

    @Test("XREAD and XREADGROUP share unless they block")
    func streams() {
        #expect(RedisCommand("XREAD", "COUNT", 10, "STREAMS", "s", "0").canShareConnection)
        #expect(!RedisCommand("XREAD", "block", 0, "STREAMS", "s", "$").canShareConnection)
        #expect(!RedisCommand("XREADGROUP", "GROUP", "g", "c", "BLOCK", 100, "STREAMS", "s", ">").canShareConnection)
    }

    @Test("a command marked blocking does not share, whatever its name")
    func markedBlocking() {
        #expect(!RedisCommand("MODULE.WAIT", arguments: ["key"], isBlocking: true).canShareConnection)
    }

    @Test("a pipeline shares when each command may, or is part of a transaction it opens and closes")
    func pipelines() {
        let set = RedisCommand("SET", "k", "v")
        #expect([set, RedisCommand("INCR", "n")].canShareConnection)
        #expect([RedisCommand("MULTI"), set, RedisCommand("INCR", "n"), RedisCommand("EXEC")].canShareConnection)
        #expect([RedisCommand("multi"), set, RedisCommand("discard"), set].canShareConnection)
        let (multi, exec) = (RedisCommand("MULTI"), RedisCommand("EXEC"))
        #expect([multi, exec, multi, set, exec].canShareConnection)
        // A transaction left open, closed without being opened, nested, or holding a
        // command that may not share keeps the pipeline on a connection of its own.
        #expect(![RedisCommand("MULTI"), set].canShareConnection)
        #expect(![set, RedisCommand("EXEC")].canShareConnection)
        #expect(![RedisCommand("MULTI"), RedisCommand("MULTI"), set, RedisCommand("EXEC")].canShareConnection)
        #expect(![RedisCommand("MULTI"), RedisCommand("SELECT", 1), RedisCommand("EXEC")].canShareConnection)
        #expect(![RedisCommand("WATCH", "k"), RedisCommand("MULTI"), set, RedisCommand("EXEC")].canShareConnection)
    }
}
