import Configuration
import Foundation

extension ProblemCollector {
    /// Reads a whole number within `range`, reporting anything else.
    mutating func integer(_ config: ConfigReader, _ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = Self.text(config, key) else { return nil }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            report(key, text, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return value
    }

    /// Reads one of `choices` (case-insensitive), reporting anything else.
    mutating func choice(_ config: ConfigReader, _ key: String, in choices: [String]) -> String? {
        guard let text = Self.text(config, key) else { return nil }
        let lowered = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard choices.contains(lowered) else {
            report(key, text, expected: "one of \(choices.joined(separator: ", "))")
            return nil
        }
        return lowered
    }

    /// Reads a server URL with one of `schemes` and a host (port, if given, 1…65535),
    /// reporting anything else. The value shown in a problem has its password redacted.
    mutating func serverURL(_ config: ConfigReader, _ key: String, schemes: [String], example: String) -> String? {
        guard let text = Self.text(config, key) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let expected = "a URL such as \(example) (scheme \(schemes.joined(separator: " or ")), with a host)"
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
            schemes.contains(scheme), let host = components.host, !host.isEmpty
        else {
            report(key, text, expected: expected)
            return nil
        }
        if let port = components.port, !(1...65_535).contains(port) {
            report(key, text, expected: expected + " and a port from 1 to 65535")
            return nil
        }
        return trimmed
    }

    /// Reads a non-empty text without whitespace or control characters, reporting
    /// anything else.
    mutating func token(_ config: ConfigReader, _ key: String, expected: String) -> String? {
        guard let text = Self.text(config, key) else { return nil }
        guard !text.isEmpty, !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 })
        else {
            report(key, text, expected: expected)
            return nil
        }
        return text
    }
}
