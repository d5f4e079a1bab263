/// The prepared statements of one connection, by SQL text, least recently used first out.
///
/// Pure bookkeeping: the connection sends `COM_STMT_CLOSE` for what ``insert(_:for:)``
/// evicts. A capacity of 0 keeps nothing (every statement is closed after its execution).
struct MySQLStatementCache: Sendable {
    private struct Entry: Sendable {
        var statement: MySQLPreparedStatement
        var lastUse: UInt64
    }

    /// The most statements kept open.
    let capacity: Int
    private var entries: [String: Entry] = [:]
    private var clock: UInt64 = 0

    init(capacity: Int) {
        precondition(capacity >= 0, "a statement cache cannot have a negative capacity")
        self.capacity = capacity
    }

    /// The number of cached statements.
    var count: Int { entries.count }

    /// The statement prepared for `sql`, marked as just used.
    mutating func statement(for sql: String) -> MySQLPreparedStatement? {
        guard entries[sql] != nil else { return nil }
        clock &+= 1
        entries[sql]!.lastUse = clock
        return entries[sql]!.statement
    }

    /// Caches a freshly prepared statement. Returns the statement to execute (an equal one
    /// prepared meanwhile by a concurrent caller wins) and the ids to close: the
    /// duplicate, and the least recently used ones beyond the capacity.
    mutating func insert(_ statement: MySQLPreparedStatement, for sql: String) -> (use: MySQLPreparedStatement, close: [UInt32]) {
        if let existing = self.statement(for: sql) { return (existing, [statement.id]) }
        guard capacity > 0 else { return (statement, [statement.id]) }
        var closed: [UInt32] = []
        while entries.count >= capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            entries[oldest.key] = nil
            closed.append(oldest.value.statement.id)
        }
        clock &+= 1
        entries[sql] = Entry(statement: statement, lastUse: clock)
        return (statement, closed)
    }

    /// Forgets the statement for `sql` (the server no longer knows it).
    mutating func remove(_ sql: String) {
        entries[sql] = nil
    }

    /// Forgets everything, after `COM_RESET_CONNECTION` dropped the statements on the server.
    mutating func removeAll() {
        entries.removeAll()
    }
}
