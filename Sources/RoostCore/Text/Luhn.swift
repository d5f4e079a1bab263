/// The Luhn (mod 10) check digit used by payment card numbers, IMEIs and many account
/// numbers, to catch single-digit typos and most swaps of neighbouring digits.
///
/// Spaces and hyphens are ignored, so `"4111 1111 1111 1111"` is read as digits only.
///
/// ```swift
/// Luhn.isValid("4111 1111 1111 1111")   // true
/// try Luhn.checkDigit(for: "7992739871") // 3
/// try Luhn.appendingCheckDigit(to: "7992739871")  // "79927398713"
/// ```
public enum Luhn {
    /// Whether `number` (with its check digit last) passes the Luhn check. Text with other
    /// characters than digits, spaces and hyphens, or with fewer than two digits, is invalid.
    public static func isValid(_ number: String) -> Bool {
        guard let digits = try? parseDigits(number), digits.count >= 2 else { return false }
        return sum(digits, doublingFirst: false) % 10 == 0
    }

    /// The check digit to append to `payload`.
    ///
    /// - Throws: ``LuhnError`` when `payload` is empty or holds other characters than
    ///   digits, spaces and hyphens.
    public static func checkDigit(for payload: String) throws(LuhnError) -> Int {
        let digits = try parseDigits(payload)
        guard !digits.isEmpty else { throw LuhnError(text: payload) }
        return (10 - sum(digits, doublingFirst: true) % 10) % 10
    }

    /// `payload` (digits only) with its check digit appended.
    public static func appendingCheckDigit(to payload: String) throws(LuhnError) -> String {
        let check = try checkDigit(for: payload)
        return try parseDigits(payload).map(String.init).joined() + String(check)
    }

    /// Sums from the right; `doublingFirst` says whether the rightmost digit is doubled.
    private static func sum(_ digits: [Int], doublingFirst: Bool) -> Int {
        var total = 0
        var double = doublingFirst
        for digit in digits.reversed() {
            total += double ? (digit * 2 > 9 ? digit * 2 - 9 : digit * 2) : digit
            double.toggle()
        }
        return total
    }

    private static func parseDigits(_ text: String) throws(LuhnError) -> [Int] {
        var digits: [Int] = []
        for character in text where character != " " && character != "-" {
            guard character.isASCII, let digit = character.wholeNumberValue else { throw LuhnError(text: text) }
            digits.append(digit)
        }
        return digits
    }
}

/// Thrown for text that is not a number Luhn can work on.
public struct LuhnError: RoostError, Equatable {
    /// The rejected text.
    public let text: String
    /// Creates the error.
    public init(text: String) { self.text = text }
    /// `text.luhn.invalid`.
    public var code: ErrorCode { "text.luhn.invalid" }
    /// What is expected.
    public var message: String {
        "\"\(text)\" is not a number; pass at least one digit 0-9 (spaces and hyphens are ignored)."
    }
}
