import Configuration
import RoostCore
import Foundation

/// Where the HTTP server listens.
///
/// | key | flag | environment | default |
/// |---|---|---|---|
/// | `http.host` | `--host` | `ROOST_HTTP_HOST` | `127.0.0.1` |
/// | `http.port` | `--port` | `ROOST_HTTP_PORT` | `8080` |
/// | `http.debug` | `--debug` | `ROOST_HTTP_DEBUG` | `false` |
/// | `http.requestTimeoutSeconds` | `--request-timeout-seconds` | `ROOST_HTTP_REQUEST_TIMEOUT_SECONDS` | `30` |
/// | `http.maxBodyBytes` | `--max-body-bytes` | `ROOST_HTTP_MAX_BODY_BYTES` | `2097152` |
/// | `http.accessLog` | `--access-log` | `ROOST_HTTP_ACCESS_LOG` | `true` |
/// | `http.trustedProxies` | `--trusted-proxies` | `ROOST_HTTP_TRUSTED_PROXIES` | none (comma-separated CIDRs) |
/// | `http.headTimeoutSeconds` | `--head-timeout-seconds` | `ROOST_HTTP_HEAD_TIMEOUT_SECONDS` | `10` |
/// | `http.idleTimeoutSeconds` | `--idle-timeout-seconds` | `ROOST_HTTP_IDLE_TIMEOUT_SECONDS` | `60` |
/// | `http.maxHeaderBytes` | `--max-header-bytes` | `ROOST_HTTP_MAX_HEADER_BYTES` | `32768` |
/// | `http.compression` | `--compression` | `ROOST_HTTP_COMPRESSION` | `false` |
/// | `http.metrics` | `--metrics` | `ROOST_HTTP_METRICS` | `true` |
/// | `http.corsOrigins` | `--cors-origins` | `ROOST_HTTP_CORS_ORIGINS` | none (comma-separated origins, or `*`) |
/// | `http.corsAllowCredentials` | `--cors-allow-credentials` | `ROOST_HTTP_CORS_ALLOW_CREDENTIALS` | `false` |
///
/// Port `0` asks the system for any free port.
///
/// ```swift
/// let http = try HTTPSettings(config: try await RoostConfiguration.load().reader)
/// print(http.host, http.port)
/// ```
public struct HTTPSettings: Sendable, Equatable {
    /// The address to bind, such as `127.0.0.1`, `0.0.0.0` or `::1`.
    public var host: String
    /// The TCP port, 0 for any free one.
    public var port: Int
    /// Whether error responses include internal details (never in production).
    public var debug: Bool
    /// How long a request may run before it is answered `503`.
    public var requestTimeoutSeconds: Double
    /// The largest request body accepted, in bytes.
    public var maxBodyBytes: Int
    /// Whether to log one line per request.
    public var accessLog: Bool
    /// Proxies (CIDR blocks) whose `X-Forwarded-For` is believed.
    public var trustedProxies: [String]
    /// How long a client may take to send a request head (the slow-client defence).
    public var headTimeoutSeconds: Double = 10
    /// How long a connection may stay silent before it is closed.
    public var idleTimeoutSeconds: Double = 60
    /// The largest request head accepted, in bytes; larger ones get `431`.
    public var maxHeaderBytes: Int = 32 * 1024
    /// Whether large textual responses are compressed for clients that accept it.
    public var compression = false
    /// Whether request metrics are recorded and served at `/metrics`.
    public var metrics = true
    /// Origins (`scheme://host[:port]`) whose browsers may call the service, or `["*"]`
    /// for any; empty allows no cross-origin request.
    public var corsOrigins: [String] = []
    /// Whether cross-origin requests may carry cookies and `Authorization`.
    public var corsAllowCredentials = false

