import Configuration

/// Which engine carries locks, events, rate limits, caches and counters.
///
/// | key | environment | default |
/// |---|---|---|
/// | `coordination.backend` | `ROOST_COORDINATION_BACKEND` | `memory` |
/// | `coordination.keyPrefix` | `ROOST_COORDINATION_KEY_PREFIX` | `roost:` |
///
/// `memory` keeps everything inside this process (one machine); `redis` shares it between
/// processes through the server in ``RedisSettings``, under keys starting with the prefix.
///
/// ```swift
/// let coordination = try configuration.read(CoordinationSettings.init)
/// if coordination.backend == .redis { /* build the Redis implementations */ }
/// ```
public struct CoordinationSettings: ConfigurationSection {
    /// The coordination engine.
    public enum Backend: String, Sendable, CaseIterable {
        /// In-process implementations.
        case memory
        /// Implementations on the Redis server.
        case redis
    }

    /// The coordination engine.
    public var backend: Backend
    /// The prefix of every key Roost creates on a shared server, so that programs sharing
    /// one server do not collide.
    public var keyPrefix: String

    /// Creates settings directly.
    public init(backend: Backend = .memory, keyPrefix: String = "roost:") {
        self.backend = backend
        self.keyPrefix = keyPrefix
    }

    /// Every key this section reads.
    public static let keys = ["coordination.backend", "coordination.keyPrefix"]

    /// These settings as text, by key, for printing.
    public var textValues: [String: String] {
        ["coordination.backend": backend.rawValue, "coordination.keyPrefix": keyPrefix]
    }

    /// Reads and validates the `coordination` section, reporting every invalid value at once.
    public init(config: ConfigReader) throws(ConfigurationError) {
        self.init()
        var problems = ProblemCollector()
        if let name = problems.choice(config, "coordination.backend", in: Backend.allCases.map(\.rawValue)) {
            backend = Backend(rawValue: name)!
        }
        if let prefix = problems.token(
            config, "coordination.keyPrefix", expected: "a non-empty prefix without spaces, such as shop:")
        {
            if prefix.utf8.count <= 64 {
                keyPrefix = prefix
            } else {
                problems.report("coordination.keyPrefix", prefix, expected: "a prefix of at most 64 bytes")
            }
        }
        try problems.throwIfAny()
    }
}
