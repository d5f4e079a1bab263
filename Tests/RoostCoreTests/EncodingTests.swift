import RoostCore
import Testing

@Suite struct EncodingTests {
    @Test(arguments: [
        (UInt64(0), "0", "0", "0"),
        (UInt64(35), "1b", "z", "Z"),
        (UInt64(1_000_000), "3082g", "lfls", "4C92"),
        (UInt64.max, "l12ee5fn0ji1if", "3w5e11264sgsf", "LygHa16AHYF"),
    ])
    func integersMatchPythonsIntParsing(value: UInt64, base24: String, base36: String, base62: String) throws {
        #expect(Radix.base24.encode(value) == base24)
        #expect(Radix.base36.encode(value) == base36)
        #expect(Radix.base62.encode(value) == base62)
        #expect(try Radix.base24.decode(base24) == value)
        #expect(try Radix.base36.decode(base36.uppercased()) == value)
        #expect(try Radix.base62.decode(base62) == value)
    }

    @Test func integerDecodeErrors() {
        #expect(throws: TextDecodingError(.empty, encoding: "base62")) { try Radix.base62.decode("") }
        #expect(throws: TextDecodingError(.invalidCharacter("o", offset: 2), encoding: "base24")) {
            try Radix.base24.decode("12o")
        }
        #expect(throws: TextDecodingError(.invalidCharacter("-", offset: 0), encoding: "base62")) {
            try Radix.base62.decode("-1")
        }
        #expect(throws: TextDecodingError(.overflow, encoding: "base62")) { try Radix.base62.decode("LygHa16AHYG") }
        #expect(throws: TextDecodingError(.overflow, encoding: "base36")) { try Radix.base36.decode("3w5e11264sgsg") }
        #expect(TextDecodingError(.overflow, encoding: "base36").code == "encoding.overflow")
    }

    @Test func bytesRoundTripKeepingLeadingZeros() throws {
        #expect(Radix.base62.encode(bytes: [0, 255]) == "047")
        #expect(Radix.base62.encode(bytes: []) == "")
        #expect(try Radix.base62.decodeBytes("") == [])
        var generator = SystemRandomNumberGenerator()
        for radix in [Radix.base24, .base36, .base62] {
            for length in [1, 2, 7, 16, 33] {
                var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                if length > 2 { bytes[0] = 0 }
                #expect(try radix.decodeBytes(radix.encode(bytes: bytes)) == bytes)
            }
        }
        #expect(throws: TextDecodingError.self) { try Radix.base36.decodeBytes("ab_c") }
    }

    // RFC 4648 §10.
    @Test(arguments: [
        ("", ""), ("f", "MY======"), ("fo", "MZXQ===="), ("foo", "MZXW6==="), ("foob", "MZXW6YQ="),
        ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI======"),
    ])
    func base32RFC4648(plain: String, encoded: String) throws {
        let bytes = Array(plain.utf8)
        #expect(Base32.encode(bytes) == encoded)
        let unpadded = String(encoded.prefix { $0 != "=" })
        #expect(Base32.encode(bytes, padding: false) == unpadded)
        #expect(try Base32.decode(encoded) == bytes)
        #expect(try Base32.decode(unpadded) == bytes)
        #expect(try Base32.decode(unpadded.lowercased()) == bytes)
    }

    @Test func base32Errors() {
        #expect(throws: TextDecodingError(.invalidCharacter("1", offset: 2), encoding: "base32")) { try Base32.decode("MZ1W6===") }
        #expect(throws: TextDecodingError(.invalidLength(3), encoding: "base32")) { try Base32.decode("MZX") }
        #expect(throws: TextDecodingError(.invalidLength(7), encoding: "base32")) { try Base32.decode("MZXQ===") }
        #expect(throws: TextDecodingError(.invalidCharacter("=", offset: 2), encoding: "base32")) { try Base32.decode("MZ=Q====") }
    }

    // RFC 4648 §10, with the URL-safe alphabet and no padding.
    @Test func base64URL() throws {
        let cases = [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("foobar", "Zm9vYmFy")]
        for (plain, encoded) in cases {
            #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
            #expect(try Base64URL.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base64URL.encode([0xfb, 0xff, 0xbf]) == "-_-_")
        #expect(try Base64URL.decode("-_8") == [0xfb, 0xff])
        #expect(try Base64URL.decode("Zg==") == Array("f".utf8))
        #expect(throws: TextDecodingError(.invalidCharacter("+", offset: 0), encoding: "base64url")) { try Base64URL.decode("+/8") }
        #expect(throws: TextDecodingError(.invalidLength(5), encoding: "base64url")) { try Base64URL.decode("Zm9vY") }
        #expect(throws: TextDecodingError(.invalidLength(3), encoding: "base64url")) { try Base64URL.decode("Zg=") }
        #expect(throws: TextDecodingError(.invalidCharacter("é", offset: 1), encoding: "base64url")) { try Base64URL.decode("Zé") }
    }
}
