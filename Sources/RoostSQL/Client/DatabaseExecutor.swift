import RoostMySQL
import SQLKit
import Synchronization

/// Something that runs statements: a ``DatabaseClient`` or an open ``DatabaseTransaction``.
/// Both offer the same operations, so a function can take `some DatabaseExecutor` and
/// work in or out of a transaction.
///
/// Queries are `SQLQueryString`s, where interpolations are bound, never pasted into the
/// SQL: `"SELECT * FROM users WHERE email = \(bind: email)"`. Every operation also has a
/// form taking any SQLKit expression, and ``sql`` gives the full query builder.
///
/// ```swift
/// struct User: Codable { var id: Int64?; var name: String }
///
/// let id = try await db.insert(into: "users", User(id: nil, name: "Ada"))
/// let users = try await db.select("SELECT * FROM users ORDER BY id", as: User.self)
/// let ada = try await db.find("SELECT * FROM users WHERE id = \(bind: id)", as: User.self)
/// let renamed = try await db.update("users", set: ["name": "Ada L."], where: "id = \(bind: id)")
/// let total = try await db.count(from: "users")
/// ```
public protocol DatabaseExecutor: Sendable {
    /// The engine behind the executor.
    var engine: DatabaseURL.Engine { get }
    /// SQLKit's query builder, running where this executor runs.
    var sql: any SQLDatabase { get }
}

extension DatabaseExecutor {
    /// Every row of `query`, decoded as `Row` (columns by key name).
    ///
    /// - Throws: ``DatabaseError``; ``DatabaseError/Kind/decodingFailed`` when a row does not fit `Row`.
    public func select<Row: Decodable>(_ query: SQLQueryString, as type: Row.Type = Row.self) async throws -> [Row] {
        try await select(query as any SQLExpression, as: type)
    }

    /// Every row of a SQLKit expression, decoded as `Row`.
    public func select<Row: Decodable>(_ query: any SQLExpression, as type: Row.Type = Row.self) async throws -> [Row] {
        return try await Self.rows(of: query, on: sql).map { try Self.decode($0, as: type) }
    }

    /// The first row of `query` decoded as `Row`, or nil when there is none. Add
    /// `LIMIT 1` when the query may match many rows.
    public func find<Row: Decodable>(_ query: SQLQueryString, as type: Row.Type = Row.self) async throws -> Row? {
        try await find(query as any SQLExpression, as: type)
    }

    /// The first row of a SQLKit expression decoded as `Row`, or nil when there is none.
    public func find<Row: Decodable>(_ query: any SQLExpression, as type: Row.Type = Row.self) async throws -> Row? {
        guard let row = try await Self.firstRow(of: query, on: sql) else { return nil }
        return try Self.decode(row, as: type)
    }

    /// The number of rows in `table`, or of those matching `predicate`.
    ///
    /// ```swift
    /// let active = try await db.count(from: "users", where: "active = \(bind: true)")
    /// ```
    public func count(from table: String, where predicate: SQLQueryString? = nil) async throws -> Int {
        var query: SQLQueryString = "SELECT COUNT(*) AS roost_count FROM \(ident: table)"
        if let predicate { query = "\(query) WHERE \(predicate)" }
        guard let row = try await Self.firstRow(of: query, on: sql) else { return 0 }
        return try Self.decode(row, column: "roost_count", as: Int.self)
    }

