import AsyncHTTPClient
import Foundation
import NIOCore
import RoostSQL
import RoostTestSupport
import Synchronization
import Testing

/// Two real `roost-demo` processes on Redis and MariaDB, selling one product.
@Suite(
    "roost-demo cluster", .serialized, .requires(.redis), .requires(.mysql), .timeLimit(.minutes(10)))
struct ClusterTests {
    /// Places an order on `instance`; nil when the instance could not be reached.
    static func order(
        _ client: HTTPClient, _ instance: DemoCluster.Instance, product: Int, token: String
    ) async -> (status: UInt, envelope: [String: Any])? {
        do {
            return try await client.postJSON(
                "\(instance.base)/orders", #"{"product_id":\#(product),"quantity":1,"client_token":"\#(token)"}"#)
        } catch {
            failures.update { $0[String(describing: error), default: 0] += 1 }
            return nil
        }
    }

    /// Why requests failed, for the failure messages.
    static let failures = Box([String: Int]())

    /// Creates a product on `instance` and returns its id.
    static func createProduct(_ client: HTTPClient, on instance: DemoCluster.Instance, stock: Int) async throws -> Int {
        let (status, envelope) = try await client.postJSON(
            "\(instance.base)/products", #"{"name":"Limited edition","price_cents":1999,"stock":\#(stock)}"#)
        #expect(status == 201)
        return try #require((envelope["data"] as? [String: Any])?["id"] as? Int)
    }

    static func stock(_ client: HTTPClient, _ instance: DemoCluster.Instance, product: Int) async throws -> Int? {
        (try await client.data("\(instance.base)/products/\(product)") as? [String: Any])?["stock"] as? Int
    }

    @Test("1,000 concurrent orders for 500 in stock across two instances: exactly 500 succeed, both feeds see them")
    func ordersAcrossTwoInstances() async throws {
        try await DemoCluster.run { cluster, client in
            try await cluster.withInstance("a", client: client) { a in
                try await cluster.withInstance("b", client: client) { b in
                    let product = try await Self.createProduct(client, on: a, stock: 501)
                    let feeds = [FeedRecorder(), FeedRecorder()]
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { try await feeds[0].record(a) }
                        group.addTask { try await feeds[1].record(b) }
                        // A first order, once both feeds are connected, shows that both are
                        // subscribed before the run.
                        try await pollUntil("both feeds are connected", within: .seconds(60)) {
                            feeds.allSatisfy { $0.connected.withLock { $0 } }
                        }
                        let warmUp = await Self.order(client, b, product: product, token: "warm-up")
                        #expect(warmUp?.status == 201)
                        try await pollUntil("both feeds receive the first order", within: .seconds(60)) {
                            feeds.allSatisfy { $0.orderIDs.withLock { $0.count } == 1 }
                        }

                        let minimum = Box(Int.max)
                        let results = try await withThrowingTaskGroup(of: (UInt, Int?).self) { orders in
                            for index in 0..<1_000 {
                                orders.addTask {
                                    let instance = index.isMultiple(of: 2) ? a : b
                                    let result = await Self.order(client, instance, product: product, token: "o-\(index)")
                                    if index.isMultiple(of: 50), let stock = try? await Self.stock(client, a, product: product) {
                                        minimum.update { $0 = min($0, stock) }
                                    }
                                    return (result?.status ?? 0, (result?.envelope["data"] as? [String: Any])?["id"] as? Int)
                                }
                            }
                            return try await orders.reduce(into: [(UInt, Int?)]()) { $0.append($1) }
                        }
                        let placed = results.filter { $0.0 == 201 }
                        #expect(placed.count == 500, "failures: \(Self.failures.value)")
                        #expect(results.filter { $0.0 == 409 }.count == 500)
                        #expect(Set(placed.compactMap(\.1)).count == 500)
                        #expect(minimum.value >= 0)
                        #expect(try await Self.stock(client, b, product: product) == 0)

                        let database = try await DemoCluster.openDatabase(cluster.databaseURL)
                        #expect(try await database.count(from: "orders") == 501)
                        #expect(try await database.count(from: "products", where: "stock < 0") == 0)
                        // Each order was placed under a distinct fencing token of the product's lock.
                        let tokens = try await database.select("SELECT fencing_token FROM orders", as: FencingRow.self)
                        #expect(Set(tokens.map(\.fencing_token)).count == 501)
                        try await database.close()

                        let expected = Set(placed.compactMap(\.1))
                        try await pollUntil("both feeds show every order", within: .seconds(30)) {
                            feeds.allSatisfy { feed in expected.isSubset(of: feed.orderIDs.withLock { Set($0) }) }
                        }
                        // The durable consumers (one group across both instances) counted each order once.
                        try await pollUntil("the statistics count every order", within: .seconds(30)) {
                            let totals = (try await client.data("\(a.base)/stats") as? [String: Any])?["totals"] as? [String: Any]
                            return totals?["orders"] as? Int == 501
                        }
                        group.cancelAll()
                    }
                }
            }
        }
    }

    @Test("an instance killed mid-run loses and duplicates no order: retries carry the same client token")
    func killedInstanceLosesNothing() async throws {
        try await DemoCluster.run { cluster, client in
            try await cluster.withInstance("a", client: client) { a in
                let product = try await cluster.withInstance("b", client: client) { b in
                    let product = try await Self.createProduct(client, on: a, stock: 300)
                    let answered = Box(0)
                    // Requests to b fail fast once it is dead (then go to a), rather than
                    // waiting the long connect timeout of `client`.
                    let toB = DemoCluster.makeClient(connectTimeout: .seconds(3))
                    let statuses = await withTaskGroup(of: (String, UInt).self) { orders in
                        orders.addTask {
                            // Kill b once a fifth of the orders have been answered.
                            while answered.value < 120 { try? await Task.sleep(for: .milliseconds(5)) }
                            b.kill()
                            return ("", 0)
                        }
                        for index in 0..<600 {
                            orders.addTask {
                                let token = "k-\(index)"
                                var result =
                                    index.isMultiple(of: 2)
                                    ? await Self.order(client, a, product: product, token: token)
                                    : await Self.order(toB, b, product: product, token: token)
                                if result == nil || result?.status == 500 {
                                    // b died: the same token on a either finds the order b committed
                                    // or places it now.
                                    result = await Self.order(client, a, product: product, token: token)
                                }
                                answered.update { $0 += 1 }
                                return (token, result?.status ?? 0)
                            }
                        }
                        return await orders.reduce(into: [String: UInt]()) { if !$1.0.isEmpty { $0[$1.0] = $1.1 } }
                    }
                    try await toB.shutdown()
                    #expect(statuses.count == 600)
                    #expect(statuses.values.allSatisfy { [200, 201, 409].contains($0) }, "\(Set(statuses.values))")
                    let succeeded = Set(statuses.filter { $0.value == 200 || $0.value == 201 }.keys)
                    #expect(succeeded.count == 300, "failures: \(Self.failures.value)")

                    let database = try await DemoCluster.openDatabase(cluster.databaseURL)
                    let stored = try await database.select(
                        "SELECT client_token FROM orders WHERE product_id = \(bind: product)", as: TokenRow.self)
                    try await database.close()
                    #expect(stored.count == 300)
                    #expect(Set(stored.map(\.client_token)) == succeeded)
                    #expect(!b.process.isRunning)
                    return product
                }
                #expect(try await Self.stock(client, a, product: product) == 0)
            }
        }
    }

    @Test("an image uploaded on one instance is served by the other, and its cached product updated there")
    func imagesAreShared() async throws {
        try await DemoCluster.run { cluster, client in
            try await cluster.withInstance("a", client: client) { a in
                try await cluster.withInstance("b", client: client) { b in
                    let product = try await Self.createProduct(client, on: a, stock: 1)
                    // b caches the product without an image.
                    let before = try await client.data("\(b.base)/products/\(product)") as? [String: Any]
                    #expect(before?["image_type"] == nil)
                    let (headers, body) = multipart(filename: "tea.png", type: "image/png", bytes: pngBytes)
                    var upload = HTTPClientRequest(url: "\(a.base)/products/\(product)/image")
                    upload.method = .POST
                    upload.headers.add(name: "content-type", value: headers[.contentType] ?? "")
                    upload.body = .bytes(body)
                    #expect(try await client.execute(upload, timeout: .seconds(30)).status.code == 200)
                    // The invalidation reaches b's local tier over the bus.
                    try await pollUntil("b sees the image", within: .seconds(10)) {
                        (try await client.data("\(b.base)/products/\(product)") as? [String: Any])?["image_type"] as? String
                            == "image/png"
                    }
                    let image = try await client.get("\(b.base)/products/\(product)/image")
                    #expect(image.status.code == 200)
                    #expect(Array(buffer: try await image.body.collect(upTo: 1 << 20)) == pngBytes)
                }
            }
        }
    }

    @Test("bad inputs on every endpoint of a running instance answer envelopes")
    func badInputsAnswerEnvelopes() async throws {
        try await DemoCluster.run { cluster, client in
            try await cluster.withInstance("a", client: client) { a in
                let product = try await Self.createProduct(client, on: a, stock: 1)
                let cases: [(String, String, String?, UInt)] = [
                    ("POST", "/orders", #"{"product_id":1"#, 400),
                    ("POST", "/orders", #"{"product_id":12345,"quantity":1}"#, 404),
                    ("POST", "/orders", #"{"product_id":1,"quantity":-3}"#, 400),
                    ("POST", "/products", #"{"name":"","price_cents":1,"stock":1}"#, 400),
                    ("POST", "/products/\(product)/image", #"{}"#, 415),
                    ("POST", "/orders", #"{"product_id":\#(product),"quantity":5}"#, 409),
                    ("GET", "/products/abc", nil, 400),
                    ("GET", "/products/12345", nil, 404),
                    ("GET", "/orders/export?format=doc", nil, 400),
                    ("GET", "/orders?size=abc", nil, 400),
                    ("DELETE", "/orders", nil, 405),
                    ("GET", "/nothing-here", nil, 404),
                ]
                for (method, path, body, status) in cases {
                    var request = HTTPClientRequest(url: a.base + path)
                    request.method = .init(rawValue: method)
                    if let body {
                        request.headers.add(name: "content-type", value: "application/json")
                        request.body = .bytes(.init(string: body))
                    }
                    let response = try await client.execute(request, timeout: .seconds(30))
                    let bytes = try await response.body.collect(upTo: 1 << 20)
                    let envelope = try JSONSerialization.jsonObject(with: Data(buffer: bytes)) as? [String: Any]
                    #expect(response.status.code == status, "\(method) \(path)")
                    #expect(envelope?["code"] as? Int == Int(status), "\(method) \(path)")
                    #expect((envelope?["request_id"] as? String)?.isEmpty == false, "\(method) \(path)")
                }
            }
        }
    }
}

private struct FencingRow: Decodable {
    var fencing_token: Int64
}

private struct TokenRow: Decodable {
    var client_token: String
}
