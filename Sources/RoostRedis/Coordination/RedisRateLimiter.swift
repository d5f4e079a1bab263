import RoostCoordination

/// A ``RateLimiter`` kept in Redis: every process that uses the same server, namespace
/// and strategy shares one count per key.
///
/// Each check is one Lua script, so concurrent checks from many processes count exactly.
/// The strategy's settings are written into the script's source, so a check of cost 1
/// sends only its key; make a limiter once and reuse it, since making one builds its
/// script and digest. Time is the server's (the key's `PTTL` for fixed windows,
/// approximate sliding windows and token buckets, `TIME` for exact sliding windows), so
/// clock skew between processes does not matter.
///
/// ```swift
/// let limiter = RedisRateLimiter(client: pool, strategy: .fixedWindow(limit: 100, window: .seconds(60)))
/// let result = try await limiter.acquire("client:203.0.113.9")
/// guard result.allowed else { throw TooManyRequests(retryAfter: result.retryAfter) }
/// ```
public final class RedisRateLimiter: RateLimiter {
    /// The server the counts live on.
    public let client: any RedisCommandSender
    /// How this limiter counts.
    public let strategy: RateLimitStrategy
    /// Prepended to every key, keeping these counts apart from other data.
    public let namespace: String
    /// The Lua script each check runs: the strategy's, with its settings written into the
    /// source. Every check is one `EVALSHA` of it (the first on a server that does not know
    /// it yet sends it whole; see ``RedisScript``).
    public let script: RedisScript

    /// Creates a limiter.
    ///
    /// - Parameters:
    ///   - client: The server connection or pool.
    ///   - strategy: The counting strategy; limits, capacities and durations must be positive.
    ///   - namespace: Prepended to every key. Limiters with different strategies should
    ///     use different namespaces.
    public init(client: some RedisCommandSender, strategy: RateLimitStrategy, namespace: String = "roost:rate:") {
        strategy.validate()
        self.client = client
        self.strategy = strategy
        self.namespace = namespace
        self.script = Self.script(for: strategy)
    }

    /// Tries to consume `cost` units for `key`; see ``RateLimiter/acquire(_:cost:)``.
    public func acquire(_ key: String, cost: Int) async throws -> RateLimitResult {
        guard cost > 0 else { throw RateLimiterError(key: key, reason: .nonPositiveCost(cost)) }
        guard cost <= strategy.maximumCost else {
            throw RateLimiterError(key: key, reason: .costExceedsLimit(cost: cost, limit: strategy.maximumCost))
        }
        // A cost of 1, the usual one, is the script's default: every argument costs the
        // server an allocation and a conversion, so a check sends none.
        let reply = try await script.run(
            on: client, keys: keys(for: key), arguments: cost == 1 ? [] : [.integer(Int64(cost))])
        // Every script answers an allowed request with the units left, a bare integer (a
        // table costs the server more than the rest of a fixed window's script), and a
        // denied one with those and the ms until enough come back.
        switch reply {
        case .integer(let remaining):
            return RateLimitResult(allowed: true, remaining: Int(remaining), retryAfter: .zero)
        case .array(let parts) where parts.count == 2:
            if let remaining = parts[0].integer, let retryAfter = parts[1].integer {
                return RateLimitResult(allowed: false, remaining: Int(remaining), retryAfter: .milliseconds(retryAfter))
            }
        default:
            break
        }
        throw RedisProtocolError.unexpected(reply, expected: "an integer, or an array of two integers")
    }

    /// Forgets everything counted for `key`.
    public func reset(_ key: String) async throws {
        try await client.send(RedisCommand("DEL", arguments: keys(for: key).map { .string($0) }), timeout: nil)
    }

    /// The server keys that count `key`: the exact sliding window keeps a log and a total,
    /// in one hash slot; every other strategy keeps one key.
    private func keys(for key: String) -> [String] {
        if case .slidingWindow = strategy {
            [namespace + "{\(key)}", namespace + "{\(key)}:total"]
        } else {
            [namespace + key]
        }
    }

