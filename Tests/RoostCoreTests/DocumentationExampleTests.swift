import Foundation
import RoostCore
import Testing

/// The overview article's example, with concrete inputs, run for real.
@Suite struct DocumentationExampleTests {
    @Test func overviewExampleRuns() async throws {
        let report = await HealthReport.run(
            [
                ClosureHealthCheck("disk") {}
            ], timeout: .seconds(1))
        #expect(report.status == .up)

        let requestID = UUIDv7Generator.shared.next()
        let orderID = try SnowflakeGenerator(workerID: 7).next()
        let token = SecureRandomGenerator.hexToken()  // 128 random bits as 32 hex digits
        #expect(requestID.uuidString.dropFirst(14).first == "7")
        #expect(token.utf8.count == 32)

        // Short codes and RFC 4648 encodings.
        let code = Radix.base62.encode(UInt64(orderID))
        #expect(try Radix.base62.decode(code) == UInt64(orderID))
        let totpKey = Array("12345678901234567890".utf8)
        #expect(Base32.encode(totpKey, padding: false) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        #expect(try Base64URL.decode("_-8") == [0xFF, 0xEF])

        // Day, week and month ranges in a time zone; parsing and formatting.
        let shanghai = TimeZone(identifier: "Asia/Shanghai")!
        let today = CalendarRanges(timeZone: shanghai).day(containing: .now)
        #expect(today.contains(.now))
        let date = try DateText.parse("2024-05-01 08:30:00", pattern: .dateTime, timeZone: shanghai)
        #expect(date == Date(timeIntervalSince1970: 1_714_523_400))

        // Addresses as integers, card numbers, terminal width, XML.
        #expect(IPAddress("10.0.0.1")?.ipv4Value == 167_772_161)
        #expect(Luhn.isValid("4111 1111 1111 1111"))
        #expect(DisplayWidth.of("中文abc") == 7)
        let payload = try XMLDictionary.parse("<xml><return_code>SUCCESS</return_code></xml>")
        #expect(payload == .object(["xml": .object(["return_code": .string("SUCCESS")])]))
    }
}