    /// Inserts `row` (its coded keys are the columns) into `table` and returns the new
    /// row's integer id: `RETURNING` on PostgreSQL, `last_insert_rowid()` on SQLite, the
    /// last-insert-id of the server's answer on MySQL.
    /// Optional properties that are nil are left out, so their columns take their defaults.
    ///
    /// - Parameter idColumn: The auto-generated id column (PostgreSQL); SQLite returns the
    ///   rowid and MySQL the `AUTO_INCREMENT` value. For a table whose key the caller
    ///   supplies (no generated id), use ``execute(_:)``: MySQL has no id to return.
    /// - Throws: ``DatabaseError``; ``DatabaseError/Kind/constraintViolation`` with
    ///   the engine's message when a constraint refuses the row.
    @discardableResult
    public func insert(into table: String, _ row: some Encodable & Sendable, idColumn: String = "id") async throws
        -> Int64
    {
        switch engine {
        case .postgres:
            let statement = try insertStatement(into: table, row, returning: idColumn)
            guard let id = try await Self.firstRow(of: statement, on: sql) else { throw missingID(table) }
            return try Self.decode(id, column: idColumn, as: Int64.self)
        case .mysql:
            let result = try await mysqlResult(of: try insertStatement(into: table, row, returning: nil))
            guard result.lastInsertID > 0, let id = Int64(exactly: result.lastInsertID) else { throw missingID(table) }
            return id
        default:
            let statement = try insertStatement(into: table, row, returning: nil)
            let id = try await sql.withSession { session in
                try await session.execute(sql: statement) { _ in }
                return try await Self.firstRow(of: SQLRaw("SELECT last_insert_rowid() AS roost_id"), on: session)
            }
            guard let id else { throw missingID(table) }
            return try Self.decode(id, column: "roost_id", as: Int64.self)
        }
    }

    /// The rows `query` returns on `database`, which runs it directly (no SQLKit builder
    /// around it).
    static func rows(of query: any SQLExpression, on database: any SQLDatabase) async throws -> [any SQLRow] {
        if let rows = try await driverRows(of: query, on: database) { return rows }
        return try await CollectedRows.rows(of: query, on: database)
    }

    /// The first row `query` returns on `database`, which runs it directly; no `LIMIT` is
    /// added (add one when many rows may match).
    static func firstRow(of query: any SQLExpression, on database: any SQLDatabase) async throws -> (any SQLRow)? {
        if let rows = try await driverRows(of: query, on: database) { return rows.first }
        return try await CollectedRows.rows(of: query, on: database, onlyFirst: true).first
    }

    /// The rows of `query` as the driver hands them over at once, when `database` is a
    /// client's or transaction's and its driver can (see
    /// ``GuardedSQLDatabase/driverRows(of:)``); nil otherwise.
    private static func driverRows(of query: any SQLExpression, on database: any SQLDatabase) async throws -> [any SQLRow]? {
        guard let guarded = database as? GuardedSQLDatabase else { return nil }
        return try await guarded.driverRows(of: query)
    }

    /// The INSERT of `row` into `table`: its text from the client's cache when the table
    /// and column list were seen before, else as SQLKit's builder writes it.
    private func insertStatement(into table: String, _ row: some Encodable, returning: String?) throws
        -> any SQLExpression
    {
        let database = sql
        guard let guarded = database as? GuardedSQLDatabase else {
            return try InsertStatementCache.built(into: table, row, returning: returning, on: database)
        }
        return try guarded.client.insertStatements.statement(into: table, row, returning: returning, on: database)
    }

    /// Sets the columns of `values` (its coded keys) on the rows of `table` matching
    /// `predicate`; returns how many rows changed. Optional properties that are nil are
    /// left unchanged (to store NULL, bind it: `execute("UPDATE t SET c = \(bind: String?.none)")`).
    ///
    /// ```swift
    /// let changed = try await db.update("users", set: ["active": false], where: "last_login < \(bind: cutoff)")
    /// ```
    @discardableResult
    public func update(_ table: String, set values: some Encodable & Sendable, where predicate: SQLQueryString)
        async throws -> Int
    {
        try await countingChanges { database in
            let builder = try database.update(table).set(model: values).where(predicate)
            guard !builder.values.isEmpty else {
                throw DatabaseError(.queryFailed, "Updating \(table) with no column values; give at least one non-nil value.")
            }
            return builder.query
        }
    }

    /// Deletes the rows of `table` matching `predicate`; returns how many were deleted.
    @discardableResult
    public func delete(from table: String, where predicate: SQLQueryString) async throws -> Int {
        try await countingChanges { database in
            database.delete(from: table).where(predicate).query
        }
    }

