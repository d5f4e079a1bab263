import NIOHTTP1

/// One HTTP request to send with ``HTTPClientService/execute(_:)``.
///
/// ```swift
/// var request = ClientRequest(.POST, "https://api.example.com/users")
/// request.headers.add(name: "Authorization", value: "Bearer \(token)")
/// request.body = .json(NewUser(name: "ada"))
/// let created = try await client.execute(request).validated().decode(as: User.self)
/// ```
public struct ClientRequest: Sendable {
    /// The method, for example `.GET`.
    public var method: HTTPMethod
    /// The absolute URL, for example `https://api.example.com/users`.
    public var url: String
    /// Request headers; `Content-Type` is set from ``body`` unless already present.
    public var headers: HTTPHeaders
    /// The body, if any.
    public var body: RequestBody?
    /// A total timeout for each attempt of this request, replacing
    /// ``HTTPClientConfiguration/Timeouts-swift.struct/total`` when set.
    public var timeout: Duration?
    /// A retry policy for this request, replacing ``HTTPClientConfiguration/retry`` when set.
    public var retry: RetryPolicy?

    /// Creates a request.
    public init(
        _ method: HTTPMethod = .GET, _ url: String, headers: HTTPHeaders = [:], body: RequestBody? = nil,
        timeout: Duration? = nil, retry: RetryPolicy? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.retry = retry
    }
}

extension HTTPMethod {
    /// Whether repeating the request has the same effect as sending it once (RFC 9110
    /// §9.2.2): GET, HEAD, OPTIONS, TRACE, PUT and DELETE.
    public var isIdempotent: Bool {
        switch self {
        case .GET, .HEAD, .OPTIONS, .TRACE, .PUT, .DELETE: true
        default: false
        }
    }
}
