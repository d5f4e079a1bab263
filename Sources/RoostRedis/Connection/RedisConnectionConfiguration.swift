import Foundation
import NIOCore

/// Where a Redis server is and how to talk to it.
///
/// Build it field by field, or from a URL:
///
/// ```swift
/// let configuration = try RedisConnectionConfiguration(url: "redis://app:s3cret@cache.internal:6379/2?name=billing")
/// let connection = try await RedisConnection.connect(configuration: configuration)
/// ```
public struct RedisConnectionConfiguration: Sendable {
    /// The RESP version to ask for.
    public enum ProtocolVersion: Int, Sendable, Hashable {
        /// RESP2, the protocol every Redis version speaks.
        case resp2 = 2
        /// RESP3 (Redis 6 and later): typed replies and push frames. When the server does
        /// not support it, the connection falls back to RESP2.
        case resp3 = 3
    }

    /// The server's host name or IP address.
    public var host: String
    /// The server's TCP port. Default 6379.
    public var port: Int
    /// The ACL user name; `nil` authenticates as the `default` user.
    public var username: String?
    /// The password; `nil` skips authentication.
    public var password: String?
    /// The logical database to `SELECT`. Default 0.
    public var database: Int
    /// A name for `CLIENT SETNAME`, shown in `CLIENT LIST`.
    public var clientName: String?
    /// The protocol to ask for with `HELLO`. Default ``ProtocolVersion/resp3``.
    public var protocolVersion: ProtocolVersion
    /// How long the TCP connection, and then each handshake command, may take.
    /// Default 10 seconds.
    public var connectTimeout: Duration
    /// How long an ordinary command may wait for its reply; `nil` waits forever.
    /// Default 30 seconds.
    public var commandTimeout: Duration?
    /// How long a blocking command (``RedisCommand/isBlocking``, such as `BLPOP`) may wait
    /// for its reply; `nil` waits forever. Default `nil`: such commands carry their own
    /// server-side timeout.
    public var blockingCommandTimeout: Duration?
    /// Bounds on the replies the decoder accepts.
    public var decoderLimits: RESPDecoderLimits
    /// TLS settings; `nil` (the default, and `redis://`) connects in plain text,
    /// `rediss://` sets the defaults (system roots, full verification).
    public var tls: RedisTLSConfiguration?
    /// A prefix added to every key argument of the typed commands (`app:` turns `user:1`
    /// into `app:user:1`), so several applications can share one database. `nil` (the
    /// default) adds none. Raw commands (``RedisConnection/send(_:timeout:)``), scripts
    /// and pub/sub channels are not prefixed; see ``RedisConnection/prefixed(_:)``.
    public var keyPrefix: String?
    /// How many RESP3 push frames ``RedisConnection/pushes`` keeps for a slow reader before
    /// dropping the oldest. Default 1,024.
    public var pushBufferSize: Int
    /// Where command durations, errors and spans are reported; by default the process-wide
    /// swift-metrics and swift-distributed-tracing systems (nothing when not bootstrapped).
    public var instrumentation = DriverInstrumentation()

    /// Creates a configuration for `host:port` with defaults for everything else.
    public init(host: String, port: Int = 6379) {
        self.host = host
        self.port = port
        self.username = nil
        self.password = nil
        self.database = 0
        self.clientName = nil
        self.protocolVersion = .resp3
        self.connectTimeout = .seconds(10)
        self.commandTimeout = .seconds(30)
        self.blockingCommandTimeout = nil
        self.decoderLimits = RESPDecoderLimits()
        self.pushBufferSize = 1024
        self.tls = nil
        self.keyPrefix = nil
    }

    /// Parses `redis[s]://[[user]:password@]host[:port][/database][?name=<client name>&protocol=2|3]`.
    ///
    /// User and password may be percent-encoded. `rediss://` turns on TLS; further URL
    /// parameters set its files and verification: `tls_ca_file`, `tls_cert_file`,
    /// `tls_key_file`, `tls_verify=full|no_hostname|none`. Throws ``RedisConfigurationError`` naming
    /// the part that is wrong.
    public init(url: String) throws(RedisConfigurationError) {
        guard let components = URLComponents(string: url) else {
            throw RedisConfigurationError("'\(Self.redact(url))' is not a URL; write redis://[user:password@]host[:port][/database]")
        }
        let useTLS: Bool
        switch components.scheme?.lowercased() {
        case "redis": useTLS = false
        case "rediss": useTLS = true
        default:
            throw RedisConfigurationError("'\(Self.redact(url))' does not start with redis:// or rediss://")
        }
        guard let host = components.host, !host.isEmpty else {
            throw RedisConfigurationError("'\(Self.redact(url))' has no host; write redis://host[:port]")
        }
        self.init(host: host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host)
        if useTLS { tls = RedisTLSConfiguration() }
        if let port = components.port {
            guard (1...65535).contains(port) else {
                throw RedisConfigurationError("port \(port) in '\(Self.redact(url))' is outside 1...65535")
            }
            self.port = port
        }
        if let user = components.user, !user.isEmpty { self.username = user }
        if let password = components.password { self.password = password }
        if components.password == nil, components.user != nil {
            throw RedisConfigurationError("'\(Self.redact(url))' has a user but no password; write redis://user:password@host")
        }
        let path = components.path.drop { $0 == "/" }
        if !path.isEmpty {
            guard let database = Int(path), database >= 0 else {
                throw RedisConfigurationError("'\(path)' in '\(Self.redact(url))' is not a database number; write redis://host:port/0")
            }
            self.database = database
        }
        for item in components.queryItems ?? [] {
            switch item.name {
            case "name":
                clientName = item.value
            case "protocol":
                guard let value = item.value.flatMap(Int.init), let version = ProtocolVersion(rawValue: value) else {
                    throw RedisConfigurationError("protocol=\(item.value ?? "") must be 2 or 3")
                }
                protocolVersion = version
            case "tls_ca_file", "tls_cert_file", "tls_key_file", "tls_verify":
                guard tls != nil else {
                    throw RedisConfigurationError("\(item.name) needs TLS; start the URL with rediss://")
                }
                try applyTLSParameter(item.name, item.value ?? "")
            default:
                throw RedisConfigurationError(
                    "unknown URL parameter '\(item.name)'; supported: name, protocol, tls_ca_file, tls_cert_file, tls_key_file, tls_verify")
            }
        }
    }

    private mutating func applyTLSParameter(_ name: String, _ value: String) throws(RedisConfigurationError) {
        switch name {
        case "tls_ca_file": tls?.caCertificateFile = value
        case "tls_cert_file": tls?.certificateFile = value
        case "tls_key_file": tls?.privateKeyFile = value
        default:
            switch value {
            case "full": tls?.verification = .full
            case "no_hostname": tls?.verification = .noHostnameVerification
            case "none": tls?.verification = .none
            default: throw RedisConfigurationError("tls_verify=\(value) must be full, no_hostname or none")
            }
        }
    }

    /// `host:port`, for messages.
    public var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The URL with any password replaced, for error messages.
    private static func redact(_ url: String) -> String {
        guard var components = URLComponents(string: url) else {
            return url.contains("@") ? "<URL with credentials>" : url
        }
        guard components.password != nil else { return url }
        components.password = "<redacted>"
        return components.string ?? "<unparseable URL>"
    }
}
