import RoostCore
import Testing

@Suite struct TextUtilitiesTests {
    @Test(arguments: ["4111 1111 1111 1111", "79927398713", "5555-5555-5555-4444", "378282246310005", "0000000000"])
    func validLuhnNumbers(number: String) {
        #expect(Luhn.isValid(number))
    }

    @Test(arguments: ["4111 1111 1111 1112", "79927398710", "1", "", "4111-1111-1111-111a", "٤١١١"])
    func invalidLuhnNumbers(number: String) {
        #expect(!Luhn.isValid(number))
    }

    @Test func luhnCheckDigits() throws {
        #expect(try Luhn.checkDigit(for: "7992739871") == 3)
        #expect(try Luhn.checkDigit(for: "411111111111111") == 1)
        #expect(try Luhn.appendingCheckDigit(to: "3782 8224 6310 00") == "378282246310005")
        #expect(throws: LuhnError(text: "12x")) { try Luhn.checkDigit(for: "12x") }
        #expect(throws: LuhnError(text: " ")) { try Luhn.checkDigit(for: " ") }
        #expect(LuhnError(text: "x").code == "text.luhn.invalid")
    }

    @Test(arguments: [
        ("abc", 3), ("", 0), ("中文", 4), ("ｶﾀｶﾅ", 4), ("カタカナ", 8), ("한국어", 6), ("ＡＢＣ", 6),
        ("e\u{301}", 1), ("\u{301}", 0), ("a\u{200B}b", 2), ("👍", 2), ("👍🏽", 2), ("👨‍👩‍👧", 2),
        ("Hello, 世界!", 12), ("\t\n", 0), ("𠀀", 2), ("。", 2), ("α", 1),
    ])
    func displayWidths(text: String, width: Int) {
        #expect(DisplayWidth.of(text) == width)
    }

    @Test func prefixByColumns() {
        #expect(DisplayWidth.prefix("中文abc", columns: 3) == "中")
        #expect(DisplayWidth.prefix("中文abc", columns: 5) == "中文a")
        #expect(DisplayWidth.prefix("abc", columns: 10) == "abc")
        #expect(DisplayWidth.prefix("abc", columns: 0) == "")
    }
}

@Suite struct IPAddressIntegerTests {
    @Test func ipv4RoundTrip() throws {
        let address = try #require(IPAddress("192.168.1.20"))
        #expect(address.ipv4Value == 3_232_235_796)
        #expect(IPAddress(ipv4: 3_232_235_796) == address)
        #expect(IPAddress(ipv4: 0).description == "0.0.0.0")
        #expect(IPAddress(ipv4: .max).description == "255.255.255.255")
        #expect(IPAddress("::1")?.ipv4Value == nil)
    }

    @Test func ipv6RoundTrip() throws {
        let address = try #require(IPAddress("2001:db8::ff00:42:8329"))
        let value = address.integerValue
        #expect(value == 0x2001_0db8_0000_0000_0000_ff00_0042_8329)
        #expect(IPAddress(ipv6: value) == address)
        #expect(IPAddress(ipv6: 1).description == "::1")
        #expect(IPAddress(ipv6: .max).description == "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
        #expect(IPAddress(ipv6: 0).description == "::")
    }

    @Test func mappedIPv4ValuesBecomeIPv4() {
        let mapped = IPAddress(ipv6: 0xFFFF_0A00_0001)
        #expect(mapped.isIPv4)
        #expect(mapped.description == "10.0.0.1")
        #expect(mapped == IPAddress("::ffff:10.0.0.1"))
    }
}
