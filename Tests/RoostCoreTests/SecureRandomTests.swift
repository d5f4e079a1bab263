import RoostCore
import Testing

@Suite("Secure random numbers")
struct SecureRandomTests {
    @Test("hex tokens are 32 lowercase hex digits and do not repeat")
    func hexTokens() {
        let tokens = (0..<2_000).map { _ in SecureRandomGenerator.hexToken() }
        #expect(Set(tokens).count == tokens.count)
        for token in tokens.prefix(100) {
            #expect(token.utf8.count == 32)
            #expect(token.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) })
        }
        // Every hex digit turns up in every position over enough tokens.
        for position in [0, 15, 16, 31] {
            let seen = Set(tokens.map { $0.utf8[$0.utf8.index($0.utf8.startIndex, offsetBy: position)] })
            #expect(seen.count == 16)
        }
    }

    @Test("the generator drives the standard library's random APIs, from many tasks at once")
    func generator() async {
        let words = await withTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var random = SecureRandomGenerator()
                    return (0..<200).map { _ in random.next() }
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(Set(words).count == words.count)
        var random = SecureRandomGenerator()
        let rolls = (0..<1_000).map { _ in Int.random(in: 1...6, using: &random) }
        #expect(Set(rolls) == Set(1...6))
    }
}
