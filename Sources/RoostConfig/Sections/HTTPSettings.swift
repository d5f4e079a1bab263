import Configuration
import Foundation

/// Where the HTTP server listens.
///
/// | key | flag | environment | default |
/// |---|---|---|---|
/// | `http.host` | `--host` | `ROOST_HTTP_HOST` | `127.0.0.1` |
/// | `http.port` | `--port` | `ROOST_HTTP_PORT` | `8080` |
///
/// Port `0` asks the system for any free port.
///
/// ```swift
/// let http = try HTTPSettings(config: RoostConfiguration.reader())
/// print(http.host, http.port)
/// ```
public struct HTTPSettings: Sendable, Equatable {
    /// The address to bind, such as `127.0.0.1`, `0.0.0.0` or `::1`.
    public var host: String
    /// The TCP port, 0 for any free one.
    public var port: Int

    /// Creates settings directly.
    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }

    /// Reads and validates the `http` section, reporting every invalid value at once.
    public init(config: ConfigReader) throws(ConfigurationError) {
        self.init()
        var problems = ProblemCollector()
        if let host = config.string(forKey: "http.host") {
            let trimmed = host.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.contains(where: { $0 == " " || $0 == "/" }) {
                problems.report("http.host", host, expected: "a host name or IP address such as 127.0.0.1")
            } else {
                self.host = trimmed
            }
        }
        if let text = config.string(forKey: "http.port") {
            if let port = Int(text.trimmingCharacters(in: .whitespaces)), (0...65_535).contains(port) {
                self.port = port
            } else {
                problems.report("http.port", text, expected: "an integer from 0 to 65535")
            }
        }
        try problems.throwIfAny()
    }
}
