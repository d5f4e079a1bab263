import RoostCrypto
import Testing

@Suite struct DigestTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var algorithm: DigestAlgorithm
        var input: String
        var hex: String
        var testDescription: String { "\(algorithm)(\(input.prefix(12)))" }
    }

    /// RFC 1321 appendix A.5, RFC 3174 / FIPS 180-4 examples.
    static let vectors: [Vector] = [
        Vector(algorithm: .md5, input: "", hex: "d41d8cd98f00b204e9800998ecf8427e"),
        Vector(algorithm: .md5, input: "abc", hex: "900150983cd24fb0d6963f7d28e17f72"),
        Vector(algorithm: .md5, input: "message digest", hex: "f96b697d7cb7938d525a2f31aaf161d0"),
        Vector(algorithm: .sha1, input: "abc", hex: "a9993e364706816aba3e25717850c26c9cd0d89d"),
        Vector(
            algorithm: .sha1, input: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            hex: "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        Vector(algorithm: .sha256, input: "", hex: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        Vector(algorithm: .sha256, input: "abc", hex: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        Vector(
            algorithm: .sha384, input: "abc",
            hex: "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"),
        Vector(
            algorithm: .sha512, input: "abc",
            hex:
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        ),
    ]

    @Test(arguments: vectors)
    func knownAnswers(vector: Vector) {
        #expect(vector.algorithm.hexDigest(of: vector.input) == vector.hex)
        #expect(vector.algorithm.digest(of: Array(vector.input.utf8)).count == vector.algorithm.byteCount)
    }

    @Test func base64Digest() {
        #expect(DigestAlgorithm.sha256.base64Digest(of: "abc") == "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")
    }

    @Test func bytesAndStringAgree() {
        for algorithm in DigestAlgorithm.allCases {
            #expect(algorithm.digest(of: "héllo") == algorithm.digest(of: Array("héllo".utf8)))
        }
    }
}

@Suite struct HMACTests {
    let jefe = Array("Jefe".utf8)
    let question = "what do ya want for nothing?"

    /// RFC 2202 test case 2 (MD5, SHA-1) and RFC 4231 test case 2 (SHA-2).
    @Test func rfcTestCaseTwo() {
        #expect(DigestAlgorithm.md5.hexHMAC(of: question, key: jefe) == "750c783e6ab0b503eaa86e310a5db738")
        #expect(DigestAlgorithm.sha1.hexHMAC(of: question, key: jefe) == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        #expect(
            DigestAlgorithm.sha256.hexHMAC(of: question, key: jefe)
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(
            DigestAlgorithm.sha384.hexHMAC(of: question, key: jefe)
                == "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649")
        #expect(
            DigestAlgorithm.sha512.hexHMAC(of: question, key: jefe)
                == "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        )
        #expect(
            DigestAlgorithm.sha256.base64HMAC(of: question, key: jefe) == "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=")
    }

    /// RFC 4231 test case 1.
    @Test func rfc4231TestCaseOne() {
        let key = [UInt8](repeating: 0x0b, count: 20)
        #expect(
            DigestAlgorithm.sha256.hexHMAC(of: "Hi There", key: key)
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    @Test func verifyAcceptsTheRightMacOnly() {
        let data = Array(question.utf8)
        let mac = DigestAlgorithm.sha256.hmac(of: data, key: jefe)
        #expect(DigestAlgorithm.sha256.verifyHMAC(mac, of: data, key: jefe))
        var altered = mac
        altered[31] ^= 1
        #expect(!DigestAlgorithm.sha256.verifyHMAC(altered, of: data, key: jefe))
        #expect(!DigestAlgorithm.sha256.verifyHMAC(mac.dropLast(), of: data, key: jefe))
        #expect(!DigestAlgorithm.sha256.verifyHMAC(mac, of: data, key: Array("Jeff".utf8)))
    }
}
