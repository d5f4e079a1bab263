import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

/// Where a reverse-proxy route sends requests, and how long it waits.
public struct ReverseProxyConfiguration: Sendable {
    /// The upstream base, such as `http://127.0.0.1:9000/api`: the path after the route's
    /// prefix is appended to it, and the query string is kept.
    public var upstream: URL
    /// How long the whole exchange with the upstream (connect, send, response head) may
    /// take before the client gets `504 Gateway Timeout`. Default 30 seconds.
    public var timeout: Duration
    /// Whether `X-Forwarded-For`, `X-Forwarded-Proto` and `X-Forwarded-Host` are added.
    /// Default true.
    public var addsForwardedHeaders: Bool

    /// Creates a configuration for `upstream`.
    public init(upstream: URL, timeout: Duration = .seconds(30), addsForwardedHeaders: Bool = true) {
        self.upstream = upstream
        self.timeout = timeout
        self.addsForwardedHeaders = addsForwardedHeaders
    }
}

extension Router where Context: RoostRequestContext & RemoteAddressRequestContext {
    /// Forwards every request under `prefix` to an upstream server, streaming both bodies.
    ///
    /// The upstream's status, headers and body reach the client as they are, errors
    /// included; hop-by-hop headers (`Connection`, `Transfer-Encoding`, …) are not
    /// forwarded either way. When the upstream cannot be reached or fails mid-way the
    /// client gets `502 Bad Gateway` in the standard envelope, and `504 Gateway Timeout`
    /// when it does not answer within ``ReverseProxyConfiguration/timeout``.
    ///
    /// AsyncHTTPClient retries refused connections until the request's deadline; pass a
    /// `client` whose `connectionPool.retryConnectionEstablishment` is false to answer 502
    /// at once when the upstream is down.
    ///
    /// ```swift
    /// router.addReverseProxy("/legacy", to: ReverseProxyConfiguration(upstream: URL(string: "http://10.0.0.5:8080")!))
    /// // GET /legacy/users/7?full=1 → GET http://10.0.0.5:8080/users/7?full=1
    /// ```
    @discardableResult
    public func addReverseProxy(
        _ prefix: String, to configuration: ReverseProxyConfiguration, client: HTTPClient = .shared
    ) -> Self {
        let proxy = ReverseProxy(configuration: configuration, client: client)
        let base = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options]
        for path in [base.isEmpty ? "/" : base, "\(base)/**"] {
            for method in methods {
                on(RouterPath(path), method: method) { request, context in
                    try await proxy.forward(request, context: context)
                }
            }
        }
        return self
    }
}

/// The forwarding behind ``Router/addReverseProxy(_:to:client:)``.
struct ReverseProxy: Sendable {
    let configuration: ReverseProxyConfiguration
    let client: HTTPClient

    /// Headers that describe one connection, never the message: not forwarded.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te",
        "trailer", "transfer-encoding", "upgrade", "host", "content-length",
    ]

    func forward<Context: RoostRequestContext & RemoteAddressRequestContext>(
        _ request: Request, context: Context
    ) async throws -> Response {
        var outgoing = HTTPClientRequest(url: upstreamURL(for: request, context: context))
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        outgoing.headers = forwardedHeaders(of: request, context: context)
        if request.method != .get, request.method != .head {
            let length = request.headers[.contentLength].flatMap { Int($0) }
            outgoing.body = .stream(request.body, length: length.map { .known(Int64($0)) } ?? .unknown)
        }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(outgoing, timeout: TimeAmount(configuration.timeout))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw AppError(code: 504, status: .gatewayTimeout, message: "The upstream server did not answer in time")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            context.logger.warning(
                "reverse proxy could not reach the upstream",
                metadata: ["upstream": "\(configuration.upstream)", "error": "\(error)"])
            throw AppError(code: 502, status: .badGateway, message: "The upstream server could not be reached")
        }
        var headers = HTTPFields()
        for header in response.headers where !Self.hopByHop.contains(header.name.lowercased()) {
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
        if let length = response.headers.first(name: "content-length"), let name = HTTPField.Name("content-length") {
            headers[name] = length
        }
        return Response(
            status: HTTPResponse.Status(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase),
            headers: headers, body: ResponseBody(asyncSequence: response.body))
    }

    /// The upstream base plus the part of the path after the route's prefix, and the query.
    private func upstreamURL<Context: RequestContext>(for request: Request, context: Context) -> String {
        var url = configuration.upstream.absoluteString
        if url.hasSuffix("/") { url.removeLast() }
        let rest = context.parameters.getCatchAll().joined(separator: "/")
        url += "/" + rest
        if let query = request.uri.query, !query.isEmpty { url += "?" + query }
        return url
    }

    private func forwardedHeaders<Context: RoostRequestContext & RemoteAddressRequestContext>(
        of request: Request, context: Context
    ) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for field in request.headers where !Self.hopByHop.contains(field.name.canonicalName) {
            headers.add(name: field.name.rawName, value: field.value)
        }
        if configuration.addsForwardedHeaders {
            if let peer = context.remoteAddress?.ipAddress {
                let chain = request.headers[.init("x-forwarded-for")!].map { "\($0), \(peer)" } ?? peer
                headers.replaceOrAdd(name: "x-forwarded-for", value: chain)
            }
            headers.replaceOrAdd(name: "x-forwarded-proto", value: request.uri.scheme?.rawValue ?? "http")
            if let host = request.headers[.init("host")!] ?? request.head.authority {
                headers.replaceOrAdd(name: "x-forwarded-host", value: host)
            }
        }
        return headers
    }
}
