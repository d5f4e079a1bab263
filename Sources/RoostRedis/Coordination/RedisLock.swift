import RoostCoordination
import RoostTasks

/// A ``DistributedLock`` kept in Redis: one holder per key across every process that
/// uses the same server and namespace.
///
/// Acquiring writes two commands in one pipeline: `SET key token NX PX ttl` and `INCR` of
/// a companion key, whose value is the fencing token of the lease when the `SET`
/// succeeds. The counter survives releases and grows with every attempt, so tokens grow
/// strictly per key. No transaction is needed to keep them in holders' order: an
/// acquisition whose replies take 99 % of its time to live or more gives the key back and
/// counts as failed, so every holder's `INCR` ran while the key was still its own.
/// Release and extend are Lua scripts that act only while the key still holds the lease's
/// random token, so a holder whose lease expired cannot free or prolong a newer holder's
/// lock. The server measures time to live.
///
/// Waiting, renewal and `withLock` come from ``DistributedLock``: waiters poll with the
/// jittered ``retryBackoff``, and a lease taken over by another process is noticed (and
/// marked lost) at its next renewal or extend.
///
/// ```swift
/// let lock = RedisLock(client: pool)
/// try await lock.withLock("invoice:42", ttl: .seconds(10), timeout: .seconds(3)) { lease in
///     try await invoices.send(42, fencingToken: lease.fencingToken)
/// }
/// ```
public final class RedisLock: DistributedLock {
    /// The server the locks live on.
    public let client: any RedisCommandSender
    /// Prepended to every key, keeping these locks apart from other data.
    public let namespace: String
    /// The clock that timeouts, retry delays and renewals are measured on.
    public let clock: ContinuousClock
    /// The delays between attempts while waiting for a held key.
    public let retryBackoff: Backoff

    /// Creates a lock client.
    ///
    /// - Parameters:
    ///   - client: The server connection or pool.
    ///   - namespace: Prepended to every key; the lock of `key` is stored at
    ///     `namespace{key}` and its fencing counter at `namespace{key}:fence`.
    ///   - retryBackoff: The jittered delays between attempts while a key stays held.
    public init(
        client: some RedisCommandSender, namespace: String = "roost:lock:",
        retryBackoff: Backoff = Backoff(base: .milliseconds(10), cap: .seconds(1), jitter: .equal)
    ) {
        self.client = client
        self.namespace = namespace
        self.clock = ContinuousClock()
        self.retryBackoff = retryBackoff
    }

    /// Acquires `key` for `ttl` if nobody holds it; see ``DistributedLock``. Returns nil
    /// too when the server's answer took 99 % of `ttl` or more: the key is given back, as
    /// a lease that late could not be trusted (waiting acquisitions try again).
    public func tryAcquire(_ key: String, ttl: Duration) async throws -> LockLease? {
        try Self.validate(key, ttl: ttl)
        let token = LockLease.randomToken()
        guard let fence = try await acquire(key, token: token, ttl: ttl) else { return nil }
        return LockLease(key: key, token: token, fencingToken: fence, ttl: ttl)
    }

    /// Releases the lease if its token still owns the key; the lease counts as released
    /// either way.
    @discardableResult
    public func release(_ lease: LockLease) async throws -> Bool {
        let released = try await release(lease.key, token: lease.token)
        lease.markReleased()
        return released
    }

    /// Resets the lease's time to live to `ttl` if its token still owns the key; marks it
    /// lost otherwise.
    public func extend(_ lease: LockLease, ttl: Duration) async throws -> Bool {
        try Self.validate(lease.key, ttl: ttl)
        let owned = try await extend(lease.key, token: lease.token, ttl: ttl)
        if !owned { lease.markLost(.expired) }
        return owned
    }

