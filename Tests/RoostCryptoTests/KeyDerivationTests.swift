@testable import RoostCrypto
import Testing

@Suite struct KeyDerivationTests {
    let rfcSalt = Array(UInt8(0)...UInt8(12))
    let rfcInfo = Array(UInt8(0xf0)...UInt8(0xf9))

    @Test func hkdfRFC5869TestCase1() throws {
        let okm = try KeyDerivation.hkdf(
            .sha256, inputKeyMaterial: [UInt8](repeating: 0x0b, count: 22), salt: rfcSalt, info: rfcInfo,
            outputByteCount: 42)
        #expect(Hex.encode(okm) == "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
    }

    @Test func hkdfRFC5869TestCase3EmptySaltAndInfo() throws {
        let okm = try KeyDerivation.hkdf(.sha256, inputKeyMaterial: [UInt8](repeating: 0x0b, count: 22), outputByteCount: 42)
        #expect(Hex.encode(okm) == "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")
    }

    @Test func hkdfRFC5869TestCase4SHA1() throws {
        let okm = try KeyDerivation.hkdf(
            .sha1, inputKeyMaterial: [UInt8](repeating: 0x0b, count: 11), salt: rfcSalt, info: rfcInfo, outputByteCount: 42)
        #expect(Hex.encode(okm) == "085a01ea1b10f36933068b56efa5ad81a4f14b822f5b091568a9cdd4f155fda2c22e422478d305f3f896")
    }

    /// SHA-512 with test case 1's inputs, as computed by Python's `cryptography`.
    @Test func hkdfSHA512MatchesPython() throws {
        let okm = try KeyDerivation.hkdf(
            .sha512, inputKeyMaterial: [UInt8](repeating: 0x0b, count: 22), salt: rfcSalt, info: rfcInfo,
            outputByteCount: 42)
        #expect(Hex.encode(okm) == "832390086cda71fb47625bb5ceb168e4c8e26a1a16ed34d9fc7fe92c1481579338da362cb8d9f925d7cb")
    }

    @Test func hkdfRejectsBadLengths() {
        #expect(throws: CryptoError(.invalidParameter("outputByteCount"))) {
            try KeyDerivation.hkdf(.sha256, inputKeyMaterial: [1], outputByteCount: 0)
        }
        #expect(throws: CryptoError(.invalidParameter("outputByteCount"))) {
            try KeyDerivation.hkdf(.sha256, inputKeyMaterial: [1], outputByteCount: 255 * 32 + 1)
        }
    }

    // RFC 6070.
    @Test(arguments: [
        (1, "0c60c80f961f0e71f3a9b524af6012062fe037a6"),
        (2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"),
        (4096, "4b007901b765489abead49d926f721d065a429c1"),
    ])
    func pbkdf2RFC6070(iterations: Int, expected: String) throws {
        let key = try KeyDerivation.pbkdf2(
            .sha1, password: Array("password".utf8), salt: Array("salt".utf8), iterations: iterations, outputByteCount: 20)
        #expect(Hex.encode(key) == expected)
    }

    @Test func pbkdf2RFC6070LongInputs() throws {
        let key = try KeyDerivation.pbkdf2(
            .sha1, password: Array("passwordPASSWORDpassword".utf8),
            salt: Array("saltSALTsaltSALTsaltSALTsaltSALTsalt".utf8), iterations: 4096, outputByteCount: 25)
        #expect(Hex.encode(key) == "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038")
    }

    // RFC 7914 §11.
    @Test func pbkdf2SHA256RFC7914() throws {
        let key = try KeyDerivation.pbkdf2(
            .sha256, password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1, outputByteCount: 64)
        #expect(
            Hex.encode(key)
                == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
        )
    }

    // RFC 7914 §12.
    @Test func scryptRFC7914() throws {
        let first = try KeyDerivation.scrypt(
            password: Array("password".utf8), salt: Array("NaCl".utf8), cost: 1024, blockSize: 8, parallelism: 16,
            outputByteCount: 64)
        #expect(
            Hex.encode(first)
                == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"
        )
        let second = try KeyDerivation.scrypt(
            password: Array("pleaseletmein".utf8), salt: Array("SodiumChloride".utf8), cost: 16384, blockSize: 8,
            parallelism: 1, outputByteCount: 64)
        #expect(
            Hex.encode(second)
                == "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"
        )
    }

    @Test func badParametersAreTypedErrors() {
        let password = Array("p".utf8)
        #expect(throws: CryptoError(.invalidParameter("iterations"))) {
            try KeyDerivation.pbkdf2(.sha256, password: password, salt: password, iterations: 0, outputByteCount: 32)
        }
        #expect(throws: CryptoError(.invalidParameter("cost (N)"))) {
            try KeyDerivation.scrypt(password: password, salt: password, cost: 1000, outputByteCount: 32)
        }
        #expect(throws: CryptoError(.invalidParameter("blockSize (r)"))) {
            try KeyDerivation.scrypt(password: password, salt: password, cost: 16, blockSize: 0, outputByteCount: 32)
        }
        #expect(throws: CryptoError(.invalidParameter("parallelism (p)"))) {
            try KeyDerivation.scrypt(password: password, salt: password, cost: 16, parallelism: 0, outputByteCount: 32)
        }
    }
}
