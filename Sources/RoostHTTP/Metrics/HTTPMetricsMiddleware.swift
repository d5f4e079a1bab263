import HTTPTypes
import Hummingbird
import Prometheus
import Synchronization

/// Counts requests and records their latency in a Prometheus registry, labelled by
/// route, method and status:
///
/// - `http_requests_total{route, method, status}` — a counter;
/// - `http_request_duration_seconds{route, method, status}` — a histogram.
///
/// `route` is the matched route pattern (`/orders/{id}`), never the raw path, so a
/// scanner hitting random URLs adds one series (`route="unmatched"`), not thousands.
/// Methods outside the standard set are counted as `OTHER`. The duration runs until
/// the handler returns its response (streaming the body is not included).
///
/// Add it outside ``ErrorEnvelopeMiddleware`` so errors are counted with the status
/// the client receives, and serve the registry with
/// ``Hummingbird/Router/addMetricsRoute(_:registry:)``:
///
/// ```swift
/// let registry = PrometheusCollectorRegistry()
/// router.add(middleware: HTTPMetricsMiddleware(registry: registry))
/// router.addRoostMiddleware()
/// router.addMetricsRoute(registry: registry)
/// ```
public struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Histogram bucket bounds used when none are given: 1 ms to 10 s.
    public static var defaultBuckets: [Duration] {
        [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
         .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
         .seconds(5), .seconds(10)]
    }

    private let series: HTTPMetricSeries

    /// Creates the middleware, recording into `registry`.
    public init(registry: PrometheusCollectorRegistry, buckets: [Duration] = Self.defaultBuckets) {
        self.series = HTTPMetricSeries(registry: registry, buckets: buckets)
    }

    /// Times the rest of the chain and records the outcome.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            series.record(
                route: context.endpointPath, method: request.method, status: response.status,
                duration: start.duration(to: .now))
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            series.record(route: context.endpointPath, method: request.method, status: status, duration: start.duration(to: .now))
            throw error
        }
    }
}

/// The counter and histogram of each (route, method, status), made once and reused.
final class HTTPMetricSeries: Sendable {
    struct Key: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    struct Pair: Sendable {
        let count: Counter
        let latency: DurationHistogram
    }

    private let registry: PrometheusCollectorRegistry
    private let buckets: [Duration]
    private let made = Mutex<[Key: Pair]>([:])

    init(registry: PrometheusCollectorRegistry, buckets: [Duration]) {
        self.registry = registry
        self.buckets = buckets
    }

    func record(route: String?, method: HTTPRequest.Method, status: HTTPResponse.Status, duration: Duration) {
        // Hummingbird names unmatched requests "NotFound"; real route patterns start with "/".
        let pattern = route.flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "unmatched"
        let key = Key(route: pattern, method: Self.label(method), status: Int(status.code))
        let pair = made.withLock { made in
            if let pair = made[key] { return pair }
            let labels = [("route", key.route), ("method", key.method), ("status", String(key.status))]
            let pair = Pair(
                count: registry.makeCounter(
                    descriptor: .init(metricName: "http_requests", unitName: "total", helpText: "HTTP requests answered"),
                    labels: labels),
                latency: registry.makeDurationHistogram(
                    descriptor: .init(
                        metricName: "http_request_duration", unitName: "seconds", helpText: "Time to answer HTTP requests"),
                    labels: labels, buckets: buckets))
            made[key] = pair
            return pair
        }
        pair.count.increment()
        pair.latency.record(duration)
    }

    private static let standardMethods: Set<HTTPRequest.Method> = [
        .get, .head, .post, .put, .patch, .delete, .options, .connect, .trace,
    ]

    static func label(_ method: HTTPRequest.Method) -> String {
        standardMethods.contains(method) ? method.rawValue : "OTHER"
    }
}
