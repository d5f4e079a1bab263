import Logging
import NIOHTTP1

/// Settings of an ``HTTPClientService``.
///
/// ```swift
/// var configuration = HTTPClientConfiguration()
/// configuration.timeouts = .init(connect: .seconds(2), read: .seconds(10), total: .seconds(30))
/// configuration.retry.maxAttempts = 4
/// configuration.maxResponseBodySize = 4 << 20
/// ```
public struct HTTPClientConfiguration: Sendable {
    /// The three timeouts of a request.
    public struct Timeouts: Sendable, Hashable {
        /// The longest wait to open a connection.
        public var connect: Duration
        /// The longest silence while waiting for the response head or body bytes.
        public var read: Duration
        /// The longest time one attempt may take from start to the last body byte.
        public var total: Duration

        /// Creates timeouts.
        public init(connect: Duration = .seconds(5), read: Duration = .seconds(30), total: Duration = .seconds(60)) {
            self.connect = connect
            self.read = read
            self.total = total
        }
    }

    /// The timeouts of every request (a request's own ``ClientRequest/timeout`` replaces `total`).
    public var timeouts: Timeouts
    /// The retry policy of every request (a request's own ``ClientRequest/retry`` replaces it).
    public var retry: RetryPolicy
    /// The largest response body read into memory, in bytes; larger bodies fail with
    /// ``RoostHTTPClientError/Kind-swift.enum/bodyTooLarge``.
    public var maxResponseBodySize: Int
    /// How many redirects are followed; 0 returns redirect responses as they are.
    public var maxRedirects: Int
    /// Headers added to every request unless the request sets them, such as `User-Agent`.
    public var defaultHeaders: HTTPHeaders
    /// The logger for request failures and retries.
    public var logger: Logger

    /// Creates a configuration.
    public init(
        timeouts: Timeouts = Timeouts(),
        retry: RetryPolicy = RetryPolicy(),
        maxResponseBodySize: Int = 10 << 20,
        maxRedirects: Int = 5,
        defaultHeaders: HTTPHeaders = ["User-Agent": "Roost"],
        logger: Logger = Logger(label: "roost.http.client")
    ) {
        precondition(maxResponseBodySize >= 0, "maxResponseBodySize must not be negative")
        precondition(maxRedirects >= 0, "maxRedirects must not be negative")
        self.timeouts = timeouts
        self.retry = retry
        self.maxResponseBodySize = maxResponseBodySize
        self.maxRedirects = maxRedirects
        self.defaultHeaders = defaultHeaders
        self.logger = logger
    }
}
