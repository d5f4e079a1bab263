import Foundation
import RoostCrypto
import Testing

/// The overview article's example, with concrete inputs, run for real.
@Suite struct DocumentationExampleTests {
    struct Session: Codable, Sendable { var role: String }

    @Test func overviewExampleRuns() async throws {
        let body = Array("<html>…</html>".utf8)
        let payload = Array("amount=9.99".utf8)
        let secret = Array("webhook-secret".utf8)

        // Digests and HMACs, as raw bytes, hex or base64.
        let etag = DigestAlgorithm.sha256.hexDigest(of: body)
        let signature = DigestAlgorithm.sha256.base64HMAC(of: payload, key: secret)
        let presented = try #require(Data(base64Encoded: signature))
        let valid = DigestAlgorithm.sha256.verifyHMAC(presented, of: payload, key: secret)
        #expect(etag.count == 64 && valid)

        // CRC-32 for file integrity, constant-time comparison for secrets.
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(ConstantTime.equals("token-a", "token-a") && !ConstantTime.equals("token-a", "token-b"))

        // Random tokens for sessions and API keys.
        let sessionID = SecureRandom.token()
        #expect(sessionID.count == 43)

        // AES-GCM or ChaCha20-Poly1305 in one versioned envelope.
        let box = try ChaChaPolyEnvelope(key: SecureRandom.bytes(count: 32))
        let sealed = try box.seal(Array("secret".utf8))
        #expect(try box.open(sealed) == Array("secret".utf8))

        // Keys from key material or passwords; password storage.
        let subkey = try KeyDerivation.hkdf(
            .sha256, inputKeyMaterial: SecureRandom.bytes(count: 32), info: Array("mail".utf8), outputByteCount: 32)
        #expect(subkey.count == 32)
        let stored = try PasswordHasher().hash("correct horse")
        #expect(stored.hasPrefix("$scrypt$"))
        #expect(try PasswordHasher().verify("correct horse", against: stored))
        #expect(try !PasswordHasher().verify("wrong horse", against: stored))

        // RSA PKCS#1 v1.5 signatures with keys in PEM or bare base64 DER.
        let merchant = try RSAPrivateKey(generatingBits: 2048)
        let query = "order_id=42&amount=9.99"
        let privateKey = try RSAPrivateKey(pemOrBase64: merchant.pem)
        let sign = try privateKey.base64Signature(for: Array(query.utf8), hash: .sha256)
        let checked = try RSAPublicKey(pemOrBase64: merchant.publicKey.base64DER)
            .isValidSignature(base64: sign, for: Array(query.utf8), hash: .sha256)
        #expect(checked)

        // JSON Web Tokens with typed claims.
        let tokens = await JSONWebTokens(key: try .hs256(secret: SecureRandom.bytes(count: 32)), issuer: "roost")
        let token = try await tokens.sign(
            TokenClaims(issuer: "roost", subject: "user-42", expiresAt: .now + 3600, custom: Session(role: "admin")))
        let claims = try await tokens.verify(token, as: Session.self)
        #expect(claims.subject == "user-42" && claims.custom.role == "admin")
    }
}
