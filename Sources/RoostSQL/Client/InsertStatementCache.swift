import SQLKit
import Synchronization

/// The SQL text of ``DatabaseExecutor/insert(into:_:idColumn:)`` statements, kept per
/// client by table, column list and returned column, so that SQLKit serializes an
/// INSERT (quoting every identifier) once per shape instead of once per row.
///
/// A row is still encoded by SQLKit's `SQLQueryEncoder`, as `model(_:)` encodes it: its
/// coded keys name the columns, and optional properties that are nil are left out, so
/// one row type can make several column lists, each with its own text. The text depends
/// on nothing else: every value is a bind, written as the dialect's placeholder, in
/// column order. Rows whose encoding holds anything but binds, or no column at all, go
/// through SQLKit's builder as before and are not cached.
final class InsertStatementCache: Sendable {
    /// What the text of an INSERT depends on within one client (one dialect).
    struct Key: Hashable, Sendable {
        let table: String
        let columns: [String]
        let returning: String?
    }

    /// The most shapes kept; beyond it, statements are serialized each time.
    let capacity: Int
    private let texts = Mutex<[Key: String]>([:])

    init(capacity: Int = 256) {
        self.capacity = capacity
    }

    /// How many statement texts are cached.
    var count: Int { texts.withLock(\.count) }

    /// The statement inserting `row` into `table` (returning `returning` when given), for
    /// `database` (whose dialect writes the text).
    func statement(
        into table: String, _ row: some Encodable, returning: String?, on database: any SQLDatabase
    ) throws -> any SQLExpression {
        let encoded = try SQLQueryEncoder().encode(row)
        let binds = encoded.compactMap { ($0.1 as? SQLBind)?.encodable }
        guard !encoded.isEmpty, binds.count == encoded.count else {
            return try Self.built(into: table, row, returning: returning, on: database)
        }
        let key = Key(table: table, columns: encoded.map(\.0), returning: returning)
        if let text = texts.withLock({ $0[key] }) {
            return SerializedStatement(sql: text, binds: binds)
        }
        let builder = database.insert(into: table).columns(key.columns).values(encoded.map(\.1))
        if let returning { builder.returning(returning) }
        var serializer = SQLSerializer(database: database)
        builder.query.serialize(to: &serializer)
        let text = serializer.sql
        texts.withLock { texts in
            if texts.count < capacity { texts[key] = text }
        }
        return SerializedStatement(sql: text, binds: serializer.binds)
    }

    /// The statement from SQLKit's builder, as `insert(into:).model(row)` makes it.
    static func built(
        into table: String, _ row: some Encodable, returning: String?, on database: any SQLDatabase
    ) throws -> any SQLExpression {
        let builder = try database.insert(into: table).model(row)
        if let returning { builder.returning(returning) }
        return builder.query
    }
}

/// A statement already serialized: its text, placeholders included, and its binds in
/// placeholder order. Valid only as a whole statement (the placeholders are numbered from
/// the first), never nested in another expression.
struct SerializedStatement: SQLExpression {
    let sql: String
    let binds: [any Encodable & Sendable]

    init(sql: String, binds: [any Encodable & Sendable]) {
        self.sql = sql
        self.binds = binds
    }

    /// `query` serialized for `database`; a statement serialized already (a cached
    /// INSERT) is taken as it is.
    init(_ query: any SQLExpression, on database: any SQLDatabase) {
        if let serialized = query as? SerializedStatement {
            self = serialized
        } else {
            (sql, binds) = database.serialize(query)
        }
    }

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write(sql)
        serializer.binds.append(contentsOf: binds)
    }
}
