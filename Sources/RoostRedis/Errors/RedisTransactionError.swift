import RoostCore

/// A `MULTI`/`EXEC` transaction did not run.
///
/// ```swift
/// do { try await connection.transaction(watching: ["stock"]) { ... } }
/// catch let error as RedisTransactionError where error.kind == .watchConflict { /* retry */ }
/// ```
public struct RedisTransactionError: RoostError {
    /// Why the transaction did not run.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        fileprivate let name: String
        /// A watched key changed before `EXEC`; nothing ran. Retrying is usually right.
        public static let watchConflict = Kind(name: "watch_conflict")
        /// The server refused a command while queuing it (unknown command, wrong number of
        /// arguments), so it discarded the whole transaction.
        public static let rejected = Kind(name: "rejected")
        /// The kind's name, as used in the error code.
        public var description: String { name }
    }

    /// Why the transaction did not run.
    public let kind: Kind
    /// The refused command, for ``Kind/rejected``.
    public let command: String?
    /// The server's error for the refused command.
    public let underlying: (any Error)?

    init(_ kind: Kind, command: String?, underlying: (any Error)?) {
        self.kind = kind
        self.command = command
        self.underlying = underlying
    }

    /// `redis.transaction.watch_conflict` or `redis.transaction.rejected`.
    public var code: ErrorCode { ErrorCode(rawValue: "redis.transaction.\(kind.name)") }

    /// What happened and what to do.
    public var message: String {
        switch kind {
        case .watchConflict:
            return "A watched key changed before EXEC, so the transaction did not run; read the keys again and retry."
        default:
            return "Redis refused \(command ?? "a command") in the transaction, so none of it ran; fix the command."
        }
    }
}
