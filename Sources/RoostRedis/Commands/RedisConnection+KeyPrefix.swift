extension RedisConnection {
    /// `key` as the typed commands send it: with
    /// ``RedisConnectionConfiguration/keyPrefix`` in front, if one is configured. Use it to
    /// build raw commands that should see the same keys as the typed ones.
    ///
    /// The prefix applies to the key arguments of the typed string, JSON, key, hash, list,
    /// set, sorted set and stream commands, of ``RedisTransaction``'s helpers, and to the
    /// pattern of ``scan(matching:count:type:)`` (whose results have it removed again, as
    /// do the keys ``blockingPop(from:at:timeout:)`` and the stream reads return). It does
    /// not apply to ``send(_:timeout:)``, scripts, pub/sub channels or the coordination
    /// types.
    ///
    /// ```swift
    /// // keyPrefix = "billing:"
    /// try await connection.set("invoice:1", to: "...")                    // SET billing:invoice:1
    /// try await connection.send(RedisCommand("STRLEN", connection.prefixed("invoice:1")))
    /// ```
    public func prefixed(_ key: String) -> RedisArgument {
        configuration.prefixed(key)
    }

    /// A key the server returned, with the configured prefix removed.
    func unprefixed(_ key: String) -> String {
        guard let prefix = configuration.keyPrefix, key.hasPrefix(prefix) else { return key }
        return String(key.dropFirst(prefix.count))
    }
}

extension RedisConnectionConfiguration {
    /// `key` with ``keyPrefix`` in front, if one is configured (see
    /// ``RedisConnection/prefixed(_:)``).
    func prefixed(_ key: String) -> RedisArgument {
        guard let keyPrefix else { return .string(key) }
        return .string(keyPrefix + key)
    }
}
