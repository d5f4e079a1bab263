import Configuration

/// A typed, validated section of the configuration, such as ``HTTPSettings``.
///
/// A section reads its keys from a `ConfigReader`, falls back to its own defaults, and
/// throws one ``ConfigurationError`` listing every invalid value.
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
public protocol ConfigurationSection: Sendable, Equatable {
    /// Every key the section reads.
    static var keys: [String] { get }
    /// The settings as text, by key, for printing.
    var textValues: [String: String] { get }
    /// Reads and validates the section.
    init(config: ConfigReader) throws(ConfigurationError)
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
