import RoostTasks

extension Counter {
    /// Adds `amount` to the counter now and takes it back if `transaction` rolls back:
    /// hagworm's period counter with undo. Count a quota use when work starts and give it
    /// back when the work fails.
    ///
    /// ```swift
    /// try await withTransaction { transaction in
    ///     let used = try await quotas.increment("exports:tenant-7", by: 1, ttl: .seconds(86_400), in: transaction)
    ///     guard used <= 10 else { throw QuotaExceeded() }   // rolls back: the use is given back
    ///     try await exporter.run(tenant: 7)
    ///     try await transaction.commit()                   // keeps the use
    /// }
    /// ```
    ///
    /// - Returns: The counter's new value.
    /// - Throws: ``CounterError``, or the backend's error; nothing is registered with the
    ///   transaction when the increment itself fails.
    @discardableResult
    public func increment(_ key: String, by amount: Int64 = 1, ttl: Duration? = nil, in transaction: Transaction)
        async throws -> Int64
    {
        let value = try await increment(key, by: amount, ttl: ttl)
        transaction.onRollback { _ = try await self.increment(key, by: -amount, ttl: nil) }
        return value
    }
}
