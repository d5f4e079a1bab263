import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// One shared HTTP client for a whole service, run as a swift-service-lifecycle `Service`.
///
/// The client owns a connection pool (AsyncHTTPClient). Add it to the `ServiceGroup`:
/// ``run()`` keeps it open until graceful shutdown, then closes its connections. Calls
/// made after that fail with ``RoostHTTPClientError/Kind-swift.enum/shutdown``.
///
/// Every call applies the configured timeouts and ``RetryPolicy`` and either returns a
/// complete ``ClientResponse`` or throws a ``RoostHTTPClientError`` (cancellation throws
/// `CancellationError`).
///
/// ```swift
/// let http = HTTPClientService(configuration: .init(retry: RetryPolicy(maxAttempts: 4)))
/// let group = ServiceGroup(services: [http, app], gracefulShutdownSignals: [.sigterm], logger: logger)
/// // in a route:
/// let quote: Quote = try await http.get("https://quotes.example.com/today").validated().decode()
/// ```
public final class HTTPClientService: Service, Sendable {
    /// The client's settings.
    public let configuration: HTTPClientConfiguration
    let client: HTTPClient
    let clock: any Clock<Duration>
    private let isShutDown = Mutex(false)

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - configuration: Timeouts, retries, limits and headers.
    ///   - eventLoopGroup: The event loops the connections run on (default: NIO's shared group).
    ///   - clock: The clock retries wait on between attempts; inject a test clock in tests.
    public init(
        configuration: HTTPClientConfiguration = HTTPClientConfiguration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.configuration = configuration
        self.clock = clock
        var clientConfiguration = HTTPClient.Configuration(
            redirectConfiguration: configuration.maxRedirects == 0
                ? .disallow : .follow(max: configuration.maxRedirects, allowCycles: false),
            timeout: .init(
                connect: TimeAmount(configuration.timeouts.connect),
                read: TimeAmount(configuration.timeouts.read)))
        // Connection attempts are retried by this type's RetryPolicy, not inside the pool,
        // so a refused connection fails the attempt at once instead of at its deadline.
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        self.client = HTTPClient(
            eventLoopGroup: eventLoopGroup, configuration: clientConfiguration,
            backgroundActivityLogger: configuration.logger)
    }

    /// Keeps the client open until graceful shutdown (or cancellation), then closes it.
    public func run() async throws {
        // Returns on graceful shutdown; throws CancellationError when the task is cancelled.
        // Both mean the same here: stop, so the error carries no information to keep.
        try? await gracefulShutdown()
        try await shutdown()
    }

    /// Closes every connection; later calls fail with
    /// ``RoostHTTPClientError/Kind-swift.enum/shutdown``. Calling it twice is harmless.
    public func shutdown() async throws {
        let first = isShutDown.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        try await client.shutdown()
    }

    /// Sends `request`, retrying as its policy allows, and reads the whole body.
    ///
    /// - Returns: The last response, whatever its status (use ``ClientResponse/validated(_:)``
    ///   to turn unexpected statuses into errors).
    /// - Throws: ``RoostHTTPClientError``, or `CancellationError` when cancelled.
    public func execute(_ request: ClientRequest) async throws -> ClientResponse {
        let body = try encodeBody(of: request)
        return try await retrying(request) { _ in
            let response = try await self.send(request, body: body, extraHeaders: [:])
            let collected = try await self.collect(response, of: request, limit: self.configuration.maxResponseBodySize)
            return (collected, collected)
        }
    }

    /// Sends a GET request.
    public func get(_ url: String, headers: HTTPHeaders = [:]) async throws -> ClientResponse {
        try await execute(ClientRequest(.GET, url, headers: headers))
    }

    /// Sends a POST request with a body (not retried by the default policy).
    public func post(_ url: String, headers: HTTPHeaders = [:], body: RequestBody?) async throws -> ClientResponse {
        try await execute(ClientRequest(.POST, url, headers: headers, body: body))
    }

    /// Sends a PUT request with a body.
    public func put(_ url: String, headers: HTTPHeaders = [:], body: RequestBody?) async throws -> ClientResponse {
        try await execute(ClientRequest(.PUT, url, headers: headers, body: body))
    }

    /// Sends a DELETE request.
    public func delete(_ url: String, headers: HTTPHeaders = [:]) async throws -> ClientResponse {
        try await execute(ClientRequest(.DELETE, url, headers: headers))
    }
}

extension TimeAmount {
    /// The duration in nanoseconds, saturating.
    init(_ duration: Duration) {
        let parts = duration.components
        let (scaled, overflow) = parts.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        self = .nanoseconds(overflow ? .max : scaled + parts.attoseconds / 1_000_000_000)
    }
}
