import RoostCore
import RoostSQL
import Testing

@Suite struct SQLiteURLTests {
    @Test func absolutePath() throws {
        let url = try DatabaseURL("sqlite:///var/lib/app/data.db")
        #expect(url.engine == .sqlite)
        #expect(url.location == .sqliteFile(path: "/var/lib/app/data.db"))
        #expect(url.host == nil && url.port == nil && url.password == nil)
    }

    @Test func relativePath() throws {
        #expect(try DatabaseURL("sqlite://data.db").location == .sqliteFile(path: "data.db"))
        #expect(try DatabaseURL("sqlite://var/data.db").location == .sqliteFile(path: "var/data.db"))
    }

    @Test func percentEncodedPath() throws {
        #expect(try DatabaseURL("sqlite:///tmp/my%20data.db").location == .sqliteFile(path: "/tmp/my data.db"))
    }

    @Test func memory() throws {
        #expect(try DatabaseURL("sqlite::memory:").location == .sqliteMemory)
        #expect(try DatabaseURL("sqlite://:memory:").location == .sqliteMemory)
        #expect(try DatabaseURL("SQLite::memory:?maxConnections=1").options.maxConnections == 1)
    }

    @Test(arguments: ["sqlite://", "sqlite:///"])
    func missingPath(text: String) {
        #expect(throws: DatabaseURLError(problems: [.missingPath])) { try DatabaseURL(text) }
    }

    @Test func missingSlashes() {
        #expect(throws: DatabaseURLError(problems: [.missingAuthority(scheme: "sqlite")])) { try DatabaseURL("sqlite:data.db") }
    }

    @Test func tlsDoesNotApplyToSQLite() {
        #expect(throws: DatabaseURLError(problems: [.optionNotSupported(option: "tls", engine: .sqlite)])) {
            try DatabaseURL("sqlite:///x.db?tls=require")
        }
    }
}

@Suite struct ServerURLTests {
    @Test func fullPostgresURL() throws {
        let url = try DatabaseURL("postgres://app:s%40cret%3A%2F@db.internal:6432/orders?maxConnections=20&tls=require")
        #expect(url.engine == .postgres)
        #expect(
            url.server
                == DatabaseURL.ServerAddress(
                    host: "db.internal", port: 6432, username: "app", password: "s@cret:/", database: "orders"))
        #expect(url.options == DatabaseOptions(maxConnections: 20, tls: .require))
    }

    @Test func schemeAliasesAndDefaultPorts() throws {
        #expect(try DatabaseURL("postgresql://h/db").engine == .postgres)
        #expect(try DatabaseURL("postgres://h/db").port == 5432)
        #expect(try DatabaseURL("mysql://h/db").engine == .mysql)
        #expect(try DatabaseURL("mariadb://h").engine == .mysql)
        #expect(try DatabaseURL("MySQL://h").port == 3306)
    }

    @Test func optionalParts() throws {
        let url = try DatabaseURL("mysql://db.local")
        #expect(url.username == nil && url.password == nil && url.database == nil)
        let userOnly = try DatabaseURL("mysql://root@db.local/")
        #expect(userOnly.username == "root" && userOnly.password == nil && userOnly.database == nil)
        let emptyPassword = try DatabaseURL("mysql://root:@db.local/shop")
        #expect(emptyPassword.password == "" && emptyPassword.database == "shop")
    }

    @Test func unicodeCredentialsAndDatabase() throws {
        let url = try DatabaseURL("postgres://z%C3%B6e:p%C3%A4ss@h/caf%C3%A9")
        #expect(url.username == "zöe" && url.password == "päss" && url.database == "café")
    }

    @Test func ipv6Hosts() throws {
        let url = try DatabaseURL("postgres://u:p@[::1]:5433/db")
        #expect(url.host == "::1" && url.port == 5433)
        #expect(try DatabaseURL("mysql://[fe80::1]/db").port == 3306)
    }

    @Test func allOptions() throws {
        let url = try DatabaseURL(
            "mysql://h/db?maxConnections=32&minConnections=4&connectTimeout=2.5&sslmode=VERIFY-FULL")
        #expect(url.options == DatabaseOptions(maxConnections: 32, minConnections: 4, connectTimeout: .milliseconds(2_500), tls: .verifyFull))
        for mode in DatabaseOptions.TLSMode.allCases {
            #expect(try DatabaseURL("postgres://h/db?tls=\(mode.rawValue)").options.tls == mode)
        }
    }

    @Test func readOnlyOption() throws {
        #expect(try DatabaseURL("postgres://h/db?readOnly=true").options.readOnly == true)
        #expect(try DatabaseURL("sqlite:///x.db?readOnly=FALSE").options.readOnly == false)
        #expect(try DatabaseURL("sqlite:///x.db?readOnly=1").options.readOnly == true)
        #expect(try DatabaseURL("sqlite:///x.db").options.readOnly == nil)
        #expect(try DatabaseURL("sqlite:///x.db?readOnly=true").description == "sqlite:///x.db?readOnly=true")
    }
}

