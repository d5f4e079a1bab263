import Foundation

/// URL- and filename-safe base64 (RFC 4648 §5): `-` and `_` instead of `+` and `/`,
/// written without padding as JWTs and most web tokens use it.
///
/// ```swift
/// Base64URL.encode([0xfb, 0xff])   // "-_8"
/// try Base64URL.decode("-_8")      // [0xfb, 0xff]
/// ```
public enum Base64URL {
    /// `bytes` in base64url without padding.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.last == "=" { text.removeLast() }
        return String(text.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
    }

    /// The bytes spelled by base64url `text`; trailing `=` padding is accepted but not required.
    ///
    /// - Throws: ``TextDecodingError`` — `invalidCharacter` for `+`, `/`, whitespace or any
    ///   other character outside the alphabet, `invalidLength` for a length no encoder makes.
    public static func decode(_ text: String) throws(TextDecodingError) -> [UInt8] {
        var body = Substring(text)
        let padding = body.reversed().prefix { $0 == "=" }.count
        body = body.dropLast(padding)
        guard padding == 0 || (text.count % 4 == 0 && padding <= 2) else {
            throw TextDecodingError(.invalidLength(text.count), encoding: "base64url")
        }
        guard body.count % 4 != 1 else { throw TextDecodingError(.invalidLength(text.count), encoding: "base64url") }
        var standard = ""
        standard.reserveCapacity(body.count + 3)
        for (offset, character) in body.enumerated() {
            switch character {
            case _ where character.isASCII && (character.isLetter || character.isNumber): standard.append(character)
            case "-": standard.append("+")
            case "_": standard.append("/")
            default: throw TextDecodingError(.invalidCharacter(character, offset: offset), encoding: "base64url")
            }
        }
        while standard.count % 4 != 0 { standard.append("=") }
        guard let data = Data(base64Encoded: standard) else {
            throw TextDecodingError(.invalidLength(text.count), encoding: "base64url")
        }
        return Array(data)
    }
}
