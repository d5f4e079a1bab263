extension RedisCommand {
    /// Whether the command can go on a connection that other tasks use at the same time.
    ///
    /// Not when it blocks (it would hold up every command queued behind it on that
    /// connection) or when it changes or depends on the connection's own state: the
    /// database (`SELECT`), a transaction (`MULTI`, `EXEC`, `WATCH`), subscriptions,
    /// the client's settings (`CLIENT`, `HELLO`, `AUTH`, `RESET`) and replication streams.
    /// ``RedisConnectionPool/send(_:timeout:)`` and ``RedisConnectionPool/pipeline(_:timeout:)``
    /// send such a command on a connection leased for it alone.
    var canShareConnection: Bool {
        if isBlocking { return false }
        let upper = upperName
        if Self.connectionBound.contains(upper) { return false }
        if upper == "XREAD" || upper == "XREADGROUP" {
            // Blocking only with a BLOCK option.
            return !arguments.contains { argument in
                if case .string(let word) = argument { word.count == 5 && word.uppercased() == "BLOCK" } else { false }
            }
        }
        return true
    }

    /// The command's name in capitals, allocating only when it has small letters.
    fileprivate var upperName: String {
        name.utf8.contains(where: { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }) ? name.uppercased() : name
    }

    /// Commands that block or that change or depend on their connection's state.
    private static let connectionBound: Set<String> = [
        // Blocking.
        "BLPOP", "BRPOP", "BLMOVE", "BRPOPLPUSH", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP", "WAIT", "WAITAOF",
        // The connection's database, transaction, subscriptions and settings.
        "SELECT", "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH", "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE",
        "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE", "CLIENT", "HELLO", "AUTH", "RESET", "QUIT", "READONLY",
        "READWRITE", "ASKING",
        // Commands that turn the connection into a stream or stall the server for it.
        "MONITOR", "SYNC", "PSYNC", "DEBUG",
    ]
}

extension Array where Element == RedisCommand {
    /// Whether these commands, sent as one pipeline, can go on a connection that other
    /// tasks use at the same time: each of them can, or is the `MULTI` and `EXEC` (or
    /// `DISCARD`) of a transaction that opens and closes within the pipeline. A pipeline
    /// is written at once, so no other task's command can fall inside such a transaction,
    /// and the connection is out of it again after the pipeline.
    var canShareConnection: Bool {
        var inTransaction = false
        for command in self {
            switch command.upperName {
            case "MULTI":
                if inTransaction { return false }
                inTransaction = true
            case "EXEC", "DISCARD":
                if !inTransaction { return false }
                inTransaction = false
            default:
                if !command.canShareConnection { return false }
            }
        }
        return !inTransaction
    }
}
