import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import RoostHTTP
import RoostTestSupport
import Testing

@testable import roost_demo

@Suite struct OrderTests {
    @Test func anOrderDecrementsStockStoresTheFencingTokenAndIsCounted() async throws {
        try await withDemo { app, parts in
            try await app.test(.router) { client in
                let id = try await client.createProduct(priceCents: 250, stock: 5)
                // Read once so the product is cached; the order must invalidate it.
                try await client.execute(uri: "/products/\(id)", method: .get) { response throws in
                    #expect(try data(response)["stock"] as? Int == 5)
                }
                try await client.post("/orders", json: #"{"product_id":\#(id),"quantity":2,"client_token":"first-order"}"#) {
                    response throws in
                    #expect(response.status == .created)
                    let order = try data(response)
                    #expect(order["quantity"] as? Int == 2)
                    #expect(order["total_cents"] as? Int == 500)
                    #expect((order["fencing_token"] as? Int ?? 0) > 0)
                    #expect(order["client_token"] as? String == "first-order")
                }
                try await client.execute(uri: "/products/\(id)", method: .get) { response throws in
                    #expect(try data(response)["stock"] as? Int == 3)
                }
                // The durable consumer counts it.
                try await pollUntil("the order is counted", within: .seconds(10)) {
                    try await parts.statistics.totals().orders == 1
                }
                try await client.execute(uri: "/stats", method: .get) { response throws in
                    let report = try data(response)
                    let totals = try #require(report["totals"] as? [String: Any])
                    #expect(totals["units"] as? Int == 2)
                    #expect(totals["revenue_cents"] as? Int == 500)
                    #expect(report["backend"] as? String == "memory")
                }
                try await client.execute(uri: "/orders", method: .get) { response throws in
                    #expect((try json(response)["data"] as? [[String: Any]])?.count == 1)
                }
            }
        }
    }

    @Test func retryingWithTheSameClientTokenPlacesOneOrder() async throws {
        try await withDemo { app, _ in
            try await app.test(.router) { client in
                let id = try await client.createProduct(stock: 5)
                let body = #"{"product_id":\#(id),"quantity":1,"client_token":"retry-1"}"#
                let first = try await client.post("/orders", json: body) { response throws in
                    #expect(response.status == .created)
                    return try data(response)["id"] as? Int
                }
                let second = try await client.post("/orders", json: body) { response throws in
                    #expect(response.status == .ok)
                    return try data(response)["id"] as? Int
                }
                #expect(first != nil && first == second)
                try await client.execute(uri: "/products/\(id)", method: .get) { response throws in
                    #expect(try data(response)["stock"] as? Int == 4)
                }
                // The same token for a different order is refused.
                try await client.post("/orders", json: #"{"product_id":\#(id),"quantity":2,"client_token":"retry-1"}"#) {
                    response throws in
                    #expect(response.status == .conflict)
                    #expect((try json(response)["msg"] as? String)?.contains("already used") == true)
                }
            }
        }
    }

    @Test func concurrentOrdersNeverOversell() async throws {
        try await withDemo { app, parts in
            try await app.test(.router) { client in
                let id = try await client.createProduct(stock: 20)
                let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for _ in 0..<60 {
                        group.addTask {
                            try await client.post("/orders", json: #"{"product_id":\#(id),"quantity":1}"#) { $0.status }
                        }
                    }
                    return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == .created }.count == 20)
                #expect(statuses.filter { $0 == .conflict }.count == 40)
                let product = try await Catalog.product(Int64(id), in: parts.database)
                #expect(product.stock == 0)
                #expect(try await parts.database.count(from: "orders") == 20)
            }
        }
    }

    @Test func badOrdersAnswerEnvelopes() async throws {
        try await withDemo { app, _ in
            try await app.test(.router) { client in
                let id = try await client.createProduct(name: "Rare", stock: 1)
                try await client.post("/orders", json: #"{"product_id":999,"quantity":1}"#) { response throws in
                    #expect(response.status == .notFound)
                    let body = try json(response)
                    #expect(body["code"] as? Int == 404)
                    #expect(body["msg"] as? String == "No product has id 999")
                }
                try await client.post("/orders", json: #"{"product_id":\#(id),"quantity":2}"#) { response throws in
                    #expect(response.status == .conflict)
                    let body = try json(response)
                    #expect(body["code"] as? Int == 409)
                    #expect((body["extra"] as? [String: Any])?["available"] as? Int == 1)
                }
                try await client.post("/orders", json: #"{"product_id":0,"quantity":0,"client_token":"bad token!"}"#) {
                    response throws in
                    #expect(response.status == .badRequest)
                    let fields = (try json(response)["extra"] as? [String: Any])?["fields"] as? [String: [String]]
                    #expect(Set(fields?.keys.map { $0 } ?? []) == ["product_id", "quantity", "client_token"])
                }
                try await client.post("/orders", json: #"{"product_id":"#) { response throws in
                    #expect(response.status == .badRequest)
                    #expect(try json(response)["code"] as? Int == 400)
                }
                try await client.post("/orders", json: #"{"quantity":1}"#) { response throws in
                    #expect(response.status == .badRequest)
                }
                try await client.execute(uri: "/orders?page=x", method: .get) { response throws in
                    #expect(response.status == .badRequest)
                }
            }
        }
    }

    @Test func writesAreRateLimitedPerClient() async throws {
        try await withDemo(demo: DemoOptions(writesPerMinute: 2)) { app, _ in
            try await app.test(.live) { client in
                let id = try await client.createProduct(stock: 10)
                try await client.post("/orders", json: #"{"product_id":\#(id),"quantity":1}"#) { response throws in
                    #expect(response.status == .created)
                    #expect(response.headers[HTTPField.Name("x-ratelimit-remaining")!] == "0")
                }
                try await client.post("/orders", json: #"{"product_id":\#(id),"quantity":1}"#) { response throws in
                    #expect(response.status == .tooManyRequests)
                    #expect(response.headers[.retryAfter] != nil)
                    #expect(try json(response)["code"] as? Int == 429)
                }
                // Reads are not limited.
                try await client.execute(uri: "/products/\(id)", method: .get) { response throws in
                    #expect(response.status == .ok)
                }
            }
        }
    }

    @Test func theHourlyTaskKeepsTheRunWithTheLargestFencingToken() async throws {
        try await withDemo { app, parts in
            try await app.test(.router) { client in
                let id = try await client.createProduct(priceCents: 100, stock: 10)
                try await client.post("/orders", json: #"{"product_id":\#(id),"quantity":3}"#) { _ in }
                let hourEnd = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 3600).rounded(.up) * 3600)
                try await parts.statistics.writeHour(endingAt: hourEnd, fencingToken: 20)
                // A stale run (smaller token) after the orders changed must not overwrite it.
                try await client.post("/orders", json: #"{"product_id":\#(id),"quantity":1}"#) { _ in }
                try await parts.statistics.writeHour(endingAt: hourEnd, fencingToken: 10)
                var hours = try await parts.statistics.recentHours()
                #expect(hours.count == 1)
                #expect(hours.first?.units == 3)
                try await parts.statistics.writeHour(endingAt: hourEnd, fencingToken: 30)
                hours = try await parts.statistics.recentHours()
                #expect(hours.first?.units == 4)
                #expect(hours.first?.revenueCents == 400)
            }
        }
    }
}
