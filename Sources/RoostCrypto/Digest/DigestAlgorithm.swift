import Crypto
import Foundation

/// A cryptographic hash function, with helpers for digests and HMACs in raw, hex and
/// base64 form.
///
/// MD5 and SHA-1 are broken for collision resistance; they are here for interoperability
/// with systems that still require them (checksums, legacy signatures), not for new
/// security designs.
///
/// ```swift
/// DigestAlgorithm.sha256.hexDigest(of: "abc")
/// // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// DigestAlgorithm.sha256.base64HMAC(of: "payload", key: Array("secret".utf8))
/// ```
public enum DigestAlgorithm: String, Sendable, CaseIterable, Hashable {
    /// MD5 (RFC 1321), 16 bytes. Not collision resistant.
    case md5
    /// SHA-1 (FIPS 180-4), 20 bytes. Not collision resistant.
    case sha1
    /// SHA-256 (FIPS 180-4), 32 bytes.
    case sha256
    /// SHA-384 (FIPS 180-4), 48 bytes.
    case sha384
    /// SHA-512 (FIPS 180-4), 64 bytes.
    case sha512

    /// The digest length in bytes.
    public var byteCount: Int {
        switch self {
        case .md5: Insecure.MD5.byteCount
        case .sha1: Insecure.SHA1.byteCount
        case .sha256: SHA256.byteCount
        case .sha384: SHA384.byteCount
        case .sha512: SHA512.byteCount
        }
    }

    /// The digest of `data`.
    public func digest(of data: some DataProtocol) -> [UInt8] {
        switch self {
        case .md5: Array(Insecure.MD5.hash(data: data))
        case .sha1: Array(Insecure.SHA1.hash(data: data))
        case .sha256: Array(SHA256.hash(data: data))
        case .sha384: Array(SHA384.hash(data: data))
        case .sha512: Array(SHA512.hash(data: data))
        }
    }

    /// The digest of `data` as lowercase hexadecimal.
    public func hexDigest(of data: some DataProtocol) -> String { Hex.encode(digest(of: data)) }

    /// The digest of `data` as standard, padded base64.
    public func base64Digest(of data: some DataProtocol) -> String { Data(digest(of: data)).base64EncodedString() }

    /// The digest of the UTF-8 bytes of `text`.
    public func digest(of text: String) -> [UInt8] { digest(of: Array(text.utf8)) }

    /// The digest of the UTF-8 bytes of `text` as lowercase hexadecimal.
    public func hexDigest(of text: String) -> String { hexDigest(of: Array(text.utf8)) }

    /// The digest of the UTF-8 bytes of `text` as base64.
    public func base64Digest(of text: String) -> String { base64Digest(of: Array(text.utf8)) }

    /// The HMAC (RFC 2104) of `data` under `key`.
    public func hmac(of data: some DataProtocol, key: some ContiguousBytes) -> [UInt8] {
        let key = SymmetricKey(data: key)
        switch self {
        case .md5: return Array(HMAC<Insecure.MD5>.authenticationCode(for: data, using: key))
        case .sha1: return Array(HMAC<Insecure.SHA1>.authenticationCode(for: data, using: key))
        case .sha256: return Array(HMAC<SHA256>.authenticationCode(for: data, using: key))
        case .sha384: return Array(HMAC<SHA384>.authenticationCode(for: data, using: key))
        case .sha512: return Array(HMAC<SHA512>.authenticationCode(for: data, using: key))
        }
    }

    /// The HMAC of `data` under `key` as lowercase hexadecimal.
    public func hexHMAC(of data: some DataProtocol, key: some ContiguousBytes) -> String {
        Hex.encode(hmac(of: data, key: key))
    }

    /// The HMAC of `data` under `key` as base64.
    public func base64HMAC(of data: some DataProtocol, key: some ContiguousBytes) -> String {
        Data(hmac(of: data, key: key)).base64EncodedString()
    }

    /// The HMAC of the UTF-8 bytes of `text` under `key`.
    public func hmac(of text: String, key: some ContiguousBytes) -> [UInt8] { hmac(of: Array(text.utf8), key: key) }

    /// The HMAC of the UTF-8 bytes of `text` under `key` as lowercase hexadecimal.
    public func hexHMAC(of text: String, key: some ContiguousBytes) -> String { hexHMAC(of: Array(text.utf8), key: key) }

    /// The HMAC of the UTF-8 bytes of `text` under `key` as base64.
    public func base64HMAC(of text: String, key: some ContiguousBytes) -> String {
        base64HMAC(of: Array(text.utf8), key: key)
    }

    /// Whether `mac` is the HMAC of `data` under `key`, compared in constant time.
    public func verifyHMAC(_ mac: some DataProtocol, of data: some DataProtocol, key: some ContiguousBytes) -> Bool {
        ConstantTime.equals(hmac(of: data, key: key), mac)
    }
}
