/// Connection-pool and TLS settings read from a database URL's query string.
///
/// | option | value | default |
/// |---|---|---|
/// | `maxConnections` | integer ≥ 1 | engine's choice |
/// | `minConnections` | integer ≥ 0, ≤ `maxConnections` | engine's choice |
/// | `connectTimeout` | seconds, a positive number such as `5` or `0.5` | engine's choice |
/// | `tls` (alias `sslmode`) | `disable`, `prefer`, `require`, `verify-ca`, `verify-full` | `prefer` for servers |
/// | `readOnly` | `true` or `false` | `false` |
///
/// Unknown or repeated options are errors, so a typo cannot silently fall back to a
/// default. `tls` does not apply to SQLite.
///
/// ```swift
/// let url = try DatabaseURL("mysql://app@db/shop?maxConnections=32&connectTimeout=2.5&tls=verify-full")
/// url.options.maxConnections  // 32
/// url.options.connectTimeout  // .milliseconds(2500)
/// ```
public struct DatabaseOptions: Sendable, Hashable {
    /// How a connection uses TLS, with the same names as PostgreSQL's `sslmode`.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Never use TLS.
        case disable
        /// Use TLS when the server offers it, without verifying the certificate.
        case prefer
        /// Require TLS, without verifying the certificate.
        case require
        /// Require TLS and a certificate signed by a trusted authority.
        case verifyCA = "verify-ca"
        /// Require TLS, a trusted certificate, and a host name that matches it.
        case verifyFull = "verify-full"
    }

    /// The most connections the pool opens.
    public var maxConnections: Int?
    /// The connections the pool keeps open when idle.
    public var minConnections: Int?
    /// How long opening a connection may take.
    public var connectTimeout: Duration?
    /// How connections use TLS; nil when the URL does not say.
    public var tls: TLSMode?
    /// Whether the client refuses writes; nil when the URL does not say (read-write).
    public var readOnly: Bool?

    /// Creates options; nil leaves the choice to the engine.
    public init(
        maxConnections: Int? = nil, minConnections: Int? = nil, connectTimeout: Duration? = nil, tls: TLSMode? = nil,
        readOnly: Bool? = nil
    ) {
        self.maxConnections = maxConnections
        self.minConnections = minConnections
        self.connectTimeout = connectTimeout
        self.tls = tls
        self.readOnly = readOnly
    }

    /// The options as query items in canonical order, for ``DatabaseURL/description``.
    var queryItems: [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        if let maxConnections { items.append(("maxConnections", String(maxConnections))) }
        if let minConnections { items.append(("minConnections", String(minConnections))) }
        if let connectTimeout { items.append(("connectTimeout", Self.format(connectTimeout))) }
        if let tls { items.append(("tls", tls.rawValue)) }
        if let readOnly { items.append(("readOnly", String(readOnly))) }
        return items
    }

    private static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1_000 == 0 ? String(milliseconds / 1_000) : String(Double(milliseconds) / 1_000)
    }
}
