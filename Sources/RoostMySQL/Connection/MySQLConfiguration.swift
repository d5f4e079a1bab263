import Foundation
import NIOCore

/// Where and how to connect to a MySQL or MariaDB server.
///
/// ```swift
/// var configuration = try MySQLConfiguration(url: "mysql://app:secret@127.0.0.1:3306/shop")
/// configuration.connectionAttributes["program_name"] = "billing"
/// let connection = try await MySQLConnection.connect(configuration: configuration)
/// ```
public struct MySQLConfiguration: Sendable {
    /// The server's host name or IP address.
    public var host: String
    /// The server's TCP port (3306 by default).
    public var port: Int
    /// The user to log in as.
    public var username: String
    /// The password; empty for none.
    public var password: String
    /// The default database, if any.
    public var database: String?
    /// Extra connection attributes shown in `performance_schema.session_connect_attrs`,
    /// in addition to `_client_name`, `_client_version`, `_os` and `_pid`.
    public var connectionAttributes: [String: String] = [:]
    /// How long to wait for the TCP connection.
    public var connectTimeout: TimeAmount = .seconds(10)
    /// How long the server may take, once connected, to greet and accept the login.
    public var loginTimeout: TimeAmount = .seconds(10)
    /// The largest packet accepted from the server; larger ones close the connection with
    /// `mysql.protocol.tooLarge`. 64 MiB by default, MySQL's default `max_allowed_packet`.
    public var maximumPacketSize: Int = 64 * 1024 * 1024
    /// Whether the connection uses TLS (``TLS/disable`` by default). Over TLS,
    /// `caching_sha2_password` full authentication sends the password without the RSA
    /// key exchange.
    public var tls: TLS = .disable
    /// The name sent for SNI and checked against the server's certificate, when it
    /// differs from ``host`` (connecting by IP address to a server whose certificate names
    /// its DNS name, for example). `nil` uses ``host``.
    public var tlsServerName: String?
    /// The server's RSA public key (PEM) for `caching_sha2_password` full authentication
    /// over an unencrypted connection. When `nil`, the key is requested from the server
    /// if ``allowPublicKeyRetrieval`` is true.
    public var serverPublicKey: String?
    /// Whether the client may ask the server for its RSA public key during
    /// `caching_sha2_password` full authentication over an unencrypted connection. True by
    /// default, like most clients; a machine in the middle could substitute its own key,
    /// so set ``serverPublicKey`` and turn this off on untrusted networks.
    public var allowPublicKeyRetrieval: Bool = true
    /// How many prepared statements each connection keeps open for reuse by
    /// ``MySQLConnection/query(_:_:)``; the least recently used one is closed
    /// (`COM_STMT_CLOSE`) when another is needed. 0 closes every statement after use.
    /// Default 64; keep the product of this and the connection count below the server's
    /// `max_prepared_stmt_count`.
    public var statementCacheCapacity: Int = 64
    /// Whether every session is made read-only (`SET SESSION TRANSACTION READ ONLY`) at
    /// login and again after each `COM_RESET_CONNECTION`, so writes fail with server
    /// error 1792. Use it for replicas behind ``MySQLClient``. Default false.
    public var readOnly: Bool = false
    /// Where query durations, errors and spans are reported (operation: the statement's
    /// first keyword, such as `SELECT`; spans also carry `db.query.text`, the SQL with
    /// placeholders, or with its literals replaced by `?`); by default the process-wide
    /// swift-metrics and swift-distributed-tracing systems (nothing when not bootstrapped).
    public var instrumentation = DriverInstrumentation()
    /// Whether ``MySQLQueryResult/affectedRows`` of an UPDATE counts every row the
    /// statement matched (`CLIENT_FOUND_ROWS`), as PostgreSQL and SQLite do, instead of
    /// only the rows whose values changed. Default false, MySQL's own behaviour.
    public var countsMatchedRows: Bool = false

    /// Creates a configuration from its parts.
    public init(host: String, port: Int = 3306, username: String, password: String = "", database: String? = nil) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    /// Creates a configuration from a URL: `mysql://user:password@host:port/database`.
    ///
    /// The scheme is `mysql` or `mariadb`; user name and password are percent-decoded;
    /// the port defaults to 3306 and the database is optional. Throws
    /// ``MySQLConnectionError`` with code `mysql.configuration.invalid` for anything else.
    public init(url: String) throws {
        func invalid(_ reason: String) -> MySQLConnectionError {
            MySQLConnectionError(.invalidConfiguration, "\(reason) in the URL; expected mysql://user:password@host:port/database")
        }
        guard let components = URLComponents(string: url) else { throw invalid("unparseable text") }
        guard let scheme = components.scheme?.lowercased(), scheme == "mysql" || scheme == "mariadb" else {
            throw invalid("scheme '\(components.scheme ?? "")' is not mysql or mariadb")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("no host") }
        guard let username = components.user, !username.isEmpty else { throw invalid("no user name") }
        let port = components.port ?? 3306
        guard (1...65535).contains(port) else { throw invalid("port \(port) out of range") }
        var path = components.path
        if path.hasPrefix("/") { path.removeFirst() }
        guard !path.contains("/") else { throw invalid("database name '\(path)' contains '/'") }
        self.init(
            host: host, port: port, username: username, password: components.password ?? "",
            database: path.isEmpty ? nil : (path.removingPercentEncoding ?? path))
    }
}
