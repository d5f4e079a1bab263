import Foundation
import Hummingbird  // the client's names must not clash with what a Hummingbird app imports
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing

@testable import RoostHTTPClient

/// Bodies, typed responses, limits and errors against a live server.
@Suite struct RequestResponseTests {
    struct Person: Codable, Equatable, Sendable {
        var name: String
        var age: Int
    }

    func client(_ configuration: HTTPClientConfiguration = HTTPClientConfiguration(retry: .never)) -> HTTPClientService
    {
        HTTPClientService(configuration: configuration, clock: RecordingClock())
    }

    @Test func decodesJSONAndReportsDecodingErrors() async throws {
        let http = client()
        try await withFlakyServer { base in
            let response = try await http.get("\(base)/json").validated()
            #expect(try response.decode(as: Person.self) == Person(name: "ada", age: 36))
            let error = try #require(throws: RoostHTTPClientError.self) { try response.decode(as: [Int].self) }
            #expect(error.kind == .decoding)
            #expect(error.response?.status == .ok)
            #expect(error.underlying is DecodingError)
        }
        try await http.shutdown()
    }

    @Test func sendsJSONFormAndMultipartBodies() async throws {
        let http = client()
        try await withFlakyServer { base in
            let json = try await http.post("\(base)/echo", body: .json(Person(name: "bo", age: 3)))
            #expect(json.headers.first(name: "Content-Type") == "application/json")
            #expect(try json.decode(as: Person.self) == Person(name: "bo", age: 3))

            let form = try await http.post("\(base)/echo", body: .form([("q", "a b&c"), ("é", "1+1=2")]))
            #expect(form.headers.first(name: "Content-Type") == "application/x-www-form-urlencoded")
            #expect(form.text == "q=a+b%26c&%C3%A9=1%2B1%3D2")

            let multipart = MultipartForm(boundary: "XYZ")
                .field("title", "Q3")
                .file("doc", filename: "a\"b.txt", contentType: "text/plain", bytes: ByteBuffer(string: "hello"))
            let echoed = try await http.post("\(base)/echo", body: .multipart(multipart))
            #expect(echoed.headers.first(name: "Content-Type") == "multipart/form-data; boundary=XYZ")
            #expect(
                echoed.text
                    == "--XYZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nQ3\r\n"
                    + "--XYZ\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a%22b.txt\"\r\n"
                    + "Content-Type: text/plain\r\n\r\nhello\r\n--XYZ--\r\n")
        }
        try await http.shutdown()
    }

    @Test func unencodableBodyIsAnInvalidRequest() async throws {
        let http = client()
        let error = try await #require(throws: RoostHTTPClientError.self) {
            _ = try await http.post("http://127.0.0.1:1/", body: .json(Double.nan))
        }
        try await http.shutdown()
        #expect(error.kind == .invalidRequest)
        #expect(error.underlying is EncodingError)
    }

    @Test func invalidURLIsAnInvalidRequest() async throws {
        let http = client()
        let error = try await #require(throws: RoostHTTPClientError.self) { _ = try await http.get("not a url") }
        try await http.shutdown()
        #expect(error.kind == .invalidRequest)
    }

    @Test(arguments: ["/big", "/chunked-big"])
    func bodiesOverTheLimitFail(path: String) async throws {
        let http = client(HTTPClientConfiguration(retry: .never, maxResponseBodySize: 4_096))
        try await withFlakyServer { base in
            let error = try await #require(throws: RoostHTTPClientError.self) { _ = try await http.get(base + path) }
            #expect(error.kind == .bodyTooLarge)
            #expect(error.message.contains("maxResponseBodySize"))
        }
        try await http.shutdown()
    }

    @Test func readTimeoutIsATimeout() async throws {
        let http = client(
            HTTPClientConfiguration(timeouts: .init(read: .milliseconds(200)), retry: .never))
        try await withFlakyServer { base in
            let error = try await #require(throws: RoostHTTPClientError.self) { _ = try await http.get("\(base)/slow") }
            #expect(error.kind == .timeout)
            #expect(error.code == "http.client.timeout")
        }
        try await http.shutdown()
    }

    @Test func requestTotalTimeoutIsATimeout() async throws {
        let http = client()
        try await withFlakyServer { base in
            let error = try await #require(throws: RoostHTTPClientError.self) {
                _ = try await http.execute(ClientRequest(.GET, "\(base)/slow", timeout: .milliseconds(200)))
            }
            #expect(error.kind == .timeout)
        }
        try await http.shutdown()
    }

    @Test func redirectLoopsAreTooManyRedirects() async throws {
        let http = client(HTTPClientConfiguration(retry: .never, maxRedirects: 3))
        try await withFlakyServer { base in
            let error = try await #require(throws: RoostHTTPClientError.self) {
                _ = try await http.get("\(base)/redirect/0")
            }
            #expect(error.kind == .tooManyRedirects)
        }
        try await http.shutdown()
    }

    @Test func serviceRunsUntilGracefulShutdownThenRefusesCalls() async throws {
        let http = client()
        let group = ServiceGroup(services: [http], logger: Logger(label: "test"))
        try await withThrowingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let error = try await #require(throws: RoostHTTPClientError.self) {
            _ = try await http.get("http://127.0.0.1:1/")
        }
        #expect(error.kind == .shutdown)
    }

    @Test func everyKindHasADistinctCodeAndActionableMessage() {
        let codes = Set(
            RoostHTTPClientError.Kind.allCases.map {
                RoostHTTPClientError($0, method: "GET", url: "u", detail: "d").code
            })
        #expect(codes.count == RoostHTTPClientError.Kind.allCases.count)
        for kind in RoostHTTPClientError.Kind.allCases {
            #expect(
                RoostHTTPClientError(kind, method: "GET", url: "http://x/", detail: "d").message.contains(
                    "GET http://x/"))
        }
    }
}
