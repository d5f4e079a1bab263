import Testing

@testable import RoostMySQL

@Suite("Configuration")
struct ConfigurationTests {
    @Test func badURLIsClearError() {
        for url in ["postgres://u:p@h/db", "mysql://127.0.0.1/db", "mysql://u:p@/db", "mysql://u:p@h:70000/db", "mysql://u:p@h/a/b", "::"] {
            #expect(throws: MySQLConnectionError.self, "\(url)") { _ = try MySQLConfiguration(url: url) }
        }
        #expect {
            _ = try MySQLConfiguration(url: "http://u@h")
        } throws: { error in
            (error as? MySQLConnectionError)?.code == "mysql.configuration.invalid"
        }
        let parsed = try? MySQLConfiguration(url: "mariadb://us%40er:p%3Ass@db.local/shop")
        #expect(parsed?.username == "us@er")
        #expect(parsed?.password == "p:ss")
        #expect(parsed?.port == 3306)
        #expect(parsed?.database == "shop")
    }

    @Test func defaultConnectionAttributes() {
        let attributes = MySQLConnection.attributes(["program_name": "billing", "_client_name": "custom"])
        let keys = attributes.map(\.key)
        #expect(keys == keys.sorted())
        #expect(attributes.first { $0.key == "_client_name" }?.value == "custom")
        #expect(attributes.first { $0.key == "program_name" }?.value == "billing")
        #expect(keys.contains("_pid"))
    }
}
