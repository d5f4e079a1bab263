import AsyncHTTPClient
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import RoostSQL
import RoostTestSupport
import Synchronization
import Testing

/// Two or more `roost-demo` processes (the built executable) sharing one Redis server and
/// one fresh PostgreSQL database, on free ports; stopped and cleaned up by ``run(_:)``.
struct DemoCluster: Sendable {
    let redisURL: String
    let databaseURL: String
    let keyPrefix: String
    let directory: URL

    /// One running instance.
    final class Instance: Sendable {
        let port: Int
        let process: Process
        let log: URL

        init(port: Int, process: Process, log: URL) {
            self.port = port
            self.process = process
            self.log = log
        }

        var base: String { "http://127.0.0.1:\(port)" }

        /// Sends SIGKILL: the process gets no chance to clean up.
        func kill() { if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) } }

        /// Sends SIGTERM, waits for the graceful shutdown to finish and returns the exit
        /// status (nil when the process had already ended).
        func stop() async throws -> Int32? {
            guard process.isRunning else { return nil }
            process.terminate()
            do {
                try await pollUntil("roost-demo on port \(port) exits", within: .seconds(60)) { !process.isRunning }
            } catch {
                throw ClusterError(description: "roost-demo on port \(port) did not exit on SIGTERM:\n\(logText)")
            }
            return process.terminationStatus
        }

        /// What the instance logged (for failure messages).
        var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
    }

    /// Opens a client that waits up to 60 s to connect and to lease a connection: the whole
    /// suite runs beside these tests, and a loaded 2-core runner can take longer than the
    /// default 10 s to open a MariaDB session.
    static func openDatabase(_ url: String) async throws -> DatabaseClient {
        try await DatabaseClient.open(url) { configuration in
            configuration.connectTimeout = .seconds(60)
            configuration.poolTimeout = .seconds(60)
        }
    }

    /// A cluster on a new database created on the test MariaDB server, and a key prefix of
    /// its own on the test Redis server.
    static func run<R: Sendable>(_ body: (DemoCluster, HTTPClient) async throws -> R) async throws -> R {
        let admin = try await openDatabase(try TestServer.mysql.url().absoluteString)
        let name = "roost_demo_\(UUID().uuidString.prefix(8).lowercased())"
        try await admin.execute("CREATE DATABASE \(unsafeRaw: name)")
        var components = try #require(URLComponents(url: try TestServer.mysql.url(), resolvingAgainstBaseURL: false))
        components.path = "/\(name)"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-cluster-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cluster = DemoCluster(
            redisURL: try TestServer.redis.url().absoluteString, databaseURL: try #require(components.string),
            keyPrefix: "test-\(UUID().uuidString.prefix(8)):", directory: directory)
        // Requests wait for one of the pool's connections: as long as they may take.
        let client = makeClient(connectTimeout: .seconds(120))
        let result: Result<R, any Error>
        do {
            result = .success(try await body(cluster, client))
        } catch {
            result = .failure(error)
        }
        try? await client.shutdown()
        try? await admin.execute("DROP DATABASE IF EXISTS \(unsafeRaw: name)")
        try? await admin.close()
        try? FileManager.default.removeItem(at: directory)
        return try result.get()
    }

    /// A client with up to 250 connections per instance; `connectTimeout` bounds both
    /// connecting and waiting for a pooled connection (the client keeps trying to connect
    /// to a dead instance until then).
    static func makeClient(connectTimeout: TimeAmount) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 250
        configuration.timeout.read = .seconds(120)
        configuration.timeout.connect = connectTimeout
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Starts an instance and waits until `/ready` answers 200; `body` runs while it lives
    /// and it is stopped (SIGTERM) afterwards if still running.
    func withInstance<R: Sendable>(
        _ name: String, client: HTTPClient, _ body: (Instance) async throws -> R
    ) async throws -> R {
        let port = try ServerProcess.freePort()
        let log = directory.appendingPathComponent("\(name).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = try builtExecutable("roost-demo")
        process.currentDirectoryURL = directory
        process.environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "ROOST_HTTP_HOST": "127.0.0.1", "ROOST_HTTP_PORT": String(port), "ROOST_HTTP_ACCESS_LOG": "false",
            "ROOST_HTTP_REQUEST_TIMEOUT_SECONDS": "120",
            "ROOST_DATABASE_URL": databaseURL, "ROOST_REDIS_URL": redisURL,
            "ROOST_COORDINATION_KEY_PREFIX": keyPrefix, "ROOST_DEMO_DATA_DIRECTORY": directory.appendingPathComponent("data").path,
            "ROOST_DEMO_WRITES_PER_MINUTE": "1000000", "ROOST_DEMO_LOCK_WAIT_SECONDS": "60",
            "ROOST_LOGGING_FORMAT": "json", "ROOST_LOGGING_LEVEL": "info",
        ]
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let instance = Instance(port: port, process: process, log: log)
        do {
            try await pollUntil("roost-demo \(name) is ready", within: .seconds(60), every: .milliseconds(100)) {
                guard process.isRunning else { throw ClusterError(description: "\(name) exited:\n\(instance.logText)") }
                return (try? await client.get("\(instance.base)/ready"))?.status.code == 200
            }
            let result = try await body(instance)
            let killed = !process.isRunning
            let status = try await instance.stop()
            // Still running after the test: SIGTERM must end it cleanly (every service stopped in order).
            #expect(killed || status == 0, "\(name) exited with \(status.map(String.init) ?? "-"):\n\(instance.logText)")
            try? handle.close()
            return result
        } catch {
            instance.kill()
            try? handle.close()
            throw error
        }
    }
}

struct ClusterError: Error, CustomStringConvertible {
    let description: String
}

extension HTTPClient {
    /// `GET url`.
    func get(_ url: String) async throws -> HTTPClientResponse {
        try await execute(HTTPClientRequest(url: url), timeout: .seconds(30))
    }

    /// `POST url` with a JSON body; the status and the envelope.
    func postJSON(_ url: String, _ body: String) async throws -> (status: UInt, envelope: [String: Any]) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await execute(request, timeout: .seconds(120))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let envelope = try JSONSerialization.jsonObject(with: Data(buffer: bytes)) as? [String: Any] ?? [:]
        return (response.status.code, envelope)
    }

    /// `GET url` and the envelope's `data`.
    func data(_ url: String) async throws -> Any? {
        let response = try await get(url)
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return (try JSONSerialization.jsonObject(with: Data(buffer: bytes)) as? [String: Any])?["data"]
    }
}

/// The order ids a WebSocket feed (`/events`) has pushed, collected while `body` runs.
final class FeedRecorder: Sendable {
    let orderIDs = Mutex<[Int]>([])
    let connected = Mutex(false)

    /// Reads `/events` of `instance` until the connection ends or the task is cancelled.
    func record(_ instance: DemoCluster.Instance) async throws {
        _ = try await WebSocketClient.connect(url: "ws://127.0.0.1:\(instance.port)/events", logger: Logger(label: "feed")) {
            inbound, _, _ in
            self.connected.withLock { $0 = true }
            for try await message in inbound.messages(maxSize: 1 << 16) {
                guard case .text(let text) = message,
                    let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                    object["type"] as? String == "demo.order.placed",
                    let id = (object["data"] as? [String: Any])?["order_id"] as? Int
                else { continue }
                self.orderIDs.withLock { $0.append(id) }
            }
        }
    }
}
