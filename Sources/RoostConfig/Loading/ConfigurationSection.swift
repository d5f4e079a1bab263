import Configuration

/// A typed, validated section of the configuration, such as ``HTTPSettings``.
///
/// A section reads its keys from a `ConfigReader`, falls back to its own defaults, and
/// throws one ``ConfigurationError`` listing every invalid value. Printed in any way —
/// `"\(section)"`, `String(reflecting:)`, `dump` — it shows its ``textValues`` with
/// secrets redacted (passwords in URLs as `***`, secret-looking keys as `<redacted>`).
///
/// ```swift
/// struct MailSettings: ConfigurationSection {
///     var host = "localhost"
///     static let keys = ["mail.host"]
///     var textValues: [String: String] { ["mail.host": host] }
///     init() {}
///     init(config: ConfigReader) throws(ConfigurationError) {
///         self.init()
///         if let host = config.string(forKey: "mail.host") { self.host = host }
///     }
/// }
/// ```
public protocol ConfigurationSection: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// Every key the section reads.
    static var keys: [String] { get }
    /// The settings as text, by key, for printing.
    var textValues: [String: String] { get }
    /// Reads and validates the section.
    init(config: ConfigReader) throws(ConfigurationError)
}

extension ConfigurationSection {
    /// `RedisSettings(redis.poolMaximum: 16, redis.url: redis://app:***@cache:6379, …)`: every
    /// key and value, sorted by key, secrets redacted.
    public var description: String { RoostConfiguration.printout(of: Self.self, textValues) }
    /// The same as ``description``, so that debug printing shows no secret either.
    public var debugDescription: String { description }
    /// The keys and redacted values, so that `dump` and debuggers show no secret either.
    public var customMirror: Mirror { RoostConfiguration.mirror(of: self, textValues) }
}

extension RoostSettings: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Every key and value of every section, sorted by key, secrets redacted.
    public var description: String { RoostConfiguration.printout(of: Self.self, textValues) }
    /// The same as ``description``.
    public var debugDescription: String { description }
    /// The keys and redacted values, so that `dump` and debuggers show no secret either.
    public var customMirror: Mirror { RoostConfiguration.mirror(of: self, textValues) }
}

extension RoostConfiguration {
    /// `Name(key: value, …)` with the values redacted.
    static func printout<T>(of type: T.Type, _ values: [String: String]) -> String {
        let pairs = values.sorted { $0.key < $1.key }.map { "\($0.key): \(redact($0.value, key: $0.key))" }
        return "\(type)(\(pairs.joined(separator: ", ")))"
    }

    /// A mirror whose children are the keys and redacted values.
    static func mirror(of subject: Any, _ values: [String: String]) -> Mirror {
        let children = values.sorted { $0.key < $1.key }.map {
            (label: Optional($0.key), value: redact($0.value, key: $0.key) as Any)
        }
        return Mirror(subject, children: children, displayStyle: .struct)
    }
}

extension HTTPSettings: ConfigurationSection {}
extension LoggingSettings: ConfigurationSection {}
extension DatabaseSettings: ConfigurationSection {}

extension RoostConfiguration {
    /// Reads one section, naming in each problem the layer that set the bad value.
    ///
    /// ```swift
    /// let redis = try configuration.read(RedisSettings.init)
    /// ```
    public func read<Section: ConfigurationSection>(
        _ section: (ConfigReader) throws(ConfigurationError) -> Section
    ) throws(ConfigurationError) -> Section {
        do {
            return try section(reader)
        } catch {
            throw attributed(error)
        }
    }

    /// `error` with each problem's ``ConfigurationProblem/source`` set to the layer that
    /// holds its key.
    func attributed(_ error: ConfigurationError) -> ConfigurationError {
        var error = error
        for index in error.problems.indices where error.problems[index].source == nil {
            let key = error.problems[index].key
            error.problems[index].source = layers.first { Self.text(in: $0.provider, key: key) != nil }?.name
        }
        return error
    }
}
