import Crypto

/// Something that sends one Redis command and returns its reply: a single
/// ``RedisConnection`` or a ``RedisConnectionPool``. The Redis coordination types
/// (``RedisCounter``, ``RedisRateLimiter``, ``RedisLock``) work on either.
///
/// ```swift
/// let counter = RedisCounter(client: pool)        // a pool
/// let lock = RedisLock(client: connection)        // or one connection
/// ```
public protocol RedisCommandSender: Sendable {
    /// Sends `command` and returns its reply; an error reply throws ``RedisServerError``.
    @discardableResult
    func send(_ command: RedisCommand, timeout: Duration?) async throws -> RESPValue

    /// Writes all `commands` at once on one connection and returns each one's outcome, in
    /// order.
    func pipeline(_ commands: [RedisCommand], timeout: Duration?) async throws -> [Result<RESPValue, any Error>]
}

extension RedisConnection: RedisCommandSender {}
extension RedisConnectionPool: RedisCommandSender {}

/// A Lua script run atomically on the server, sent by its SHA1 digest (`EVALSHA`) so the
/// source crosses the network only once per server.
///
/// When the server does not know the script yet (after a restart or `SCRIPT FLUSH`) it
/// answers `NOSCRIPT`, and the script is sent whole with `EVAL`, which also caches it.
///
/// ```swift
/// let script = RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
/// let value = try await script.run(on: connection, keys: ["hits"], arguments: [5])
/// ```
public struct RedisScript: Sendable, Hashable {
    /// The Lua source.
    public let source: String
    /// The SHA1 digest of the source, as 40 lowercase hex digits: the name `EVALSHA` uses.
    public let sha1: String

    /// Creates a script and computes its digest.
    public init(_ source: String) {
        self.source = source
        let digest = Insecure.SHA1.hash(data: Array(source.utf8))
        let hexDigits: [Character] = Array("0123456789abcdef")
        var hex = ""
        hex.reserveCapacity(40)
        for byte in digest {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0f)])
        }
        self.sha1 = hex
    }

    /// Runs the script with `EVALSHA`, falling back to `EVAL` when the server answers
    /// `NOSCRIPT`; returns the script's reply.
    ///
    /// - Throws: ``RedisServerError`` when the script fails on the server, or the client's
    ///   connection and timeout errors.
    @discardableResult
    public func run(
        on client: some RedisCommandSender, keys: [String] = [], arguments: [RedisArgument] = [],
        timeout: Duration? = nil
    ) async throws -> RESPValue {
        do {
            return try await client.send(command("EVALSHA", .string(sha1), keys, arguments), timeout: timeout)
        } catch let error as RedisServerError where error.kind == .noScript {
            return try await client.send(command("EVAL", .string(source), keys, arguments), timeout: timeout)
        }
    }

    private func command(
        _ name: String, _ script: RedisArgument, _ keys: [String], _ arguments: [RedisArgument]
    ) -> RedisCommand {
        var all: [RedisArgument] = []
        all.reserveCapacity(2 + keys.count + arguments.count)
        all.append(script)
        all.append(.integer(Int64(keys.count)))
        for key in keys { all.append(.string(key)) }
        all.append(contentsOf: arguments)
        return RedisCommand(name, arguments: all)
    }
}

extension Duration {
    /// The duration in whole milliseconds, rounded up so that a positive duration is never
    /// zero: what `PX` and `PEXPIRE` take.
    var redisMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let perMillisecond: Int64 = 1_000_000_000_000_000
        let (whole, rest) = attoseconds.quotientAndRemainder(dividingBy: perMillisecond)
        return seconds * 1_000 + whole + (rest > 0 ? 1 : 0)
    }
}