@Suite struct DatabaseURLErrorTests {
    @Test(arguments: [
        ("", DatabaseURLError.Problem.missingScheme),
        ("localhost/db", .missingScheme),
        (":memory:", .missingScheme),
        ("redis://h", .unsupportedScheme("redis")),
        ("postgres:h/db", .missingAuthority(scheme: "postgres")),
        ("postgres:///db", .missingHost),
        ("mysql://user:pw@/db", .missingHost),
        ("postgres://h:0/db", .invalidPort("0")),
        ("postgres://h:65536/db", .invalidPort("65536")),
        ("postgres://h:abc/db", .invalidPort("abc")),
        ("postgres://h:/db", .invalidPort("")),
        ("postgres://[::1/db", .unterminatedIPv6Host),
        ("postgres://[::1]x/db", .invalidPort("x")),
        ("postgres://h/a/b", .invalidDatabaseName("a/b")),
        ("postgres://u:p%zz@h/db", .invalidPercentEncoding(component: "password")),
        ("postgres://u%4@h/db", .invalidPercentEncoding(component: "user name")),
        ("postgres://h/d%FF", .invalidPercentEncoding(component: "database name")),
        ("postgres://h/db?pool=3", .unknownOption("pool")),
        ("postgres://h/db?tls=require&sslmode=disable", .duplicateOption("tls")),
        ("postgres://h/db?maxConnections=0", .invalidOptionValue(option: "maxConnections", value: "0", expected: "an integer of at least 1")),
        ("postgres://h/db?minConnections=-1", .invalidOptionValue(option: "minConnections", value: "-1", expected: "an integer of at least 0")),
        ("postgres://h/db?connectTimeout=soon", .invalidOptionValue(option: "connectTimeout", value: "soon", expected: "a positive number of seconds")),
        ("postgres://h/db?minConnections=5&maxConnections=2", .minimumAboveMaximum(minimum: 5, maximum: 2)),
        ("sqlite:///x.db?readOnly=maybe", .invalidOptionValue(option: "readOnly", value: "maybe", expected: "true or false")),
    ])
    func eachBadPartIsReported(text: String, problem: DatabaseURLError.Problem) {
        let error = #expect(throws: DatabaseURLError.self) { try DatabaseURL(text) }
        #expect(error?.problems == [problem])
        #expect(error?.code == "sql.url.invalid")
    }

    @Test func badTLSModeListsTheValidOnes() {
        let error = #expect(throws: DatabaseURLError.self) { try DatabaseURL("postgres://h/db?tls=maybe") }
        #expect(error?.message.contains("verify-full") == true)
    }

    @Test func everyProblemIsReportedAtOnce() {
        let error = #expect(throws: DatabaseURLError.self) {
            try DatabaseURL("postgres://u:p@:99999/a/b?maxConnections=x&colour=blue&tls=sometimes")
        }
        #expect(error?.problems.count == 6)
        #expect(error?.problems.contains(.missingHost) == true)
        #expect(error?.problems.contains(.invalidPort("99999")) == true)
        #expect(error?.problems.contains(.invalidDatabaseName("a/b")) == true)
        #expect(error?.problems.contains(.unknownOption("colour")) == true)
        #expect(error?.message.hasPrefix("Invalid database URL, 6 problems: (1)") == true)
    }

    @Test func messagesNeverContainThePassword() {
        let error = #expect(throws: DatabaseURLError.self) { try DatabaseURL("postgres://u:hunter2@h:x/db") }
        #expect(error?.description.contains("hunter2") == false)
    }
}

@Suite struct DatabaseURLDescriptionTests {
    @Test func passwordIsRedacted() throws {
        let url = try DatabaseURL("postgres://app:s%40cret@db.internal/orders?tls=require&maxConnections=20")
        #expect(url.description == "postgres://app:***@db.internal:5432/orders?maxConnections=20&tls=require")
        #expect(!String(describing: url).contains("cret"))
    }

    @Test(arguments: [
        "sqlite::memory:",
        "sqlite:///var/lib/app%20data/x.db",
        "sqlite://relative.db?maxConnections=1",
        "sqlite://relative.db?maxConnections=2&readOnly=true",
        "postgres://h:5432",
        "mysql://z%C3%B6e@[::1]:3307/caf%C3%A9?minConnections=2&connectTimeout=0.5&tls=verify-ca",
    ])
    func canonicalFormParsesBackToTheSameURL(text: String) throws {
        let url = try DatabaseURL(text)
        #expect(try DatabaseURL(url.description) == url)
    }
}
