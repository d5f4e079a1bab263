import Foundation
import RoostTestSupport

@testable import RoostMySQL

/// A mariadbd of the test's own, on a free loopback port with a fresh data directory, for
/// tests that kill, restart or reconfigure the server (TLS) and so cannot use the shared
/// one that `scripts/test` starts. Same binaries as `scripts/lib/servers.sh`; the account
/// `roost`/`roost` is created at every start (`--init-file`).
final class MariaDBServerProcess: Sendable {
    let port: Int
    /// Appended to mariadbd's command line (`--ssl-cert …`).
    let extraArguments: [String]
    private let server: ServerProcess

    /// Initializes a data directory and starts the server.
    init(extraArguments: [String] = []) async throws {
        self.port = try ServerProcess.freePort()
        self.server = try ServerProcess(prefix: "roost-mariadb", logName: "mariadb.log")
        self.extraArguments = extraArguments
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("tmp"), withIntermediateDirectories: true)
        try """
        CREATE USER IF NOT EXISTS 'roost'@'%' IDENTIFIED BY 'roost';
        GRANT ALL PRIVILEGES ON *.* TO 'roost'@'%';

        """.write(to: directory.appendingPathComponent("init.sql"), atomically: true, encoding: .utf8)
        do {
            _ = try await TestPython.runProgram(
                try Self.binary("mariadb-install-db"),
                ["--no-defaults", "--datadir=\(dataDirectory)", "--auth-root-authentication-method=normal", "--skip-test-db"]
                    + sharedArguments)
        } catch {
            stop()
            throw ServerProcessError(message: "mariadb-install-db failed: \(error)")
        }
        do {
            try await start()
        } catch {
            stop()
            throw error
        }
    }

    private var dataDirectory: String { directory.appendingPathComponent("data").path }

    /// Options for both mariadb-install-db and mariadbd: small InnoDB files start faster,
    /// temporary files stay in the server's own directory (away from other servers and
    /// whatever cleans the shared one), and as root the server must be told it may run
    /// as root.
    private var sharedArguments: [String] {
        ["--innodb-log-file-size=4M", "--innodb-buffer-pool-size=16M", "--tmpdir=\(directory.path)/tmp"]
            + (getuid() == 0 ? ["--user=root"] : [])
    }

    /// How to connect as `roost` (plain text unless changed).
    var configuration: MySQLConfiguration {
        var configuration = MySQLConfiguration(host: "127.0.0.1", port: port, username: "roost", password: "roost")
        configuration.connectTimeout = .seconds(5)
        return configuration
    }

    /// The server's own directory.
    var directory: URL { server.directory }
    /// Whether the process is running.
    var isRunning: Bool { server.isRunning }

    /// Starts (or restarts) the server on the same port and data directory, and waits
    /// until it accepts a login.
    func start() async throws {
        try server.launch(
            try Self.binary("mariadbd"),
            [
                "--no-defaults", "--datadir=\(dataDirectory)", "--socket=\(directory.path)/mysql.sock",
                "--port=\(port)", "--bind-address=127.0.0.1", "--skip-name-resolve",
                "--log-error=\(directory.path)/mariadb.log", "--pid-file=\(directory.path)/mariadb.pid",
                "--init-file=\(directory.path)/init.sql",
            ] + sharedArguments + extraArguments)
        let readiness = configuration
        var lastError: (any Error)?
        // InnoDB recovery after a SIGKILL on a loaded machine can take a while.
        for _ in 0..<600 {
            guard isRunning else { throw ServerProcessError(message: "mariadbd exited: \(log())") }
            do {
                try await MySQLConnection.connect(configuration: readiness).close()
                return
            } catch {
                lastError = error
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServerProcessError(message: "mariadbd did not accept a login on \(port) (\(lastError.map { "\($0)" } ?? "")): \(log())")
    }

    /// Kills the process with SIGKILL, as a crash would, and waits for it to exit.
    func kill() { server.kill() }

    /// Kills the process and removes its directory.
    func stop() { server.stop() }

    /// The server's error log.
    func log() -> String { server.log() }

    /// The path of a MariaDB program.
    private static func binary(_ name: String) throws -> String {
        guard let path = ServerProcess.executable(name) else {
            throw ServerProcessError(message: "\(name) is not installed; scripts/test installs mariadb-server")
        }
        return path
    }
}
