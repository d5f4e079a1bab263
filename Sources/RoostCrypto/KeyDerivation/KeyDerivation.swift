import Crypto
import Foundation
import _CryptoExtras

/// Key derivation: HKDF (RFC 5869) to turn key material into keys, PBKDF2 (RFC 8018) and
/// scrypt (RFC 7914) to turn passwords into keys.
///
/// ```swift
/// // One master secret, separate keys per purpose.
/// let sessionKey = try KeyDerivation.hkdf(.sha256, inputKeyMaterial: master,
///                                         salt: salt, info: Array("session".utf8), outputByteCount: 32)
/// // A key from a password (store the salt with the data).
/// let fileKey = try KeyDerivation.scrypt(password: Array("hunter2".utf8), salt: salt,
///                                        outputByteCount: 32)
/// ```
///
/// For storing passwords use ``PasswordHasher``, which keeps salt and parameters with
/// the hash.
public enum KeyDerivation {
    /// The hash functions HKDF and PBKDF2 accept here.
    public enum HashFunction: String, Sendable, Hashable, CaseIterable {
        /// SHA-1: only for compatibility with old PBKDF2 stores (RFC 6070 vectors).
        case sha1
        /// SHA-256.
        case sha256
        /// SHA-512.
        case sha512
    }

    /// HKDF extract-and-expand (RFC 5869).
    ///
    /// - Parameters:
    ///   - hash: SHA-256 or SHA-512 (SHA-1 also works, for old protocols).
    ///   - outputByteCount: At most 255 times the hash length.
    /// - Throws: ``CryptoError/Reason/invalidParameter(_:)`` for a zero or too large length.
    public static func hkdf(
        _ hash: HashFunction, inputKeyMaterial: some DataProtocol, salt: some DataProtocol = [UInt8](),
        info: some DataProtocol = [UInt8](), outputByteCount: Int
    ) throws(CryptoError) -> [UInt8] {
        let digestLength = hash == .sha1 ? 20 : hash == .sha256 ? 32 : 64
        guard outputByteCount > 0, outputByteCount <= 255 * digestLength else {
            throw CryptoError(.invalidParameter("outputByteCount"), detail: "Use 1...\(255 * digestLength) bytes.")
        }
        let ikm = SymmetricKey(data: Array(inputKeyMaterial))
        let key: SymmetricKey =
            switch hash {
            case .sha1:
                HKDF<Insecure.SHA1>.deriveKey(
                    inputKeyMaterial: ikm, salt: salt, info: info, outputByteCount: outputByteCount)
            case .sha256:
                HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: salt, info: info, outputByteCount: outputByteCount)
            case .sha512:
                HKDF<SHA512>.deriveKey(inputKeyMaterial: ikm, salt: salt, info: info, outputByteCount: outputByteCount)
            }
        return key.withUnsafeBytes { Array($0) }
    }

    /// PBKDF2 (RFC 8018) with an HMAC of `hash`.
    ///
    /// Any iteration count of at least 1 is accepted so old stores can still be checked;
    /// for new password hashes use 600,000 or more with SHA-256 (OWASP 2023), or scrypt.
    ///
    /// - Throws: ``CryptoError/Reason/invalidParameter(_:)`` for `iterations < 1` or a
    ///   non-positive length.
    public static func pbkdf2(
        _ hash: HashFunction, password: some DataProtocol, salt: some DataProtocol, iterations: Int,
        outputByteCount: Int
    ) throws(CryptoError) -> [UInt8] {
        guard iterations >= 1 else { throw CryptoError(.invalidParameter("iterations"), detail: "Use at least 1.") }
        guard outputByteCount > 0 else { throw CryptoError(.invalidParameter("outputByteCount")) }
        let function: KDF.Insecure.PBKDF2.HashFunction =
            switch hash {
            case .sha1: .insecureSHA1
            case .sha256: .sha256
            case .sha512: .sha512
            }
        do {
            let key = try KDF.Insecure.PBKDF2.deriveKey(
                from: password, salt: salt, using: function, outputByteCount: outputByteCount,
                unsafeUncheckedRounds: iterations)
            return key.withUnsafeBytes { Array($0) }
        } catch {
            throw CryptoError(.operationFailed("derive a PBKDF2 key"), underlying: error)
        }
    }

    /// scrypt (RFC 7914).
    ///
    /// - Parameters:
    ///   - cost: N, a power of two greater than 1 (default 2¹⁵ = 32768, about 32 MiB with r = 8).
    ///   - blockSize: r (default 8).
    ///   - parallelism: p (default 1).
    /// - Throws: ``CryptoError/Reason/invalidParameter(_:)`` when N is not a power of two
    ///   above 1, r or p is below 1, or the length is not positive.
    public static func scrypt(
        password: some DataProtocol, salt: some DataProtocol, cost: Int = 1 << 15, blockSize: Int = 8,
        parallelism: Int = 1, outputByteCount: Int
    ) throws(CryptoError) -> [UInt8] {
        guard cost > 1, cost & (cost - 1) == 0 else {
            throw CryptoError(.invalidParameter("cost (N)"), detail: "N must be a power of two such as 16384 or 32768.")
        }
        guard blockSize >= 1 else { throw CryptoError(.invalidParameter("blockSize (r)")) }
        guard parallelism >= 1 else { throw CryptoError(.invalidParameter("parallelism (p)")) }
        guard outputByteCount > 0 else { throw CryptoError(.invalidParameter("outputByteCount")) }
        do {
            let key = try KDF.Scrypt.deriveKey(
                from: password, salt: salt, outputByteCount: outputByteCount, rounds: cost, blockSize: blockSize,
                parallelism: parallelism)
            return key.withUnsafeBytes { Array($0) }
        } catch {
            throw CryptoError(.operationFailed("derive an scrypt key"), underlying: error)
        }
    }
}
