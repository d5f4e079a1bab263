/// The statement text recorded in spans (`db.query.text`).
///
/// Text-protocol SQL may carry values inline, so before it reaches a trace every literal
/// is replaced by `?`: quoted strings (`'…'` and `"…"`, with backslash escapes and
/// doubled quotes, and their `_charset`/`N` prefixes), numbers (`42`, `-` stays an
/// operator, `1.5e-3`, `.5`), hexadecimal and bit values (`0x1F`, `X'1F'`, `0b101`,
/// `B'101'`). Kept as written: keywords, identifiers (backticked ones included, and
/// names with digits such as `t1`), placeholders, and comments (`/* … */`, `-- …`,
/// `# …`); quotes inside comments and backticks start no literal.
///
/// ```swift
/// MySQLQueryText.sanitized("SELECT * FROM `user 1` WHERE pass = 'hunter2' AND n > 0x1F")
/// // SELECT * FROM `user 1` WHERE pass = ? AND n > ?
/// ```
enum MySQLQueryText {
    /// `sql` with every literal replaced by `?`.
    static func sanitized(_ sql: String) -> String {
        let input = Array(sql.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            let next = index + 1 < input.count ? input[index + 1] : nil
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                dropLiteralPrefix(from: &output)
                index = endOfQuoted(input, from: index, quote: byte, backslashEscapes: true)
                output.append(UInt8(ascii: "?"))
            case UInt8(ascii: "`"):
                let end = endOfQuoted(input, from: index, quote: byte, backslashEscapes: false)
                output.append(contentsOf: input[index..<end])
                index = end
            case UInt8(ascii: "/") where next == UInt8(ascii: "*"):
                let end = endOfBlockComment(input, from: index)
                output.append(contentsOf: input[index..<end])
                index = end
            case UInt8(ascii: "#"):
                let end = endOfLine(input, from: index)
                output.append(contentsOf: input[index..<end])
                index = end
            // `--` starts a comment only when followed by whitespace (or the end).
            case UInt8(ascii: "-") where next == UInt8(ascii: "-")
                && (index + 2 == input.count || isWhitespace(input[index + 2])):
                let end = endOfLine(input, from: index)
                output.append(contentsOf: input[index..<end])
                index = end
            case _ where isIdentifierByte(byte) && !isDigit(byte):
                // A word: keyword, identifier or a literal's prefix; copied whole, so the
                // digits in `t1` or `utf8mb4` are not taken for numbers.
                let end = input[index...].firstIndex { !isIdentifierByte($0) } ?? input.count
                output.append(contentsOf: input[index..<end])
                index = end
            case _ where isDigit(byte) || (byte == UInt8(ascii: ".") && next.map(isDigit) == true
                && !(output.last.map(isIdentifierByte) ?? false)):
                index = endOfNumber(input, from: index)
                output.append(UInt8(ascii: "?"))
            default:
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Removes a literal's prefix just written (`X`, `B`, `N` or `_charset`), so that
    /// `X'1F'` and `_utf8mb4'a'` become a bare `?`.
    private static func dropLiteralPrefix(from output: inout [UInt8]) {
        guard let start = output.lastIndex(where: { !isIdentifierByte($0) }).map({ $0 + 1 }) ?? (output.isEmpty ? nil : 0),
            start < output.count
        else { return }
        let word = output[start...]
        let isPrefix =
            (word.count == 1 && "xXbBnN".utf8.contains(word.first!))
            || (word.first == UInt8(ascii: "_") && word.count > 1)
        if isPrefix { output.removeSubrange(start...) }
    }

    /// The index after the closing quote (or the end, when unterminated). A quote doubled
    /// inside the literal stands for itself.
    private static func endOfQuoted(_ input: [UInt8], from start: Int, quote: UInt8, backslashEscapes: Bool) -> Int {
        var index = start + 1
        while index < input.count {
            let byte = input[index]
            if backslashEscapes && byte == UInt8(ascii: "\\") {
                index += 2
            } else if byte == quote {
                if index + 1 < input.count && input[index + 1] == quote {
                    index += 2
                } else {
                    return index + 1
                }
            } else {
                index += 1
            }
        }
        return input.count
    }

    private static func endOfBlockComment(_ input: [UInt8], from start: Int) -> Int {
        var index = start + 2
        while index + 1 < input.count {
            if input[index] == UInt8(ascii: "*") && input[index + 1] == UInt8(ascii: "/") { return index + 2 }
            index += 1
        }
        return input.count
    }

    private static func endOfLine(_ input: [UInt8], from start: Int) -> Int {
        input[start...].firstIndex(of: UInt8(ascii: "\n")) ?? input.count
    }

    /// The index after a number: decimal with fraction and exponent, or `0x…`/`0b…`.
    private static func endOfNumber(_ input: [UInt8], from start: Int) -> Int {
        var index = start
        if input[index] == UInt8(ascii: "0"), index + 1 < input.count,
            [UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "b"), UInt8(ascii: "B")].contains(input[index + 1])
        {
            index += 2
            while index < input.count && isIdentifierByte(input[index]) { index += 1 }
            return index
        }
        while index < input.count && (isDigit(input[index]) || input[index] == UInt8(ascii: ".")) { index += 1 }
        if index < input.count, input[index] == UInt8(ascii: "e") || input[index] == UInt8(ascii: "E") {
            var exponent = index + 1
            if exponent < input.count, input[exponent] == UInt8(ascii: "+") || input[exponent] == UInt8(ascii: "-") {
                exponent += 1
            }
            if exponent < input.count, isDigit(input[exponent]) {
                index = exponent
                while index < input.count && isDigit(input[index]) { index += 1 }
            }
        }
        // Digits running into letters (`1abc`) make an identifier in MySQL: swallow the
        // rest of it too rather than leave half a value behind.
        while index < input.count && isIdentifierByte(input[index]) { index += 1 }
        return index
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    /// Letters, digits, `_`, `$` and every byte of a multi-byte UTF-8 character.
    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "$") || byte >= 0x80
    }
}
