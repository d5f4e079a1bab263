import RoostCrypto
import Testing

@Suite struct CRC32Tests {
    @Test func checkValue() {
        // The standard check value of CRC-32/ISO-HDLC.
        #expect(CRC32.checksum("123456789") == 0xCBF4_3926)
        #expect(CRC32.checksum("The quick brown fox jumps over the lazy dog") == 0x414F_A339)
        #expect(CRC32.checksum("héllo wörld") == 0x151D_5FB9)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test func incrementalMatchesOneShot() {
        let bytes = Array("The quick brown fox jumps over the lazy dog".utf8)
        for split in [0, 1, 10, bytes.count] {
            var crc = CRC32()
            crc.update(bytes[..<split])
            crc.update(bytes[split...])
            #expect(crc.value == 0x414F_A339)
        }
    }
}

@Suite struct ConstantTimeTests {
    @Test func equality() {
        #expect(ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2, 3] as [UInt8]))
        #expect(!ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2, 4] as [UInt8]))
        #expect(!ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2] as [UInt8]))
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
        #expect(ConstantTime.equals("token", "token"))
        #expect(!ConstantTime.equals("token", "Token"))
    }
}

@Suite struct HexTests {
    @Test func roundTrip() throws {
        let bytes: [UInt8] = [0x00, 0x7f, 0x80, 0xff, 0xde, 0xad]
        #expect(Hex.encode(bytes) == "007f80ffdead")
        #expect(try Hex.decode("007F80FFdead") == bytes)
        #expect(try Hex.decode("") == [])
    }

    @Test(arguments: ["abc", "zz", "0g", "é1"])
    func invalidHexIsATypedError(text: String) {
        #expect(throws: CryptoError(.invalidHex)) { try Hex.decode(text) }
    }
}

@Suite struct SecureRandomTests {
    @Test func lengthsAndAlphabets() {
        #expect(SecureRandom.bytes(count: 0).isEmpty)
        #expect(SecureRandom.bytes(count: 13).count == 13)
        let hex = SecureRandom.token(byteCount: 16, encoding: .hex)
        #expect(hex.count == 32)
        #expect(hex.allSatisfy { "0123456789abcdef".contains($0) })
        let url = SecureRandom.token(byteCount: 32)
        #expect(url.count == 43)
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        #expect(url.allSatisfy { alphabet.contains($0) })
    }

    @Test func tokensDoNotRepeat() {
        let tokens = Set((0..<1_000).map { _ in SecureRandom.token(byteCount: 16) })
        #expect(tokens.count == 1_000)
    }
}
