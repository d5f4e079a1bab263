import Crypto
import Foundation
import _CryptoExtras

/// The hash used inside an RSA PKCS#1 v1.5 signature.
public enum RSASignatureHash: String, Sendable, Hashable, CaseIterable {
    /// SHA-1, for systems that still require it (many payment gateways do). Not for new designs.
    case sha1
    /// SHA-256.
    case sha256
}

extension RSAPrivateKey {
    /// Signs `data` with RSASSA-PKCS1-v1_5 over `hash` (RFC 8017 §8.2). Deterministic: the
    /// same key and data always give the same signature.
    ///
    /// ```swift
    /// let signature = try key.signature(for: Array(body.utf8), hash: .sha256)
    /// let header = Data(signature).base64EncodedString()
    /// ```
    public func signature(for data: some DataProtocol, hash: RSASignatureHash) throws(CryptoError) -> [UInt8] {
        do {
            let signature: _RSA.Signing.RSASignature
            switch hash {
            case .sha1: signature = try signing.signature(for: Insecure.SHA1.hash(data: data), padding: .insecurePKCS1v1_5)
            case .sha256: signature = try signing.signature(for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5)
            }
            return Array(signature.rawRepresentation)
        } catch {
            throw CryptoError(.operationFailed("sign with RSA"), underlying: error)
        }
    }

    /// The signature as standard base64, the form most HTTP APIs exchange.
    public func base64Signature(for data: some DataProtocol, hash: RSASignatureHash) throws(CryptoError) -> String {
        Data(try signature(for: data, hash: hash)).base64EncodedString()
    }

    /// Decrypts data encrypted with RSA-OAEP (MGF1 and label hash both SHA-1 or both SHA-256).
    ///
    /// - Throws: ``CryptoError/Reason/authenticationFailed`` when the ciphertext was not
    ///   made for this key with this padding.
    public func decrypt(_ ciphertext: some DataProtocol, oaep hash: RSASignatureHash = .sha256) throws(CryptoError)
        -> [UInt8]
    {
        do {
            return Array(try encryptionKey().decrypt(ciphertext, padding: hash == .sha1 ? .PKCS1_OAEP : .PKCS1_OAEP_SHA256))
        } catch {
            throw CryptoError(.authenticationFailed, detail: "RSA-OAEP decryption failed.", underlying: error)
        }
    }
}

extension RSAPublicKey {
    /// Whether `signature` is a valid RSASSA-PKCS1-v1_5 signature of `data` over `hash`.
    public func isValidSignature(_ signature: some DataProtocol, for data: some DataProtocol, hash: RSASignatureHash)
        -> Bool
    {
        let signature = _RSA.Signing.RSASignature(rawRepresentation: signature)
        return switch hash {
        case .sha1:
            signing.isValidSignature(signature, for: Insecure.SHA1.hash(data: data), padding: .insecurePKCS1v1_5)
        case .sha256:
            signing.isValidSignature(signature, for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5)
        }
    }

    /// Whether the base64 `signature` is valid for `data`; `false` for text that is not base64.
    public func isValidSignature(base64 signature: String, for data: some DataProtocol, hash: RSASignatureHash) -> Bool {
        guard let bytes = Data(base64Encoded: signature.filter { !$0.isWhitespace }) else { return false }
        return isValidSignature(bytes, for: data, hash: hash)
    }

    /// Encrypts a short message with RSA-OAEP (MGF1 and label hash both `hash`).
    ///
    /// - Throws: ``CryptoError/Reason/operationFailed(_:)`` when the message is longer than
    ///   ``maximumOAEPMessageSize(hash:)``.
    public func encrypt(_ message: some DataProtocol, oaep hash: RSASignatureHash = .sha256) throws(CryptoError)
        -> [UInt8]
    {
        do {
            return Array(try encryptionKey().encrypt(message, padding: hash == .sha1 ? .PKCS1_OAEP : .PKCS1_OAEP_SHA256))
        } catch {
            throw CryptoError(
                .operationFailed("encrypt with RSA-OAEP"),
                detail: "At most \(maximumOAEPMessageSize(hash: hash)) bytes fit; seal larger data with an envelope and encrypt its key.",
                underlying: error)
        }
    }

    /// The longest message ``encrypt(_:oaep:)`` accepts with this key.
    public func maximumOAEPMessageSize(hash: RSASignatureHash = .sha256) -> Int {
        // Bytes of modulus less two hashes and two bytes (RFC 8017 §7.1.1).
        bitCount / 8 - 2 * (hash == .sha1 ? 20 : 32) - 2
    }
}
