import Foundation
import NIOCore
import NIOFoundationCompat

/// The body of an ``ClientRequest`` and its content type.
///
/// Bodies are encoded when the request is sent, so an encoding failure surfaces as a
/// ``RoostHTTPClientError`` of kind ``RoostHTTPClientError/Kind-swift.enum/invalidRequest``
/// naming the request.
///
/// ```swift
/// request.body = .json(Order(id: 7))
/// request.body = .form([("q", "swift nio"), ("page", "2")])
/// request.body = .multipart(MultipartForm().field("title", "Report").file("doc", filename: "r.pdf", bytes: pdf))
/// ```
public struct RequestBody: Sendable {
    /// The `Content-Type` header value sent with the body, if any.
    public var contentType: String?
    let encode: @Sendable () throws -> ByteBuffer

    /// A body from a closure that produces its bytes when the request is sent.
    public init(contentType: String?, encode: @escaping @Sendable () throws -> ByteBuffer) {
        self.contentType = contentType
        self.encode = encode
    }

    /// Raw bytes with an optional content type.
    public static func bytes(_ bytes: ByteBuffer, contentType: String? = "application/octet-stream") -> RequestBody {
        RequestBody(contentType: contentType) { bytes }
    }

    /// UTF-8 text.
    public static func text(_ text: String, contentType: String = "text/plain; charset=utf-8") -> RequestBody {
        RequestBody(contentType: contentType) { ByteBuffer(string: text) }
    }

    /// A value encoded as JSON (`application/json`).
    ///
    /// - Parameters:
    ///   - value: The value to encode.
    ///   - makeEncoder: Builds the encoder to use (default: a plain `JSONEncoder`).
    public static func json<T: Encodable & Sendable>(
        _ value: T, encoder makeEncoder: @escaping @Sendable () -> JSONEncoder = { JSONEncoder() }
    ) -> RequestBody {
        RequestBody(contentType: "application/json") {
            ByteBuffer(data: try makeEncoder().encode(value))
        }
    }

    /// Fields encoded as `application/x-www-form-urlencoded`, in the given order.
    public static func form(_ fields: [(name: String, value: String)]) -> RequestBody {
        RequestBody(contentType: "application/x-www-form-urlencoded") {
            ByteBuffer(string: FormEncoding.encode(fields))
        }
    }

    /// A `multipart/form-data` body.
    public static func multipart(_ form: MultipartForm) -> RequestBody {
        RequestBody(contentType: "multipart/form-data; boundary=\(form.boundary)") { form.encoded() }
    }
}

/// `application/x-www-form-urlencoded` encoding as the WHATWG URL standard defines it.
enum FormEncoding {
    /// `name=value` pairs joined by `&`, each percent-encoded.
    static func encode(_ fields: [(name: String, value: String)]) -> String {
        fields.map { escape($0.name) + "=" + escape($0.value) }.joined(separator: "&")
    }

    /// Keeps ASCII letters, digits and `*-._`, turns spaces into `+`, percent-encodes
    /// every other UTF-8 byte.
    static func escape(_ string: String) -> String {
        var result = ""
        result.reserveCapacity(string.utf8.count)
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "*"), UInt8(ascii: "-"),
                UInt8(ascii: "."), UInt8(ascii: "_"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                result += "+"
            default:
                result += "%" + hexDigit(byte >> 4) + hexDigit(byte & 0x0F)
            }
        }
        return result
    }

    private static func hexDigit(_ nibble: UInt8) -> String {
        String(UnicodeScalar(nibble < 10 ? nibble + 48 : nibble + 55))
    }
}
