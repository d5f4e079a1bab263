/// Decides from its text whether a statement may change data, so that a read-only
/// client refuses it before sending it.
///
/// The rule is conservative: a statement is a read only when it starts with a reading
/// or transaction-control keyword (`SELECT`, `WITH`, `VALUES`, `TABLE`, `EXPLAIN`, `SHOW`,
/// `BEGIN`, `COMMIT`, `ROLLBACK`, `SAVEPOINT`, `RELEASE`, `SET`, `PRAGMA` without `=`)
/// and no keyword anywhere in it writes or locks (`INSERT`, `UPDATE`, `DELETE`, `INTO`,
/// `CREATE`, …). Keywords inside string literals, quoted identifiers and comments do
/// not count. What slips through (a function with side effects) is refused by the
/// engine itself, which read-only clients open in read-only mode.
enum StatementClassifier {
    private static let readStarters: Set<String> = [
        "SELECT", "WITH", "VALUES", "TABLE", "EXPLAIN", "SHOW", "BEGIN", "START", "COMMIT", "END", "ROLLBACK",
        "SAVEPOINT", "RELEASE", "SET", "PRAGMA",
    ]
    private static let writeWords: Set<String> = [
        "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "REPLACE", "INTO", "CREATE", "DROP", "ALTER", "TRUNCATE",
        "GRANT", "REVOKE", "COPY", "CALL", "VACUUM", "REINDEX", "ATTACH", "DETACH", "WRITE", "NEXTVAL", "SETVAL",
        "DEFAULT_TRANSACTION_READ_ONLY", "TRANSACTION_READ_ONLY", "QUERY_ONLY",
    ]

    /// Whether `sql` can only read.
    static func isReadOnly(_ sql: String) -> Bool {
        let (words, hasAssignment) = scan(sql)
        guard let first = words.first, readStarters.contains(first) else { return false }
        if first == "PRAGMA", hasAssignment { return false }
        return !words.contains(where: writeWords.contains)
    }

    /// The upper-cased bare words of `sql` outside literals and comments, and whether an
    /// `=` appears outside them.
    private static func scan(_ sql: String) -> (words: [String], hasAssignment: Bool) {
        let bytes = Array(sql.utf8)
        var words: [String] = []
        var hasAssignment = false
        var index = 0
        func isWordByte(_ byte: UInt8) -> Bool {
            (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x5F || byte >= 0x80
        }
        func skip(until terminator: [UInt8], from start: Int) -> Int {
            var position = start
            while position < bytes.count {
                if bytes[position...].starts(with: terminator) { return position + terminator.count }
                position += 1
            }
            return bytes.count
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"):
                // A doubled quote inside ends one literal and starts the next: same result.
                index = skip(until: [byte], from: index + 1)
            case UInt8(ascii: "["):
                index = skip(until: [UInt8(ascii: "]")], from: index + 1)
            case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"):
                index = skip(until: [UInt8(ascii: "\n")], from: index + 2)
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                index = skip(until: Array("*/".utf8), from: index + 2)
            case UInt8(ascii: "$"):
                // A dollar-quoted string `$tag$ … $tag$`; `$1` is a bind placeholder.
                var end = index + 1
                while end < bytes.count, isWordByte(bytes[end]), !(end == index + 1 && bytes[end] <= 0x39 && bytes[end] >= 0x30) {
                    end += 1
                }
                if end < bytes.count, bytes[end] == UInt8(ascii: "$") {
                    let tag = Array(bytes[index...end])
                    index = skip(until: tag, from: end + 1)
                } else {
                    index = max(end, index + 1)
                    while index < bytes.count, isWordByte(bytes[index]) { index += 1 }
                }
            case UInt8(ascii: "="):
                hasAssignment = true
                index += 1
            case _ where isWordByte(byte):
                let start = index
                while index < bytes.count, isWordByte(bytes[index]) { index += 1 }
                words.append(String(decoding: bytes[start..<index], as: UTF8.self).uppercased())
            default:
                index += 1
            }
        }
        return (words, hasAssignment)
    }
}
