import Configuration
import Foundation
import RoostCore

/// One invalid configuration value: which key, what it held, what was expected, and
/// which layer set it.
public struct ConfigurationProblem: Sendable, Equatable, CustomStringConvertible {
    /// The dotted key, such as `http.port`.
    public var key: String
    /// The value found, already redacted when it is a secret.
    public var value: String
    /// What a valid value looks like.
    public var expected: String
    /// The layer that set the value (`command line`, `environment`, `file <path>`,
    /// `defaults`), when known. ``RoostConfiguration/read(_:)`` fills it in.
    public var source: String?

    /// Creates a problem report.
    public init(key: String, value: String, expected: String, source: String? = nil) {
        self.key = key
        self.value = value
        self.expected = expected
        self.source = source
    }

    /// `http.port = "abc" (from environment): expected an integer from 0 to 65535`.
    public var description: String {
        "\(key) = \"\(value)\"\(source.map { " (from \($0))" } ?? ""): expected \(expected)"
    }
}

/// Thrown when configuration values are invalid. Lists **every** problem found, not
/// just the first, so one run tells the user all there is to fix.
public struct ConfigurationError: RoostError {
    /// Everything that was wrong.
    public var problems: [ConfigurationProblem]

    /// Creates an error from the problems found.
    public init(problems: [ConfigurationProblem]) { self.problems = problems }

    /// `config.invalid`.
    public var code: ErrorCode { "config.invalid" }

    /// Each problem on its own line, with where values come from.
    public var message: String {
        let lines = problems.map { "  - \($0)" }.joined(separator: "\n")
        return "invalid configuration; fix these values (command-line flags, ROOST_* environment variables or the --config file):\n\(lines)"
    }
}

/// Collects problems while a settings type reads its keys, then throws them all at once.
struct ProblemCollector {
    private(set) var problems: [ConfigurationProblem] = []

    /// Records a problem; the value is redacted when the key or the URL holds a secret.
    mutating func report(_ key: String, _ value: String, expected: String) {
        problems.append(
            ConfigurationProblem(key: key, value: RoostConfiguration.redact(value, key: key), expected: expected))
    }

    /// Adds the problems of a section read separately.
    mutating func merge(_ error: ConfigurationError) { problems += error.problems }

    /// A value as text whatever type its layer holds (`"9000"` from a flag, `9000` from JSON).
    static func text(_ config: ConfigReader, _ key: String) -> String? {
        let key = ConfigKey(key)
        if let text = config.string(forKey: key) { return text }
        if let number = config.int(forKey: key) { return String(number) }
        if let number = config.double(forKey: key) { return String(number) }
        if let flag = config.bool(forKey: key) { return String(flag) }
        return config.stringArray(forKey: key)?.joined(separator: ",")
    }

    /// Reads a boolean (`true/false/1/0/yes/no`), reporting anything else.
    mutating func bool(_ config: ConfigReader, _ key: String) -> Bool? {
        guard let text = Self.text(config, key) else { return nil }
        switch text.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default:
            report(key, text, expected: "true or false")
            return nil
        }
    }

    /// Reads a number within `range`, reporting anything else.
    mutating func number(_ config: ConfigReader, _ key: String, in range: ClosedRange<Double>) -> Double? {
        guard let text = Self.text(config, key) else { return nil }
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            report(key, text, expected: "a number from \(Self.plain(range.lowerBound)) to \(Self.plain(range.upperBound))")
            return nil
        }
        return value
    }

    /// `30` rather than `30.0`.
    private static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    func throwIfAny() throws(ConfigurationError) {
        if !problems.isEmpty { throw ConfigurationError(problems: problems) }
    }
}
