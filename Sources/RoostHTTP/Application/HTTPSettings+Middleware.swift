import Hummingbird
import HummingbirdCore
import RoostConfig
import RoostCore

extension RoostMiddlewareOptions {
    /// The default stack's options from the `http` configuration section: request
    /// timeout, body limit, access log, debug details and trusted proxies.
    ///
    /// - Throws: ``InvalidIPNetwork`` for a trusted proxy that is not an address or block.
    public init(settings: HTTPSettings) throws(InvalidIPNetwork) {
        self.init(
            requestTimeout: .seconds(settings.requestTimeoutSeconds),
            maxBodyBytes: settings.maxBodyBytes, accessLog: settings.accessLog, debug: settings.debug,
            clientIP: try ClientIPResolver(trustedProxies: settings.trustedProxies))
    }
}

extension CORSPolicy {
    /// The cross-origin policy the `http` section asks for, or `nil` when it lists no
    /// origin (then no cross-origin request is allowed and no CORS middleware is needed).
    ///
    /// - Throws: ``InvalidCORSPolicy`` for `*` with credentials or a malformed origin.
    public init?(settings: HTTPSettings) throws(InvalidCORSPolicy) {
        guard !settings.corsOrigins.isEmpty else { return nil }
        try self.init(
            origins: settings.corsOrigins == ["*"] ? .any : .list(settings.corsOrigins),
            allowCredentials: settings.corsAllowCredentials)
    }
}

extension HTTPServerBuilder {
    /// ``roostHTTP1(idleTimeout:headTimeout:maxHeaderBytes:)`` with the limits of the
    /// `http` configuration section.
    public static func roostHTTP1(settings: HTTPSettings) -> HTTPServerBuilder {
        .roostHTTP1(
            idleTimeout: .seconds(settings.idleTimeoutSeconds),
            headTimeout: .seconds(settings.headTimeoutSeconds),
            maxHeaderBytes: settings.maxHeaderBytes)
    }
}
