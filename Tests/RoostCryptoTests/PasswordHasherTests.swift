import Foundation
@testable import RoostCrypto
import Testing

@Suite struct PasswordHasherTests {
    let fast = PasswordHasher(scheme: .scrypt(logCost: 10, blockSize: 8, parallelism: 1))

    @Test func hashAndVerify() throws {
        let stored = try fast.hash("correct horse")
        #expect(stored.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        #expect(try fast.verify("correct horse", against: stored))
        #expect(try !fast.verify("correct horse!", against: stored))
        #expect(try fast.hash("correct horse") != stored)  // fresh salt each time
    }

    @Test func encodedStringMatchesKnownDerivation() throws {
        let salt = Array("roost-salt-01".utf8)
        let encoded = try fast.encode(password: "pw", salt: salt, scheme: .pbkdf2(.sha256, iterations: 1000), length: 32)
        let parts = encoded.split(separator: "$")
        #expect(parts[0] == "pbkdf2-sha256")
        #expect(parts[1] == "i=1000")
        #expect(parts[2] == "cm9vc3Qtc2FsdC0wMQ")
        let derived = try KeyDerivation.pbkdf2(
            .sha256, password: Array("pw".utf8), salt: salt, iterations: 1000, outputByteCount: 32)
        #expect(parts[3] == Data(derived).base64EncodedString().prefix { $0 != "=" })
        #expect(try fast.verify("pw", against: encoded))
    }

    @Test func olderSchemesStillVerifyAndAskForRehash() throws {
        let old = PasswordHasher(scheme: .pbkdf2(.sha512, iterations: 2000))
        let stored = try old.hash("s3cret")
        #expect(stored.hasPrefix("$pbkdf2-sha512$i=2000$"))
        #expect(try fast.verify("s3cret", against: stored))
        #expect(try fast.needsRehash(stored))
        #expect(try !fast.needsRehash(try fast.hash("s3cret")))
    }

    @Test(arguments: [
        "", "scrypt$ln=10,r=8,p=1$c2FsdA$aGFzaA", "$scrypt$ln=10,r=8$c2FsdA$aGFzaA", "$scrypt$ln=x,r=8,p=1$c2FsdA$aGFzaA",
        "$scrypt$ln=10,r=8,p=1$$aGFzaA", "$scrypt$ln=10,r=8,p=1$c2FsdA$!!", "$pbkdf2-sha256$n=5$c2FsdA$aGFzaA",
    ])
    func malformedHashesThrow(encoded: String) {
        #expect(throws: CryptoError(.malformedPasswordHash)) { try fast.verify("x", against: encoded) }
    }

    @Test func unknownSchemeThrows() {
        #expect(throws: CryptoError(.unsupportedPasswordScheme("argon2id"))) {
            try fast.verify("x", against: "$argon2id$v=19$c2FsdA$aGFzaA")
        }
    }
}
