import RoostCore

/// An error reply from the Redis server, typed by the prefix of its message.
///
/// The connection is still healthy after a server error; only the command failed.
///
/// ```swift
/// do { _ = try await connection.incr("a-list") }
/// catch let error as RedisServerError where error.kind == .wrongType { ... }
/// ```
public struct RedisServerError: RoostError, Hashable {
    /// The class of a server error: the first word of its message (`WRONGTYPE`, `NOSCRIPT`).
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        /// The prefix, upper case, as the server sent it.
        public let prefix: String
        /// Creates a kind from an error prefix.
        public init(prefix: String) { self.prefix = prefix }
        /// A generic error (`ERR`).
        public static let generic = Kind(prefix: "ERR")
        /// An operation against a key holding the wrong kind of value.
        public static let wrongType = Kind(prefix: "WRONGTYPE")
        /// `EVALSHA` with a script the server does not know.
        public static let noScript = Kind(prefix: "NOSCRIPT")
        /// A script is running and the server cannot serve the command.
        public static let busy = Kind(prefix: "BUSY")
        /// A write sent to a read-only replica.
        public static let readOnly = Kind(prefix: "READONLY")
        /// Cluster: the key's slot lives on another node.
        public static let moved = Kind(prefix: "MOVED")
        /// Cluster: the key's slot is migrating; ask the other node.
        public static let ask = Kind(prefix: "ASK")
        /// The connection must authenticate first.
        public static let noAuth = Kind(prefix: "NOAUTH")
        /// Bad user name or password.
        public static let wrongPass = Kind(prefix: "WRONGPASS")
        /// The ACL user may not run this command or touch this key.
        public static let noPerm = Kind(prefix: "NOPERM")
        /// The server does not speak the requested protocol version (`HELLO`).
        public static let noProto = Kind(prefix: "NOPROTO")
        /// The server is still loading its dataset.
        public static let loading = Kind(prefix: "LOADING")
        /// A transaction was discarded because of an earlier error.
        public static let execAbort = Kind(prefix: "EXECABORT")
        /// `XGROUP CREATE` for a consumer group that already exists.
        public static let busyGroup = Kind(prefix: "BUSYGROUP")
        /// The server is out of memory under its `maxmemory` policy.
        public static let outOfMemory = Kind(prefix: "OOM")

        /// The prefix.
        public var description: String { prefix }
    }

    /// The class of the error, from its prefix.
    public let kind: Kind
    /// The whole error message the server sent, prefix included.
    public let serverMessage: String
    /// The command that failed (credentials redacted), if known.
    public let command: String?

    /// Creates a server error from the message the server sent.
    public init(serverMessage: String, command: String? = nil) {
        self.serverMessage = serverMessage
        self.command = command
        let prefix = serverMessage.prefix { $0 != " " }
        let isPrefix = !prefix.isEmpty && prefix.allSatisfy { $0.isUppercase || $0 == "_" || $0.isNumber }
        self.kind = Kind(prefix: isPrefix ? String(prefix) : "ERR")
    }

    /// `redis.server.` followed by the prefix in lower case, such as
    /// `redis.server.wrongtype` or `redis.server.err`.
    public var code: ErrorCode { ErrorCode(rawValue: "redis.server.\(kind.prefix.lowercased())") }

    /// The server's message, with the command that caused it.
    public var message: String {
        if let command { return "Redis replied with an error to \(command): \(serverMessage)" }
        return "Redis replied with an error: \(serverMessage)"
    }
}
