import NIOHTTP1
import RoostTasks

/// When and how often a failed request is sent again.
///
/// By default only idempotent methods (GET, HEAD, OPTIONS, TRACE, PUT, DELETE) are
/// retried, on connection errors, timeouts and the statuses 502, 503 and 504, up to
/// ``maxAttempts`` attempts in all, waiting as ``backoff`` says (exponential with jitter)
/// or as the server's `Retry-After` header says when ``honourRetryAfter`` is on.
///
/// ```swift
/// var policy = RetryPolicy(maxAttempts: 5)
/// policy.shouldRetry = { attempt in
///     // also retry POSTs that carry an idempotency key
///     attempt.isTransient && (attempt.method.isIdempotent || attempt.hasIdempotencyKey)
/// }
/// ```
public struct RetryPolicy: Sendable {
    /// The result of one attempt, as shown to ``shouldRetry``.
    public struct Attempt: Sendable {
        /// What the attempt produced.
        public enum Outcome: Sendable {
            /// The server answered with this status.
            case status(HTTPResponseStatus)
            /// The attempt failed without a complete response.
            case failure(RoostHTTPClientError)
        }

        /// The request method.
        public var method: HTTPMethod
        /// The request headers.
        public var headers: HTTPHeaders
        /// The attempt number, 1 for the first.
        public var number: Int
        /// What the attempt produced.
        public var outcome: Outcome

        /// Whether the request carries an `Idempotency-Key` header.
        public var hasIdempotencyKey: Bool { headers.contains(name: "Idempotency-Key") }

        /// Whether the outcome is worth another attempt at all: a connection error, a
        /// timeout, or status 502, 503 or 504.
        public var isTransient: Bool {
            switch outcome {
            case .status(let status): [502, 503, 504].contains(status.code)
            case .failure(let error): error.kind == .connection || error.kind == .timeout
            }
        }
    }

    /// Attempts in all, including the first; 1 turns retries off.
    public var maxAttempts: Int
    /// The wait between attempts when the server gives no `Retry-After`.
    public var backoff: Backoff
    /// Whether a `Retry-After` header (seconds or HTTP date) on a retried response sets
    /// the wait instead of ``backoff``.
    public var honourRetryAfter: Bool
    /// The longest `Retry-After` wait honoured; a longer one ends the retries and the
    /// response is returned as it is.
    public var maxRetryAfter: Duration
    /// Decides whether an attempt is retried (while attempts remain). Default: transient
    /// outcomes of idempotent methods.
    public var shouldRetry: @Sendable (Attempt) -> Bool

    /// Creates a policy.
    public init(
        maxAttempts: Int = 3,
        backoff: Backoff = Backoff(base: .milliseconds(100), multiplier: 2, cap: .seconds(5), jitter: .full),
        honourRetryAfter: Bool = true,
        maxRetryAfter: Duration = .seconds(30),
        shouldRetry: @escaping @Sendable (Attempt) -> Bool = RetryPolicy.transientIdempotent
    ) {
        precondition(maxAttempts >= 1, "a retry policy needs at least one attempt")
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.honourRetryAfter = honourRetryAfter
        self.maxRetryAfter = maxRetryAfter
        self.shouldRetry = shouldRetry
    }

    /// A policy that never retries.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// The default predicate: transient outcomes of idempotent methods.
    public static let transientIdempotent: @Sendable (Attempt) -> Bool = { attempt in
        attempt.method.isIdempotent && attempt.isTransient
    }
}
