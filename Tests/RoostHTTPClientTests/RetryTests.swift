import Foundation
import NIOHTTP1
import RoostTasks
import Testing

@testable import RoostHTTPClient

/// Retries against a live server that fails on purpose; waits go to a recording clock.
@Suite struct RetryTests {
    static let noJitter = Backoff(base: .milliseconds(100), multiplier: 2, cap: .seconds(5), jitter: .none)

    func client(_ clock: RecordingClock, retry: RetryPolicy = RetryPolicy(backoff: noJitter)) -> HTTPClientService {
        HTTPClientService(configuration: HTTPClientConfiguration(retry: retry), clock: clock)
    }

    @Test func getIsRetriedWithExponentialBackoffUntilSuccess() async throws {
        let log = ServerLog()
        let clock = RecordingClock()
        let http = client(clock)
        try await withFlakyServer(log) { base in
            let response = try await http.get("\(base)/flaky?key=a&fail=2").validated()
            #expect(response.text == "ok")
        }
        try await http.shutdown()
        #expect(log.count("a") == 3)
        #expect(clock.sleeps == [.milliseconds(100), .milliseconds(200)])
    }

    @Test(arguments: [502, 503, 504])
    func gatewayStatusesAreRetried(status: Int) async throws {
        let log = ServerLog()
        let http = client(RecordingClock())
        try await withFlakyServer(log) { base in
            let response = try await http.get("\(base)/flaky?key=s&fail=1&status=\(status)")
            #expect(response.status == .ok)
        }
        try await http.shutdown()
        #expect(log.count("s") == 2)
    }

    @Test func otherErrorStatusesAreNotRetried() async throws {
        let log = ServerLog()
        let http = client(RecordingClock())
        try await withFlakyServer(log) { base in
            let response = try await http.get("\(base)/flaky?key=e&fail=1&status=500")
            #expect(response.status == .internalServerError)
        }
        try await http.shutdown()
        #expect(log.count("e") == 1)
    }

    @Test func postIsNotRetriedByDefault() async throws {
        let log = ServerLog()
        let clock = RecordingClock()
        let http = client(clock)
        try await withFlakyServer(log) { base in
            let response = try await http.post("\(base)/flaky?key=p&fail=1", body: .text("order"))
            #expect(response.status == .serviceUnavailable)
            let error = try #require(throws: RoostHTTPClientError.self) { try response.validated() }
            #expect(error.kind == .httpStatus)
            #expect(error.code == "http.client.http_status")
            #expect(error.response?.status == .serviceUnavailable)
        }
        try await http.shutdown()
        #expect(log.count("p") == 1)
        #expect(clock.sleeps.isEmpty)
    }

    @Test func customPredicateRetriesPostWithIdempotencyKey() async throws {
        let log = ServerLog()
        var policy = RetryPolicy(backoff: Self.noJitter)
        policy.shouldRetry = { $0.isTransient && ($0.method.isIdempotent || $0.hasIdempotencyKey) }
        let http = client(RecordingClock(), retry: policy)
        try await withFlakyServer(log) { base in
            let response = try await http.post(
                "\(base)/flaky?key=k&fail=1", headers: ["Idempotency-Key": "42"], body: .text("order"))
            #expect(response.status == .ok)
        }
        try await http.shutdown()
        #expect(log.count("k") == 2)
    }

    @Test func exhaustedRetriesReturnTheLastResponseAndValidatedCountsAttempts() async throws {
        let log = ServerLog()
        let http = client(RecordingClock(), retry: RetryPolicy(maxAttempts: 4, backoff: Self.noJitter))
        try await withFlakyServer(log) { base in
            let response = try await http.get("\(base)/flaky?key=x&fail=10")
            #expect(response.status == .serviceUnavailable)
        }
        try await http.shutdown()
        #expect(log.count("x") == 4)
    }

    @Test func retryAfterSetsTheWait() async throws {
        let log = ServerLog()
        let clock = RecordingClock()
        let http = client(clock)
        try await withFlakyServer(log) { base in
            let response = try await http.get("\(base)/retry-after?key=r&after=7")
            #expect(response.status == .ok)
        }
        try await http.shutdown()
        #expect(clock.sleeps == [.seconds(7)])
    }

    @Test func retryAfterBeyondTheMaximumStopsRetrying() async throws {
        let log = ServerLog()
        let clock = RecordingClock()
        var policy = RetryPolicy(backoff: Self.noJitter)
        policy.maxRetryAfter = .seconds(5)
        let http = client(clock, retry: policy)
        try await withFlakyServer(log) { base in
            let response = try await http.get("\(base)/retry-after?key=m&after=3600")
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers.first(name: "Retry-After") == "3600")
        }
        try await http.shutdown()
        #expect(log.count("m") == 1)
        #expect(clock.sleeps.isEmpty)
    }

    @Test func refusedConnectionsAreRetriedThenThrowConnectionError() async throws {
        let clock = RecordingClock()
        let http = client(clock)
        let closedPort = try await unusedPort()
        let error = try await #require(throws: RoostHTTPClientError.self) {
            _ = try await http.get("http://127.0.0.1:\(closedPort)/")
        }
        try await http.shutdown()
        #expect(error.kind == .connection)
        #expect(error.attempts == 3)
        #expect(error.message.contains("after 3 attempts"))
        #expect(clock.sleeps.count == 2)
    }

    @Test func droppedConnectionMidBodyIsRetriedForGet() async throws {
        let log = ServerLog()
        let http = client(RecordingClock())
        try await withFlakyServer(log) { base in
            let response = try await http.get("\(base)/file?key=d&drop=1")
            #expect(response.body == fileContent)
        }
        try await http.shutdown()
        #expect(log.count("d") == 2)
    }

    @Test func retryAfterParsesSecondsAndDates() throws {
        let now = try #require(ISO8601DateFormatter().date(from: "2015-10-21T07:28:00Z"))
        #expect(HTTPClientService.retryAfter(in: ["Retry-After": "120"], now: now) == .seconds(120))
        #expect(
            HTTPClientService.retryAfter(in: ["Retry-After": "Wed, 21 Oct 2015 07:28:30 GMT"], now: now)
                == .seconds(30))
        #expect(HTTPClientService.retryAfter(in: ["Retry-After": "soon"], now: now) == nil)
        #expect(HTTPClientService.retryAfter(in: ["Retry-After": "-5"], now: now) == nil)
    }
}
