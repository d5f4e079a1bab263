import Foundation
import NIOCore
import NIOPosix
import RoostTestSupport

@testable import RoostRedis

/// A redis-server started by a test on a free loopback port, in its own temporary
/// directory, for tests that stop, kill or reconfigure the server. It is the same binary
/// `scripts/test` runs (found on `PATH` or in `/usr/bin`).
final class RedisServerProcess: Sendable {
    let port: Int
    let extraArguments: [String]
    private let server: ServerProcess

    /// Starts a server; `extraArguments` are appended to the command line.
    init(port: Int? = nil, extraArguments: [String] = [], listensOnPlainPort: Bool = true) async throws {
        if let port { self.port = port } else { self.port = try ServerProcess.freePort() }
        self.server = try ServerProcess(prefix: "roost-redis", logName: "redis.log")
        self.extraArguments = extraArguments
        try await start(listensOnPlainPort: listensOnPlainPort)
    }

    /// The server's URL.
    var url: String { "redis://127.0.0.1:\(port)" }
    /// The server's own directory.
    var directory: URL { server.directory }
    /// Whether the process is running.
    var isRunning: Bool { server.isRunning }

    /// Starts (or restarts) the process on the same port, and waits until it accepts
    /// connections.
    func start(listensOnPlainPort: Bool = true) async throws {
        let portArguments = listensOnPlainPort ? ["--port", "\(port)"] : ["--port", "0", "--tls-port", "\(port)"]
        try server.launch(
            ServerProcess.executable("redis-server") ?? "redis-server",
            ["--bind", "127.0.0.1", "--dir", directory.path, "--save", "", "--appendonly", "no",
             "--logfile", directory.appendingPathComponent("redis.log").path] + portArguments + extraArguments)
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

    /// Kills the process with SIGKILL and waits for it to exit.
    func kill() { server.kill() }

    /// Kills the process and removes its directory.
    func stop() { server.stop() }

    /// The server's log.
    func log() -> String { server.log() }
}
