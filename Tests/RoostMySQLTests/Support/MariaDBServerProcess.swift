import Foundation
import NIOCore
import NIOPosix
import RoostTestSupport
import Synchronization

@testable import RoostMySQL

/// A mariadbd of the test's own, on a free loopback port with a fresh data directory, for
/// tests that kill, restart or reconfigure the server (TLS) and so cannot use the shared
/// one that `scripts/test` starts. Same binaries as `scripts/lib/servers.sh`; the account
/// `roost`/`roost` is created at every start (`--init-file`).
final class MariaDBServerProcess: Sendable {
    let port: Int
    let directory: URL
    /// Appended to mariadbd's command line (`--ssl-cert …`).
    let extraArguments: [String]
    private let process: Mutex<Process?>

    /// Initializes a data directory and starts the server.
    init(extraArguments: [String] = []) async throws {
        self.port = try await Self.freePort()
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-mariadb-\(UUID().uuidString)")
        self.extraArguments = extraArguments
        self.process = Mutex(nil)
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
            throw MariaDBProcessError(message: "mariadb-install-db failed: \(error)")
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

    /// Starts (or restarts) the server on the same port and data directory, and waits
    /// until it accepts a login.
    func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.binary("mariadbd"))
        process.arguments =
            [
                "--no-defaults", "--datadir=\(dataDirectory)", "--socket=\(directory.path)/mysql.sock",
                "--port=\(port)", "--bind-address=127.0.0.1", "--skip-name-resolve",
                "--log-error=\(directory.path)/mariadb.log", "--pid-file=\(directory.path)/mariadb.pid",
                "--init-file=\(directory.path)/init.sql",
            ] + sharedArguments + extraArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process.withLock { $0 = process }
        let readiness = configuration
        var lastError: (any Error)?
        // InnoDB recovery after a SIGKILL on a loaded machine can take a while.
        for _ in 0..<600 {
            guard isRunning else { throw MariaDBProcessError(message: "mariadbd exited: \(log())") }
            do {
                try await MySQLConnection.connect(configuration: readiness).close()
                return
            } catch {
                lastError = error
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw MariaDBProcessError(message: "mariadbd did not accept a login on \(port) (\(lastError.map { "\($0)" } ?? "")): \(log())")
    }

    /// Whether the process is running.
    var isRunning: Bool { process.withLock { $0?.isRunning ?? false } }

    /// Kills the process with SIGKILL, as a crash would, and waits for it to exit.
    func kill() {
        process.withLock { process in
            guard let running = process, running.isRunning else { return }
            Foundation.kill(running.processIdentifier, SIGKILL)
            running.waitUntilExit()
        }
    }

    /// Kills the process and removes its directory.
    func stop() {
        kill()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The server's error log.
    func log() -> String {
        (try? String(contentsOf: directory.appendingPathComponent("mariadb.log"), encoding: .utf8)) ?? "(no log)"
    }

    /// A port that was free a moment ago: bound on port 0, then released.
    private static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress!.port!
        try await channel.close()
        return port
    }

    /// The path of a MariaDB program on `PATH` or in the directories Debian installs to.
    private static func binary(_ name: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/sbin", "/usr/local/sbin"] {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw MariaDBProcessError(message: "\(name) is not installed; scripts/test installs mariadb-server")
    }
}

/// The private server could not be set up.
struct MariaDBProcessError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
