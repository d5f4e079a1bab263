import Foundation
import NIOCore
import RoostCoordination
import RoostTasks

/// A ``Cache`` kept in Redis: every process that uses the same server and namespace sees
/// the same entries.
///
/// Values are JSON strings with the server's `PX` expiry. ``getOrCompute(_:ttl:waitTimeout:compute:)``
/// protects against stampedes across processes: the first caller to find a key missing
/// takes a short-lived compute lease (`SET NX PX`), computes, stores the value and drops the
/// lease; everyone else polls the entry with a jittered backoff until it appears. A failed
/// computation is published to the waiters of that very round as a marker, so each gets
/// ``CacheError/Reason/computeFailed``; if the computing process dies or is cancelled, its
/// lease ends and a waiter takes over.
///
/// ```swift
/// let cache = RedisCache(client: pool).namespace("products")
/// let product = try await cache.getOrCompute("42", ttl: .seconds(60), waitTimeout: .seconds(5)) {
///     try await database.product(id: 42)
/// }
/// ```
public final class RedisCache: Cache {
    /// The server the entries live on.
    public let client: any RedisCommandSender
    /// Prepended to every key, keeping these entries apart from other data.
    public let namespace: String
    /// How long a computation may hold its lease before another caller may take over.
    public let computeLease: Duration
    /// The delays between polls while another caller computes.
    public let pollBackoff: Backoff

    /// Creates a cache client.
    ///
    /// - Parameters:
    ///   - client: The server connection or pool.
    ///   - namespace: Prepended to every key. The entry `key` is stored at `namespace{key}`,
    ///     its compute lease at `namespace{key}:computing`, a failure marker at
    ///     `namespace{key}:failed`.
    ///   - computeLease: How long a computation may run before a waiter may take over;
    ///     make it longer than your slowest computation.
    ///   - pollBackoff: The jittered delays between polls while another caller computes.
    public init(
        client: some RedisCommandSender, namespace: String = "roost:cache:", computeLease: Duration = .seconds(30),
        pollBackoff: Backoff = Backoff(base: .milliseconds(2), cap: .milliseconds(100), jitter: .equal)
    ) {
        precondition(computeLease > .zero, "the compute lease must be positive")
        self.client = client
        self.namespace = namespace
        self.computeLease = computeLease
        self.pollBackoff = pollBackoff
    }

    /// The value at `key`, or nil when absent or expired.
    public func get<Value: Codable & Sendable>(_ key: String, as type: Value.Type) async throws -> Value? {
        let reply = try await client.send(RedisCommand("GET", .string(entryKey(key))), timeout: nil)
        guard let bytes = reply.bytes else { return nil }
        return try CacheCoding.decode(Data(bytes.readableBytesView), as: type, key: key)
    }

    /// Stores `value` at `key` for `ttl` (nil: no expiry).
    public func set<Value: Codable & Sendable>(_ key: String, to value: Value, ttl: Duration?) async throws {
        if let ttl, ttl <= .zero { throw CacheError(key: key, reason: .invalidTTL(ttl)) }
        try await store(value, at: key, ttl: ttl)
    }

    /// Removes the entry at `key`; returns whether one was there.
    @discardableResult
    public func delete(_ key: String) async throws -> Bool {
        let reply = try await client.send(RedisCommand("DEL", .string(entryKey(key))), timeout: nil)
        return (reply.integer ?? 0) > 0
    }

