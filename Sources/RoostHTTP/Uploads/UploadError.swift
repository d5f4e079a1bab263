import HTTPTypes
import RoostCore

/// Why a multipart upload was refused.
///
/// Rendered by ``ErrorEnvelopeMiddleware`` with the HTTP status as envelope code and
/// `extra` naming the reason and, when known, the field:
///
/// ```json
/// {"code":413,"data":null,"extra":{"field":"avatar","reason":"file_too_large"},"msg":"…","request_id":"…"}
/// ```
public struct UploadError: EnvelopeError, RoostError, Equatable {
    /// The kinds of refusal.
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// The request is not `multipart/form-data` with a valid boundary (415).
        case notMultipart = "not_multipart"
        /// The body does not follow the multipart syntax, or ends inside a part (400).
        case malformed = "malformed"
        /// A part has no `Content-Disposition: form-data; name=…` (400).
        case missingName = "missing_name"
        /// A file name contains a path traversal or control characters (400).
        case unsafeFilename = "unsafe_filename"
        /// A file's content type is not in the allow list (415).
        case contentTypeNotAllowed = "content_type_not_allowed"
        /// One file is larger than the per-file limit (413).
        case fileTooLarge = "file_too_large"
        /// A non-file field is larger than its limit (413).
        case fieldTooLarge = "field_too_large"
        /// The whole body is larger than the total limit (413).
        case totalTooLarge = "total_too_large"
        /// There are more parts than allowed (413).
        case tooManyParts = "too_many_parts"
    }

    /// What was wrong.
    public let reason: Reason
    /// The form field concerned, when known.
    public let field: String?
    /// A description for the client.
    public let detail: String
    /// The lower-level error (a file system or parser error), when there is one.
    public let underlying: (any Error)?

    /// Creates the error.
    public init(_ reason: Reason, field: String? = nil, detail: String, underlying: (any Error)? = nil) {
        self.reason = reason
        self.field = field
        self.detail = detail
        self.underlying = underlying
    }

    /// The HTTP status for the reason.
    public var status: HTTPResponse.Status {
        switch reason {
        case .notMultipart, .contentTypeNotAllowed: .unsupportedMediaType
        case .malformed, .missingName, .unsafeFilename: .badRequest
        case .fileTooLarge, .fieldTooLarge, .totalTooLarge, .tooManyParts: .contentTooLarge
        }
    }

    /// The status code.
    public var envelopeCode: Int { Int(status.code) }
    /// The detail.
    public var publicMessage: String { detail }
    /// `{"reason": …, "field": …}`.
    public var extra: JSONValue? {
        var object: [String: JSONValue] = ["reason": .string(reason.rawValue)]
        if let field { object["field"] = .string(field) }
        return .object(object)
    }
    /// `http.upload.<reason>`.
    public var code: ErrorCode { ErrorCode(rawValue: "http.upload.\(reason.rawValue)") }
    /// The detail, with the field.
    public var message: String { field.map { "\(detail) (field \($0))" } ?? detail }

    /// Compares reason and field.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.reason == rhs.reason && lhs.field == rhs.field }
}
