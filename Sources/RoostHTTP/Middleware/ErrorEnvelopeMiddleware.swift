import HTTPTypes
import Hummingbird
import Logging
import RoostCore

/// Turns every error thrown below it into a response in the standard envelope.
///
/// - ``EnvelopeError``s (``AppError``, ``InvalidArguments``) keep their code, status,
///   message and details.
/// - Hummingbird's HTTP errors (404 for unknown routes, 413, …) keep their status and
///   headers; the envelope code is the status code.
/// - Request bodies that fail to decode, and other `400`s, answer `400 Invalid Arguments`
///   with the problem in `extra.body`.
/// - Anything else is a `500 Internal Server Error` that reveals nothing; the error is
///   logged with the request id, and shown in `extra.debug` only when `debug` is on.
///
/// Add it after ``RequestIDMiddleware`` so error responses carry the request id too:
///
/// ```swift
/// router.add(middleware: RequestIDMiddleware())
/// router.add(middleware: ErrorEnvelopeMiddleware(debug: false))
/// ```
public struct ErrorEnvelopeMiddleware<Context: RoostRequestContext>: RouterMiddleware {
    private let debug: Bool

    /// Creates the middleware; `debug` adds internal error details to 500 responses.
    public init(debug: Bool = false) {
        self.debug = debug
    }

    /// Runs the rest of the chain and renders any error it throws.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try render(error, request: request, context: context)
        }
    }

    private func render(_ error: any Error, request: Request, context: Context) throws -> Response {
        var headers = HTTPFields()
        let envelope: EmptyEnvelope
        switch error {
        case let error as any EnvelopeError:
            headers = error.headers
            envelope = EmptyEnvelope(
                code: error.envelopeCode, data: nil, msg: error.publicMessage, requestID: context.requestID,
                extra: error.extra, status: error.status)
        case let error as DecodingError:
            let (field, problem) = DecodingProblem.describe(error)
            envelope = EmptyEnvelope(
                code: 400, data: nil, msg: "Invalid Arguments", requestID: context.requestID,
                extra: ["body": .string(field == "body" ? "body \(problem)" : "\(field) \(problem)")],
                status: .badRequest)
        case let error as HTTPError where error.status == .badRequest:
            // Hummingbird reports undecodable bodies this way; say which part was wrong.
            headers = error.headers
            envelope = EmptyEnvelope(
                code: 400, data: nil, msg: "Invalid Arguments", requestID: context.requestID,
                extra: error.body.map { ["body": .string($0)] }, status: .badRequest)
        case let error as HTTPError:
            headers = error.headers
            envelope = EmptyEnvelope(
                code: Int(error.status.code), data: nil, msg: error.body ?? error.status.reasonPhrase,
                requestID: context.requestID, status: error.status)
        case let error as any HTTPResponseError:
            envelope = EmptyEnvelope(
                code: Int(error.status.code), data: nil, msg: error.status.reasonPhrase,
                requestID: context.requestID, status: error.status)
        default:
            context.logger.error(
                "unhandled error in \(request.method) \(request.uri.path): \(String(reflecting: error))")
            envelope = EmptyEnvelope(
                code: 500, data: nil, msg: "Internal Server Error", requestID: context.requestID,
                extra: debug ? ["debug": .string(String(reflecting: error))] : nil,
                status: .internalServerError)
        }
        var response = try envelope.response(from: request, context: context)
        for field in headers where field.name != .contentType && field.name != .contentLength {
            response.headers.append(field)
        }
        return response
    }
}