    /// Sets `key` to `token` for `ttl` if it is free; returns the new fencing token, or
    /// nil when the key is held or the answer came too late.
    ///
    /// The `SET` and the fencing counter's `INCR` are written together, so the server runs
    /// the `INCR` right after the `SET`, with no transaction around them (`MULTI` and
    /// `EXEC` would cost the server two more commands per acquisition). The token still
    /// orders holders strictly:
    /// - it is larger than every earlier holder's, since an earlier holder's key was gone
    ///   (released after its `INCR` was answered, or expired) before this `SET` ran;
    /// - it is smaller than every later holder's as long as this key still existed when
    ///   the `INCR` ran. The replies coming back within `ttl` of sending prove that; so an
    ///   acquisition answered after 99 % of `ttl` (1 % for the clocks' drift) gives the
    ///   key back and counts as failed.
    ///
    /// ``forceRelease(_:)`` deletes the key whatever runs around it; a holder whose two
    /// commands it falls between (they arrive together, so only when the server reads
    /// them in two parts) may get a token above the next holder's.
    func acquire(_ key: String, token: String, ttl: Duration) async throws -> UInt64? {
        let sent = clock.now
        let replies = try await client.pipeline(
            [
                RedisCommand("SET", .string(lockKey(key)), .string(token), "NX", "PX", .integer(ttl.redisMilliseconds)),
                RedisCommand("INCR", .string(fenceKey(key))),
            ], timeout: nil)
        if try replies[0].get().isNull { return nil }
        let fence: Int64
        do {
            let counter = try replies[1].get()
            guard let value = counter.integer, value > 0 else {
                throw RedisProtocolError.unexpected(counter, expected: "a positive integer")
            }
            fence = value
        } catch {
            // The key is ours but has no token to go with it: give it back. Should that
            // fail too, the key expires after `ttl`; the counter's error is the cause.
            _ = try? await release(key, token: token)
            throw error
        }
        guard sent.duration(to: clock.now) < ttl * 0.99 else {
            _ = try await release(key, token: token)
            return nil
        }
        return UInt64(fence)
    }

    /// Raises the fencing counter of `key` to at least `value` (Redlock keeps its servers'
    /// counters in step with this).
    func raiseFence(_ key: String, to value: UInt64) async throws {
        try await Self.raiseFenceScript.run(on: client, keys: [fenceKey(key)], arguments: [.integer(Int64(value))])
    }

    /// Deletes `key` if `token` holds it.
    func release(_ key: String, token: String) async throws -> Bool {
        try Self.flag(try await Self.releaseScript.run(on: client, keys: [lockKey(key)], arguments: [.string(token)]))
    }

    /// Resets the time to live of `key` if `token` holds it.
    func extend(_ key: String, token: String, ttl: Duration) async throws -> Bool {
        try Self.flag(
            try await Self.extendScript.run(
                on: client, keys: [lockKey(key)], arguments: [.string(token), .integer(ttl.redisMilliseconds)]))
    }

    /// Whether somebody holds `key` now.
    public func isLocked(_ key: String) async throws -> Bool {
        try Self.flag(try await client.send(RedisCommand("EXISTS", .string(lockKey(key))), timeout: nil))
    }

    /// Frees `key` whoever holds it. The holder finds its lease lost at its next renewal
    /// or extend.
    @discardableResult
    public func forceRelease(_ key: String) async throws -> Bool {
        try Self.flag(try await client.send(RedisCommand("DEL", .string(lockKey(key))), timeout: nil))
    }

    private func lockKey(_ key: String) -> String { "\(namespace){\(key)}" }
    private func fenceKey(_ key: String) -> String { "\(namespace){\(key)}:fence" }

    static func validate(_ key: String, ttl: Duration) throws {
        if ttl <= .zero { throw LockError(key: key, reason: .invalidTTL(ttl)) }
    }

    private static func flag(_ reply: RESPValue) throws -> Bool {
        guard let value = reply.integer, value == 0 || value == 1 else {
            throw RedisProtocolError.unexpected(reply, expected: "0 or 1")
        }
        return value == 1
    }

    /// KEYS fence; ARGV value. Sets the counter to the value if it is lower.
    static let raiseFenceScript = RedisScript(
        """
        if tonumber(redis.call('GET', KEYS[1]) or '0') < tonumber(ARGV[1]) then
          redis.call('SET', KEYS[1], ARGV[1])
        end
        return 0
        """)

    /// KEYS lock; ARGV token. Deletes the lock only if the token owns it.
    static let releaseScript = RedisScript(
        """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """)

    /// KEYS lock; ARGV token, ttl ms. Resets the time to live only if the token owns it.
    static let extendScript = RedisScript(
        """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 0
        """)
}
