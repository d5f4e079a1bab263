import RoostCore

/// A misuse of a scope or a service that the caller can fix.
///
/// Every case has a stable ``code``; match on ``kind`` to react to one of them:
///
/// ```swift
/// do {
///     _ = try scope.lookup("db", as: Database.self)
/// } catch let error as ScopeError where error.kind == .notFound("db") {
///     // not running yet: start it with `scope.service("db") { ... }`
/// }
/// ```
public struct ScopeError: RoostError, Equatable {
    /// What went wrong.
    public enum Kind: Sendable, Hashable {
        /// Requesting the service would close a dependency cycle; the names run from the
        /// requester back to itself, for example `["A", "B", "A"]`.
        case cycle([String])
        /// The factory of the named service returned without calling `register`.
        case notRegistered(String)
        /// The named service was cancelled before it registered its value, because its
        /// root scope was shutting down.
        case startCancelled(String)
        /// No service of this name is running, or it has not registered its value yet.
        case notFound(String)
        /// The named service registered a value of another type than the one asked for.
        case typeMismatch(service: String, expected: String, actual: String)
        /// `register` was called a second time for the named service.
        case alreadyRegistered(String)
        /// `noMoreDependents()` was called before `register`.
        case waitBeforeRegister(String)
        /// The named scope has already ended, so it cannot acquire, release or spawn.
        case scopeEnded(String)
        /// The scope does not use the named service, so it cannot release it.
        case notUsed(String)
    }

    /// What went wrong.
    public let kind: Kind

    /// Creates an error of the given kind.
    public init(_ kind: Kind) { self.kind = kind }

    /// The stable code of this kind of failure.
    public var code: ErrorCode {
        switch kind {
        case .cycle: "scope.cycle"
        case .notRegistered: "scope.service.not_registered"
        case .startCancelled: "scope.service.start_cancelled"
        case .notFound: "scope.lookup.not_found"
        case .typeMismatch: "scope.service.type_mismatch"
        case .alreadyRegistered: "scope.register.twice"
        case .waitBeforeRegister: "scope.wait.before_register"
        case .scopeEnded: "scope.ended"
        case .notUsed: "scope.release.not_used"
        }
    }

    /// What went wrong and what to do about it.
    public var message: String {
        switch kind {
        case .cycle(let path):
            "Dependency cycle \(path.joined(separator: " → ")): a service may not (even indirectly) use itself; move the shared part into a service of its own."
        case .notRegistered(let name):
            "Service '\(name)' returned from its factory without calling register(_:); register the value before waiting for noMoreDependents()."
        case .startCancelled(let name):
            "Service '\(name)' was cancelled before it registered its value because its root scope is shutting down."
        case .notFound(let name):
            "No running service '\(name)' has registered a value; start it with service(_:_:) instead of looking it up."
        case .typeMismatch(let name, let expected, let actual):
            "Service '\(name)' registered a \(actual), not a \(expected); use one value type per service name."
        case .alreadyRegistered(let name):
            "Service '\(name)' called register(_:) twice; a service registers exactly one value."
        case .waitBeforeRegister(let name):
            "Service '\(name)' called noMoreDependents() before register(_:); register the value first."
        case .scopeEnded(let name):
            "Scope '\(name)' has already ended; acquire, release and spawn only while it runs."
        case .notUsed(let name):
            "This scope does not use service '\(name)'; release only services it acquired and has not released yet."
        }
    }
}

/// Thrown by a usage block (``Scope/usingScope(_:_:)`` or the root body) when a service it
/// used ended while it was still in use, which cancelled the block.
///
/// The owner of the block keeps running: catch `ScopeDied` there to reconnect or degrade.
///
/// ```swift
/// do {
///     try await scope.usingScope { use in
///         let feed = try await use.service("feed") { ctx in ... }
///         try await feed.consume()
///     }
/// } catch let died as ScopeDied {
///     logger.warning("\(died.service) went away, retrying")
/// }
/// ```
public struct ScopeDied: RoostError {
    /// The name of the cancelled block's scope.
    public let scope: String
    /// The service that ended while the block used it (directly or through other services).
    public let service: String
    /// The error the service ended with, or `nil` when it returned or was cancelled.
    public let underlying: (any Error)?

    /// Creates the error.
    public init(scope: String, service: String, underlying: (any Error)?) {
        self.scope = scope
        self.service = service
        self.underlying = underlying
    }

    /// `scope.died`.
    public var code: ErrorCode { "scope.died" }

    /// What went wrong and what to do about it.
    public var message: String {
        "Scope '\(scope)' was cancelled because service '\(service)' ended while in use; catch ScopeDied to retry with a fresh instance."
    }
}

/// More than one error ended a scope; none of them was dropped.
///
/// Thrown by ``ServiceScope/run(_:clock:logger:_:)`` when, for example, the root body
/// threw and a service failed while tearing down.
public struct ScopeFailures: RoostError {
    /// All errors, in the order they happened.
    public let errors: [any Error]

    /// Creates the error from the collected errors.
    public init(errors: [any Error]) { self.errors = errors }

    /// `scope.failures`.
    public var code: ErrorCode { "scope.failures" }

    /// What went wrong and what to do about it.
    public var message: String {
        "\(errors.count) errors ended the scope: "
            + errors.map { String(describing: $0) }.joined(separator: "; ")
    }

    /// The first error.
    public var underlying: (any Error)? { errors.first }
}