    /// The value at `key`; when it is missing, one caller across all processes computes it
    /// while the others wait up to `waitTimeout`. See ``Cache/getOrCompute(_:ttl:waitTimeout:compute:)``.
    public func getOrCompute<Value: Codable & Sendable>(
        _ key: String, ttl: Duration?, waitTimeout: Duration, compute: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        if let ttl, ttl <= .zero { throw CacheError(key: key, reason: .invalidTTL(ttl)) }
        guard waitTimeout >= .zero else { throw CacheError(key: key, reason: .invalidTimeout(waitTimeout)) }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: waitTimeout)
        var random = SystemRandomNumberGenerator()
        var polls = 0
        while true {
            let state = try await snapshot(key)
            if let bytes = state.entry {
                return try CacheCoding.decode(Data(bytes.readableBytesView), as: Value.self, key: key)
            }
            if let round = state.computing {
                // Someone computes: wait for the value, a failure of that round, or the
                // lease to end (then try to take over).
                if state.failedRound == round, let message = state.failure {
                    throw CacheError(key: key, reason: .computeFailed, underlying: RemoteComputationError(message: message))
                }
                let now = clock.now
                guard now < deadline else { throw CacheError(key: key, reason: .waitTimeout(waitTimeout)) }
                polls += 1
                let delay = pollBackoff.delay(beforeRetry: polls, using: &random)
                try await clock.sleep(until: min(now.advanced(by: delay), deadline), tolerance: nil)
                continue
            }
            let round = LockLease.randomToken()
            if try await takeLease(key, round: round) {
                return try await computeAndStore(key, round: round, ttl: ttl, compute: compute)
            }
        }
    }

    /// Runs the computation under the lease `round`, stores its value or its failure, and
    /// gives the lease back.
    private func computeAndStore<Value: Codable & Sendable>(
        _ key: String, round: String, ttl: Duration?, compute: @Sendable () async throws -> Value
    ) async throws -> Value {
        let value: Value
        do {
            value = try await compute()
        } catch {
            await giveBack(key, round: round, failure: error is CancellationError ? nil : "\(error)")
            if error is CancellationError { throw error }
            throw CacheError(key: key, reason: .computeFailed, underlying: error)
        }
        do {
            try await store(value, at: key, ttl: ttl)
        } catch {
            await giveBack(key, round: round, failure: "storing the computed value failed: \(error)")
            throw error
        }
        await giveBack(key, round: round, failure: nil)
        return value
    }

    private func store<Value: Encodable>(_ value: Value, at key: String, ttl: Duration?) async throws {
        let json = try CacheCoding.encode(value, key: key)
        var command = RedisCommand("SET", .string(entryKey(key)), .bytes(ByteBuffer(bytes: json)))
        if let ttl { command.arguments += ["PX", .integer(ttl.redisMilliseconds)] }
        try await client.send(command, timeout: nil)
    }

    /// The entry, the round computing it and the last failed round, in one round trip.
    private func snapshot(_ key: String) async throws -> (entry: ByteBuffer?, computing: String?, failedRound: String?, failure: String?) {
        let reply = try await client.send(
            RedisCommand("MGET", .string(entryKey(key)), .string(leaseKey(key)), .string(failureKey(key))), timeout: nil)
        guard let parts = reply.array, parts.count == 3 else {
            throw RedisProtocolError.unexpected(reply, expected: "three values")
        }
        let failure = parts[2].string.map { $0.split(separator: "\n", maxSplits: 1).map(String.init) }
        return (parts[0].bytes, parts[1].string, failure?.first, failure.flatMap { $0.count == 2 ? $0[1] : nil })
    }

    private func takeLease(_ key: String, round: String) async throws -> Bool {
        let reply = try await client.send(
            RedisCommand(
                "SET", .string(leaseKey(key)), .string(round), "NX", "PX", .integer(computeLease.redisMilliseconds)),
            timeout: nil)
        return !reply.isNull
    }

    /// Drops the lease of `round` (if it still holds it) and records its failure for the
    /// waiters of that round. Runs even when the computing task was cancelled: the lease
    /// must not block the waiters until it expires.
    private func giveBack(_ key: String, round: String, failure: String?) async {
        let client = self.client
        let keys = [leaseKey(key), failureKey(key)]
        let marker = failure.map { "\(round)\n\($0)" } ?? ""
        let ttl = Int64(computeLease.redisMilliseconds)
        // A cancelled task cannot send; an unstructured task, awaited here, can.
        await Task {
            _ = try? await Self.giveBackScript.run(
                on: client, keys: keys, arguments: [.string(round), .string(marker), .integer(ttl)])
        }.value
    }

    private func entryKey(_ key: String) -> String { "\(namespace){\(key)}" }
    private func leaseKey(_ key: String) -> String { "\(namespace){\(key)}:computing" }
    private func failureKey(_ key: String) -> String { "\(namespace){\(key)}:failed" }

    /// KEYS lease, failure marker; ARGV round, marker ("" for none), marker ttl ms.
    static let giveBackScript = RedisScript(
        """
        if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) end
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """)
}

/// The error another process's computation threw, as its text; the cause of
/// ``CacheError/Reason/computeFailed`` for callers that waited on that computation.
public struct RemoteComputationError: Error, Sendable, CustomStringConvertible {
    /// The computing process's description of its error.
    public let message: String

    /// `computation failed in another caller: <message>`.
    public var description: String { "computation failed in another caller: \(message)" }
}
