import Foundation

/// A header value with parameters, such as `form-data; name="a"; filename="b.txt"` or
/// `multipart/form-data; boundary=xyz`.
struct HeaderParameters: Sendable, Equatable {
    /// The part before the first `;`, lowercased.
    var value: String
    /// Parameters by lowercased name, quotes and escapes removed; `name*` (RFC 8187)
    /// values are percent-decoded and stored under `name`, taking precedence.
    var parameters: [String: String]

    init(parsing text: String) {
        var value = ""
        var parameters: [String: String] = [:]
        var extended: [String: String] = [:]
        var items: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in text {
            if escaped {
                // Only \" and \\ are escapes; a lone backslash (a Windows path) stays.
                if character != "\"" && character != "\\" { current.append("\\") }
                current.append(character)
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ";" && !quoted {
                items.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        items.append(current)
        value = items[0].trimmingCharacters(in: .whitespaces).lowercased()
        for item in items.dropFirst() {
            guard let equals = item.firstIndex(of: "=") else { continue }
            let name = item[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let raw = item[item.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if name.hasSuffix("*") {
                // charset'language'percent-encoded
                let pieces = raw.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                if pieces.count == 3, pieces[0].lowercased() == "utf-8", let decoded = pieces[2].removingPercentEncoding {
                    extended[String(name.dropLast())] = decoded
                }
            } else if !name.isEmpty {
                parameters[name] = raw
            }
        }
        parameters.merge(extended) { _, new in new }
        self.value = value
        self.parameters = parameters
    }
}
