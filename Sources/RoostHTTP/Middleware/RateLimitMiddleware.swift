import HTTPTypes
import Hummingbird
import RoostCoordination

/// Limits requests per client (or any key) with a RoostCoordination `RateLimiter`:
/// the in-memory one on a single instance, the Redis one across instances.
///
/// Allowed responses carry `x-ratelimit-remaining`; refused requests get
/// `429 Too Many Requests` with `Retry-After` in whole seconds. Requests whose key is
/// `nil` are not limited.
///
/// ```swift
/// let limiter = InMemoryRateLimiter(strategy: .fixedWindow(limit: 100, window: .seconds(60)), clock: ContinuousClock())
/// let clients = try ClientIPResolver(trustedProxies: ["10.0.0.0/8"])
/// router.add(middleware: RateLimitMiddleware(limiter: limiter) { request, context in
///     clients.clientIP(request, context: context)?.description
/// })
/// ```
public struct RateLimitMiddleware<Context: RequestContext, Limiter: RateLimiter>: RouterMiddleware {
    private let limiter: Limiter
    private let key: @Sendable (Request, Context) -> String?

    /// Creates the middleware; `key` names the bucket a request counts against.
    public init(limiter: Limiter, key: @escaping @Sendable (Request, Context) -> String?) {
        self.limiter = limiter
        self.key = key
    }

    /// Counts the request, then runs the chain or refuses with 429.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let bucket = key(request, context) else { return try await next(request, context) }
        let result = try await limiter.acquire(bucket)
        guard result.allowed else {
            let seconds = max(1, Int((Double(result.retryAfter.components.seconds)
                + Double(result.retryAfter.components.attoseconds) / 1e18).rounded(.up)))
            throw HTTPError(
                .tooManyRequests, headers: [.retryAfter: String(seconds)],
                message: "Too many requests; retry after \(seconds)s")
        }
        var response = try await next(request, context)
        response.headers[HTTPField.Name("x-ratelimit-remaining")!] = String(result.remaining)
        return response
    }
}
