import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RoostConfig
import Testing

@testable import roost_demo

@Suite struct DemoHealthTests {
    @Test func healthAnswersTheEnvelopeOverRealHTTP() async throws {
        let app = try DemoApplication.build(http: HTTPSettings(host: "127.0.0.1", port: 0), logger: Logger(label: "test"))
        try await app.test(.live) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                #expect(body["code"] as? Int == 0)
                #expect(body["msg"] as? String == "Success")
                #expect((body["request_id"] as? String)?.isEmpty == false)
                let data = try #require(body["data"] as? [String: Any])
                #expect(data["status"] as? String == "up")
                #expect(data["service"] as? String == "roost-demo")
            }
        }
    }
}

@Suite struct DemoErrorTests {
    @Test func unknownPathsAnswerTheEnvelope() async throws {
        let app = try DemoApplication.build(http: HTTPSettings(host: "127.0.0.1", port: 0), logger: Logger(label: "test"))
        try await app.test(.router) { client in
            try await client.execute(uri: "/missing", method: .get) { response in
                #expect(response.status == .notFound)
                let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                #expect(body["code"] as? Int == 404)
            }
        }
    }
}
