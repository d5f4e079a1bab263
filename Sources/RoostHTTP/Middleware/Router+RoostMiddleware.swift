import Hummingbird
import Logging

/// The choices behind Roost's default middleware stack.
public struct RoostMiddlewareOptions: Sendable {
    /// Requests running longer are answered `503` and cancelled.
    public var requestTimeout: Duration
    /// Larger request bodies are refused with `413`.
    public var maxBodyBytes: Int
    /// Whether to log one line per request.
    public var accessLog: Bool
    /// Whether `500` responses include the error's details.
    public var debug: Bool
    /// Who to believe about the client's address.
    public var clientIP: ClientIPResolver

    /// Creates options; the defaults suit a service behind no proxy.
    public init(
        requestTimeout: Duration = .seconds(30), maxBodyBytes: Int = 2 << 20, accessLog: Bool = true,
        debug: Bool = false, clientIP: ClientIPResolver = .direct
    ) {
        self.requestTimeout = requestTimeout
        self.maxBodyBytes = maxBodyBytes
        self.accessLog = accessLog
        self.debug = debug
        self.clientIP = clientIP
    }
}

extension Router where Context: RoostRequestContext & RemoteAddressRequestContext {
    /// Adds Roost's default middleware stack, outermost first: request id, `x-timestamp`,
    /// access log, error envelope, request timeout, body size limit.
    ///
    /// Every response, errors included, then carries `x-request-id` and `x-timestamp`
    /// and every error is an envelope.
    ///
    /// ```swift
    /// let router = Router(context: BasicRoostRequestContext.self)
    /// router.addRoostMiddleware(.init(requestTimeout: .seconds(10)))
    /// ```
    @discardableResult
    public func addRoostMiddleware(_ options: RoostMiddlewareOptions = .init()) -> Self {
        add(middleware: RequestIDMiddleware())
        add(middleware: TimestampMiddleware())
        if options.accessLog { add(middleware: AccessLogMiddleware(clientIP: options.clientIP)) }
        add(middleware: ErrorEnvelopeMiddleware(debug: options.debug))
        add(middleware: RequestTimeoutMiddleware(timeout: options.requestTimeout))
        add(middleware: BodySizeLimitMiddleware(maxBytes: options.maxBodyBytes))
        return self
    }
}
