import NIOCore
import NIOSSL

extension MySQLConfiguration {
    /// Whether a connection encrypts its traffic with TLS, and how it checks the server.
    ///
    /// TLS starts inside the MySQL protocol: the server's greeting says whether it offers
    /// TLS (`CLIENT_SSL`), the client answers with an SSLRequest and both switch to TLS
    /// before the login, so the password never crosses the network in plain text.
    ///
    /// ```swift
    /// var tls = TLSConfiguration.makeClientConfiguration()
    /// tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile("/etc/mysql/ca.pem"))
    /// var configuration = try MySQLConfiguration(url: "mysql://app:secret@db.internal/shop")
    /// configuration.tls = try .require(tls)
    /// ```
    public struct TLS: Sendable {
        /// When TLS is used.
        public enum Mode: String, Sendable, Hashable {
            /// Never: the connection stays in plain text even if the server offers TLS.
            case disable
            /// When the server offers TLS; in plain text otherwise. Certificate failures
            /// still fail the connection: set `certificateVerification = .none` in the
            /// `TLSConfiguration` for opportunistic encryption without authentication.
            case prefer
            /// Always: a server that does not offer TLS is refused with
            /// ``MySQLConnectionError/Kind/tls``.
            case require
        }

        /// When TLS is used.
        public let mode: Mode
        /// The NIOSSL context made once from the `TLSConfiguration` and shared by every
        /// connection of this configuration; nil for ``disable``.
        let context: NIOSSLContext?

        private init(mode: Mode, context: NIOSSLContext?) {
            self.mode = mode
            self.context = context
        }

        /// Plain text, whatever the server offers. The default.
        public static let disable = TLS(mode: .disable, context: nil)

        /// TLS with `configuration` when the server offers it, plain text otherwise.
        ///
        /// Throws ``MySQLConnectionError`` (`mysql.configuration.invalid`) when NIOSSL
        /// rejects the configuration (an unreadable certificate, for example).
        public static func prefer(_ configuration: TLSConfiguration) throws -> TLS {
            TLS(mode: .prefer, context: try makeContext(configuration))
        }

        /// TLS with `configuration`; servers that do not offer TLS are refused.
        ///
        /// Throws ``MySQLConnectionError`` (`mysql.configuration.invalid`) when NIOSSL
        /// rejects the configuration (an unreadable certificate, for example).
        public static func require(_ configuration: TLSConfiguration) throws -> TLS {
            TLS(mode: .require, context: try makeContext(configuration))
        }

        private static func makeContext(_ configuration: TLSConfiguration) throws -> NIOSSLContext {
            do {
                return try NIOSSLContext(configuration: configuration)
            } catch {
                throw MySQLConnectionError(
                    .invalidConfiguration, "NIOSSL refused the TLS configuration (\(error)); check its certificates and keys",
                    underlying: error)
            }
        }

        /// The TLS handler for a connection to `host`, sending `serverName` (or `host`)
        /// for SNI and hostname verification. SNI carries host names only: for an IP
        /// address the certificate is checked against the address.
        func makeHandler(host: String, serverName: String?) throws -> NIOSSLClientHandler? {
            guard let context else { return nil }
            let name = serverName ?? host
            let isAddress = (try? SocketAddress(ipAddress: name, port: 0)) != nil
            return try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : name)
        }
    }
}
