import Foundation
import RoostTestSupport
import Testing

/// Headless Chromium (Debian's `chromium`) for the page tests: started on a fresh profile
/// with a DevTools port of the kernel's choice, and always stopped afterwards.
enum Chromium {
    /// The browser: `ROOST_TEST_CHROMIUM`, else `chromium` or `chromium-browser` on `PATH`.
    static var executable: URL? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["ROOST_TEST_CHROMIUM"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let directories = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in ["chromium", "chromium-browser"] {
            for directory in directories where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
                return URL(fileURLWithPath: "\(directory)/\(name)")
            }
        }
        return nil
    }

    /// Whether the page tests run: when Chromium is installed, and always under `CI=true`,
    /// where a missing browser then fails the test instead of skipping it.
    static var shouldRun: Bool { executable != nil || TestServer.isCI }

    static let skipReason: Comment =
        "chromium is not installed, so the page test was skipped: run scripts/test, which installs it"

    /// Where the test saves its screenshot: `ROOST_DEMO_SCREENSHOT`, else a new file in
    /// the temporary directory.
    static var screenshotURL: URL {
        if let path = ProcessInfo.processInfo.environment["ROOST_DEMO_SCREENSHOT"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return FileManager.default.temporaryDirectory.appendingPathComponent("roost-demo-\(UUID().uuidString.prefix(8)).png")
    }

    /// Starts the browser, runs `body` with its DevTools WebSocket address
    /// (`ws://127.0.0.1:PORT/devtools/browser/…`) and stops the browser on every path.
    static func withBrowser<R: Sendable>(_ body: (String) async throws -> R) async throws -> R {
        guard let executable else { throw BrowserError(description: "chromium is not installed (CI=true needs it): run scripts/test") }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-chromium-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("chromium.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }

        let process = Process()
        process.executableURL = executable
        process.arguments = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-extensions", "--hide-scrollbars", "--window-size=1280,860", "--remote-debugging-port=0",
            "--remote-debugging-address=127.0.0.1",
            // The DevTools WebSocket client sends this Origin; Chromium refuses unlisted origins.
            "--remote-allow-origins=ws://127.0.0.1", "--user-data-dir=\(directory.appendingPathComponent("profile").path)",
            "about:blank",
        ]
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        do {
            var address: String?
            try await pollUntil("Chromium prints its DevTools address", within: .seconds(90), every: .milliseconds(50)) {
                guard process.isRunning else {
                    throw BrowserError(description: "chromium exited with \(process.terminationStatus):\n\(text(of: log))")
                }
                address = devToolsAddress(in: text(of: log))
                return address != nil
            }
            let result = try await body(try #require(address))
            await stop(process)
            return result
        } catch {
            await stop(process)
            throw error
        }
    }

    /// The address in Chromium's "DevTools listening on ws://…" line.
    static func devToolsAddress(in log: String) -> String? {
        guard let range = log.range(of: "DevTools listening on ") else { return nil }
        let line = log[range.upperBound...].prefix { !$0.isNewline }
        return line.hasPrefix("ws://") && log[range.upperBound...].contains(where: \.isNewline) ? String(line) : nil
    }

    /// SIGTERM, so the browser takes its helper processes down, and SIGKILL if it has not
    /// exited within ten seconds.
    private static func stop(_ process: Process) async {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while process.isRunning, ContinuousClock.now < deadline {
            do { try await Task.sleep(for: .milliseconds(50)) } catch { break }  // cancelled: kill at once
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    private static func text(of log: URL) -> String {
        (try? String(contentsOf: log, encoding: .utf8)) ?? ""
    }
}

/// The browser did not start or did not behave as the page test expects.
struct BrowserError: Error, CustomStringConvertible {
    let description: String
}