    /// The script that checks `strategy`: its settings become the Lua locals the body
    /// reads, and `cost` is `ARGV[1]` when sent, else 1.
    ///
    /// Written into the source, the settings cost the server nothing per call; sent as
    /// arguments, each would be a string to allocate and convert on every check (about
    /// 0.2 µs of the server's time apiece, against about 2 µs for a whole fixed-window
    /// check). Each distinct strategy is one script in the server's cache, loaded once.
    static func script(for strategy: RateLimitStrategy) -> RedisScript {
        let settings: KeyValuePairs<String, Int64>
        let body: String
        switch strategy {
        case .fixedWindow(let limit, let window):
            (settings, body) = (["limit": Int64(limit), "window": window.redisMilliseconds], fixedWindowBody)
        case .slidingWindow(let limit, let window):
            (settings, body) = (["limit": Int64(limit), "window": window.redisMilliseconds], slidingWindowBody)
        case .approximateSlidingWindow(let limit, let window):
            (settings, body) = (
                ["limit": Int64(limit), "window": window.redisMilliseconds], approximateSlidingWindowBody
            )
        case .tokenBucket(let capacity, let refill, let interval):
            (settings, body) = (
                ["capacity": Int64(capacity), "refill": Int64(refill), "interval": interval.redisMilliseconds],
                tokenBucketBody
            )
        }
        let names = settings.map(\.key).joined(separator: ", ")
        let values = settings.map { String($0.value) }.joined(separator: ", ")
        return RedisScript("local cost, \(names) = tonumber(ARGV[1]) or 1, \(values)\n" + body)
    }

    /// KEYS[1] the window's count; `cost`, `limit`, `window` (ms). The window starts at the
    /// first request and ends when the key expires. An allowed request is one `INCRBY`
    /// (plus `PEXPIRE` when it opens the window); a denied one is taken back at once, so it
    /// consumes nothing.
    static let fixedWindowBody = """
    local count = redis.call('INCRBY', KEYS[1], cost)
    if count == cost then redis.call('PEXPIRE', KEYS[1], window) end
    if count <= limit then return limit - count end
    count = redis.call('DECRBY', KEYS[1], cost)
    local ttl = redis.call('PTTL', KEYS[1])
    if ttl < 0 then
      redis.call('PEXPIRE', KEYS[1], window)
      ttl = window
    end
    return {limit - count, ttl}
    """

    /// KEYS[1] a sorted set of `sequence:cost` members scored by server ms; KEYS[2] a
    /// string `total:sequence:oldest:expires` (units in the set, last sequence number,
    /// score of the oldest member, when the set's key expires); `cost`, `limit`, `window`
    /// (ms). Units count until `window` after they were consumed; the retry is when enough of
    /// the oldest units will have aged out.
    ///
    /// The summary spares the common case any scan: the set is read only when its oldest
    /// member has aged out or a request is denied, and its expiry is pushed two windows
    /// ahead only once it is less than one window away. An allowed request costs `TIME`,
    /// `GET`, `ZADD` and `SET PX`.
    static let slidingWindowBody = """
    local time = redis.call('TIME')
    local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
    local function costOf(member) return tonumber(string.match(member, ':(%d+)$')) end
    local total, sequence, oldest, expires = 0, 0, nil, 0
    local summary = redis.call('GET', KEYS[2])
    if summary then
      local t, s, o, e = string.match(summary, '^(%d+):(%d+):(%-?%d*):(%d+)$')
      total, sequence, oldest, expires = tonumber(t) or 0, tonumber(s) or 0, tonumber(o), tonumber(e) or 0
    else
      -- The summary lives one window past the newest unit: without it, anything left
      -- in the set is out of the window.
      redis.call('DEL', KEYS[1])
    end
    if oldest and oldest <= now - window then
      for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - window)) do
        total = total - costOf(member)
      end
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
      local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
      oldest = tonumber(first[2])
    end
    if total + cost <= limit then
      sequence = sequence + 1
      redis.call('ZADD', KEYS[1], now, sequence .. ':' .. cost)
      total = total + cost
      if expires < now + window then
        expires = now + 2 * window
        redis.call('PEXPIREAT', KEYS[1], expires)
      end
      redis.call('SET', KEYS[2], total .. ':' .. sequence .. ':' .. (oldest or now) .. ':' .. expires, 'PX', window)
      return limit - total
    end
    if summary then
      redis.call('SET', KEYS[2], total .. ':' .. sequence .. ':' .. (oldest or '') .. ':' .. expires, 'KEEPTTL')
    end
    local freed = 0
    local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
    for i = 1, #entries, 2 do
      freed = freed + costOf(entries[i])
      if total - freed + cost <= limit then
        return {limit - total, tonumber(entries[i + 1]) + window - now}
      end
    end
    return {limit - total, window}
    """

