import Foundation

/// Certificates made with `openssl` for one test: a CA, a server certificate for
/// 127.0.0.1/localhost signed by it (and one for the name localhost only, with the same
/// key), a client certificate signed by it, and an unrelated CA (to check that a wrong
/// trust root is refused).
///
/// ```swift
/// let certificates = try await TestCertificates()
/// defer { certificates.remove() }
/// // start a server with certificates.serverCertificateFile and serverKeyFile,
/// // trust certificates.caFile in the client
/// ```
public struct TestCertificates: Sendable {
    /// The temporary directory holding the files.
    public let directory: URL
    /// The CA that signed the server and client certificates (PEM).
    public var caFile: String { directory.appendingPathComponent("ca.pem").path }
    /// A CA that signed nothing here (PEM).
    public var otherCAFile: String { directory.appendingPathComponent("other-ca.pem").path }
    /// The server certificate, for IP 127.0.0.1 and DNS localhost (PEM).
    public var serverCertificateFile: String { directory.appendingPathComponent("server.pem").path }
    /// A server certificate for DNS localhost only, not for any IP address, so that a
    /// client connecting to 127.0.0.1 must be told which name to verify (PEM). Its key is
    /// ``serverKeyFile``.
    public var namedServerCertificateFile: String { directory.appendingPathComponent("server-named.pem").path }
    /// The server certificates' private key (PEM).
    public var serverKeyFile: String { directory.appendingPathComponent("server.key").path }
    /// A client certificate (CN roost-client) (PEM).
    public var clientCertificateFile: String { directory.appendingPathComponent("client.pem").path }
    /// The client certificate's private key (PEM).
    public var clientKeyFile: String { directory.appendingPathComponent("client.key").path }

    /// Creates the certificates in a new temporary directory.
    public init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let extensions = directory.appendingPathComponent("san.ext")
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(to: extensions, atomically: true, encoding: .utf8)
        let nameOnly = directory.appendingPathComponent("san-named.ext")
        try "subjectAltName=DNS:localhost\n".write(to: nameOnly, atomically: true, encoding: .utf8)
        for ca in ["ca", "other-ca"] {
            try await run([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Roost Test \(ca)",
                "-keyout", "\(ca).key", "-out", "\(ca).pem",
            ])
        }
        try await run([
            "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key", "-out",
            "server.csr",
        ])
        try await run([
            "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
            "-extfile", "san.ext", "-out", "server.pem",
        ])
        try await run([
            "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
            "-extfile", "san-named.ext", "-out", "server-named.pem",
        ])
        try await run(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=roost-client", "-keyout", "client.key", "-out", "client.csr"])
        try await run([
            "x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
            "-out", "client.pem",
        ])
    }

    private func run(_ arguments: [String]) async throws {
        do {
            _ = try await TestPython.runProgram("/usr/bin/openssl", arguments, in: directory)
        } catch {
            throw CertificateFailure(description: "openssl \(arguments.joined(separator: " ")) failed: \(error)")
        }
    }

    /// Deletes the directory.
    public func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// `openssl` could not make a test certificate.
public struct CertificateFailure: Error, CustomStringConvertible {
    /// What failed.
    public let description: String
}
