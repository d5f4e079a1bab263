import Foundation
import NIOHTTP1

extension HTTPClientService {
    /// Runs `attempt` until it succeeds or the request's retry policy says stop.
    ///
    /// `attempt` returns its value and the response to judge (its status decides about a
    /// retry). A thrown ``RoostHTTPClientError`` is judged as a failure, except one of
    /// kind `httpStatus`, which is judged by its response's status. Waits use `clock`.
    func retrying<Value: Sendable>(
        _ request: ClientRequest, attempt: (Int) async throws -> (Value, ClientResponse)
    ) async throws -> Value {
        let policy = request.retry ?? configuration.retry
        var random = SystemRandomNumberGenerator()
        var number = 1
        while true {
            let outcome: RetryPolicy.Attempt.Outcome
            var result: Value?
            var failure: RoostHTTPClientError?
            var judged: ClientResponse?
            do {
                let (value, response) = try await attempt(number)
                result = value
                judged = response
                outcome = .status(response.status)
            } catch var error as RoostHTTPClientError {
                error.attempts = number
                failure = error
                if error.kind == .httpStatus, let response = error.response {
                    judged = response
                    outcome = .status(response.status)
                } else {
                    outcome = .failure(error)
                }
            }
            let judgement = RetryPolicy.Attempt(
                method: request.method, headers: request.headers, number: number, outcome: outcome)
            var retry = number < policy.maxAttempts && failure?.kind != .shutdown && policy.shouldRetry(judgement)
            var wait = policy.backoff.delay(beforeRetry: number, using: &random)
            if retry, policy.honourRetryAfter, let judged, let hinted = Self.retryAfter(in: judged.headers) {
                if hinted > policy.maxRetryAfter {
                    retry = false
                } else {
                    wait = hinted
                }
            }
            guard retry else {
                if let failure { throw failure }
                return result!
            }
            configuration.logger.debug(
                "retrying HTTP request",
                metadata: [
                    "http.method": "\(request.method.rawValue)", "http.url": "\(request.url)",
                    "http.attempt": "\(number)", "http.retry_in": "\(wait)",
                    "http.outcome": "\(failure.map { "\($0.code)" } ?? "\(judged?.status.code ?? 0)")",
                ])
            try await clock.sleep(for: wait)
            number += 1
        }
    }

    /// The wait a `Retry-After` header asks for: delay-seconds, or an HTTP date relative
    /// to `now`. Nil when absent or unreadable; never negative.
    static func retryAfter(in headers: HTTPHeaders, now: Date = Date()) -> Duration? {
        guard let value = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces) else {
            return nil
        }
        if let seconds = Int64(value) {
            return seconds >= 0 ? .seconds(seconds) : nil
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        guard let date = formatter.date(from: value) else { return nil }
        let seconds = max(0, date.timeIntervalSince(now))
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
