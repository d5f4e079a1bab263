import Foundation
import HTTPTypes
import Hummingbird

/// Adds `x-timestamp` to every response: the server's time in milliseconds since the Unix
/// epoch when the response was made, so clients can measure clock skew.
///
/// ```swift
/// router.add(middleware: TimestampMiddleware())
/// ```
public struct TimestampMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The header written: `x-timestamp`.
    public static var headerName: HTTPField.Name { RoostHeaderName.timestamp }

    private let now: @Sendable () -> Date

    /// Creates the middleware; `now` is the wall clock, injectable for tests.
    public init(now: @escaping @Sendable () -> Date = Date.init) {
        self.now = now
    }

    /// Runs the chain and stamps the response.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        response.headers[Self.headerName] = String(Int64((now().timeIntervalSince1970 * 1000).rounded(.down)))
        return response
    }
}
