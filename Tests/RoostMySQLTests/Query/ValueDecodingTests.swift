import Foundation
import NIOCore
import Testing

@testable import RoostMySQL

@Suite("Text value decoding")
struct ValueDecodingTests {
    static func value(_ text: String?, type: MySQLColumnType = .varString, flags: MySQLColumnFlags = []) -> MySQLValue {
        MySQLValue(column: MySQLColumn(name: "c", type: type, flags: flags), bytes: text.map { ByteBuffer(string: $0) })
    }

    static func decodingFails<T: MySQLDecodable>(_ text: String?, as type: T.Type) -> Bool {
        do {
            _ = try value(text).decode(T.self)
            return false
        } catch let error as MySQLDecodingError {
            return error.code == "mysql.decoding.failed" && error.column == "c"
        } catch {
            return false
        }
    }

    @Test func integerEdges() throws {
        #expect(try Self.value("-9223372036854775808").decode(Int64.self) == .min)
        #expect(try Self.value("9223372036854775807").decode(Int64.self) == .max)
        #expect(try Self.value("18446744073709551615").decode(UInt64.self) == .max)
        #expect(try Self.value("-128").decode(Int8.self) == -128)
        #expect(try Self.value("255").decode(UInt8.self) == 255)
        #expect(try Self.value("0").decode(Bool.self) == false)
        #expect(try Self.value("1").decode(Bool.self) == true)
        #expect(Self.decodingFails("9223372036854775808", as: Int64.self))
        #expect(Self.decodingFails("-1", as: UInt64.self))
        #expect(Self.decodingFails("256", as: UInt8.self))
        #expect(Self.decodingFails("12a", as: Int.self))
        #expect(Self.decodingFails("", as: Int.self))
        #expect(Self.decodingFails("-", as: Int.self))
    }

    @Test func nullNeedsOptional() throws {
        #expect(try Self.value(nil).decode(Int?.self) == nil)
        #expect(try Self.value("5").decode(Int?.self) == 5)
        #expect(Self.value(nil).isNull)
        #expect(Self.decodingFails(nil, as: String.self))
        #expect(Self.decodingFails(nil, as: Int.self))
    }

    @Test func decimalStaysExact() throws {
        let digits = "12345678901234567890123456789012345.123456789012345678901234567890"
        #expect(try Self.value(digits, type: .newDecimal).decode(String.self) == digits)
        #expect(try Self.value("-0.50", type: .newDecimal).decode(Double.self) == -0.5)
    }

    @Test func doubles() throws {
        #expect(try Self.value("1.7976931348623157e308").decode(Double.self) == .greatestFiniteMagnitude)
        #expect(try Self.value("-2.5e-3").decode(Double.self) == -0.0025)
        #expect(try Self.value("3.25").decode(Float.self) == 3.25)
        #expect(Self.decodingFails("abc", as: Double.self))
    }

    @Test func dateTimes() throws {
        let value = try Self.value("2024-02-29 23:59:58.123400", type: .datetime).decode(MySQLDateTime.self)
        #expect(value == MySQLDateTime(year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 58, microsecond: 123_400))
        #expect(value.description == "2024-02-29 23:59:58.123400")
        let date = try Self.value("2024-02-29 23:59:58.5", type: .datetime).decode(Date.self)
        #expect(date.timeIntervalSince1970 == 1_709_251_198.5)
        #expect(try Self.value("1970-01-01", type: .date).decode(Date.self).timeIntervalSince1970 == 0)
        #expect(try Self.value("1969-12-31 23:59:59", type: .datetime).decode(Date.self).timeIntervalSince1970 == -1)
        #expect(try Self.value("0001-01-01", type: .date).decode(Date.self).timeIntervalSince1970 == -62_135_596_800)
        #expect(try Self.value("9999-12-31 23:59:59", type: .datetime).decode(Date.self).timeIntervalSince1970 == 253_402_300_799)
    }

    @Test func zeroDatesAreRejectedClearly() throws {
        let zero = try Self.value("0000-00-00 00:00:00", type: .datetime).decode(MySQLDateTime.self)
        #expect(zero.isZero)
        #expect(Self.decodingFails("0000-00-00 00:00:00", as: Date.self))
        #expect(Self.decodingFails("2024-00-10", as: Date.self))
        #expect(Self.decodingFails("2024-13-10", as: Date.self))
    }

