/// Positional encodings of integers and bytes in base 24, 36 or 62 (or any alphabet),
/// for short ids in URLs, invitation codes and compact keys.
///
/// Base 24 and 36 use the digits then lowercase letters, like Python's `int(text, 36)`
/// and `numpy.base_repr`; decoding them ignores case. Base 62 uses digits, uppercase,
/// then lowercase (the GMP order) and is case-sensitive.
///
/// ```swift
/// Radix.base62.encode(UInt64(1_000_000))   // "4C92"
/// try Radix.base36.decode("zz")            // 1295
/// Radix.base62.encode(bytes: [0, 255])     // "047" — leading zero bytes kept
/// ```
public struct Radix: Sendable, Hashable {
    /// `0-9a-n`.
    public static let base24 = Radix(alphabet: "0123456789abcdefghijklmn", caseInsensitive: true)
    /// `0-9a-z`.
    public static let base36 = Radix(alphabet: "0123456789abcdefghijklmnopqrstuvwxyz", caseInsensitive: true)
    /// `0-9A-Za-z`.
    public static let base62 = Radix(alphabet: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// The digit characters, lowest first.
    public let alphabet: [Character]
    /// Whether decoding folds letters to the alphabet's case.
    public let caseInsensitive: Bool
    private let values: [Character: Int]

    /// The base: the number of characters in the alphabet.
    public var base: Int { alphabet.count }
    private var name: String { "base\(base)" }

    /// Creates a codec from an alphabet of 2 to 256 distinct characters.
    public init(alphabet: String, caseInsensitive: Bool = false) {
        let characters = Array(alphabet)
        precondition((2...256).contains(characters.count), "a radix alphabet needs 2 to 256 characters")
        precondition(Set(characters).count == characters.count, "a radix alphabet must not repeat characters")
        self.alphabet = characters
        self.caseInsensitive = caseInsensitive
        var values: [Character: Int] = [:]
        for (index, character) in characters.enumerated() {
            values[character] = index
            if caseInsensitive {
                for variant in [Character(character.uppercased()), Character(character.lowercased())] where values[variant] == nil {
                    values[variant] = index
                }
            }
        }
        self.values = values
    }

    /// The shortest spelling of `value` (`"0"` for zero).
    public func encode(_ value: UInt64) -> String {
        guard value > 0 else { return String(alphabet[0]) }
        var digits: [Character] = []
        var remaining = value
        let base = UInt64(base)
        while remaining > 0 {
            digits.append(alphabet[Int(remaining % base)])
            remaining /= base
        }
        return String(digits.reversed())
    }

    /// The integer spelled by `text`.
    ///
    /// - Throws: ``TextDecodingError`` — `empty`, `invalidCharacter` or `overflow`.
    public func decode(_ text: String) throws(TextDecodingError) -> UInt64 {
        guard !text.isEmpty else { throw TextDecodingError(.empty, encoding: name) }
        var value: UInt64 = 0
        for (offset, character) in text.enumerated() {
            guard let digit = values[character] else {
                throw TextDecodingError(.invalidCharacter(character, offset: offset), encoding: name)
            }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: UInt64(base))
            let (sum, overflowB) = shifted.addingReportingOverflow(UInt64(digit))
            guard !overflowA, !overflowB else { throw TextDecodingError(.overflow, encoding: name) }
            value = sum
        }
        return value
    }

    /// Bytes read as one big-endian number, spelled in this base; each leading zero byte
    /// becomes one leading zero digit so the length round-trips (as in base58).
    public func encode(bytes: some Collection<UInt8>) -> String {
        let zeros = bytes.prefix { $0 == 0 }.count
        var number = Array(bytes.dropFirst(zeros))
        var digits: [Character] = []
        while !number.isEmpty {
            var remainder = 0
            var quotient: [UInt8] = []
            quotient.reserveCapacity(number.count)
            for byte in number {
                let accumulator = remainder * 256 + Int(byte)
                let digit = accumulator / base
                remainder = accumulator % base
                if !quotient.isEmpty || digit > 0 { quotient.append(UInt8(digit)) }
            }
            digits.append(alphabet[remainder])
            number = quotient
        }
        return String(repeating: alphabet[0], count: zeros) + String(digits.reversed())
    }

    /// The bytes spelled by ``encode(bytes:)``.
    ///
    /// - Throws: ``TextDecodingError/Reason/invalidCharacter(_:offset:)``.
    public func decodeBytes(_ text: String) throws(TextDecodingError) -> [UInt8] {
        var digits: [Int] = []
        for (offset, character) in text.enumerated() {
            guard let digit = values[character] else {
                throw TextDecodingError(.invalidCharacter(character, offset: offset), encoding: name)
            }
            digits.append(digit)
        }
        let zeros = digits.prefix { $0 == 0 }.count
        var bytes: [UInt8] = []  // little-endian accumulator
        for digit in digits.dropFirst(zeros) {
            var carry = digit
            for index in bytes.indices {
                let value = Int(bytes[index]) * base + carry
                bytes[index] = UInt8(value & 0xFF)
                carry = value >> 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xFF))
                carry >>= 8
            }
        }
        return [UInt8](repeating: 0, count: zeros) + bytes.reversed()
    }
}
