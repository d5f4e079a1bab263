import RoostCore
@testable import RoostCrypto
import Testing

@Suite struct ChaChaPolyEnvelopeTests {
    // RFC 8439 §2.8.2.
    let key = Array(UInt8(0x80)...UInt8(0x9f))
    let nonce = try! Hex.decode("070000004041424344454647")
    let aad = try! Hex.decode("50515253c0c1c2c3c4c5c6c7")
    let plaintext = Array(
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it."
            .utf8)
    let ciphertext =
        "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116"
    let tag = "1ae10b594f09e26a7e902ecbd0600691"

    @Test func rfc8439KnownAnswer() throws {
        let box = try ChaChaPolyEnvelope(key: key)
        let sealed = try box.seal(plaintext, nonceBytes: nonce, authenticating: aad)
        #expect(Hex.encode(sealed) == "02" + "070000004041424344454647" + ciphertext + tag)
        #expect(try box.open(sealed, authenticating: aad) == plaintext)
        #expect(throws: CryptoError(.authenticationFailed)) { try box.open(sealed) }
    }

    @Test func roundTripAndAlgorithmByte() throws {
        let box = try ChaChaPolyEnvelope(key: SecureRandom.bytes(count: 32))
        let sealed = try box.seal(Array("hello".utf8))
        #expect(sealed[0] == EnvelopeAlgorithm.chaCha20Poly1305.rawValue)
        #expect(sealed.count == 5 + EnvelopeAlgorithm.overhead)
        #expect(try EnvelopeAlgorithm.of(sealed) == .chaCha20Poly1305)
        #expect(try box.open(sealed) == Array("hello".utf8))
        #expect(try box.open(try box.seal([UInt8]())) == [])
    }

    @Test func everyAlteredByteFailsAuthentication() throws {
        let box = try ChaChaPolyEnvelope(key: key)
        let sealed = try box.seal(Array("transfer 100".utf8))
        for index in 1..<sealed.count {
            var altered = sealed
            altered[index] ^= 0x01
            #expect(throws: CryptoError(.authenticationFailed)) { try box.open(altered) }
        }
    }

    @Test func wrongKeyFailsAuthentication() throws {
        let sealed = try ChaChaPolyEnvelope(key: key).seal(plaintext)
        let other = try ChaChaPolyEnvelope(key: [UInt8](repeating: 7, count: 32))
        #expect(throws: CryptoError(.authenticationFailed)) { try other.open(sealed) }
    }

    @Test func algorithmsDoNotOpenEachOthersEnvelopes() throws {
        let chacha = try ChaChaPolyEnvelope(key: key)
        let aes = try AESGCMEnvelope(key: key)
        let fromChaCha = try chacha.seal(plaintext)
        let fromAES = try aes.seal(plaintext)
        #expect(throws: CryptoError(.wrongEnvelopeAlgorithm(expected: .aesGCM, found: .chaCha20Poly1305))) {
            try aes.open(fromChaCha)
        }
        #expect(throws: CryptoError(.wrongEnvelopeAlgorithm(expected: .chaCha20Poly1305, found: .aesGCM))) {
            try chacha.open(fromAES)
        }
        #expect(try EnvelopeAlgorithm.of(fromAES) == .aesGCM)
    }

    @Test func truncatedUnknownAndEmptyEnvelopes() throws {
        let box = try ChaChaPolyEnvelope(key: key)
        let sealed = try box.seal(plaintext)
        #expect(throws: CryptoError(.envelopeTooShort(0))) { try box.open([UInt8]()) }
        #expect(throws: CryptoError(.envelopeTooShort(20))) { try box.open(Array(sealed.prefix(20))) }
        var unknown = sealed
        unknown[0] = 9
        #expect(throws: CryptoError(.unsupportedVersion(9))) { try box.open(unknown) }
        #expect(throws: CryptoError(.unsupportedVersion(9))) { try EnvelopeAlgorithm.of(unknown) }
    }

    @Test(arguments: [0, 16, 31, 33])
    func invalidKeySizesAreRejected(size: Int) {
        #expect(throws: CryptoError(.invalidKeySize(size))) {
            try ChaChaPolyEnvelope(key: [UInt8](repeating: 1, count: size))
        }
        let error = CryptoError(.invalidKeySize(size), detail: "ChaCha20-Poly1305 needs exactly 32 bytes.")
        #expect(error.message.contains("exactly 32"))
        #expect(error.code == "crypto.key.invalid_size")
    }
}