    @Test func malformedDateTimes() {
        for text in ["2024-1-01", "2024-01-01T10:00:00", "2024-01-01 10:00", "2024-01-01 10:00:00.", "2024-01-01 10:00:00.1234567", "yyyy-mm-dd"] {
            #expect(Self.decodingFails(text, as: MySQLDateTime.self), "\(text)")
        }
    }

    @Test func rowLookupByName() throws {
        let row = MySQLRow(
            columns: [MySQLColumn(name: "a", type: .long), MySQLColumn(name: "b", type: .varString)],
            values: [ByteBuffer(string: "1"), nil])
        #expect(try row["a"].decode(Int.self) == 1)
        #expect(try row["b"].decode(String?.self) == nil)
        #expect(row[1].isNull)
        #expect(throws: MySQLDecodingError.self) { _ = try row["missing"] }
    }
}

@Suite("TIME and DECIMAL decoding")
struct TimeAndDecimalDecodingTests {
    typealias V = ValueDecodingTests

    @Test func times() throws {
        let negative = try V.value("-838:59:59.000001", type: .time).decode(MySQLTime.self)
        #expect(negative == MySQLTime(isNegative: true, hours: 838, minutes: 59, seconds: 59, microseconds: 1))
        #expect(negative.duration == .zero - (.seconds(838 * 3600 + 59 * 60 + 59) + .microseconds(1)))
        #expect(negative.description == "-838:59:59.000001")
        let short = try V.value("25:00:01.5", type: .time).decode(MySQLTime.self)
        #expect(short.duration == .seconds(90_001) + .milliseconds(500))
        #expect(try V.value("00:00:00", type: .time).decode(MySQLTime.self).duration == .zero)
        for text in ["1:2:3", "10:60:00", "10:00", "aa:bb:cc", "10:00:00.1234567", "1000:00:00"] {
            #expect(V.decodingFails(text, as: MySQLTime.self), "\(text)")
        }
    }

    @Test func decimals() throws {
        #expect(try V.value("-12345.6700", type: .newDecimal).decode(Decimal.self) == Decimal(string: "-12345.67"))
        #expect(try V.value("0.000123", type: .newDecimal).decode(Decimal.self) == Decimal(string: "0.000123"))
        let wide38 = "12345678901234567890.123456789012345678"
        #expect(try V.value(wide38, type: .newDecimal).decode(Decimal.self).description == wide38)
        #expect(V.decodingFails("123456789012345678901234567890.123456789", as: Decimal.self))
        #expect(V.decodingFails("1e5", as: Decimal.self))
        #expect(V.decodingFails("abc", as: Decimal.self))
    }
}

@Suite("BIT, bytes and UUID decoding")
struct BytesDecodingTests {
    static func value(_ bytes: [UInt8]?, type: MySQLColumnType) -> MySQLValue {
        MySQLValue(column: MySQLColumn(name: "c", characterSet: 63, type: type), bytes: bytes.map { ByteBuffer(bytes: $0) })
    }

    @Test func bits() throws {
        #expect(try Self.value([0x01], type: .bit).decode(Bool.self) == true)
        #expect(try Self.value([0x00], type: .bit).decode(Bool.self) == false)
        #expect(try Self.value([0x01, 0x02], type: .bit).decode(UInt16.self) == 0x0102)
        #expect(try Self.value(Array(repeating: 0xFF, count: 8), type: .bit).decode(UInt64.self) == .max)
        #expect(throws: MySQLDecodingError.self) { _ = try Self.value([0x01, 0x00], type: .bit).decode(UInt8.self) }
        #expect(throws: MySQLDecodingError.self) { _ = try Self.value(Array(repeating: 1, count: 9), type: .bit).decode(UInt64.self) }
    }

    @Test func bytesAndUUIDs() throws {
        let raw: [UInt8] = [0x00, 0xFF, 0x10, 0x80]
        #expect(try Self.value(raw, type: .blob).decode(Data.self) == Data(raw))
        #expect(try Self.value(raw, type: .blob).decode([UInt8].self) == raw)
        let uuid = UUID(uuidString: "0191A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B")!
        let binary = withUnsafeBytes(of: uuid.uuid) { Array($0) }
        #expect(try Self.value(binary, type: .string).decode(UUID.self) == uuid)
        #expect(try Self.value(Array("0191a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".utf8), type: .string).decode(UUID.self) == uuid)
        #expect(throws: MySQLDecodingError.self) { _ = try Self.value([1, 2, 3], type: .string).decode(UUID.self) }
    }
}
