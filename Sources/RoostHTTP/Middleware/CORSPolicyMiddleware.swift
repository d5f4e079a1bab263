import HTTPTypes
import Hummingbird
import RoostCore

/// Which cross-origin browser requests a service accepts. Safe by default: no origin is
/// allowed until you list it, and the wildcard can never be combined with credentials.
///
/// ```swift
/// let policy = try CORSPolicy(origins: .list(["https://shop.example"]), allowCredentials: true)
/// router.add(middleware: CORSPolicyMiddleware(policy: policy))
/// ```
public struct CORSPolicy: Sendable {
    /// The origins allowed.
    public enum Origins: Sendable, Equatable {
        /// Any origin (`*`); only without credentials.
        case any
        /// Exactly these origins, such as `https://shop.example` (scheme, host, optional port).
        case list([String])
    }

    /// The origins allowed.
    public var origins: Origins
    /// Whether cookies and `Authorization` may be sent.
    public var allowCredentials: Bool
    /// Methods allowed in preflight answers.
    public var allowMethods: [HTTPRequest.Method]
    /// Request headers allowed in preflight answers.
    public var allowHeaders: [String]
    /// Response headers the browser may read.
    public var exposedHeaders: [String]
    /// How long a browser may cache a preflight answer.
    public var maxAgeSeconds: Int

    /// Creates a policy.
    ///
    /// - Throws: ``InvalidCORSPolicy`` for `.any` with credentials (browsers reject it and
    ///   it would expose every user's data to every site) or an origin that is not
    ///   `scheme://host[:port]`.
    public init(
        origins: Origins = .list([]), allowCredentials: Bool = false,
        allowMethods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete],
        allowHeaders: [String] = ["content-type", "authorization", "x-request-id"],
        exposedHeaders: [String] = ["x-request-id", "x-timestamp"], maxAgeSeconds: Int = 600
    ) throws(InvalidCORSPolicy) {
        if origins == .any && allowCredentials {
            throw InvalidCORSPolicy(reason: "any origin (*) cannot be combined with credentials; list the origins instead")
        }
        if case .list(let list) = origins {
            for origin in list where !WebOrigin.isValid(origin) {
                throw InvalidCORSPolicy(reason: "\"\(origin)\" is not an origin; write scheme://host[:port] with no path")
            }
        }
        self.origins = origins
        self.allowCredentials = allowCredentials
        self.allowMethods = allowMethods
        self.allowHeaders = allowHeaders
        self.exposedHeaders = exposedHeaders
        self.maxAgeSeconds = maxAgeSeconds
    }

    /// The `Access-Control-Allow-Origin` value for a request from `origin`, or `nil`.
    func allowedOrigin(_ origin: String) -> String? {
        switch origins {
        case .any: return "*"
        case .list(let list): return list.contains(origin) ? origin : nil
        }
    }

}

/// Thrown for a CORS policy that would be unsafe or that browsers would reject.
public struct InvalidCORSPolicy: RoostError {
    /// What is wrong and how to fix it.
    public let reason: String
    /// `http.cors.invalid`.
    public var code: ErrorCode { "http.cors.invalid" }
    /// The reason.
    public var message: String { "invalid CORS policy: \(reason)" }
}

/// Applies a ``CORSPolicy``: answers preflight requests and adds the CORS headers to
/// responses for allowed origins. Requests from other origins get no CORS headers, so
/// browsers refuse to hand the response to the calling page.
public struct CORSPolicyMiddleware<Context: RequestContext>: RouterMiddleware {
    private let policy: CORSPolicy

    /// Creates the middleware for `policy`.
    public init(policy: CORSPolicy) {
        self.policy = policy
    }

    /// Answers preflights; decorates other responses.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let allowed = policy.allowedOrigin(origin)
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var response = Response(status: .noContent)
            response.headers[.vary] = "Origin"
            guard let allowed else { return response }
            response.headers[.accessControlAllowOrigin] = allowed
            response.headers[.accessControlAllowMethods] = policy.allowMethods.map(\.rawValue).joined(separator: ", ")
            response.headers[.accessControlAllowHeaders] = policy.allowHeaders.joined(separator: ", ")
            response.headers[.accessControlMaxAge] = String(policy.maxAgeSeconds)
            if policy.allowCredentials { response.headers[.accessControlAllowCredentials] = "true" }
            return response
        }
        var response = try await next(request, context)
        response.headers.append(HTTPField(name: .vary, value: "Origin"))
        guard let allowed else { return response }
        response.headers[.accessControlAllowOrigin] = allowed
        if policy.allowCredentials { response.headers[.accessControlAllowCredentials] = "true" }
        if !policy.exposedHeaders.isEmpty {
            response.headers[.accessControlExposeHeaders] = policy.exposedHeaders.joined(separator: ", ")
        }
        return response
    }
}
