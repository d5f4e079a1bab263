import HTTPTypes
import Hummingbird
import NIOCore
import Prometheus

extension Router {
    /// Adds `GET path` answering every metric in `registry` in the Prometheus text
    /// exposition format (version 0.0.4), for a Prometheus server to scrape.
    ///
    /// Driver metrics join the same output when swift-metrics is bootstrapped with
    /// `PrometheusMetricsFactory(registry: registry)`. Protect the route (network policy
    /// or ``BasicAuthMiddleware`` in a group) when the service is public.
    ///
    /// ```swift
    /// let registry = PrometheusCollectorRegistry()
    /// router.addMetricsRoute(registry: registry)   // GET /metrics
    /// ```
    @discardableResult
    public func addMetricsRoute(_ path: RouterPath = "/metrics", registry: PrometheusCollectorRegistry) -> Self {
        get(path) { _, _ -> Response in
            var bytes: [UInt8] = []
            registry.emit(into: &bytes)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        return self
    }
}
