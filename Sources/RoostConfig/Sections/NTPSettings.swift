import Configuration
import Foundation

/// Which time servers RoostNTP asks, how often and how patiently.
///
/// | key | environment | default |
/// |---|---|---|
/// | `ntp.servers` | `ROOST_NTP_SERVERS` | `0.pool.ntp.org,1.pool.ntp.org,2.pool.ntp.org` |
/// | `ntp.samplesPerServer` | `ROOST_NTP_SAMPLES_PER_SERVER` | `4` |
/// | `ntp.timeoutSeconds` | `ROOST_NTP_TIMEOUT_SECONDS` | `2` |
/// | `ntp.sampleSpacingSeconds` | `ROOST_NTP_SAMPLE_SPACING_SECONDS` | `2` (what public servers ask for) |
/// | `ntp.intervalSeconds` | `ROOST_NTP_INTERVAL_SECONDS` | `1024` |
///
/// Servers are `host` or `host:port` (port 123 when left out; an IPv6 address in
/// brackets, `[2001:db8::1]:123`), separated by commas, or a list in a JSON or YAML file.
///
/// ```swift
/// let ntp = try configuration.read(NTPSettings.init)
/// let sampler = NTPSampler(
///     client: SNTPClient(), servers: ntp.servers.map { NTPServer(host: $0.host, port: $0.port) },
///     samplesPerServer: ntp.samplesPerServer, timeout: .seconds(ntp.timeoutSeconds),
///     sampleSpacing: .seconds(ntp.sampleSpacingSeconds))
/// let clock = NTPClockService(sampler: sampler, interval: .seconds(ntp.intervalSeconds))
/// ```
public struct NTPSettings: ConfigurationSection {
    /// One time server.
    public struct Server: Sendable, Hashable, CustomStringConvertible {
        /// The host name or address, without brackets.
        public var host: String
        /// The UDP port.
        public var port: Int

        /// Creates a server entry.
        public init(host: String, port: Int = 123) {
            self.host = host
            self.port = port
        }

        /// `host:port`, with an IPv6 address in brackets.
        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// The servers asked at each calibration.
    public var servers: [Server]
    /// How many samples are taken from each server; the median is kept.
    public var samplesPerServer: Int
    /// How long one query may take.
    public var timeoutSeconds: Double
    /// The pause between two queries to one server.
    public var sampleSpacingSeconds: Double
    /// The time between calibrations.
    public var intervalSeconds: Double

    /// Creates settings directly.
    public init(
        servers: [Server] = ["0.pool.ntp.org", "1.pool.ntp.org", "2.pool.ntp.org"].map { Server(host: $0) },
        samplesPerServer: Int = 4, timeoutSeconds: Double = 2, sampleSpacingSeconds: Double = 2,
        intervalSeconds: Double = 1024
    ) {
        self.servers = servers
        self.samplesPerServer = samplesPerServer
        self.timeoutSeconds = timeoutSeconds
        self.sampleSpacingSeconds = sampleSpacingSeconds
        self.intervalSeconds = intervalSeconds
    }

    /// Every key this section reads.
    public static let keys = [
        "ntp.servers", "ntp.samplesPerServer", "ntp.timeoutSeconds", "ntp.sampleSpacingSeconds", "ntp.intervalSeconds",
    ]

    /// These settings as text, by key, for printing.
    public var textValues: [String: String] {
        [
            "ntp.servers": servers.map(\.description).joined(separator: ","),
            "ntp.samplesPerServer": String(samplesPerServer), "ntp.timeoutSeconds": String(timeoutSeconds),
            "ntp.sampleSpacingSeconds": String(sampleSpacingSeconds), "ntp.intervalSeconds": String(intervalSeconds),
        ]
    }

    /// Reads and validates the `ntp` section, reporting every invalid value at once.
    public init(config: ConfigReader) throws(ConfigurationError) {
        self.init()
        var problems = ProblemCollector()
        if let text = ProblemCollector.text(config, "ntp.servers") {
            let entries = text.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            let parsed = entries.compactMap(Self.server)
            if entries.isEmpty || parsed.count != entries.count {
                problems.report(
                    "ntp.servers", text,
                    expected: "one or more servers as host or host:port (port 1 to 65535), separated by commas,"
                        + " such as 0.pool.ntp.org,time.example.net:123")
            } else {
                servers = parsed
            }
        }
        if let count = problems.integer(config, "ntp.samplesPerServer", in: 1...16) { samplesPerServer = count }
        if let seconds = problems.number(config, "ntp.timeoutSeconds", in: 0.01...60) { timeoutSeconds = seconds }
        if let seconds = problems.number(config, "ntp.sampleSpacingSeconds", in: 0...60) {
            sampleSpacingSeconds = seconds
        }
        if let seconds = problems.number(config, "ntp.intervalSeconds", in: 1...86_400) { intervalSeconds = seconds }
        try problems.throwIfAny()
    }

    /// `host`, `host:port`, `[v6]` or `[v6]:port`; nil when malformed.
    static func server(_ text: String) -> Server? {
        var host = Substring(text)
        var port = 123
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let number = Int(rest.dropFirst()) else { return nil }
                port = number
            }
        } else if let colon = text.firstIndex(of: ":") {
            guard text[text.index(after: colon)...].allSatisfy(\.isNumber),
                let number = Int(text[text.index(after: colon)...])
            else { return nil }
            host = text[..<colon]
            port = number
        }
        guard !host.isEmpty, (1...65_535).contains(port),
            !host.unicodeScalars.contains(where: {
                $0.properties.isWhitespace || $0.value < 0x20 || "[]/@".unicodeScalars.contains($0)
            })
        else { return nil }
        return Server(host: String(host), port: port)
    }
}
