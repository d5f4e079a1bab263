import AsyncHTTPClient
import Foundation
import RoostTestSupport
import Testing

@testable import roost_demo

/// `roost-demo` (the built executable, embedded defaults) on SIGTERM: every part of the
/// root scope stops in dependency order and the process exits 0.
@Suite struct ShutdownTests {
    @Test func sigtermStopsEveryPartInDependencyOrderAndExitsZero() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-shutdown-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("demo.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }

        let port = try ServerProcess.freePort()
        let process = Process()
        process.executableURL = try builtExecutable("roost-demo")
        process.currentDirectoryURL = directory
        process.environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "ROOST_HTTP_PORT": String(port), "ROOST_HTTP_ACCESS_LOG": "false",
            "ROOST_LOGGING_FORMAT": "json", "ROOST_LOGGING_LEVEL": "info",
        ]
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let instance = DemoCluster.Instance(port: port, process: process, log: log)
        let client = DemoCluster.makeClient(connectTimeout: .seconds(10))
        let status: Int32?
        do {
            status = try await withDeadline("roost-demo starts and stops on SIGTERM", .seconds(180)) {
                try await pollUntil("roost-demo is ready", within: .seconds(60), every: .milliseconds(100)) {
                    guard process.isRunning else { throw ClusterError(description: "roost-demo exited:\n\(instance.logText)") }
                    return (try? await client.get("\(instance.base)/ready"))?.status.code == 200
                }
                // A browser's live feed is connected while the server shuts down.
                let feed = FeedRecorder()
                return try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try? await feed.record(instance) }
                    try await pollUntil("the live feed is connected", within: .seconds(30)) { feed.connected.withLock { $0 } }
                    let status = try await instance.stop()
                    group.cancelAll()
                    return status
                }
            }
        } catch {
            instance.kill()
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        #expect(status == 0, "roost-demo exited with \(status.map(String.init) ?? "-"):\n\(instance.logText)")

        // The JSON log lines: what each scoped service reported, in order.
        let events: [(message: String, scope: String?)] = instance.logText.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let message = object["message"] as? String
            else { return nil }
            return (message, object["scope"] as? String)
        }
        let parts = [
            DemoScope.http, DemoScope.database, DemoScope.coordination, DemoScope.statisticsConsumer,
            DemoScope.hourlyStatistics, DemoScope.outboxRelay, DemoScope.liveFeed,
        ]
        func position(_ message: String, _ scope: String?) throws -> Int {
            try #require(
                events.firstIndex { $0.message == message && $0.scope == scope }, "no \"\(message)\" of \(scope ?? "the demo")")
        }
        for part in parts {
            // Started after what it uses; stopped before it.
            #expect(try position("started", part) < position("stopped", part))
        }
        let users = [DemoScope.statisticsConsumer, DemoScope.hourlyStatistics, DemoScope.outboxRelay, DemoScope.liveFeed]
        for user in users {
            #expect(try position("started", user) < position("started", DemoScope.http))
            #expect(try position("stopped", DemoScope.http) < position("stopped", user))
            #expect(try position("stopped", user) < position("stopped", DemoScope.coordination))
        }
        for user in [DemoScope.statisticsConsumer, DemoScope.hourlyStatistics, DemoScope.outboxRelay] {
            #expect(try position("started", DemoScope.database) < position("started", user))
            #expect(try position("stopped", user) < position("stopped", DemoScope.database))
        }
        #expect(try position("stopped", DemoScope.http) < position("stopped", DemoScope.database))
        let lastStop = try parts.map { try position("stopped", $0) }.max() ?? 0
        #expect(try position("roost-demo stopping", nil) < position("stopped", DemoScope.http))
        #expect(try lastStop < position("roost-demo stopped", nil))
    }
}
