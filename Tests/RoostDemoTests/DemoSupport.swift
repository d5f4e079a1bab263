import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RoostConfig
import RoostSQL
import Synchronization
import Testing

@testable import roost_demo

/// A demo on a fresh SQLite file and data directory in a temporary directory, with
/// in-memory coordination.
func withDemo(
    demo options: DemoOptions = DemoOptions(writesPerMinute: 10_000),
    _ body: (any ApplicationProtocol, DemoApplication.Parts) async throws -> Void
) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-demo-\(UUID())")
    defer { try? FileManager.default.removeItem(at: directory) }
    var options = options
    options.dataDirectory = directory.appendingPathComponent("data").path
    let settings = DemoSettings(
        http: HTTPSettings(host: "127.0.0.1", port: 0, accessLog: false),
        database: DatabaseSettings(url: "sqlite://\(directory.path)/demo.db"), demo: options)
    let logger = Logger(label: "test")
    let database = try await DemoApplication.openDatabase(settings.database, logger: logger)
    do {
        let (app, parts) = try DemoApplication.build(settings: settings, database: database, logger: logger)
        try await body(app, parts)
    } catch {
        try? await database.close()
        throw error
    }
    try await database.close()
}

/// The JSON object of a response body.
func json(_ response: TestResponse) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
}

/// The `data` object of an envelope.
func data(_ response: TestResponse) throws -> [String: Any] {
    try #require(try json(response)["data"] as? [String: Any])
}

let jsonHeaders: HTTPFields = [.contentType: "application/json"]

extension TestClientProtocol {
    /// `POST path` with a JSON body.
    @discardableResult
    func post<R>(_ path: String, json body: String, _ check: (TestResponse) async throws -> R) async throws -> R {
        let response = try await execute(uri: path, method: .post, headers: jsonHeaders, body: ByteBuffer(string: body))
        return try await check(response)
    }

    /// Creates a product and returns its id.
    func createProduct(name: String = "Tea", priceCents: Int = 450, stock: Int) async throws -> Int {
        try await post("/products", json: #"{"name":"\#(name)","price_cents":\#(priceCents),"stock":\#(stock)}"#) {
            response in
            #expect(response.status == .created)
            return try #require(try data(response)["id"] as? Int)
        }
    }
}

/// A value shared between the tasks of a test.
final class Box<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    var value: Value { mutex.withLock { $0 } }

    func update(_ change: (inout Value) -> Void) { mutex.withLock { change(&$0) } }
}