    /// Runs `statement` (any SQL, with bound interpolations) and discards its rows.
    ///
    /// ```swift
    /// try await db.execute("CREATE INDEX IF NOT EXISTS users_email ON users (email)")
    /// ```
    public func execute(_ statement: SQLQueryString) async throws {
        try await sql.execute(sql: statement) { _ in }
    }

    /// Runs a SQLKit expression and discards its rows.
    public func execute(_ statement: any SQLExpression) async throws {
        try await sql.execute(sql: statement) { _ in }
    }

    /// Runs the statement made by `build` and returns the rows it changed: a counting
    /// `WITH … RETURNING` on PostgreSQL, `changes()` on the same connection on SQLite, the
    /// affected-rows count of the server's answer on MySQL (rows matched, not only changed).
    private func countingChanges(_ build: @escaping @Sendable (any SQLDatabase) throws -> any SQLExpression)
        async throws -> Int
    {
        let row: (any SQLRow)?
        switch engine {
        case .postgres:
            let statement = try build(sql)
            let counting: SQLQueryString =
                "WITH roost_changed AS (\(statement) RETURNING 1) SELECT COUNT(*) AS roost_count FROM roost_changed"
            row = try await Self.firstRow(of: counting, on: sql)
        case .mysql:
            return Int(try await mysqlResult(of: try build(sql)).affectedRows)
        default:
            row = try await sql.withSession { session in
                try await session.execute(sql: try build(session)) { _ in }
                return try await Self.firstRow(of: SQLRaw("SELECT changes() AS roost_count"), on: session)
            }
        }
        guard let row else { return 0 }
        return try Self.decode(row, column: "roost_count", as: Int.self)
    }

    /// Runs `statement` on MySQL and returns the server's answer with its counters.
    private func mysqlResult(of statement: any SQLExpression) async throws -> MySQLQueryResult {
        guard let guarded = sql as? GuardedSQLDatabase else {
            throw DatabaseError(
                .queryFailed, "Counting MySQL changes needs the sql of a DatabaseClient or DatabaseTransaction.")
        }
        return try await guarded.mysqlResult(of: statement)
    }

    private func missingID(_ table: String) -> DatabaseError {
        DatabaseError(.queryFailed, "Inserting into \(table) returned no id; check that the table has an integer id column.")
    }

    static func decode<Row: Decodable>(_ row: any SQLRow, as type: Row.Type) throws -> Row {
        do {
            return try RowModelDecoder.decode(row, as: type)
        } catch {
            throw DatabaseError(
                .decodingFailed, "A row did not decode as \(Row.self): \(error). Check column names and types.",
                underlying: error)
        }
    }

    static func decode<Value: Decodable>(_ row: any SQLRow, column: String, as type: Value.Type) throws -> Value {
        do {
            return try row.decode(column: column, as: type)
        } catch {
            throw DatabaseError(
                .decodingFailed, "Column \(column) did not decode as \(Value.self): \(error).", underlying: error)
        }
    }
}

/// Keeps the rows a statement hands to SQLKit's row callback (or only its first).
final class CollectedRows: Sendable {
    private let rows = Mutex<[any SQLRow]>([])
    private let onlyFirst: Bool

    private init(onlyFirst: Bool) {
        self.onlyFirst = onlyFirst
    }

    /// The rows `query` hands to `database`'s row callback (or only its first).
    static func rows(
        of query: any SQLExpression, on database: any SQLDatabase, onlyFirst: Bool = false
    ) async throws -> [any SQLRow] {
        let rows = CollectedRows(onlyFirst: onlyFirst)
        try await database.execute(sql: query) { rows.keep($0) }
        return rows.kept
    }

    private func keep(_ row: any SQLRow) {
        rows.withLock { rows in
            if !onlyFirst || rows.isEmpty { rows.append(row) }
        }
    }

    private var kept: [any SQLRow] { rows.withLock { $0 } }
}