    /// Creates settings directly.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, debug: Bool = false, requestTimeoutSeconds: Double = 30,
        maxBodyBytes: Int = 2 << 20, accessLog: Bool = true, trustedProxies: [String] = []
    ) {
        self.host = host
        self.port = port
        self.debug = debug
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.maxBodyBytes = maxBodyBytes
        self.accessLog = accessLog
        self.trustedProxies = trustedProxies
    }

    /// Every key this section reads.
    public static let keys = [
        "http.host", "http.port", "http.debug", "http.requestTimeoutSeconds", "http.maxBodyBytes",
        "http.accessLog", "http.trustedProxies", "http.headTimeoutSeconds", "http.idleTimeoutSeconds",
        "http.maxHeaderBytes", "http.compression", "http.metrics", "http.corsOrigins", "http.corsAllowCredentials",
    ]

    /// These settings as text, by key, for printing.
    public var textValues: [String: String] {
        [
            "http.host": host, "http.port": String(port), "http.debug": String(debug),
            "http.requestTimeoutSeconds": String(requestTimeoutSeconds), "http.maxBodyBytes": String(maxBodyBytes),
            "http.accessLog": String(accessLog), "http.trustedProxies": trustedProxies.joined(separator: ","),
            "http.headTimeoutSeconds": String(headTimeoutSeconds), "http.idleTimeoutSeconds": String(idleTimeoutSeconds),
            "http.maxHeaderBytes": String(maxHeaderBytes), "http.compression": String(compression),
            "http.metrics": String(metrics), "http.corsOrigins": corsOrigins.joined(separator: ","),
            "http.corsAllowCredentials": String(corsAllowCredentials),
        ]
    }

    /// Reads and validates the `http` section, reporting every invalid value at once.
    public init(config: ConfigReader) throws(ConfigurationError) {
        self.init()
        var problems = ProblemCollector()
        if let host = ProblemCollector.text(config, "http.host") {
            let trimmed = host.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.contains(where: { $0 == " " || $0 == "/" }) {
                problems.report("http.host", host, expected: "a host name or IP address such as 127.0.0.1")
            } else {
                self.host = trimmed
            }
        }
        if let text = ProblemCollector.text(config, "http.port") {
            if let port = Int(text.trimmingCharacters(in: .whitespaces)), (0...65_535).contains(port) {
                self.port = port
            } else {
                problems.report("http.port", text, expected: "an integer from 0 to 65535")
            }
        }
        if let flag = problems.bool(config, "http.debug") { debug = flag }
        if let flag = problems.bool(config, "http.accessLog") { accessLog = flag }
        if let seconds = problems.number(config, "http.requestTimeoutSeconds", in: 0.001...86_400) {
            requestTimeoutSeconds = seconds
        }
        if let bytes = problems.number(config, "http.maxBodyBytes", in: 0...Double(Int32.max)) {
            maxBodyBytes = Int(bytes)
        }
        if let proxies = ProblemCollector.text(config, "http.trustedProxies") {
            trustedProxies = Self.list(proxies)
            for proxy in trustedProxies where !Self.looksLikeCIDR(proxy) {
                problems.report("http.trustedProxies", proxy, expected: "an IP address or CIDR block such as 10.0.0.0/8")
            }
        }
        readServerLimits(config, into: &problems)
        readMiddlewareSet(config, into: &problems)
        try problems.throwIfAny()
    }

    private mutating func readServerLimits(_ config: ConfigReader, into problems: inout ProblemCollector) {
        if let seconds = problems.number(config, "http.headTimeoutSeconds", in: 0.001...3_600) {
            headTimeoutSeconds = seconds
        }
        if let seconds = problems.number(config, "http.idleTimeoutSeconds", in: 0.001...86_400) {
            idleTimeoutSeconds = seconds
        }
        if let bytes = problems.integer(config, "http.maxHeaderBytes", in: 1_024...1_048_576) { maxHeaderBytes = bytes }
    }

    private mutating func readMiddlewareSet(_ config: ConfigReader, into problems: inout ProblemCollector) {
        if let flag = problems.bool(config, "http.compression") { compression = flag }
        if let flag = problems.bool(config, "http.metrics") { metrics = flag }
        if let flag = problems.bool(config, "http.corsAllowCredentials") { corsAllowCredentials = flag }
        if let origins = ProblemCollector.text(config, "http.corsOrigins") {
            corsOrigins = Self.list(origins)
            for origin in corsOrigins where origin != "*" && !WebOrigin.isValid(origin) {
                problems.report("http.corsOrigins", origin, expected: "an origin such as https://shop.example (no path), or *")
            }
            if corsOrigins.contains("*") && corsOrigins.count > 1 {
                problems.report("http.corsOrigins", origins, expected: "either * alone or a list of origins")
            }
        }
        if corsAllowCredentials && corsOrigins == ["*"] {
            problems.report(
                "http.corsAllowCredentials", "true",
                expected: "false when http.corsOrigins is * (list the origins to allow credentials)")
        }
    }

    private static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private static func looksLikeCIDR(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = parts.first, !address.isEmpty,
            address.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" })
        else { return false }
        return parts.count == 1 || Int(parts[1]).map { (0...128).contains($0) } == true
    }
}
