import NIOCore

extension RedisSubscriber {
    /// Subscribes to `targets`, runs `body` with the subscription's events, and unsubscribes
    /// when `body` returns or throws, or as soon as the iteration of the subscription ends
    /// (a `break` out of its `for await` loop).
    ///
    /// Returns once the server confirmed every target, so a message published after the
    /// body starts is delivered. Throws ``RedisPubSubError`` when the subscriber is not
    /// running or the server did not confirm within
    /// ``Configuration/subscribeTimeout``, and ``RedisServerError`` when the server refuses
    /// (an ACL without access to the channel, say).
    ///
    /// ```swift
    /// try await subscriber.subscribe(to: [.channel("orders")]) { subscription in
    ///     for await case .message(let message) in subscription { try await handle(message.payload) }
    /// }
    /// ```
    public func subscribe<Result: Sendable>(
        to targets: [RedisSubscriptionTarget], _ body: (RedisSubscription) async throws -> Result
    ) async throws -> Result {
        let address = configuration.connection.address
        guard !targets.isEmpty else { throw RedisPubSubError(.noTargets, address: address) }
        let (stream, continuation) = AsyncStream.makeStream(
            of: RedisPubSubEvent.self, bufferingPolicy: .bufferingOldest(max(1, configuration.bufferSize)))
        guard let id = registry.add(Set(targets), continuation: continuation) else {
            throw RedisPubSubError(.notRunning, address: address)
        }
        // Ending the iteration (leaving a `for await` loop drops the iterator) unsubscribes
        // at once, even if the body goes on doing other work.
        let registry = self.registry
        let logger = self.logger
        let endIteration: @Sendable () -> Void = {
            for future in registry.remove(id) {
                future.whenFailure { error in
                    guard !(error is RedisConnectionError) else { return }
                    logger.warning("Unsubscribing failed", metadata: ["error": "\(error)"])
                }
            }
        }
        let result: Result
        do {
            try await activate(id)
            result = try await body(RedisSubscription(targets: targets, stream: stream, endIteration: endIteration))
        } catch {
            do {
                try await unsubscribe(id)
            } catch let unsubscribeError {
                logger.debug(
                    "Unsubscribing after an error failed too", metadata: ["error": "\(unsubscribeError)"])
            }
            throw error
        }
        try await unsubscribe(id)
        return result
    }

    /// Subscribes to channels by name; see ``subscribe(to:_:)``.
    public func subscribe<Result: Sendable>(
        channels: String..., body: (RedisSubscription) async throws -> Result
    ) async throws -> Result {
        try await subscribe(to: channels.map { .channel($0) }, body)
    }

    /// Waits for a ready connection and has the server confirm `id`'s targets on it. A
    /// connection that breaks meanwhile is replaced by one on which the run loop subscribes
    /// every registered target, so the wait simply continues.
    private func activate(_ id: Int) async throws {
        let address = configuration.connection.address
        let timeout = configuration.subscribeTimeout
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var generation = 0
                while true {
                    let (connection, current) = try await self.registry.waitForConnection(
                        after: generation, stoppedError: RedisPubSubError(.notRunning, address: address))
                    generation = current
                    guard let futures = self.registry.subscribe(id, on: connection) else { continue }
                    do {
                        for future in futures { _ = try await future.get() }
                        self.registry.activate(id)
                        return
                    } catch is RedisConnectionError {
                        continue
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw RedisPubSubError(.timeout, address: address, timeout: timeout)
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// Removes the subscription and waits for the server to confirm the unsubscriptions.
    /// A connection that breaks meanwhile took the server-side subscriptions with it, so
    /// connection errors are not reported.
    private func unsubscribe(_ id: Int) async throws {
        for future in registry.remove(id) {
            do {
                _ = try await future.get()
            } catch is RedisConnectionError {
                continue
            }
        }
    }
}
