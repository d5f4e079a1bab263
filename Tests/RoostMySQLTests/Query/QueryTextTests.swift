import Testing

@testable import RoostMySQL

/// The statement text that goes into spans: literals become `?`, everything else stays.
@Suite("Query text sanitizer")
struct QueryTextTests {
    @Test(arguments: [
        // Strings, with both quote styles, escapes and doubled quotes.
        ("SELECT * FROM users WHERE name = 'alice'", "SELECT * FROM users WHERE name = ?"),
        (#"SELECT "double quoted", 'it''s', 'it\'s', 'back\\slash'"#, "SELECT ?, ?, ?, ?"),
        (#"UPDATE t SET a = 'x\' OR 1=1 -- ' WHERE id = 2"#, "UPDATE t SET a = ? WHERE id = ?"),
        ("INSERT INTO t (a, b) VALUES ('', 'never closed", "INSERT INTO t (a, b) VALUES (?, ?"),
        // Numbers of every shape; identifiers with digits are not numbers.
        ("SELECT 42, -7, 3.14, .5, 1e10, 2.5E-3 FROM t1", "SELECT ?, -?, ?, ?, ?, ? FROM t1"),
        ("SELECT col_2, utf8mb4, $x, a1b2 FROM db2.t3", "SELECT col_2, utf8mb4, $x, a1b2 FROM db2.t3"),
        ("SELECT * FROM t LIMIT 10 OFFSET 20", "SELECT * FROM t LIMIT ? OFFSET ?"),
        // Hexadecimal and bit values, charset introducers and national strings.
        ("SELECT 0x1F, X'DEADBEEF', x'00', 0b101, B'11', b'0'", "SELECT ?, ?, ?, ?, ?, ?"),
        ("SELECT _utf8mb4'secret', N'secret', _latin1 'x'", "SELECT ?, ?, _latin1 ?"),
        // Backticked identifiers are kept, even with quotes, digits and doubled backticks.
        ("SELECT `it's`, `col 1`, `a``b` FROM `order` WHERE `x`='y'", "SELECT `it's`, `col 1`, `a``b` FROM `order` WHERE `x`=?"),
        // Comments are kept as written; quotes and digits in them start no literal.
        ("SELECT /* don't 42 */ a FROM t # it's\nWHERE b = 'c'", "SELECT /* don't 42 */ a FROM t # it's\nWHERE b = ?"),
        ("SELECT a -- isn't 1\nFROM t WHERE c = 5", "SELECT a -- isn't 1\nFROM t WHERE c = ?"),
        ("SELECT 5--3", "SELECT ?--?"),
        ("SELECT /*!50000 SQL_NO_CACHE */ 1", "SELECT /*!50000 SQL_NO_CACHE */ ?"),
        // Placeholders, operators and keywords (NULL, TRUE) are not values to hide.
        ("SELECT * FROM t WHERE a = ? AND b IS NULL AND c = TRUE", "SELECT * FROM t WHERE a = ? AND b IS NULL AND c = TRUE"),
        ("SELECT 'émoji 🎉', `naïve`", "SELECT ?, `naïve`"),
        ("", ""),
    ])
    func sanitized(sql: String, expected: String) {
        #expect(MySQLQueryText.sanitized(sql) == expected)
    }

    @Test("no character of a literal survives")
    func secretsNeverSurvive() {
        let sql = #"INSERT INTO accounts VALUES ('hunter2', "hunter2", 'hun\'ter2', X'68756E74657232', 0x68756E74, 987654321)"#
        let text = MySQLQueryText.sanitized(sql)
        #expect(text == "INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?)")
        for secret in ["hunter", "ter2", "68756E74", "987654321"] { #expect(!text.contains(secret)) }
    }
}