    /// KEYS[1] `previous × (limit + 1) + current`: the units of the previous and the
    /// current fixed window packed into one integer, expiring two windows after the current
    /// window started, so that its `PTTL` tells where in the window the request falls (more
    /// than a window left: inside it; less: it has ended and becomes the previous one;
    /// none: both are over). `cost`, `limit`, `window` (ms). Inside a window an allowed
    /// request is `PTTL` and `INCRBY`, as cheap as a fixed window; a denied one is taken
    /// back with `DECRBY`.
    static let approximateSlidingWindowBody = """
    local scale = limit + 1
    local ttl = redis.call('PTTL', KEYS[1])
    local previous, current, left
    if ttl > window then
      local packed = redis.call('INCRBY', KEYS[1], cost) - cost
      current = packed % scale
      previous, left = (packed - current) / scale, ttl - window
    elseif ttl > 0 then
      previous, current, left = tonumber(redis.call('GET', KEYS[1])) % scale, 0, ttl
    else
      redis.call('SET', KEYS[1], cost, 'PX', 2 * window)
      return limit - cost
    end
    local used = math.floor(previous * left / window) + current
    if used + cost <= limit then
      if ttl <= window then redis.call('SET', KEYS[1], previous * scale + cost, 'PX', left + window) end
      return limit - used - cost
    end
    if ttl > window then redis.call('DECRBY', KEYS[1], cost) end
    local room = limit - cost - current
    local remaining = math.max(0, limit - used)
    if room >= 0 then return {remaining, math.floor(left - (room + 1) * window / previous) + 1} end
    room = limit - cost
    if current <= room then return {remaining, left} end
    return {remaining, left + math.floor(window - (room + 1) * window / current) + 1}
    """

    /// KEYS[1] expires when the bucket is full again: its `PTTL` plus the value (a
    /// remainder in (-1, 0], kept only when a token takes a fractional number of ms) is
    /// the bucket's debt, the ms the missing tokens take to come back (the generic cell
    /// rate algorithm, with the key's expiry as the server's clock). `cost`, `capacity`,
    /// `refill`, `interval` (ms). When a token takes a whole number of ms, a check costs
    /// `PTTL` and, when allowed, `PEXPIRE` (`SET PX` for a new key); otherwise `PTTL`, `GET`
    /// and `SET PX`.
    static let tokenBucketBody = """
    local per = interval / refill
    local whole = per % 1 == 0
    local debt = redis.call('PTTL', KEYS[1])
    if debt > 0 and not whole then debt = debt + (tonumber(redis.call('GET', KEYS[1])) or 0) end
    if debt < 0 then debt = 0 end
    local burst, after = capacity * per, debt + cost * per
    if after > burst + 1e-6 then
      return {math.floor((burst - debt) / per + 1e-9), math.ceil(after - burst)}
    end
    local ms = math.ceil(after)
    if whole and debt > 0 then
      redis.call('PEXPIRE', KEYS[1], ms)
    else
      redis.call('SET', KEYS[1], whole and '' or after - ms, 'PX', ms)
    end
    return math.floor((burst - after) / per + 1e-9)
    """
}
