import Crypto
import Foundation
import Testing
import _CryptoExtras

@testable import RoostMySQL

/// Known-answer vectors for the scrambles were computed independently with Python's
/// hashlib, from the algorithm descriptions in the MySQL protocol documentation:
///
/// ```python
/// import hashlib
/// pw, nonce = b"roost", bytes(range(1, 21))
/// s1 = hashlib.sha1(pw).digest(); s2 = hashlib.sha1(s1).digest()
/// native = bytes(a ^ b for a, b in zip(s1, hashlib.sha1(nonce + s2).digest()))
/// t1 = hashlib.sha256(pw).digest(); t2 = hashlib.sha256(t1).digest()
/// sha2 = bytes(a ^ b for a, b in zip(t1, hashlib.sha256(t2 + nonce).digest()))
/// ```
@Suite("Authentication plugins")
struct AuthPluginTests {
    static let nonce = Array(UInt8(1)...UInt8(20))

    @Test func nativePasswordKnownAnswer() {
        let scramble = MySQLAuthPlugin.nativePassword.scramble(password: "roost", nonce: Self.nonce)
        #expect(scramble == bytes(hex("c8df83a63f0f633a0f1891de71466e76b7960799")))
    }

    @Test func cachingSHA2KnownAnswer() {
        let scramble = MySQLAuthPlugin.cachingSHA2Password.scramble(password: "roost", nonce: Self.nonce)
        #expect(scramble == bytes(hex("141b8d1ae385b767bc5382bf7fe237717433d7771a29dbb5acbd1f9d07d8e3dd")))
    }

    @Test func cachingSHA2ScrambleVerifiesLikeTheServer() {
        // The server stores SHA256(SHA256(password)) and recovers SHA256(password) from the
        // scramble; hashing that must give the stored value again.
        let nonce: [UInt8] = Array("0123456789abcdefghij".utf8)
        let scramble = MySQLAuthPlugin.cachingSHA2Scramble(password: "päss wörd", nonce: nonce)
        let stored = Array(SHA256.hash(data: Array(SHA256.hash(data: Array("päss wörd".utf8)))))
        let mask = Array(SHA256.hash(data: stored + nonce))
        let recovered = zip(scramble, mask).map { $0 ^ $1 }
        #expect(Array(SHA256.hash(data: recovered)) == stored)
    }

    @Test func emptyPasswordSendsNothing() {
        #expect(MySQLAuthPlugin.nativePassword.scramble(password: "", nonce: Self.nonce).isEmpty)
        #expect(MySQLAuthPlugin.cachingSHA2Password.scramble(password: "", nonce: Self.nonce).isEmpty)
    }

    @Test func rsaEncryptedPasswordDecryptsToMaskedPassword() throws {
        let privateKey = try _RSA.Encryption.PrivateKey(keySize: .bits2048)
        let pem = privateKey.publicKey.pemRepresentation
        let cipher = try MySQLAuthPlugin.rsaEncryptedPassword(password: "roost", nonce: Self.nonce, publicKeyPEM: pem)
        #expect(cipher.count == 256)
        let plain = Array(try privateKey.decrypt(cipher, padding: .PKCS1_OAEP))
        let unmasked = plain.enumerated().map { $0.element ^ Self.nonce[$0.offset % Self.nonce.count] }
        #expect(unmasked == Array("roost".utf8) + [0])
    }

    @Test func badPublicKeyIsAnAuthenticationError() {
        #expect {
            _ = try MySQLAuthPlugin.rsaEncryptedPassword(password: "x", nonce: Self.nonce, publicKeyPEM: "not a key")
        } throws: { error in
            (error as? MySQLConnectionError)?.code == "mysql.auth.failed"
        }
    }
}
