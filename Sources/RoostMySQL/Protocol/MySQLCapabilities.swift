/// Capability flags exchanged in the handshake. The low 32 bits are the standard MySQL
/// flags; bits 32-63 hold MariaDB's extended capabilities, which a MariaDB server sends
/// in the greeting's reserved bytes when it clears ``clientMySQL``.
struct MySQLCapabilities: OptionSet, Sendable, Hashable {
    var rawValue: UInt64

    /// `CLIENT_LONG_PASSWORD`; MariaDB calls this bit `CLIENT_MYSQL` and clears it to say
    /// the greeting carries extended capabilities.
    static let clientMySQL = MySQLCapabilities(rawValue: 1 << 0)
    static let foundRows = MySQLCapabilities(rawValue: 1 << 1)
    static let longFlag = MySQLCapabilities(rawValue: 1 << 2)
    static let connectWithDB = MySQLCapabilities(rawValue: 1 << 3)
    static let noSchema = MySQLCapabilities(rawValue: 1 << 4)
    static let compress = MySQLCapabilities(rawValue: 1 << 5)
    static let odbc = MySQLCapabilities(rawValue: 1 << 6)
    static let localFiles = MySQLCapabilities(rawValue: 1 << 7)
    static let ignoreSpace = MySQLCapabilities(rawValue: 1 << 8)
    static let protocol41 = MySQLCapabilities(rawValue: 1 << 9)
    static let interactive = MySQLCapabilities(rawValue: 1 << 10)
    static let ssl = MySQLCapabilities(rawValue: 1 << 11)
    static let ignoreSigpipe = MySQLCapabilities(rawValue: 1 << 12)
    static let transactions = MySQLCapabilities(rawValue: 1 << 13)
    static let reserved = MySQLCapabilities(rawValue: 1 << 14)
    static let secureConnection = MySQLCapabilities(rawValue: 1 << 15)
    static let multiStatements = MySQLCapabilities(rawValue: 1 << 16)
    static let multiResults = MySQLCapabilities(rawValue: 1 << 17)
    static let psMultiResults = MySQLCapabilities(rawValue: 1 << 18)
    static let pluginAuth = MySQLCapabilities(rawValue: 1 << 19)
    static let connectAttributes = MySQLCapabilities(rawValue: 1 << 20)
    static let pluginAuthLengthEncodedClientData = MySQLCapabilities(rawValue: 1 << 21)
    static let canHandleExpiredPasswords = MySQLCapabilities(rawValue: 1 << 22)
    static let sessionTrack = MySQLCapabilities(rawValue: 1 << 23)
    static let deprecateEOF = MySQLCapabilities(rawValue: 1 << 24)

    /// MariaDB: progress reports during long statements.
    static let mariaDBProgress = MySQLCapabilities(rawValue: 1 << 32)
    /// MariaDB: `COM_MULTI`.
    static let mariaDBComMulti = MySQLCapabilities(rawValue: 1 << 33)
    /// MariaDB: bulk operations on prepared statements.
    static let mariaDBStmtBulkOperations = MySQLCapabilities(rawValue: 1 << 34)
    /// MariaDB: extended type information in column definitions.
    static let mariaDBExtendedTypeInfo = MySQLCapabilities(rawValue: 1 << 35)
    /// MariaDB: skip resending metadata of prepared statements.
    static let mariaDBCacheMetadata = MySQLCapabilities(rawValue: 1 << 36)

    /// The lower 32 bits, as sent in the handshake response.
    var lower32: UInt32 { UInt32(truncatingIfNeeded: rawValue) }
    /// The MariaDB extended bits, shifted down.
    var upper32: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 32) }

    init(rawValue: UInt64) { self.rawValue = rawValue }

    init(lower: UInt32, upper: UInt32 = 0) {
        self.rawValue = UInt64(lower) | UInt64(upper) << 32
    }

    /// What this client asks for (intersected with the server's offer).
    static let clientDefault: MySQLCapabilities = [
        .clientMySQL, .longFlag, .protocol41, .transactions, .secureConnection, .multiResults,
        .psMultiResults, .pluginAuth, .connectAttributes, .pluginAuthLengthEncodedClientData, .deprecateEOF,
        .mariaDBCacheMetadata,
    ]
}

/// Server status flags carried by OK and EOF packets, as reported in
/// ``MySQLQueryResult/status``.
///
/// ```swift
/// let result = try await connection.query("BEGIN")
/// #expect(result.status.contains(.inTransaction))
/// ```
public struct MySQLStatusFlags: OptionSet, Sendable, Hashable {
    /// The raw 16-bit flags.
    public var rawValue: UInt16

    /// Creates flags from their raw value.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// A transaction is open.
    public static let inTransaction = MySQLStatusFlags(rawValue: 0x0001)
    /// Autocommit is on.
    public static let autocommit = MySQLStatusFlags(rawValue: 0x0002)
    /// Another result set follows.
    public static let moreResultsExist = MySQLStatusFlags(rawValue: 0x0008)
    /// The statement used no good index.
    public static let noGoodIndexUsed = MySQLStatusFlags(rawValue: 0x0010)
    /// The statement used no index.
    public static let noIndexUsed = MySQLStatusFlags(rawValue: 0x0020)
    /// A cursor is open (binary protocol).
    public static let cursorExists = MySQLStatusFlags(rawValue: 0x0040)
    /// The last row of a cursor was sent.
    public static let lastRowSent = MySQLStatusFlags(rawValue: 0x0080)
    /// The current database was dropped.
    public static let databaseDropped = MySQLStatusFlags(rawValue: 0x0100)
    /// `NO_BACKSLASH_ESCAPES` SQL mode is on: backslashes are not escape characters.
    public static let noBackslashEscapes = MySQLStatusFlags(rawValue: 0x0200)
    /// The metadata of a prepared statement changed.
    public static let metadataChanged = MySQLStatusFlags(rawValue: 0x0400)
    /// The statement was logged as slow.
    public static let queryWasSlow = MySQLStatusFlags(rawValue: 0x0800)
    /// The result carries OUT parameters.
    public static let psOutParams = MySQLStatusFlags(rawValue: 0x1000)
    /// A read-only transaction is open.
    public static let inReadOnlyTransaction = MySQLStatusFlags(rawValue: 0x2000)
    /// Session state changed (session tracking).
    public static let sessionStateChanged = MySQLStatusFlags(rawValue: 0x4000)
}
