import Logging

/// What a service's factory gets: its own ``Scope`` for using other services and spawning
/// tasks, plus the two calls that drive its life: ``register(_:)`` and
/// ``noMoreDependents()``.
///
/// ```swift
/// let db = try await scope.service("db") { (ctx: ServiceContext<Database>) in
///     let config = try await ctx.service("config", loadConfig)   // a dependency
///     let db = try await Database.connect(config.databaseURL)
///     try ctx.register(db)                 // callers of service("db") get `db` now
///     try await ctx.noMoreDependents()     // returns when the last user released it
///     try await db.close()                 // clean shutdown, then "config" is released
/// }
/// ```
public struct ServiceContext<Value: Sendable>: Sendable {
    /// The service's own scope: services it uses become its dependencies.
    public let scope: Scope

    /// The service's name.
    public var name: String { scope.name }

    /// A logger whose metadata carries the service's name.
    public var logger: Logger { scope.logger }

    /// Publishes the service's value to every caller waiting in `service(_:)`.
    ///
    /// - Throws: ``ScopeError`` `.alreadyRegistered` on a second call.
    public func register(_ value: Value) throws(ScopeError) {
        try scope.registry.register(scope, value: value)
    }

    /// Waits until the service's last user has released it (after its keep-alive period,
    /// if it has one). Then clean up and return from the factory.
    ///
    /// A service that is not waiting here when its users are gone is cancelled instead.
    ///
    /// - Throws: ``ScopeError`` `.waitBeforeRegister` if called before ``register(_:)``;
    ///   `CancellationError` if the service is cancelled while waiting.
    nonisolated(nonsending) public func noMoreDependents() async throws {
        try await scope.registry.waitNoUsers(scope)
    }

    /// Uses another service as a dependency of this one; see ``Scope/service(_:as:keepAlive:_:)``.
    nonisolated(nonsending) public func service<Dependency: Sendable>(
        _ name: String, as type: Dependency.Type = Dependency.self, keepAlive: Duration? = nil,
        _ factory: @escaping @Sendable (ServiceContext<Dependency>) async throws -> Void
    ) async throws -> Dependency {
        try await scope.service(name, as: type, keepAlive: keepAlive, factory)
    }

    /// Releases one use of a dependency; see ``Scope/release(_:)``.
    public func release(_ name: String) throws(ScopeError) {
        try scope.release(name)
    }

    /// Looks a running service up without using it; see ``Scope/lookup(_:as:)``.
    public func lookup<Other: Sendable>(_ name: String, as type: Other.Type = Other.self) throws(ScopeError) -> Other {
        try scope.lookup(name, as: type)
    }

    /// Runs a usage block inside the service; see ``Scope/usingScope(_:_:)``.
    @discardableResult
    public func usingScope<R: Sendable>(
        _ name: String? = nil, _ body: @Sendable (Scope) async throws -> R
    ) async throws -> R {
        try await scope.usingScope(name, body)
    }

    /// Runs a task owned by the service; see ``Scope/spawn(_:)``.
    public func spawn(_ operation: @escaping @Sendable () async throws -> Void) throws(ScopeError) {
        try scope.spawn(operation)
    }
}
