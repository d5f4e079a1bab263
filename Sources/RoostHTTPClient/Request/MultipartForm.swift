import Foundation
import NIOCore

/// A `multipart/form-data` body (RFC 7578) built part by part.
///
/// ```swift
/// let form = MultipartForm()
///     .field("title", "Quarterly report")
///     .file("attachment", filename: "q3.csv", contentType: "text/csv", bytes: ByteBuffer(string: csv))
/// request.body = .multipart(form)
/// ```
public struct MultipartForm: Sendable {
    /// One part of the form.
    public struct Part: Sendable {
        /// The form field name.
        public var name: String
        /// The file name, for file parts.
        public var filename: String?
        /// The part's content type, if any.
        public var contentType: String?
        /// The part's content.
        public var body: ByteBuffer
    }

    /// The boundary between parts; random by default.
    public let boundary: String
    /// The parts, in order.
    public private(set) var parts: [Part] = []

    /// Creates an empty form.
    ///
    /// - Parameter boundary: The boundary string (default: random). It must not occur in
    ///   any part's content.
    public init(boundary: String? = nil) {
        if let boundary {
            self.boundary = boundary
        } else {
            var generator = SystemRandomNumberGenerator()
            let suffix = (0..<24).map { _ in String(generator.next(upperBound: UInt8(36)), radix: 36) }
            self.boundary = "roost-" + suffix.joined()
        }
    }

    /// Adds a text field.
    public func field(_ name: String, _ value: String) -> MultipartForm {
        var copy = self
        copy.parts.append(Part(name: name, filename: nil, contentType: nil, body: ByteBuffer(string: value)))
        return copy
    }

    /// Adds a file.
    public func file(
        _ name: String, filename: String, contentType: String = "application/octet-stream", bytes: ByteBuffer
    ) -> MultipartForm {
        var copy = self
        copy.parts.append(Part(name: name, filename: filename, contentType: contentType, body: bytes))
        return copy
    }

    /// The encoded body.
    public func encoded() -> ByteBuffer {
        var buffer = ByteBuffer()
        for part in parts {
            buffer.writeString("--\(boundary)\r\n")
            var disposition = "Content-Disposition: form-data; name=\"\(Self.quoted(part.name))\""
            if let filename = part.filename { disposition += "; filename=\"\(Self.quoted(filename))\"" }
            buffer.writeString(disposition + "\r\n")
            if let contentType = part.contentType { buffer.writeString("Content-Type: \(contentType)\r\n") }
            buffer.writeString("\r\n")
            var body = part.body
            buffer.writeBuffer(&body)
            buffer.writeString("\r\n")
        }
        buffer.writeString("--\(boundary)--\r\n")
        return buffer
    }

    /// Escapes a quoted header parameter as HTML forms do: `"` → `%22`, CR → `%0D`, LF → `%0A`.
    static func quoted(_ value: String) -> String {
        value.replacingOccurrences(of: "\"", with: "%22")
            .replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }
}
