import RoostCore

/// The one error type every ``HTTPClientService`` call throws.
///
/// Calls never return `nil` for a failure: each failure is a `RoostHTTPClientError` with a
/// ``kind`` to match on, a stable ``code``, a ``message`` that says what to do, the
/// request it concerns and, for ``Kind-swift.enum/httpStatus``, the full ``response``.
///
/// ```swift
/// do {
///     let user: User = try await client.get(url).validated().decode(as: User.self)
/// } catch let error as RoostHTTPClientError where error.kind == .httpStatus {
///     logger.warning("upstream said \(error.response?.status.code ?? 0)")
/// }
/// ```
public struct RoostHTTPClientError: RoostError {
    /// What kind of failure happened.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The request could not be built: bad URL, unsupported scheme, body not encodable.
        case invalidRequest
        /// A connect, read or total timeout expired.
        case timeout
        /// The connection could not be opened or broke before the response was complete.
        case connection
        /// The server redirected more times than allowed, or in a cycle.
        case tooManyRedirects
        /// The server answered with a status the caller did not accept (see ``ClientResponse/validated(_:)``).
        case httpStatus
        /// The response body could not be decoded into the requested type.
        case decoding
        /// The response body is larger than the configured limit.
        case bodyTooLarge
        /// Reading or writing a local file (a download target) failed.
        case file
        /// The client was shut down before or during the call.
        case shutdown
    }

    /// What kind of failure happened.
    public let kind: Kind
    /// The request method, for example `GET`.
    public let method: String
    /// The request URL.
    public let url: String
    /// How many attempts were made before giving up (1 when the call was not retried).
    public internal(set) var attempts: Int
    /// The response, when the failure is about one (``Kind-swift.enum/httpStatus``,
    /// ``Kind-swift.enum/decoding``).
    public let response: ClientResponse?
    /// A short, specific description of what went wrong.
    public let detail: String
    /// The error that caused this one.
    public let underlying: (any Error)?

    /// Creates an error.
    public init(
        _ kind: Kind, method: String, url: String, detail: String, attempts: Int = 1,
        response: ClientResponse? = nil, underlying: (any Error)? = nil
    ) {
        self.kind = kind
        self.method = method
        self.url = url
        self.detail = detail
        self.attempts = attempts
        self.response = response
        self.underlying = underlying
    }

    /// `http.client.<kind>`, for example `http.client.timeout`.
    public var code: ErrorCode {
        switch kind {
        case .invalidRequest: "http.client.invalid_request"
        case .timeout: "http.client.timeout"
        case .connection: "http.client.connection"
        case .tooManyRedirects: "http.client.too_many_redirects"
        case .httpStatus: "http.client.http_status"
        case .decoding: "http.client.decoding"
        case .bodyTooLarge: "http.client.body_too_large"
        case .file: "http.client.file"
        case .shutdown: "http.client.shutdown"
        }
    }

    /// What happened to which request, and what to do about it.
    public var message: String {
        let subject = "\(method) \(url)"
        let tries = attempts > 1 ? " after \(attempts) attempts" : ""
        switch kind {
        case .invalidRequest:
            return "\(subject) could not be sent: \(detail). Fix the URL, method or body."
        case .timeout:
            return "\(subject) timed out\(tries): \(detail). Check that the server is up and responsive, "
                + "or raise the timeout in HTTPClientConfiguration."
        case .connection:
            return "\(subject) failed on the connection\(tries): \(detail). Check the host, port and network; "
                + "idempotent requests are retried as the retry policy allows."
        case .tooManyRedirects:
            return "\(subject) was redirected too often: \(detail). Use the final URL or raise maxRedirects."
        case .httpStatus:
            return "\(subject) answered \(detail)\(tries). Inspect `response` for the server's explanation."
        case .decoding:
            return "\(subject) returned a body that could not be decoded: \(detail). "
                + "Check that the response type matches what the server sends."
        case .bodyTooLarge:
            return "\(subject) returned a body larger than allowed: \(detail). "
                + "Raise maxResponseBodySize or download the resource to a file."
        case .file:
            return "\(subject): a local file operation failed: \(detail). Check the path and its permissions."
        case .shutdown:
            return "\(subject) was not sent because the HTTP client is shut down. "
                + "Make calls only while the client's service runs."
        }
    }
}
