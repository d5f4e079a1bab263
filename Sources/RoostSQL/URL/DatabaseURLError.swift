import RoostCore

/// Why a database URL was refused. Every problem in the URL is listed, so that one
/// attempt shows everything to fix.
public struct DatabaseURLError: RoostError, Equatable {
    /// One thing wrong with a database URL.
    public enum Problem: Sendable, Hashable, CustomStringConvertible {
        /// The text has no `scheme:` prefix.
        case missingScheme
        /// The scheme is not one Roost supports.
        case unsupportedScheme(String)
        /// `//` was expected after the scheme.
        case missingAuthority(scheme: String)
        /// A server URL has no host.
        case missingHost
        /// An IPv6 host's `[` has no matching `]`.
        case unterminatedIPv6Host
        /// The port is not a number from 1 to 65535.
        case invalidPort(String)
        /// A SQLite URL names no file.
        case missingPath
        /// The path after the host has more than one segment.
        case invalidDatabaseName(String)
        /// A part contains `%` not followed by two hex digits, or decodes to invalid UTF-8.
        case invalidPercentEncoding(component: String)
        /// A query option is not known.
        case unknownOption(String)
        /// A query option appears twice.
        case duplicateOption(String)
        /// A query option has a value of the wrong form.
        case invalidOptionValue(option: String, value: String, expected: String)
        /// A query option does not apply to this engine.
        case optionNotSupported(option: String, engine: DatabaseURL.Engine)
        /// `minConnections` is larger than `maxConnections`.
        case minimumAboveMaximum(minimum: Int, maximum: Int)

        /// The problem in words.
        public var description: String {
            switch self {
            case .missingScheme:
                "no scheme: start with sqlite://, postgres:// or mysql://"
            case .unsupportedScheme(let scheme):
                "unsupported scheme '\(scheme)': use sqlite, postgres, postgresql, mysql or mariadb"
            case .missingAuthority(let scheme):
                "expected '//' after '\(scheme):'"
            case .missingHost:
                "no host: write user:password@host:port"
            case .unterminatedIPv6Host:
                "an IPv6 host opened with '[' is not closed with ']'"
            case .invalidPort(let port):
                "port '\(port)' is not a number from 1 to 65535"
            case .missingPath:
                "no database file: use sqlite:///absolute/path.db, sqlite://relative.db or sqlite::memory:"
            case .invalidDatabaseName(let name):
                "database name '\(name)' must be a single path segment"
            case .invalidPercentEncoding(let component):
                "the \(component) has a '%' that is not followed by two hex digits of valid UTF-8"
            case .unknownOption(let option):
                "unknown option '\(option)': use maxConnections, minConnections, connectTimeout, tls or readOnly"
            case .duplicateOption(let option):
                "option '\(option)' is given more than once"
            case .invalidOptionValue(let option, let value, let expected):
                "option \(option)='\(value)' is invalid: expected \(expected)"
            case .optionNotSupported(let option, let engine):
                "option '\(option)' does not apply to \(engine.rawValue)"
            case .minimumAboveMaximum(let minimum, let maximum):
                "minConnections (\(minimum)) is larger than maxConnections (\(maximum))"
            }
        }
    }

    /// Everything wrong with the URL, in the order found.
    public let problems: [Problem]

    /// Creates the error.
    public init(problems: [Problem]) { self.problems = problems }

    /// `sql.url.invalid`
    public var code: ErrorCode { "sql.url.invalid" }

    /// Every problem, numbered when there are several.
    public var message: String {
        if problems.count == 1 { return "Invalid database URL: \(problems[0])." }
        let list = problems.enumerated().map { "(\($0.offset + 1)) \($0.element)" }.joined(separator: "; ")
        return "Invalid database URL, \(problems.count) problems: \(list)."
    }
}
