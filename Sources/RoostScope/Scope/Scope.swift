import Logging

/// A place where code runs and uses services: the root body, a service's factory, or a
/// usage block. Everything a scope acquires is released when it ends.
///
/// ```swift
/// try await ServiceScope.run("app") { scope in
///     let db = try await scope.service("db") { ctx in
///         let db = try await Database.connect()
///         try ctx.register(db)
///         try await ctx.noMoreDependents()
///         try await db.close()
///     }
///     try await db.query("SELECT 1")
/// }
/// ```
///
/// A `Scope` is `Sendable`: tasks spawned in it may capture it and acquire services on
/// its behalf.
public final class Scope: Sendable, CustomStringConvertible {
    /// The scope's name: the root name, the service name, or the usage block's name.
    public var name: String { node.name }
    /// A logger whose metadata carries the scope's name under `scope`.
    public var logger: Logger {
        var logger = registry.logger
        logger[metadataKey: "scope"] = .string(name)
        return logger
    }

    let registry: ScopeRegistry
    /// The scope's node in the registry's graph. Its constants (id, name, kind, mailbox)
    /// are read freely; everything else only under the registry's lock.
    let node: NodeState
    var id: NodeID { node.id }
    var kind: NodeKind { node.kind }
    /// The job queue of the root body or a usage block; `nil` for services.
    var mailbox: ScopeMailbox? { node.mailbox }

    init(registry: ScopeRegistry, node: NodeState) {
        self.registry = registry
        self.node = node
    }

    /// `Scope(name)`.
    public var description: String { "Scope(\(name))" }

    /// Uses the service called `name`, starting it with `factory` if it does not run yet,
    /// and returns the value it registered.
    ///
    /// The first caller starts the service; later callers join it. Everyone waits until the
    /// factory calls ``ServiceContext/register(_:)``. Each call counts as one use: give it
    /// back with ``release(_:)``, or let the scope end. An error the factory throws before
    /// registering is thrown here, unchanged, to every waiting caller.
    ///
    /// ```swift
    /// let cache = try await scope.service("cache", keepAlive: .seconds(30)) { ctx in
    ///     try ctx.register(Cache())
    ///     try await ctx.noMoreDependents()
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - name: The service's name, unique within the root scope.
    ///   - type: The value type; usually inferred.
    ///   - keepAlive: How long the service stays up after its last user left, so that a
    ///     quick re-acquire reuses it. `nil` stops it at once.
    ///   - factory: Starts the service, registers its value, waits for
    ///     ``ServiceContext/noMoreDependents()`` and cleans up. Runs in its own task,
    ///     owned by the root scope.
    /// - Throws: ``ScopeError`` with kind `.cycle` if the service (indirectly) uses this
    ///   scope's service; the factory's own error if it fails before registering.
    nonisolated(nonsending) public func service<Value: Sendable>(
        _ name: String, as type: Value.Type = Value.self, keepAlive: Duration? = nil,
        _ factory: @escaping @Sendable (ServiceContext<Value>) async throws -> Void
    ) async throws -> Value {
        try await registry.acquire(name, by: self, keepAlive: keepAlive, factory: factory)
    }

    /// Gives back one use of the named service; when its last user is gone, it stops.
    ///
    /// - Throws: ``ScopeError`` `.notUsed` if this scope does not use the service.
    public func release(_ name: String) throws(ScopeError) {
        try registry.release(name, by: self, all: false)
    }

    /// Gives back every use of the named service this scope holds.
    ///
    /// - Throws: ``ScopeError`` `.notUsed` if this scope does not use the service.
    public func releaseAll(_ name: String) throws(ScopeError) {
        try registry.release(name, by: self, all: true)
    }

    /// The value of a running service, without starting it and without using it.
    ///
    /// The service may stop at any time after this returns; use ``service(_:as:keepAlive:_:)``
    /// to keep it running while you need it.
    ///
    /// - Throws: ``ScopeError`` `.notFound` if no such service has registered a value,
    ///   `.typeMismatch` if it registered another type.
    public func lookup<Value: Sendable>(_ name: String, as type: Value.Type = Value.self) throws(ScopeError) -> Value {
        try registry.lookup(name, by: self, as: type)
    }

    /// Runs `body` in an embedded usage scope that releases every service it acquired
    /// when it ends.
    ///
    /// If a service the block uses ends while in use, the block is cancelled and this
    /// throws ``ScopeDied``; the enclosing scope keeps running.
    ///
    /// ```swift
    /// try await scope.usingScope("report") { use in
    ///     let db = try await use.service("db", makeDatabase)
    ///     try await db.query("SELECT 1")
    /// }   // "db" is released here
    /// ```
    @discardableResult
    public func usingScope<R: Sendable>(
        _ name: String? = nil, _ body: @Sendable (Scope) async throws -> R
    ) async throws -> R {
        let child = try registry.makeUsage(owner: self, name: name)
        let result = await child.runBody { try await body(child) }
        let reason = registry.withState { state in state.blockEnded(child.id, registry: registry) }
        return try Scope.outcome(of: result, scope: child.name, reason: reason)
    }

    /// Runs `operation` as a child task of this scope. It is cancelled when the scope's body
    /// ends; if it throws, the scope is cancelled and ends with that error.
    ///
    /// ```swift
    /// try scope.spawn { try await heartbeat(every: .seconds(5)) }
    /// ```
    ///
    /// - Throws: ``ScopeError`` `.scopeEnded` if the scope has already ended.
    public func spawn(_ operation: @escaping @Sendable () async throws -> Void) throws(ScopeError) {
        guard let mailbox else {
            try registry.withState { state throws(ScopeError) in
                guard state.nodes[id] != nil else { throw ScopeError(.scopeEnded(name)) }
                try state.spawnTracked(in: id, registry: registry, operation)
            }
            return
        }
        guard mailbox.post(.spawn(operation)) else { throw ScopeError(.scopeEnded(name)) }
    }

    /// A snapshot of the live graph of the whole root scope.
    public var graph: ScopeGraph { registry.snapshot() }

    /// The result of a block, with a cancellation caused by a dead service turned into
    /// ``ScopeDied``.
    static func outcome<R>(of result: Result<R, any Error>, scope: String, reason: CancelReason?) throws -> R {
        switch (result, reason) {
        case (.failure(let error), _) where !(error is CancellationError):
            throw error
        case (_, .dependencyDied(let service, let cause)?):
            throw ScopeDied(scope: scope, service: service, underlying: cause)
        case (.failure(let error), _):
            throw error
        case (.success(let value), _):
            return value
        }
    }
}
