import Foundation
import NIOCore
import NIOPosix
import Synchronization

@testable import RoostRedis

/// A redis-server started by a test on a free loopback port, in its own temporary
/// directory, for tests that stop, kill or reconfigure the server. It is the same binary
/// `scripts/test` runs (found on `PATH` or in `/usr/bin`).
final class RedisServerProcess: Sendable {
    let port: Int
    let directory: URL
    let extraArguments: [String]
    private let process: Mutex<Process?>

    /// Starts a server; `extraArguments` are appended to the command line.
    init(port: Int? = nil, extraArguments: [String] = [], listensOnPlainPort: Bool = true) async throws {
        if let port { self.port = port } else { self.port = try await Self.freePort() }
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.extraArguments = extraArguments
        self.process = Mutex(nil)
        try await start(listensOnPlainPort: listensOnPlainPort)
    }

    /// The server's URL.
    var url: String { "redis://127.0.0.1:\(port)" }

    /// Starts (or restarts) the process on the same port, and waits until it accepts
    /// connections.
    func start(listensOnPlainPort: Bool = true) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary())
        let portArguments = listensOnPlainPort ? ["--port", "\(port)"] : ["--port", "0", "--tls-port", "\(port)"]
        process.arguments =
            ["--bind", "127.0.0.1", "--dir", directory.path, "--save", "", "--appendonly", "no",
             "--logfile", directory.appendingPathComponent("redis.log").path] + portArguments + extraArguments
        try process.run()
        self.process.withLock { $0 = process }
        // Wait until the port accepts TCP connections.
        for _ in 0..<200 {
            if !isRunning { throw ServerProcessError(message: "redis-server exited: \(log())") }
            if (try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get().close().get()) != nil
            {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServerProcessError(message: "redis-server did not listen on \(port): \(log())")
    }

    /// Whether the process is running.
    var isRunning: Bool { process.withLock { $0?.isRunning ?? false } }

    /// Kills the process with SIGKILL and waits for it to exit.
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

    func log() -> String {
        (try? String(contentsOf: directory.appendingPathComponent("redis.log"), encoding: .utf8)) ?? "(no log)"
    }

    /// A port that was free a moment ago: bound on port 0, then released.
    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress!.port!
        try await channel.close()
        return port
    }

    static func binary() -> String {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") + ["/usr/bin", "/usr/sbin"] {
            let path = "\(directory)/redis-server"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return "redis-server"
    }
}

struct ServerProcessError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
