import RoostCore
@testable import RoostCrypto
import Testing

@Suite struct AESGCMEnvelopeTests {
    // The GCM specification's test cases 3, 4 (AES-128) and 15 (AES-256).
    let key128 = try! Hex.decode("feffe9928665731c6d6a8f9467308308")
    let key256 = try! Hex.decode("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
    let iv = try! Hex.decode("cafebabefacedbaddecaf888")
    let plaintext = try! Hex.decode(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
    )

    @Test func knownAnswerTestCase3() throws {
        let box = try AESGCMEnvelope(key: key128)
        let sealed = try box.seal(plaintext, nonceBytes: iv, authenticating: [UInt8]())
        let expected =
            "01" + "cafebabefacedbaddecaf888"
            + "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985"
            + "4d5c2af327cd64a62cf35abd2ba6fab4"
        #expect(Hex.encode(sealed) == expected)
        #expect(try box.open(try Hex.decode(expected)) == plaintext)
    }

    @Test func knownAnswerTestCase4WithAssociatedData() throws {
        let box = try AESGCMEnvelope(key: key128)
        let aad = try Hex.decode("feedfacedeadbeeffeedfacedeadbeefabaddad2")
        let envelope = try Hex.decode(
            "01cafebabefacedbaddecaf888"
                + "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
                + "5bc94fbc3221a5db94fae95ae7121a47")
        #expect(try box.open(envelope, authenticating: aad) == Array(plaintext.prefix(60)))
        #expect(throws: CryptoError(.authenticationFailed)) { try box.open(envelope) }
    }

    @Test func knownAnswerTestCase15() throws {
        let box = try AESGCMEnvelope(key: key256)
        let sealed = try box.seal(plaintext, nonceBytes: iv, authenticating: [UInt8]())
        #expect(
            Hex.encode(sealed.suffix(16)) == "b094dac5d93471bdec1a502270e3cc6c")
        #expect(Hex.encode(sealed[13..<29]) == "522dc1f099567d07f47f37a32a84427d")
    }

    @Test func roundTripWithRandomNonces() throws {
        let box = try AESGCMEnvelope(key: SecureRandom.bytes(count: 32))
        let message = Array("héllo, wörld".utf8)
        let first = try box.seal(message)
        let second = try box.seal(message)
        #expect(first != second)
        #expect(first.count == message.count + AESGCMEnvelope.overhead)
        #expect(first[0] == AESGCMEnvelope.currentVersion)
        #expect(try box.open(first) == message)
        #expect(try box.open(second) == message)
        #expect(try box.open(try box.seal([UInt8]())) == [])
    }

    @Test func everyAlteredByteFailsAuthentication() throws {
        let box = try AESGCMEnvelope(key: key128)
        let sealed = try box.seal(Array("pay 10 EUR to alice".utf8))
        for index in 1..<sealed.count {
            var tampered = sealed
            tampered[index] ^= 0x01
            let error = try #require(throws: CryptoError.self) { try box.open(tampered) }
            #expect(error.reason == .authenticationFailed)
            #expect(error.code == "crypto.envelope.authentication_failed")
            #expect(error.underlying != nil)
        }
    }

    @Test func wrongKeyFailsAuthentication() throws {
        let sealed = try AESGCMEnvelope(key: key128).seal(Array("secret".utf8))
        let other = try AESGCMEnvelope(key: SecureRandom.bytes(count: 16))
        #expect(throws: CryptoError(.authenticationFailed)) { try other.open(sealed) }
    }

    @Test(arguments: [UInt8(0), 3, 0xff])
    func unknownVersionIsRejected(version: UInt8) throws {
        let box = try AESGCMEnvelope(key: key128)
        var sealed = try box.seal(Array("data".utf8))
        sealed[0] = version
        let error = try #require(throws: CryptoError.self) { try box.open(sealed) }
        #expect(error.reason == .unsupportedVersion(version))
        #expect(error.code == "crypto.envelope.unsupported_version")
    }

    @Test(arguments: [0, 1, 13, 28])
    func truncatedEnvelopeIsRejected(length: Int) throws {
        let box = try AESGCMEnvelope(key: key128)
        let sealed = try box.seal([UInt8]())
        #expect(sealed.count == 29)
        let error = try #require(throws: CryptoError.self) { try box.open(sealed.prefix(length)) }
        #expect(error.reason == .envelopeTooShort(length))
        #expect(error.code == "crypto.envelope.too_short")
    }

    @Test(arguments: [0, 8, 15, 17, 31, 33, 64])
    func invalidKeySizesAreRejected(size: Int) {
        #expect(throws: CryptoError(.invalidKeySize(size))) {
            try AESGCMEnvelope(key: [UInt8](repeating: 1, count: size))
        }
    }

    @Test func errorMessagesSayWhatToDo() {
        let error = CryptoError(.invalidKeySize(10))
        #expect(error.description.hasPrefix("[crypto.key.invalid_size]"))
        #expect(error.message.contains("32"))
    }
}
