import UnixSignals

/// The Unix signals this process receives from now on, as an async sequence.
///
/// While the sequence (or an iterator of it) is alive, the signals are trapped: their
/// default action (for most, ending the process) no longer happens. Iteration ends when the
/// iterating task is cancelled.
///
/// ```swift
/// for await signal in await receivedSignals(.sighup) {
///     logger.info("\(signal): reloading the configuration")
///     try await config.reload()
/// }
/// ```
public func receivedSignals(_ signals: UnixSignal...) async -> UnixSignalsSequence {
    await UnixSignalsSequence(trapping: signals)
}

/// Runs `operation` while `handler` is called, one signal at a time, for each of `signals`
/// the process receives; the handler stops when `operation` ends.
///
/// The handler runs in a child task, so `operation` is never interrupted by it. Signals
/// arriving after `operation` has ended are no longer handled.
///
/// ```swift
/// try await withSignalHandler([.sighup], handler: { _ in await cache.removeAll() }) {
///     try await server.run()
/// }
/// ```
public func withSignalHandler<Value: Sendable>(
    _ signals: [UnixSignal], handler: @escaping @Sendable (UnixSignal) async -> Void,
    operation: () async throws -> Value
) async throws -> Value {
    let received = await UnixSignalsSequence(trapping: signals)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            for await signal in received { await handler(signal) }
        }
        defer { group.cancelAll() }
        return try await operation()
    }
}
