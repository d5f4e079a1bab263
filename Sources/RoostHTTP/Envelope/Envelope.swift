import Hummingbird
import RoostCore

/// The standard JSON response body: `{code, data, msg, request_id, extra}`.
///
/// `code` 0 means success; any other value is an application or HTTP error code that
/// clients branch on. `request_id` ties the response to the server's logs. `extra`
/// holds details such as per-field validation errors and is left out when empty.
///
/// ```swift
/// router.get("/products/:id") { request, context in
///     Envelope.success(try await products.find(id), context: context)
/// }
/// // {"code":0,"data":{...},"msg":"Success","request_id":"019a..."}
/// ```
public struct Envelope<Payload: Encodable & Sendable>: Encodable, Sendable, ResponseGenerator {
    /// 0 for success, otherwise the error code.
    public var code: Int
    /// The payload, `null` when there is none.
    public var data: Payload?
    /// A human-readable message: `Success` or what went wrong.
    public var msg: String
    /// The id of the request this answers.
    public var requestID: String
    /// Additional details, omitted when `nil`.
    public var extra: JSONValue?
    /// The HTTP status the envelope is sent with (not part of the body).
    public var status: HTTPResponse.Status

    /// Creates an envelope.
    public init(
        code: Int, data: Payload?, msg: String, requestID: String, extra: JSONValue? = nil,
        status: HTTPResponse.Status = .ok
    ) {
        self.code = code
        self.data = data
        self.msg = msg
        self.requestID = requestID
        self.extra = extra
        self.status = status
    }

    /// A `200 OK` success envelope carrying `data`, stamped with the context's request id.
    public static func success(_ data: Payload, context: some RoostRequestContext) -> Envelope {
        Envelope(code: 0, data: data, msg: "Success", requestID: context.requestID)
    }

    enum CodingKeys: String, CodingKey {
        case code, data, msg, extra
        case requestID = "request_id"
    }

    /// Encodes every field; `data` is written as `null` when absent, `extra` is omitted.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(data, forKey: .data)
        try container.encode(msg, forKey: .msg)
        try container.encode(requestID, forKey: .requestID)
        try container.encodeIfPresent(extra, forKey: .extra)
    }
}

/// An envelope without a payload, for errors and acknowledgements.
public typealias EmptyEnvelope = Envelope<JSONValue>
