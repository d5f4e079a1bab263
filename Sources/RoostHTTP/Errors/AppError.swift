import HTTPTypes
import RoostCore

/// An error that knows how it is shown to an HTTP client in the standard envelope.
///
/// Conform your own errors to choose the envelope `code`, the HTTP status, the message
/// and the `extra` details. ``ErrorEnvelopeMiddleware`` renders them; any other error
/// becomes a `500` that reveals nothing about the server.
public protocol EnvelopeError: Error {
    /// The envelope's `code`: never 0, which means success.
    var envelopeCode: Int { get }
    /// The HTTP status of the response.
    var status: HTTPResponse.Status { get }
    /// The message shown to the client.
    var publicMessage: String { get }
    /// Details shown to the client, such as field errors.
    var extra: JSONValue? { get }
    /// Headers the response must carry, such as `WWW-Authenticate` on a `401`.
    var headers: HTTPFields { get }
}

extension EnvelopeError {
    /// No extra headers.
    public var headers: HTTPFields { [:] }
}

/// An application error to throw from a route: its code, status, message and details
/// reach the client in the envelope.
///
/// ```swift
/// throw AppError(code: 1001, status: .conflict, message: "Out of stock", extra: ["sku": "A-1"])
/// // 409 {"code":1001,"data":null,"extra":{"sku":"A-1"},"msg":"Out of stock","request_id":"…"}
/// ```
public struct AppError: EnvelopeError, RoostError {
    /// The envelope's `code`.
    public var envelopeCode: Int
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// The message shown to the client.
    public var publicMessage: String
    /// Details shown to the client.
    public var extra: JSONValue?

    /// Creates an application error.
    public init(code: Int, status: HTTPResponse.Status = .badRequest, message: String, extra: JSONValue? = nil) {
        self.envelopeCode = code
        self.status = status
        self.publicMessage = message
        self.extra = extra
    }

    /// `http.app_error`.
    public var code: ErrorCode { "http.app_error" }
    /// The code, status and message.
    public var message: String { "\(envelopeCode) (\(status.code)): \(publicMessage)" }
}

/// `400 Invalid Arguments`, with every problem per field in `extra.fields`.
///
/// ```swift
/// throw InvalidArguments(fields: ["email": ["must contain @"], "age": ["must be 0...150"]])
/// ```
public struct InvalidArguments: EnvelopeError, RoostError {
    /// Problems by field name.
    public var fields: [String: [String]]

    /// Creates the error from problems by field name.
    public init(fields: [String: [String]]) { self.fields = fields }

    /// 400.
    public var envelopeCode: Int { 400 }
    /// 400 Bad Request.
    public var status: HTTPResponse.Status { .badRequest }
    /// `Invalid Arguments`.
    public var publicMessage: String { "Invalid Arguments" }
    /// `{"fields": {name: [problems]}}`.
    public var extra: JSONValue? {
        .object(["fields": .object(fields.mapValues { .array($0.map(JSONValue.string)) })])
    }
    /// `http.invalid_arguments`.
    public var code: ErrorCode { "http.invalid_arguments" }
    /// Every field problem.
    public var message: String {
        "invalid arguments: " + fields.sorted { $0.key < $1.key }
            .map { "\($0.key): \($0.value.joined(separator: ", "))" }.joined(separator: "; ")
    }
}
