import Foundation
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

    /// Ports already handed out, so that two servers of one test run never share one.
    private static let handedOut = Mutex<Set<Int>>([])

    /// A loopback port nothing listens on, below the kernel's ephemeral range. A port
    /// from that range (what binding port 0 returns) can be taken by any outgoing
    /// connection between this check and the server's own bind; a port below it cannot.
    public static func freePort() throws -> Int {
        let rangeFile = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)
        let lowestEphemeral = rangeFile.flatMap { Int($0.split(whereSeparator: \.isWhitespace).first ?? "") } ?? 32768
        let candidates = 10_000..<max(lowestEphemeral, 10_001)
        for _ in 0..<1_000 {
            let port = Int.random(in: candidates)
            guard handedOut.withLock({ $0.insert(port).inserted }) else { continue }
            if isFree(port) { return port }
        }
        throw ServerProcessError(message: "found no free loopback port between 10000 and \(lowestEphemeral)")
    }

    /// Whether a socket can bind `127.0.0.1:port` now.
    private static func isFree(_ port: Int) -> Bool {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
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
