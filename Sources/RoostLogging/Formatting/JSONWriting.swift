import Logging

/// Minimal, allocation-light JSON output for log lines.
enum JSONWriting {
    private static let hex = Array("0123456789abcdef".utf8)

    /// Appends `text` as a JSON string literal, escaping quotes, backslashes and control
    /// characters.
    static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): output.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x00..<0x20:
                output.append(contentsOf: Array("\\u00".utf8))
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0x0F)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Appends a metadata value: strings as strings, integers, finite floating-point
    /// numbers and booleans given as `stringConvertible` as JSON numbers and booleans,
    /// nested dictionaries as objects and arrays as arrays.
    static func appendValue(_ value: Logger.MetadataValue, to output: inout [UInt8]) {
        switch value {
        case .string(let text):
            appendString(text, to: &output)
        case .stringConvertible(let convertible):
            appendScalar(convertible, to: &output)
        case .dictionary(let dictionary):
            output.append(UInt8(ascii: "{"))
            for (index, key) in dictionary.keys.sorted().enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                appendString(key, to: &output)
                output.append(UInt8(ascii: ":"))
                appendValue(dictionary[key]!, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        case .array(let array):
            output.append(UInt8(ascii: "["))
            for (index, element) in array.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                appendValue(element, to: &output)
            }
            output.append(UInt8(ascii: "]"))
        }
    }

    private static func appendScalar(_ value: any CustomStringConvertible & Sendable, to output: inout [UInt8]) {
        switch value {
        case let flag as Bool:
            output.append(contentsOf: (flag ? "true" : "false").utf8)
        case let integer as any BinaryInteger:
            output.append(contentsOf: integer.description.utf8)
        case let number as Double where number.isFinite:
            output.append(contentsOf: number.description.utf8)
        case let number as Float where number.isFinite:
            output.append(contentsOf: number.description.utf8)
        default:
            appendString(value.description, to: &output)
        }
    }

    /// Nested dictionaries flattened into dotted keys: `["http": ["method": "GET"]]`
    /// becomes `["http.method": "GET"]`. Arrays are kept as values.
    static func flatten(_ metadata: Logger.Metadata) -> [(key: String, value: Logger.MetadataValue)] {
        var result: [(key: String, value: Logger.MetadataValue)] = []
        func visit(_ metadata: Logger.Metadata, prefix: String) {
            for key in metadata.keys.sorted() {
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                if case .dictionary(let nested) = metadata[key]!, !nested.isEmpty {
                    visit(nested, prefix: path)
                } else {
                    result.append((path, metadata[key]!))
                }
            }
        }
        visit(metadata, prefix: "")
        return result
    }
}
