import Crypto
import Foundation
import _CryptoExtras

/// The authentication methods this client speaks.
enum MySQLAuthPlugin: String, Sendable, Equatable {
    /// SHA-1 challenge-response, the MariaDB default.
    case nativePassword = "mysql_native_password"
    /// SHA-256 challenge-response with a server-side cache, the MySQL 8 default.
    case cachingSHA2Password = "caching_sha2_password"

    /// The plugin's first answer to a nonce: the scrambled password.
    func scramble(password: String, nonce: [UInt8]) -> [UInt8] {
        switch self {
        case .nativePassword: return Self.nativePasswordScramble(password: password, nonce: nonce)
        case .cachingSHA2Password: return Self.cachingSHA2Scramble(password: password, nonce: nonce)
        }
    }

    /// `SHA1(password) XOR SHA1(nonce ++ SHA1(SHA1(password)))`; empty for an empty password.
    static func nativePasswordScramble(password: String, nonce: [UInt8]) -> [UInt8] {
        guard !password.isEmpty else { return [] }
        let stage1 = Array(Insecure.SHA1.hash(data: Array(password.utf8)))
        let stage2 = Array(Insecure.SHA1.hash(data: stage1))
        var hasher = Insecure.SHA1()
        hasher.update(data: nonce.prefix(20))
        hasher.update(data: stage2)
        return xor(stage1, Array(hasher.finalize()))
    }

    /// `SHA256(password) XOR SHA256(SHA256(SHA256(password)) ++ nonce)`; empty for an empty password.
    static func cachingSHA2Scramble(password: String, nonce: [UInt8]) -> [UInt8] {
        guard !password.isEmpty else { return [] }
        let stage1 = Array(SHA256.hash(data: Array(password.utf8)))
        let stage2 = Array(SHA256.hash(data: stage1))
        var hasher = SHA256()
        hasher.update(data: stage2)
        hasher.update(data: nonce.prefix(20))
        return xor(stage1, Array(hasher.finalize()))
    }

    /// The caching_sha2_password full-authentication answer over an unencrypted
    /// connection: the NUL-terminated password XORed with the nonce (repeated), encrypted
    /// with the server's RSA public key using OAEP padding (SHA-1, as the server expects).
    static func rsaEncryptedPassword(password: String, nonce: [UInt8], publicKeyPEM: String) throws -> [UInt8] {
        let key: _RSA.Encryption.PublicKey
        do {
            key = try _RSA.Encryption.PublicKey(unsafePEMRepresentation: publicKeyPEM)
        } catch {
            throw MySQLConnectionError(
                .authentication, "the server's RSA public key could not be read; check MySQLConfiguration.serverPublicKey",
                underlying: error)
        }
        let plain = Array(password.utf8) + [0]
        let masked = nonce.isEmpty ? plain : plain.enumerated().map { $0.element ^ nonce[$0.offset % nonce.count] }
        do {
            return Array(try key.encrypt(masked, padding: .PKCS1_OAEP))
        } catch {
            throw MySQLConnectionError(
                .authentication, "the password is too long to encrypt with the server's \(key.keySizeInBits)-bit RSA key",
                underlying: error)
        }
    }

    private static func xor(_ lhs: [UInt8], _ rhs: [UInt8]) -> [UInt8] {
        zip(lhs, rhs).map { $0 ^ $1 }
    }
}
