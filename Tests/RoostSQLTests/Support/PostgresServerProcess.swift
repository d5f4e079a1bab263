import Foundation
import RoostTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL server of the test's own, on a free loopback port with a fresh data
/// directory, for tests that stop and restart it and so cannot use the shared one that
/// `scripts/test` starts. Same binaries and settings as `scripts/lib/servers.sh`: the
/// account `roost`/`roost`, and as root the server runs as the user that script uses.
final class PostgresServerProcess: Sendable {
    let port: Int
    let directory: URL
    /// Who runs the server's programs when the tests run as root (PostgreSQL refuses root).
    private let user: String?

    /// Initializes a data directory and starts the server.
    init() async throws {
        port = try ServerProcess.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-postgres-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "roost\n".write(to: directory.appendingPathComponent("pwfile"), atomically: true, encoding: .utf8)
        if getuid() == 0 {
            guard let user = ["postgres", "roost-postgres"].first(where: { (name: String) in getpwnam(name) != nil }) else {
                throw ServerProcessError(message: "no user to run PostgreSQL as; run the tests through scripts/test")
            }
            self.user = user
            _ = try await TestPython.runProgram("/bin/chown", ["-R", user, directory.path])
        } else {
            user = nil
        }
        try await run(
            "initdb",
            [
                "-D", dataDirectory, "-U", "roost", "--pwfile=\(directory.path)/pwfile", "--auth-host=scram-sha-256",
                "--auth-local=trust", "-E", "UTF8", "--locale=C",
            ])
        try await start()
    }

    /// The URL of the server's `postgres` database, without TLS.
    var url: String { "postgres://roost:roost@127.0.0.1:\(port)/postgres?tls=disable" }

    private var dataDirectory: String { directory.appendingPathComponent("data").path }

    /// Starts (or restarts) the server and waits until it accepts connections.
    func start() async throws {
        try await run(
            "pg_ctl",
            [
                "-D", dataDirectory, "-l", "\(directory.path)/postgres.log",
                "-o", "-h 127.0.0.1 -p \(port) -k \(directory.path) -c fsync=off", "-w", "-t", "60", "start",
            ])
    }

    /// Stops the server at once, ending every session (`pg_ctl stop -m immediate`).
    func stop() async throws {
        try await run("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"])
    }

    /// Stops the server if it runs and removes its directory.
    func remove() async {
        try? await stop()
        try? FileManager.default.removeItem(at: directory)
    }

    private func run(_ program: String, _ arguments: [String]) async throws {
        let binary = try Self.binary(program)
        if let user {
            _ = try await TestPython.runProgram("/usr/sbin/runuser", ["-u", user, "--", binary] + arguments)
        } else {
            _ = try await TestPython.runProgram(binary, arguments)
        }
    }

    /// A PostgreSQL program from `PATH` or Debian's versioned directory.
    private static func binary(_ name: String) throws -> String {
        if let found = ServerProcess.executable(name) { return found }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.sorted(by: >) {
            let candidate = "/usr/lib/postgresql/\(version)/bin/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ServerProcessError(message: "\(name) not found; scripts/test installs PostgreSQL")
    }
}
