import RoostCoordination
import RoostCore
import RoostTasks

/// A ``DistributedLock`` over several independent Redis servers (the Redlock algorithm),
/// for locks that must survive the loss of a server.
///
/// An acquisition sets the same random token on every server at once and succeeds when a
/// majority (the quorum) took it while time remained: the lock is valid for
/// `ttl − elapsed − drift`, where drift is `ttl × driftFactor + 2 ms`. Otherwise the
/// partial acquisition is undone on every server. Extend needs the quorum too; release
/// goes to every server.
///
/// The fencing token is the largest of the per-server counters the quorum returned, and
/// every server's counter is then raised to it. Since any two quorums share a server, the
/// next holder's token is larger, as long as servers keep their data (persistence on, no
/// failover to a replica that lags) and the raise lands before the lease expires; give the
/// protected storage a single source of truth when that cannot be promised.
///
/// ```swift
/// let redlock = RedisRedlock(clients: [poolA, poolB, poolC])
/// try await redlock.withLock("billing:run", ttl: .seconds(10), timeout: .seconds(2)) { lease in
///     try await billing.run(fencingToken: lease.fencingToken)
/// }
/// ```
public final class RedisRedlock: DistributedLock {
    /// One lock client per server.
    public let servers: [RedisLock]
    /// The clock that timeouts, retry delays and renewals are measured on.
    public let clock: ContinuousClock
    /// The delays between attempts while waiting for a held key.
    public let retryBackoff: Backoff
    /// The share of the time to live allowed for clock drift between servers.
    public let driftFactor: Double

    /// How many servers must agree: a majority.
    public var quorum: Int { servers.count / 2 + 1 }

    /// Creates a Redlock client.
    ///
    /// - Parameters:
    ///   - clients: Connections or pools to independent servers (not replicas of each
    ///     other); use an odd number, at least three.
    ///   - namespace: Prepended to every key, as for ``RedisLock``.
    ///   - driftFactor: The share of the time to live allowed for clock drift.
    ///   - retryBackoff: The jittered delays between attempts while a key stays held.
    public init(
        clients: [any RedisCommandSender], namespace: String = "roost:lock:", driftFactor: Double = 0.01,
        retryBackoff: Backoff = Backoff(base: .milliseconds(10), cap: .seconds(1), jitter: .equal)
    ) {
        precondition(!clients.isEmpty, "Redlock needs at least one server")
        servers = clients.map { RedisLock(client: $0, namespace: namespace) }
        clock = ContinuousClock()
        self.retryBackoff = retryBackoff
        self.driftFactor = driftFactor
    }

    /// Acquires `key` on a quorum of servers, or returns nil when others hold it.
    ///
    /// - Throws: ``RedlockError`` when too few servers answered to reach the quorum.
    public func tryAcquire(_ key: String, ttl: Duration) async throws -> LockLease? {
        try RedisLock.validate(key, ttl: ttl)
        let token = LockLease.randomToken()
        let start = clock.now
        let answers = await onEveryServer { try await $0.acquire(key, token: token, ttl: ttl) }
        let validity = ttl - start.duration(to: clock.now) - (ttl * driftFactor + .milliseconds(2))
        let fences = answers.compactMap { try? $0.get() }.compactMap { $0 }
        if fences.count >= quorum, validity > .zero, let fence = fences.max() {
            // Raise every server's counter to the token: any later quorum shares a server
            // with this one, so its token comes out larger.
            _ = await onEveryServer { try await $0.raiseFence(key, to: fence) }
            return LockLease(key: key, token: token, fencingToken: fence, ttl: ttl)
        }
        _ = await onEveryServer { try await $0.release(key, token: token) }
        try checkReachable(key, answers)
        return nil
    }

    /// Releases the lease on every server; true when a quorum still held it.
    @discardableResult
    public func release(_ lease: LockLease) async throws -> Bool {
        let answers = await onEveryServer { try await $0.release(lease.key, token: lease.token) }
        lease.markReleased()
        try checkReachable(lease.key, answers)
        return answers.count { (try? $0.get()) == true } >= quorum
    }

    /// Resets the lease's time to live on every server; succeeds when a quorum still held
    /// it, and marks the lease lost otherwise.
    public func extend(_ lease: LockLease, ttl: Duration) async throws -> Bool {
        try RedisLock.validate(lease.key, ttl: ttl)
        let answers = await onEveryServer { try await $0.extend(lease.key, token: lease.token, ttl: ttl) }
        try checkReachable(lease.key, answers)
        let owned = answers.count { (try? $0.get()) == true } >= quorum
        if !owned { lease.markLost(.expired) }
        return owned
    }

    /// Whether a quorum of servers has `key` locked.
    public func isLocked(_ key: String) async throws -> Bool {
        let answers = await onEveryServer { try await $0.isLocked(key) }
        try checkReachable(key, answers)
        return answers.count { (try? $0.get()) == true } >= quorum
    }

    /// Frees `key` on every server, whoever holds it; true when any server held it.
    @discardableResult
    public func forceRelease(_ key: String) async throws -> Bool {
        let answers = await onEveryServer { try await $0.forceRelease(key) }
        try checkReachable(key, answers)
        return answers.contains { (try? $0.get()) == true }
    }

    /// Runs `operation` against every server concurrently; results in server order.
    private func onEveryServer<Value: Sendable>(
        _ operation: @escaping @Sendable (RedisLock) async throws -> Value
    ) async -> [Result<Value, any Error>] {
        await withTaskGroup(of: (Int, Result<Value, any Error>).self) { group in
            for (index, server) in servers.enumerated() {
                group.addTask {
                    do { return (index, .success(try await operation(server))) } catch { return (index, .failure(error)) }
                }
            }
            var results = [Result<Value, any Error>?](repeating: nil, count: servers.count)
            for await (index, result) in group { results[index] = result }
            return results.map { $0 ?? .failure(CancellationError()) }
        }
    }

    /// Throws when fewer servers than the quorum answered at all.
    private func checkReachable<Value>(_ key: String, _ answers: [Result<Value, any Error>]) throws {
        var errors: [any Error] = []
        for case .failure(let error) in answers { errors.append(error) }
        if errors.contains(where: { $0 is CancellationError }) { throw CancellationError() }
        if answers.count - errors.count < quorum {
            throw RedlockError(key: key, answered: answers.count - errors.count, quorum: quorum, errors: errors)
        }
    }
}

/// Too few Redlock servers answered to decide.
public struct RedlockError: RoostError {
    /// The key of the operation.
    public let key: String
    /// How many servers answered.
    public let answered: Int
    /// How many were needed.
    public let quorum: Int
    /// The errors of the servers that did not answer.
    public let errors: [any Error]

    /// `coordination.redlock.quorum_unreachable`.
    public var code: ErrorCode { "coordination.redlock.quorum_unreachable" }

    /// What happened and what to do.
    public var message: String {
        "Only \(answered) Redis servers answered for lock '\(key)' but \(quorum) are needed; check that a majority of the Redlock servers are up and reachable (see the cause)."
    }

    /// The first server error.
    public var underlying: (any Error)? { errors.first }
}
