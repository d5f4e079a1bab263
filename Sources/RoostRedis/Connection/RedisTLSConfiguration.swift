import NIOCore
import NIOSSL

/// How a connection speaks TLS (`rediss://`).
///
/// ```swift
/// var configuration = try RedisConnectionConfiguration(url: "rediss://cache.internal:6380")
/// configuration.tls?.caCertificateFile = "/etc/redis/ca.pem"
/// configuration.tls?.certificateFile = "/etc/app/client.pem"   // when the server checks clients
/// configuration.tls?.privateKeyFile = "/etc/app/client.key"
/// ```
public struct RedisTLSConfiguration: Sendable, Hashable {
    /// How the server's certificate is checked.
    public enum Verification: Sendable, Hashable {
        /// The chain must lead to a trusted root and name the host (DNS name, or the IP
        /// address when connecting to one). The default.
        case full
        /// The chain must lead to a trusted root; the name is not checked.
        case noHostnameVerification
        /// Nothing is checked: encryption without authentication. For tests only.
        case none
    }

    /// A PEM file of the certificate authorities to trust; `nil` trusts the system's roots.
    public var caCertificateFile: String?
    /// A PEM file with this client's certificate chain, for servers that verify clients
    /// (`tls-auth-clients yes`).
    public var certificateFile: String?
    /// The PEM private key of ``certificateFile``.
    public var privateKeyFile: String?
    /// How the server's certificate is checked. Default ``Verification/full``.
    public var verification: Verification
    /// The name to send (SNI) and verify, when it differs from the host connected to.
    public var serverName: String?

    /// Creates a configuration that trusts the system's roots and verifies fully.
    public init() {
        self.verification = .full
    }

    /// The NIOSSL context, reading the files. Throws ``RedisConfigurationError`` naming the
    /// file that cannot be used.
    func makeContext() throws(RedisConfigurationError) -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch verification {
        case .full: tls.certificateVerification = .fullVerification
        case .noHostnameVerification: tls.certificateVerification = .noHostnameVerification
        case .none: tls.certificateVerification = .none
        }
        do {
            if let caCertificateFile {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caCertificateFile))
            }
        } catch {
            throw RedisConfigurationError("cannot read CA certificates from '\(caCertificateFile ?? "")': \(error)")
        }
        switch (certificateFile, privateKeyFile) {
        case (nil, nil):
            break
        case (let certificateFile?, let privateKeyFile?):
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: privateKeyFile, format: .pem))
            } catch {
                throw RedisConfigurationError(
                    "cannot read the client certificate '\(certificateFile)' or key '\(privateKeyFile)': \(error)")
            }
        default:
            throw RedisConfigurationError("a TLS client certificate needs both certificateFile and privateKeyFile")
        }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw RedisConfigurationError("invalid TLS configuration: \(error)")
        }
    }

    /// The TLS handler for a connection to `host`. SNI carries a host name only, never an
    /// IP address.
    func makeHandler(context: NIOSSLContext, host: String) throws -> NIOSSLClientHandler {
        let name = serverName ?? host
        let isAddress = (try? SocketAddress(ipAddress: name, port: 0)) != nil
        return try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : name)
    }
}
