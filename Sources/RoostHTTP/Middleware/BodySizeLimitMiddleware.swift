import Hummingbird
import NIOCore

/// Rejects request bodies larger than a limit with `413 Content Too Large`.
///
/// A declared `Content-Length` over the limit is refused before any byte is read. A
/// body without a length (chunked) is counted as it streams, and reading fails with the
/// same 413 as soon as it passes the limit, so memory use stays bounded either way.
///
/// ```swift
/// router.add(middleware: BodySizeLimitMiddleware(maxBytes: 2 << 20))  // 2 MiB
/// ```
public struct BodySizeLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The largest body accepted, in bytes.
    public let maxBytes: Int

    /// Creates the middleware with a limit in bytes.
    public init(maxBytes: Int) {
        precondition(maxBytes >= 0, "maxBytes must not be negative")
        self.maxBytes = maxBytes
    }

    /// Checks the declared length; a body without one is counted as it streams in.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let declared = request.headers[.contentLength].flatMap(Int.init) {
            guard declared <= maxBytes else { throw LimitedBody.tooLarge(maxBytes) }
            // Without chunked coding the connection frames the body by its declared length
            // (HTTP/2 checks the DATA frames against it), so no more than that can arrive.
            if request.headers[.transferEncoding] == nil { return try await next(request, context) }
        }
        var request = request
        request.body = RequestBody(asyncSequence: LimitedBody(base: request.body, maxBytes: maxBytes))
        return try await next(request, context)
    }
}

/// A body that throws once more than `maxBytes` have streamed through.
struct LimitedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: RequestBody
    let maxBytes: Int

    /// The 413 for a body over `maxBytes`.
    static func tooLarge(_ maxBytes: Int) -> HTTPError {
        HTTPError(.contentTooLarge, message: "The request body is larger than \(maxBytes) bytes; send less data")
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let maxBytes: Int
        var seen = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let chunk = try await base.next() else { return nil }
            seen += chunk.readableBytes
            if seen > maxBytes { throw LimitedBody.tooLarge(maxBytes) }
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), maxBytes: maxBytes)
    }
}
