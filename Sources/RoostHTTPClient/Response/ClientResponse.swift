import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A complete HTTP response: status, headers and the whole body in memory.
///
/// The body is limited by ``HTTPClientConfiguration/maxResponseBodySize``; download large
/// resources with ``HTTPClientService/download(_:to:options:progress:)`` instead.
///
/// ```swift
/// let response = try await client.get("https://api.example.com/users/1")
/// let user = try response.validated().decode(as: User.self)
/// ```
public struct ClientResponse: Sendable {
    /// The response status, for example `.ok`.
    public var status: HTTPResponseStatus
    /// The response headers.
    public var headers: HTTPHeaders
    /// The response body.
    public var body: ByteBuffer
    /// The method of the request this answers.
    public var requestMethod: String
    /// The URL of the request this answers.
    public var requestURL: String

    /// Creates a response.
    public init(
        status: HTTPResponseStatus, headers: HTTPHeaders = [:], body: ByteBuffer = ByteBuffer(),
        requestMethod: String = "GET", requestURL: String = ""
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.requestMethod = requestMethod
        self.requestURL = requestURL
    }

    /// The body as bytes.
    public var bytes: [UInt8] { Array(body.readableBytesView) }

    /// The body as `Data`.
    public var data: Data { Data(buffer: body) }

    /// The body decoded as UTF-8 text (invalid sequences are replaced).
    public var text: String { String(decoding: body.readableBytesView, as: UTF8.self) }

    /// Whether the status is in the 2xx range.
    public var isSuccess: Bool { (200..<300).contains(status.code) }

    /// Returns the response unchanged when its status is acceptable, otherwise throws a
    /// ``RoostHTTPClientError`` of kind ``RoostHTTPClientError/Kind-swift.enum/httpStatus``
    /// that carries this response.
    ///
    /// - Parameter acceptable: The accepted status codes (default: 200–299).
    public func validated(_ acceptable: some RangeExpression<UInt> = 200..<300) throws(RoostHTTPClientError)
        -> ClientResponse
    {
        guard acceptable.contains(status.code) else {
            throw RoostHTTPClientError(
                .httpStatus, method: requestMethod, url: requestURL,
                detail: "\(status.code) \(status.reasonPhrase)", response: self)
        }
        return self
    }

    /// Decodes the JSON body as `T`.
    ///
    /// Throws ``RoostHTTPClientError/Kind-swift.enum/decoding`` carrying the response and the
    /// decoder's error when the body does not match `T`.
    public func decode<T: Decodable>(
        as type: T.Type = T.self, decoder: JSONDecoder = JSONDecoder()
    ) throws(RoostHTTPClientError) -> T {
        do {
            return try decoder.decode(T.self, from: body)
        } catch {
            throw RoostHTTPClientError(
                .decoding, method: requestMethod, url: requestURL,
                detail: "expected JSON for \(T.self), got \(body.readableBytes) bytes (\(error))",
                response: self, underlying: error)
        }
    }
}
