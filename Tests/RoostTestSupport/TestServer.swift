import Foundation
import Testing

/// A real server that `scripts/test` starts on loopback for the test run.
///
/// Tests that need a server declare it with the ``Testing/Trait/requires(_:)`` trait and
/// read its address with ``url()``:
///
/// ```swift
/// @Test(.requires(.redis))
/// func ping() async throws {
///     let url = try TestServer.redis.url()
/// }
/// ```
///
/// Locally, a bare `swift test` skips such tests and says why. Under `CI=true` a missing
/// variable is a failure: the test runs and ``url()`` throws.
public enum TestServer: String, Sendable, CaseIterable {
    case redis
    case mysql
    case postgres

    /// The environment variable `scripts/test` exports for this server.
    public var environmentVariable: String { "ROOST_TEST_\(rawValue.uppercased())_URL" }

    /// The server URL, if the environment provides one.
    public var configuredURL: String? {
        guard let value = ProcessInfo.processInfo.environment[environmentVariable], !value.isEmpty else {
            return nil
        }
        return value
    }

    /// Whether tests needing this server should run: always under CI, otherwise only
    /// when the server is configured.
    public var shouldRun: Bool { configuredURL != nil || Self.isCI }

    /// Why a test needing this server was skipped.
    public var skipReason: String {
        "\(environmentVariable) is not set, so the \(rawValue) tests were skipped: run scripts/test, which starts a real \(rawValue) server on loopback"
    }

    /// The server's URL, or an error naming `scripts/test` when it is missing.
    public func url() throws -> URL {
        guard let value = configuredURL else { throw MissingTestServer(server: self) }
        guard let url = URL(string: value), url.host != nil else {
            throw MissingTestServer(server: self, badValue: value)
        }
        return url
    }

    /// Whether this run is under continuous integration (`CI=true`).
    public static var isCI: Bool {
        ProcessInfo.processInfo.environment["CI"].map { ["true", "1", "yes"].contains($0.lowercased()) } ?? false
    }
}

/// Thrown when a test needs a server that the environment does not provide.
public struct MissingTestServer: Error, CustomStringConvertible {
    /// The server that is missing.
    public let server: TestServer
    /// The unparseable value, when the variable is set but wrong.
    public var badValue: String? = nil

    public var description: String {
        if let badValue {
            return "\(server.environmentVariable)=\(badValue) is not a URL with a host; run scripts/test, which sets it"
        }
        return "\(server.environmentVariable) is not set but CI=true requires the \(server.rawValue) tests to run: run the suite through scripts/test"
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only when `server` is available (always under `CI=true`, where a
    /// missing server then fails the test instead of skipping it).
    public static func requires(_ server: TestServer) -> Self {
        .enabled(if: server.shouldRun, Comment(rawValue: server.skipReason))
    }
}
