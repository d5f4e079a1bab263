import Configuration

/// Connection pool size and timeouts, shared by ``RedisSettings``, ``MySQLSettings`` and
/// ``PostgresSettings``, read from keys inside their section:
///
/// | key | meaning | valid | default |
/// |---|---|---|---|
/// | `<section>.poolMinimum` | connections kept open when idle | 0…10000 | `0` |
/// | `<section>.poolMaximum` | most connections at once | 1…10000, ≥ minimum | `16` |
/// | `<section>.connectTimeoutSeconds` | connecting and authenticating | 0.001…3600 | `10` |
/// | `<section>.<operation>TimeoutSeconds` | one command or query (`0` = none) | 0…86400 | `30` |
public struct ConnectionPoolSettings: Sendable, Equatable {
    /// Connections kept open even when idle.
    public var minimumConnections: Int
    /// The most connections open at once.
    public var maximumConnections: Int
    /// How long connecting (and authenticating) may take.
    public var connectTimeoutSeconds: Double
    /// How long one command or query may take; `0` for no limit.
    public var operationTimeoutSeconds: Double

    /// Creates settings directly.
    public init(
        minimumConnections: Int = 0, maximumConnections: Int = 16, connectTimeoutSeconds: Double = 10,
        operationTimeoutSeconds: Double = 30
    ) {
        self.minimumConnections = minimumConnections
        self.maximumConnections = maximumConnections
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.operationTimeoutSeconds = operationTimeoutSeconds
    }

    /// The keys read for `section`, with `operation` naming the per-operation timeout
    /// (`command` for Redis, `query` for SQL).
    static func keys(section: String, operation: String) -> [String] {
        [
            "\(section).poolMinimum", "\(section).poolMaximum", "\(section).connectTimeoutSeconds",
            "\(section).\(operation)TimeoutSeconds",
        ]
    }

    /// These settings as text, by key.
    func textValues(section: String, operation: String) -> [String: String] {
        let keys = Self.keys(section: section, operation: operation)
        return [
            keys[0]: String(minimumConnections), keys[1]: String(maximumConnections),
            keys[2]: String(connectTimeoutSeconds), keys[3]: String(operationTimeoutSeconds),
        ]
    }

    /// Reads the pool keys of `section`, adding every problem to `problems`.
    init(config: ConfigReader, section: String, operation: String, problems: inout ProblemCollector) {
        self.init()
        let keys = Self.keys(section: section, operation: operation)
        let minimum = problems.integer(config, keys[0], in: 0...10_000)
        let maximum = problems.integer(config, keys[1], in: 1...10_000)
        if let minimum { minimumConnections = minimum }
        if let maximum { maximumConnections = maximum }
        if minimumConnections > maximumConnections {
            // Name the key the user set; when both are set, the maximum is the one to raise.
            let key = maximum != nil ? keys[1] : keys[0]
            let value = maximum != nil ? maximumConnections : minimumConnections
            problems.report(
                key, String(value),
                expected: "\(keys[1]) (\(maximumConnections)) to be at least \(keys[0]) (\(minimumConnections))")
        }
        if let seconds = problems.number(config, keys[2], in: 0.001...3_600) { connectTimeoutSeconds = seconds }
        if let seconds = problems.number(config, keys[3], in: 0...86_400) { operationTimeoutSeconds = seconds }
    }
}
