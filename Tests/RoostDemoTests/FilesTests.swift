import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import RoostTestSupport
import Synchronization
import Testing

@testable import roost_demo

/// A multipart/form-data body with one file part.
func multipart(field: String = "image", filename: String, type: String, bytes: [UInt8]) -> (HTTPFields, ByteBuffer) {
    let boundary = "roost-test-\(UUID().uuidString)"
    var body = ByteBuffer()
    body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(filename)\"\r\n")
    body.writeString("Content-Type: \(type)\r\n\r\n")
    body.writeBytes(bytes)
    body.writeString("\r\n--\(boundary)--\r\n")
    return ([.contentType: "multipart/form-data; boundary=\(boundary)"], body)
}

let pngBytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 120)

@Suite struct FilesTests {
    @Test func anImageIsUploadedCheckedAndServedBack() async throws {
        try await withDemo { app, _ in
            try await app.test(.router) { client in
                let id = try await client.createProduct(stock: 1)
                try await client.execute(uri: "/products/\(id)/image", method: .get) { response throws in
                    #expect(response.status == .notFound)
                    #expect((try json(response)["msg"] as? String)?.contains("no image") == true)
                }
                let (headers, body) = multipart(filename: "tea.png", type: "image/png", bytes: pngBytes)
                try await client.execute(uri: "/products/\(id)/image", method: .post, headers: headers, body: body) {
                    response throws in
                    #expect(response.status == .ok)
                    #expect(try data(response)["image_type"] as? String == "image/png")
                }
                try await client.execute(uri: "/products/\(id)/image", method: .get) { response throws in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "image/png")
                    #expect(Array(buffer: response.body) == pngBytes)
                }
                try await client.execute(uri: "/products/\(id)", method: .get) { response throws in
                    #expect(try data(response)["image_type"] as? String == "image/png")
                }
            }
        }
    }

    @Test func badUploadsAnswerEnvelopes() async throws {
        try await withDemo(demo: DemoOptions(writesPerMinute: 1_000, maxImageBytes: 1_024)) { app, _ in
            try await app.test(.router) { client in
                let id = try await client.createProduct(stock: 1)
                let cases: [(String, String, HTTPFields, ByteBuffer, HTTPResponse.Status)] = {
                    let text = multipart(filename: "notes.txt", type: "text/plain", bytes: Array("hello".utf8))
                    let fake = multipart(filename: "fake.png", type: "image/png", bytes: Array("not a png at all".utf8))
                    let large = multipart(filename: "big.png", type: "image/png", bytes: pngBytes + Array(repeating: 0, count: 4_096))
                    let wrongField = multipart(field: "picture", filename: "tea.png", type: "image/png", bytes: pngBytes)
                    let good = multipart(filename: "tea.png", type: "image/png", bytes: pngBytes)
                    return [
                        ("wrong type", "/products/\(id)/image", text.0, text.1, .unsupportedMediaType),
                        ("bytes not a PNG", "/products/\(id)/image", fake.0, fake.1, .unsupportedMediaType),
                        ("too large", "/products/\(id)/image", large.0, large.1, .contentTooLarge),
                        ("missing field", "/products/\(id)/image", wrongField.0, wrongField.1, .badRequest),
                        ("unknown product", "/products/999/image", good.0, good.1, .notFound),
                        ("bad id", "/products/abc/image", good.0, good.1, .badRequest),
                        ("not multipart", "/products/\(id)/image", jsonHeaders, ByteBuffer(string: "{}"), .unsupportedMediaType),
                    ]
                }()
                for (name, uri, headers, body, status) in cases {
                    try await client.execute(uri: uri, method: .post, headers: headers, body: body) { response throws in
                        #expect(response.status == status, "\(name)")
                        #expect(try json(response)["code"] as? Int == Int(status.code), "\(name)")
                    }
                }
            }
        }
    }

    @Test func ordersExportAsCSVAndXLSX() async throws {
        try await withDemo { app, _ in
            try await app.test(.router) { client in
                let id = try await client.createProduct(name: "Tea, green", priceCents: 450, stock: 5)
                try await client.post("/orders", json: #"{"product_id":\#(id),"quantity":2}"#) { _ in }
                try await client.execute(uri: "/orders/export?format=csv", method: .get) { response throws in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                    #expect(response.headers[.contentDisposition]?.contains(".csv") == true)
                    let text = String(decoding: Array(buffer: response.body).dropFirst(3), as: UTF8.self)
                    let lines = text.split(separator: "\r\n")
                    #expect(lines.count == 2)
                    #expect(lines.first == "order,product id,product,quantity,total,fencing token,placed at")
                    #expect(lines.last?.hasPrefix("1,\(id),\"Tea, green\",2,9.00,") == true)
                }
                try await client.execute(uri: "/orders/export?format=xlsx", method: .get) { response throws in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.contains("spreadsheetml") == true)
                    #expect(Array(buffer: response.body).prefix(2) == [0x50, 0x4B])  // a ZIP archive
                }
                try await client.execute(uri: "/orders/export?format=pdf", method: .get) { response throws in
                    #expect(response.status == .badRequest)
                    let fields = (try json(response)["extra"] as? [String: Any])?["fields"] as? [String: [String]]
                    #expect(fields?["format"] == ["must be csv or xlsx"])
                }
            }
        }
    }

    @Test func theWebPageIsServed() async throws {
        try await withDemo { app, _ in
            try await app.test(.router) { client in
                try await client.execute(uri: "/", method: .get) { response throws in
                    #expect(response.status == .seeOther)
                    #expect(response.headers[.location] == "/index.html")
                }
                try await client.execute(uri: "/index.html", method: .get) { response throws in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("Roost Board"))
                }
                try await client.execute(uri: "/app.js", method: .get) { response throws in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("new WebSocket"))
                }
                try await client.execute(uri: "/metrics", method: .get) { response throws in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("http_requests"))
                }
            }
        }
    }

    @Test func theEventFeedPushesPlacedOrders() async throws {
        try await withDemo { app, parts in
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let id = try await client.createProduct(name: "Cocoa", stock: 3)
                let received = Box<String?>(nil)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        _ = try await WebSocketClient.connect(
                            url: "ws://127.0.0.1:\(port)/events", logger: Logger(label: "ws")
                        ) { inbound, _, _ in
                            for try await message in inbound.messages(maxSize: 1 << 16) {
                                if case .text(let text) = message, text.contains("demo.order.placed") {
                                    received.update { $0 = text }
                                    return
                                }
                            }
                        }
                    }
                    try await pollUntil("the browser is connected", within: .seconds(10)) { parts.hub.connectionCount == 1 }
                    try await client.post("/orders", json: #"{"product_id":\#(id),"quantity":1}"#) { response throws in
                        #expect(response.status == .created)
                    }
                    try await group.waitForAll()
                }
                let text = try #require(received.value)
                let message = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
                let event = try #require(message["data"] as? [String: Any])
                #expect(event["product_name"] as? String == "Cocoa")
                #expect(event["remaining_stock"] as? Int == 2)
            }
        }
    }
}
