/// Comparisons whose running time does not depend on where the inputs differ, for
/// checking secrets (MACs, tokens, password hashes) without a timing side channel.
///
/// ```swift
/// guard ConstantTime.equals(presentedToken, storedToken) else { throw Unauthorized() }
/// ```
public enum ConstantTime {
    /// Whether `lhs` and `rhs` hold the same bytes.
    ///
    /// The time taken depends only on the lengths: every byte is examined even after a
    /// difference is found. Inputs of different lengths are unequal; only the lengths
    /// can leak, which is why secrets compared here should have a fixed length.
    public static func equals<L: Collection<UInt8>, R: Collection<UInt8>>(_ lhs: L, _ rhs: R) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }

    /// Whether the UTF-8 bytes of `lhs` and `rhs` are the same.
    public static func equals(_ lhs: String, _ rhs: String) -> Bool {
        equals(Array(lhs.utf8), Array(rhs.utf8))
    }
}
