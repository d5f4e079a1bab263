import Foundation

/// Hashes passwords for storage and checks them later, in a self-describing string that
/// carries the scheme, its parameters and the salt:
///
/// ```
/// $scrypt$ln=15,r=8,p=1$<salt>$<hash>
/// $pbkdf2-sha256$i=600000$<salt>$<hash>
/// ```
///
/// Salt and hash are base64 without padding. Because the parameters travel with the
/// hash, raising the cost later keeps old hashes verifiable; ``needsRehash(_:)`` tells
/// when to store a fresh one after a successful login.
///
/// ```swift
/// let hasher = PasswordHasher()                       // scrypt, N = 2^15, r = 8, p = 1
/// let stored = try hasher.hash("correct horse")
/// try hasher.verify("correct horse", against: stored) // true
/// ```
public struct PasswordHasher: Sendable, Hashable {
    /// A hashing scheme with its cost parameters.
    public enum Scheme: Sendable, Hashable {
        /// scrypt with N = 2^`logCost`, block size r and parallelism p.
        case scrypt(logCost: Int, blockSize: Int, parallelism: Int)
        /// PBKDF2 with HMAC-SHA-256 or HMAC-SHA-512 and an iteration count.
        case pbkdf2(KeyDerivation.HashFunction, iterations: Int)

        /// scrypt, N = 2^15, r = 8, p = 1 (about 32 MiB and tens of milliseconds).
        public static let recommended = Scheme.scrypt(logCost: 15, blockSize: 8, parallelism: 1)
    }

    /// The scheme new hashes use.
    public let scheme: Scheme
    /// Bytes of random salt per hash.
    public let saltByteCount: Int
    /// Bytes of derived key stored per hash.
    public let hashByteCount: Int

    /// Creates a hasher.
    public init(scheme: Scheme = .recommended, saltByteCount: Int = 16, hashByteCount: Int = 32) {
        self.scheme = scheme
        self.saltByteCount = saltByteCount
        self.hashByteCount = hashByteCount
    }

    /// Hashes `password` with a fresh random salt and returns the encoded string.
    public func hash(_ password: String) throws(CryptoError) -> String {
        try encode(password: password, salt: SecureRandom.bytes(count: saltByteCount), scheme: scheme, length: hashByteCount)
    }

    /// Whether `password` matches `encoded`, compared in constant time.
    ///
    /// - Throws: ``CryptoError`` — ``CryptoError/Reason/malformedPasswordHash`` or
    ///   ``CryptoError/Reason/unsupportedPasswordScheme(_:)`` when `encoded` cannot be
    ///   read (a wrong password returns `false`, it does not throw).
    public func verify(_ password: String, against encoded: String) throws(CryptoError) -> Bool {
        let stored = try Self.parse(encoded)
        let derived = try Self.derive(password: password, salt: stored.salt, scheme: stored.scheme, length: stored.hash.count)
        return ConstantTime.equals(derived, stored.hash)
    }

    /// Whether `encoded` was made with another scheme, other parameters or lengths than
    /// this hasher uses, so it should be replaced after the next successful verification.
    public func needsRehash(_ encoded: String) throws(CryptoError) -> Bool {
        let stored = try Self.parse(encoded)
        return stored.scheme != scheme || stored.hash.count != hashByteCount || stored.salt.count != saltByteCount
    }

    /// Encodes with a given salt: for known-answer tests.
    func encode(password: String, salt: [UInt8], scheme: Scheme, length: Int) throws(CryptoError) -> String {
        let hash = try Self.derive(password: password, salt: salt, scheme: scheme, length: length)
        let parameters: String
        let name: String
        switch scheme {
        case .scrypt(let logCost, let blockSize, let parallelism):
            name = "scrypt"
            parameters = "ln=\(logCost),r=\(blockSize),p=\(parallelism)"
        case .pbkdf2(let function, let iterations):
            name = "pbkdf2-\(function.rawValue)"
            parameters = "i=\(iterations)"
        }
        return "$\(name)$\(parameters)$\(Self.base64(salt))$\(Self.base64(hash))"
    }

    private static func derive(password: String, salt: [UInt8], scheme: Scheme, length: Int) throws(CryptoError)
        -> [UInt8]
    {
        let bytes = Array(password.utf8)
        switch scheme {
        case .scrypt(let logCost, let blockSize, let parallelism):
            guard (1...30).contains(logCost) else { throw CryptoError(.invalidParameter("logCost")) }
            return try KeyDerivation.scrypt(
                password: bytes, salt: salt, cost: 1 << logCost, blockSize: blockSize, parallelism: parallelism,
                outputByteCount: length)
        case .pbkdf2(let function, let iterations):
            return try KeyDerivation.pbkdf2(
                function, password: bytes, salt: salt, iterations: iterations, outputByteCount: length)
        }
    }

    private static func parse(_ encoded: String) throws(CryptoError) -> (scheme: Scheme, salt: [UInt8], hash: [UInt8]) {
        let fields = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0].isEmpty else { throw CryptoError(.malformedPasswordHash) }
        let parameters = try parseParameters(fields[2])
        let scheme: Scheme
        switch fields[1] {
        case "scrypt":
            guard let ln = parameters["ln"], let r = parameters["r"], let p = parameters["p"] else {
                throw CryptoError(.malformedPasswordHash)
            }
            scheme = .scrypt(logCost: ln, blockSize: r, parallelism: p)
        case "pbkdf2-sha256", "pbkdf2-sha512":
            guard let iterations = parameters["i"] else { throw CryptoError(.malformedPasswordHash) }
            scheme = .pbkdf2(fields[1] == "pbkdf2-sha256" ? .sha256 : .sha512, iterations: iterations)
        default:
            throw CryptoError(.unsupportedPasswordScheme(String(fields[1])))
        }
        guard let salt = unbase64(fields[3]), let hash = unbase64(fields[4]), !salt.isEmpty, !hash.isEmpty else {
            throw CryptoError(.malformedPasswordHash)
        }
        return (scheme, salt, hash)
    }

    private static func parseParameters(_ text: Substring) throws(CryptoError) -> [String: Int] {
        var result: [String: Int] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = Int(parts[1]), value > 0 else { throw CryptoError(.malformedPasswordHash) }
            result[String(parts[0])] = value
        }
        return result
    }

    private static func base64(_ bytes: [UInt8]) -> String {
        String(Data(bytes).base64EncodedString().prefix { $0 != "=" })
    }

    private static func unbase64(_ text: Substring) -> [UInt8]? {
        var padded = String(text)
        while padded.count % 4 != 0 { padded += "=" }
        return Data(base64Encoded: padded).map { Array($0) }
    }
}
