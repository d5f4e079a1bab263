import HTTPTypes
import Hummingbird
import RoostCore

/// Gives every request an id: the caller's `x-request-id` when it is well-formed,
/// otherwise a new time-ordered UUIDv7.
///
/// The id is stored in ``RoostRequestContext/requestID`` (so envelopes carry it), added
/// to the request logger's metadata as `request_id`, and echoed in the response's
/// `x-request-id` header. An incoming id is accepted only if it is 1 to 128 characters
/// of letters, digits and `-_.:`, so a client cannot inject text into logs.
///
/// ```swift
/// let router = Router(context: BasicRoostRequestContext.self)
/// router.add(middleware: RequestIDMiddleware())
/// ```
public struct RequestIDMiddleware<Context: RoostRequestContext>: RouterMiddleware {
    /// The header read and written: `x-request-id`.
    public static var headerName: HTTPField.Name { RoostHeaderName.requestID }

    private let generator: UUIDv7Generator

    /// Creates the middleware; `generator` makes ids for requests that bring none.
    public init(generator: UUIDv7Generator = .shared) {
        self.generator = generator
    }

    /// Assigns the id, runs the rest of the chain and echoes the id.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        let id = request.headers[Self.headerName].flatMap { Self.isAcceptable($0) ? $0 : nil }
            ?? generator.nextString()
        context.requestID = id
        context.logger[metadataKey: "request_id"] = .string(id)
        var response = try await next(request, context)
        response.headers[Self.headerName] = id
        return response
    }

    /// Whether an incoming id may be reused as is.
    static func isAcceptable(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                    UInt8(ascii: "."), UInt8(ascii: ":"):
                    return true
                default:
                    return false
                }
            }
    }
}

/// Header names the middlewares use, parsed once (a generic type cannot hold them in
/// stored static properties).
enum RoostHeaderName {
    static let requestID = HTTPField.Name("x-request-id")!
    static let timestamp = HTTPField.Name("x-timestamp")!
}
