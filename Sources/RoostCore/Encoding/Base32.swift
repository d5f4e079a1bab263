/// Base32 (RFC 4648 §6) with the alphabet `A-Z2-7`, with or without `=` padding — the
/// encoding of TOTP secrets and case-insensitive identifiers.
///
/// ```swift
/// Base32.encode(Array("foobar".utf8))                  // "MZXW6YTBOI======"
/// Base32.encode(Array("foobar".utf8), padding: false)  // "MZXW6YTBOI"
/// try Base32.decode("mzxw6ytboi")                      // "foobar" bytes
/// ```
public enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
    private static let values: [UInt8: UInt8] = {
        var table: [UInt8: UInt8] = [:]
        for (index, character) in alphabet.enumerated() {
            table[character] = UInt8(index)
            if character >= UInt8(ascii: "A") { table[character + 32] = UInt8(index) }  // lowercase
        }
        return table
    }()

    /// `bytes` in base32, padded with `=` to a multiple of 8 characters unless `padding` is false.
    public static func encode(_ bytes: some Sequence<UInt8>, padding: Bool = true) -> String {
        var output: [UInt8] = []
        var buffer: UInt64 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt64(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                output.append(alphabet[Int(buffer >> UInt64(bits) & 0x1F)])
            }
            buffer &= (1 << UInt64(bits)) - 1
        }
        if bits > 0 { output.append(alphabet[Int(buffer << UInt64(5 - bits) & 0x1F)]) }
        if padding { while output.count % 8 != 0 { output.append(UInt8(ascii: "=")) } }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes spelled by base32 `text`, padded or not, in either case.
    ///
    /// - Throws: ``TextDecodingError`` — `invalidCharacter` for a character outside the
    ///   alphabet (or `=` before the end), `invalidLength` for a length no encoder makes.
    public static func decode(_ text: String) throws(TextDecodingError) -> [UInt8] {
        let characters = Array(text.utf8)
        var end = characters.count
        while end > 0, characters[end - 1] == UInt8(ascii: "=") { end -= 1 }
        let padded = end != characters.count
        guard !padded || characters.count % 8 == 0 else {
            throw TextDecodingError(.invalidLength(characters.count), encoding: "base32")
        }
        // Valid unpadded lengths leave 0, 2, 4, 5 or 7 characters in the last group.
        guard [0, 2, 4, 5, 7].contains(end % 8) else {
            throw TextDecodingError(.invalidLength(characters.count), encoding: "base32")
        }
        var output: [UInt8] = []
        output.reserveCapacity(end * 5 / 8)
        var buffer: UInt64 = 0
        var bits = 0
        for offset in 0..<end {
            guard let value = values[characters[offset]] else {
                let scalar = Unicode.Scalar(characters[offset])
                throw TextDecodingError(.invalidCharacter(Character(scalar), offset: offset), encoding: "base32")
            }
            buffer = buffer << 5 | UInt64(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt64(bits)))
                buffer &= (1 << UInt64(bits)) - 1
            }
        }
        return output
    }
}
