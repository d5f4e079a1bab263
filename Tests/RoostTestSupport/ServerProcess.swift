import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A server program a test runs itself, in its own temporary directory, so that it can
/// kill and restart it (the servers `scripts/test` starts are shared and must stay up).
/// The program-specific parts — arguments, readiness — stay with the caller.
public final class ServerProcess: Sendable {
    /// The process's own directory, removed by ``stop()``.
    public let directory: URL
    /// The log file's name inside ``directory``.
    public let logName: String
    private let process = Mutex<Process?>(nil)

    /// Creates the directory (named after `prefix`); nothing runs yet.
    public init(prefix: String, logName: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        self.logName = logName
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Starts `executable` with `arguments`, its standard output and error discarded.
    public func launch(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process.withLock { $0 = process }
    }

    /// Whether the process is running.
    public var isRunning: Bool { process.withLock { $0?.isRunning ?? false } }

    /// Kills the process with SIGKILL, as a crash would, and waits for it to exit.
    public func kill() {
        process.withLock { process in
            guard let running = process, running.isRunning else { return }
            Foundation.kill(running.processIdentifier, SIGKILL)
            running.waitUntilExit()
        }
    }

    /// Kills the process and removes its directory.
    public func stop() {
        kill()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The server's log.
    public func log() -> String {
        (try? String(contentsOf: directory.appendingPathComponent(logName), encoding: .utf8)) ?? "(no log)"
    }

    /// A loopback port that was free a moment ago: bound on port 0, then released.
    public static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress!.port!
        try await channel.close()
        return port
    }

    /// The path of a program on `PATH` or in the directories Debian installs servers to.
    public static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/sbin", "/usr/local/sbin"] {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// A server a test runs itself could not be started.
public struct ServerProcessError: Error, CustomStringConvertible {
    /// What went wrong, with the server's log.
    public let message: String
    public var description: String { message }

    /// Creates an error.
    public init(message: String) { self.message = message }
}
