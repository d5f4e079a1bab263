import Foundation
@testable import RoostCrypto
import Testing

@Suite struct RSATests {
    typealias Vectors = PythonCryptoVectors

    /// The body of a PEM document as one line of base64.
    static func bareBase64(_ pem: String) -> String {
        pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
    }

    @Test func pythonSignaturesVerifyAndSwiftReproducesThem() throws {
        let privateKey = try RSAPrivateKey(pemOrBase64: Vectors.rsaPrivateKeyPKCS8PEM)
        let publicKey = try RSAPublicKey(pemOrBase64: Vectors.rsaPublicKeySPKIPEM)
        #expect(privateKey.bitCount == 2048)
        for (message, sha1, sha256) in Vectors.rsaSignatures {
            let data = Array(message.utf8)
            #expect(publicKey.isValidSignature(base64: sha1, for: data, hash: .sha1))
            #expect(publicKey.isValidSignature(base64: sha256, for: data, hash: .sha256))
            #expect(!publicKey.isValidSignature(base64: sha1, for: data, hash: .sha256))
            #expect(!publicKey.isValidSignature(base64: sha256, for: data + [0], hash: .sha256))
            // PKCS#1 v1.5 is deterministic: Swift must produce Python's exact bytes.
            #expect(try privateKey.base64Signature(for: data, hash: .sha1) == sha1)
            #expect(try privateKey.base64Signature(for: data, hash: .sha256) == sha256)
        }
    }

    @Test func everyKeyFormReadsTheSameKey() throws {
        let privateForms = [
            Vectors.rsaPrivateKeyPKCS8PEM, Self.bareBase64(Vectors.rsaPrivateKeyPKCS8PEM), Vectors.rsaPrivateKeyPKCS1Base64,
        ]
        let publicForms = [
            Vectors.rsaPublicKeySPKIPEM, Self.bareBase64(Vectors.rsaPublicKeySPKIPEM), Vectors.rsaPublicKeyPKCS1Base64,
        ]
        let message = Array("same key".utf8)
        let reference = try RSAPrivateKey(pemOrBase64: privateForms[0]).signature(for: message, hash: .sha256)
        for form in privateForms {
            let key = try RSAPrivateKey(pemOrBase64: form)
            #expect(try key.signature(for: message, hash: .sha256) == reference)
            #expect(key.publicKey.base64DER == Self.bareBase64(Vectors.rsaPublicKeySPKIPEM))
        }
        for form in publicForms {
            #expect(try RSAPublicKey(pemOrBase64: form).isValidSignature(reference, for: message, hash: .sha256))
        }
        let pkcs1PEM = try RSAPrivateKey(pemOrBase64: Vectors.rsaPrivateKeyPKCS1Base64).pem
        #expect(pkcs1PEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(try RSAPublicKey(pemOrBase64: RSAPublicKey(pemOrBase64: publicForms[2]).pem).bitCount == 2048)
    }

    @Test(arguments: ["", "not base64 at all!", "aGVsbG8=", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"])
    func unreadableKeysThrowTypedErrors(text: String) {
        #expect(throws: CryptoError(.invalidKey("RSA public"))) { try RSAPublicKey(pemOrBase64: text) }
        #expect(throws: CryptoError(.invalidKey("RSA private"))) { try RSAPrivateKey(pemOrBase64: text) }
    }

    @Test func garbageSignaturesAreInvalidNotErrors() throws {
        let publicKey = try RSAPublicKey(pemOrBase64: Vectors.rsaPublicKeySPKIPEM)
        #expect(!publicKey.isValidSignature(base64: "%%%", for: [1], hash: .sha256))
        #expect(!publicKey.isValidSignature([UInt8](repeating: 0, count: 256), for: [1], hash: .sha256))
        #expect(!publicKey.isValidSignature([UInt8](), for: [1], hash: .sha1))
    }

    @Test func oaepInteroperatesWithPython() throws {
        let privateKey = try RSAPrivateKey(pemOrBase64: Vectors.rsaPrivateKeyPKCS8PEM)
        let ciphertext = try #require(Data(base64Encoded: Vectors.rsaOAEPSHA256Ciphertext))
        #expect(try privateKey.decrypt(ciphertext) == Array("envelope key 32 bytes long......".utf8))
        #expect(throws: CryptoError(.authenticationFailed)) { try privateKey.decrypt(ciphertext, oaep: .sha1) }
    }

    @Test func oaepRoundTripAndLimits() throws {
        let privateKey = try RSAPrivateKey(pemOrBase64: Vectors.rsaPrivateKeyPKCS1Base64)
        let publicKey = privateKey.publicKey
        for hash in RSASignatureHash.allCases {
            let secret = SecureRandom.bytes(count: 32)
            let sealed = try publicKey.encrypt(secret, oaep: hash)
            #expect(sealed.count == 256)
            #expect(try privateKey.decrypt(sealed, oaep: hash) == secret)
        }
        #expect(publicKey.maximumOAEPMessageSize() == 256 - 2 * 32 - 2)
        #expect(throws: CryptoError(.operationFailed("encrypt with RSA-OAEP"))) {
            try publicKey.encrypt([UInt8](repeating: 1, count: 191))
        }
        var tampered = try publicKey.encrypt([1, 2, 3])
        tampered[100] ^= 1
        #expect(throws: CryptoError(.authenticationFailed)) { try privateKey.decrypt(tampered) }
    }

    @Test func generatedKeysSignAndVerify() throws {
        let key = try RSAPrivateKey(generatingBits: 2048)
        let signature = try key.signature(for: Array("x".utf8), hash: .sha256)
        #expect(key.publicKey.isValidSignature(signature, for: Array("x".utf8), hash: .sha256))
        #expect(try RSAPrivateKey(pemOrBase64: key.pem).base64DER == key.base64DER)
        #expect(throws: CryptoError(.invalidParameter("bitCount"))) { try RSAPrivateKey(generatingBits: 512) }
    }
}

@Suite struct LegacyRSAKeyTests {
    @Test func a1024BitKeyStillVerifiesButCannotSignJWTs() async throws {
        let key = try RSAPublicKey(pemOrBase64: PythonCryptoVectors.rsa1024PublicKeyBase64)
        #expect(key.bitCount == 1024)
        let message = Array("legacy gateway".utf8)
        #expect(key.isValidSignature(base64: PythonCryptoVectors.rsa1024SHA1Signature, for: message, hash: .sha1))
        #expect(!key.isValidSignature(base64: PythonCryptoVectors.rsa1024SHA1Signature, for: message, hash: .sha256))
        #expect(throws: TokenError(.invalidKey("RS256 needs an RSA key of at least 2048 bits"))) {
            try JSONWebTokenKey.rs256(publicKey: key)
        }
    }
}
