import Foundation
import Hummingbird

extension Envelope {
    /// Encodes the envelope with the context's response encoder and sets ``status``.
    ///
    /// With a `JSONEncoder` (Roost's contexts use one) only `data` and `extra` go through
    /// it; the envelope's own fields are written directly, keys in sorted order
    /// (`code`, `data`, `extra`, `msg`, `request_id`). That is the same document the
    /// encoder writes with `.sortedKeys`, for about half the work. Any other encoder
    /// encodes the whole envelope.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        guard let encoder = context.responseEncoder as? JSONEncoder else {
            var response = try context.responseEncoder.encode(self, from: request, context: context)
            response.status = status
            return response
        }
        var body = ByteBuffer()
        body.reserveCapacity(192)
        body.writeStaticString("{\"code\":")
        body.writeString(String(code))
        body.writeStaticString(",\"data\":")
        if let data {
            body.writeBytes(try encoder.encode(data))
        } else {
            body.writeStaticString("null")
        }
        if let extra {
            body.writeStaticString(",\"extra\":")
            body.writeBytes(try encoder.encode(extra))
        }
        body.writeStaticString(",\"msg\":")
        body.writeJSONString(msg)
        body.writeStaticString(",\"request_id\":")
        body.writeJSONString(requestID)
        body.writeStaticString("}")
        var headers = HTTPFields()
        headers.reserveCapacity(4)
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.contentLength] = String(body.readableBytes)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body))
    }
}

extension ByteBuffer {
    /// Writes `text` as a JSON string: quoted, with `"`, `\` and control characters
    /// escaped and everything else as UTF-8.
    mutating func writeJSONString(_ text: String) {
        writeInteger(UInt8(ascii: "\""))
        var pending = text.utf8.startIndex
        let utf8 = text.utf8
        for index in utf8.indices {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            writeBytes(utf8[pending..<index])
            switch byte {
            case UInt8(ascii: "\""): writeStaticString("\\\"")
            case UInt8(ascii: "\\"): writeStaticString("\\\\")
            case UInt8(ascii: "\n"): writeStaticString("\\n")
            case UInt8(ascii: "\r"): writeStaticString("\\r")
            case UInt8(ascii: "\t"): writeStaticString("\\t")
            default:
                let digits: StaticString = "0123456789abcdef"
                writeStaticString("\\u00")
                writeInteger(digits.utf8Start[Int(byte >> 4)])
                writeInteger(digits.utf8Start[Int(byte & 0xF)])
            }
            pending = utf8.index(after: index)
        }
        writeBytes(utf8[pending...])
        writeInteger(UInt8(ascii: "\""))
    }
}
