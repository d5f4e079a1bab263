import Crypto
import Foundation
import RoostCore
import RoostCrypto
import RoostTestSupport
import Testing

/// Makes fresh keys with Python's `cryptography`, signs the messages given as JSON in the
/// first argument (PKCS#1 v1.5 with SHA-1 and SHA-256), makes PyJWT tokens with the
/// secret in the second argument and derives PBKDF2 and scrypt keys; prints it all as JSON.
private let pythonMakes = #"""
    import base64, hashlib, json, sys
    import jwt
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    messages, secret = json.loads(sys.argv[1]), sys.argv[2]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    def sign(message, algorithm):
        return base64.b64encode(key.sign(message.encode(), padding.PKCS1v15(), algorithm)).decode()
    claims = {"iss": "python", "sub": "user-7", "aud": "roost", "exp": 4102444800, "role": "auditor"}
    print(json.dumps({
        "privateKeyPEM": key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption()).decode(),
        "publicKeyBase64": base64.b64encode(key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).decode(),
        "ecPublicKeyPEM": ec_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode(),
        "signatures": [[sign(m, hashes.SHA1()), sign(m, hashes.SHA256())] for m in messages],
        "tokens": [jwt.encode(claims, secret, algorithm="HS256"), jwt.encode(claims, key, algorithm="RS256"),
                   jwt.encode(claims, ec_key, algorithm="ES256")],
        "pbkdf2": hashlib.pbkdf2_hmac("sha256", secret.encode(), b"pepper", 1000, 32).hex(),
        "scrypt": hashlib.scrypt(secret.encode(), salt=b"pepper", n=1024, r=8, p=1, dklen=32).hex(),
    }))
    """#

/// Checks with `cryptography` and PyJWT what Roost made (JSON in the first argument): each
/// signature over its message and over the message with one more byte, and each token
/// with issuer and audience checks; prints the outcomes as JSON.
private let pythonChecks = #"""
    import base64, json, sys
    import jwt
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    made = json.loads(sys.argv[1])
    public = serialization.load_pem_public_key(made["publicKeyPEM"].encode())
    def valid(signature, message, algorithm):
        try:
            public.verify(base64.b64decode(signature), message.encode(), padding.PKCS1v15(), algorithm)
            return True
        except InvalidSignature:
            return False
    results = [[valid(s1, m, hashes.SHA1()), valid(s256, m, hashes.SHA256()), valid(s256, m + "!", hashes.SHA256())]
               for m, s1, s256 in made["signatures"]]
    keys = [made["secret"], public, serialization.load_pem_public_key(made["ecPublicKeyPEM"].encode())]
    claims = [jwt.decode(token, key, algorithms=[algorithm], audience="python", issuer="roost")
              for token, key, algorithm in zip(made["tokens"], keys, ["HS256", "RS256", "ES256"])]
    claims = [dict(c, aud=c["aud"] if isinstance(c["aud"], list) else [c["aud"]]) for c in claims]
    print(json.dumps({"signatures": results, "claims": claims}))
    """#

/// RSA signatures, JWTs and password key derivation checked both ways against Python's
/// `cryptography` and PyJWT, with keys made afresh on every run (the committed vectors in
/// ``PythonCryptoVectors`` stay the check of a plain `swift test`).
@Suite struct PythonInteropTests {
    static let messages = ["", "hello", "order_id=42&amount=9.99&currency=CNY", "中文签名 ✓"]
    static let secret = "interop-" + SecureRandom.token(byteCount: 24, encoding: .hex)

    struct Role: Codable, Sendable, Equatable { var role: String }

    struct Made: Decodable {
        var privateKeyPEM: String
        var publicKeyBase64: String
        var ecPublicKeyPEM: String
        var signatures: [[String]]
        var tokens: [String]
        var pbkdf2: String
        var scrypt: String
    }

    @Test(.requiresPython)
    func pythonKeysSignaturesAndTokensWorkInRoost() async throws {
        let messagesJSON = String(decoding: try JSONEncoder().encode(Self.messages), as: UTF8.self)
        let output = try await TestPython.run(script: pythonMakes, arguments: [messagesJSON, Self.secret])
        let made = try JSONDecoder().decode(Made.self, from: Data(output.utf8))

        // A PKCS#1 PEM private key and a bare base64 public key, as payment gateways hand them out.
        let privateKey = try RSAPrivateKey(pemOrBase64: made.privateKeyPEM)
        let publicKey = try RSAPublicKey(pemOrBase64: made.publicKeyBase64)
        try #require(made.signatures.count == Self.messages.count)
        for (message, signatures) in zip(Self.messages, made.signatures) {
            let data = Array(message.utf8)
            #expect(publicKey.isValidSignature(base64: signatures[0], for: data, hash: .sha1))
            #expect(publicKey.isValidSignature(base64: signatures[1], for: data, hash: .sha256))
            #expect(!publicKey.isValidSignature(base64: signatures[1], for: data + [0x21], hash: .sha256))
            // PKCS#1 v1.5 is deterministic: the same key must give Python's exact bytes.
            #expect(try privateKey.base64Signature(for: data, hash: .sha1) == signatures[0])
            #expect(try privateKey.base64Signature(for: data, hash: .sha256) == signatures[1])
        }

        let keys: [JSONWebTokenKey] = [
            try .hs256(secret: Array(Self.secret.utf8)), try .rs256(publicKey: publicKey),
            try .es256(publicKeyPEM: made.ecPublicKeyPEM),
        ]
        try #require(made.tokens.count == keys.count)
        for (key, token) in zip(keys, made.tokens) {
            let claims = try await JSONWebTokens(key: key, issuer: "python", audience: "roost").verify(
                token, as: Role.self)
            #expect(claims.subject == "user-7")
            #expect(claims.custom == Role(role: "auditor"))
            #expect(claims.expiresAt == Date(timeIntervalSince1970: 4_102_444_800))
            await #expect(throws: TokenError.self) {
                try await JSONWebTokens(key: key, issuer: "python", audience: "elsewhere").verify(token, as: Role.self)
            }
        }

        let password = Array(Self.secret.utf8)
        let salt = Array("pepper".utf8)
        #expect(
            Hex.encode(
                try KeyDerivation.pbkdf2(.sha256, password: password, salt: salt, iterations: 1000, outputByteCount: 32)
            )
                == made.pbkdf2)
        #expect(
            Hex.encode(try KeyDerivation.scrypt(password: password, salt: salt, cost: 1024, outputByteCount: 32))
                == made.scrypt)
    }

    struct Checked: Decodable {
        struct Claims: Decodable, Equatable {
            var iss: String
            var sub: String
            var aud: [String]
            var role: String
        }
        var signatures: [[Bool]]
        var claims: [Claims]
    }

    @Test(.requiresPython)
    func roostKeysSignaturesAndTokensWorkInPython() async throws {
        let privateKey = try RSAPrivateKey(generatingBits: 2048)
        let ecKey = P256.Signing.PrivateKey()
        let signatures = try Self.messages.map { message in
            let data = Array(message.utf8)
            return [
                message, try privateKey.base64Signature(for: data, hash: .sha1),
                try privateKey.base64Signature(for: data, hash: .sha256),
            ]
        }
        let claims = TokenClaims(
            issuer: "roost", subject: "user-9", audience: ["python"], expiresAt: Date.now + 3600,
            custom: Role(role: "ops"))
        var tokens: [String] = []
        for key in [
            try JSONWebTokenKey.hs256(secret: Array(Self.secret.utf8)), try .rs256(privateKey: privateKey),
            try .es256(privateKey: ecKey),
        ] {
            tokens.append(try await JSONWebTokens(key: key).sign(claims))
        }
        let made: [String: Any] = [
            "publicKeyPEM": privateKey.publicKey.pem, "ecPublicKeyPEM": ecKey.publicKey.pemRepresentation,
            "signatures": signatures, "tokens": tokens, "secret": Self.secret,
        ]
        let input = String(decoding: try JSONSerialization.data(withJSONObject: made), as: UTF8.self)
        let output = try await TestPython.run(script: pythonChecks, arguments: [input])
        let checked = try JSONDecoder().decode(Checked.self, from: Data(output.utf8))

        #expect(checked.signatures == Array(repeating: [true, true, false], count: Self.messages.count))
        #expect(
            checked.claims
                == Array(repeating: .init(iss: "roost", sub: "user-9", aud: ["python"], role: "ops"), count: 3))
    }
}
