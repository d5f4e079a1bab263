import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RoostHTTP
import Testing

private func object(_ buffer: ByteBuffer) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
}

/// Builds a multipart/form-data body by hand, so tests can also build broken ones.
private struct MultipartBody {
    static let boundary = "roost-test-boundary-42"
    var bytes = Data()

    mutating func field(_ name: String, _ value: String) {
        bytes += Data("--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
    }

    mutating func file(_ name: String, filename: String, type: String = "text/plain", _ content: Data) {
        bytes += Data(
            "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: \(type)\r\n\r\n"
                .utf8)
        bytes += content + Data("\r\n".utf8)
    }

    mutating func raw(_ text: String) { bytes += Data(text.utf8) }

    func closed() -> ByteBuffer { ByteBuffer(data: bytes + Data("--\(Self.boundary)--\r\n".utf8)) }
    func open() -> ByteBuffer { ByteBuffer(data: bytes) }
}

private let multipartType: HTTPFields = [.contentType: "multipart/form-data; boundary=\(MultipartBody.boundary)"]

/// What the upload route saw, checked while the files still exist.
private struct Seen: Encodable, Sendable {
    var fields: [String: [String]]
    var files: [String: [String]]  // field → "filename:size:type:content"
    var stored: [String]
}

@Suite struct MultipartUploadTests {
    private let uploads: String

    init() throws {
        uploads = FileManager.default.temporaryDirectory.appendingPathComponent("roost-mp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: uploads, withIntermediateDirectories: true)
    }

    private func app(_ limits: MultipartLimits = .init()) -> some ApplicationProtocol {
        let router = Router(context: BasicRoostRequestContext.self)
        router.addRoostMiddleware(.init(maxBodyBytes: 1 << 20, accessLog: false))
        let directory = uploads
        router.post("/upload") { request, context in
            try await request.withMultipartForm(limits: limits, directory: directory) { form in
                var files: [String: [String]] = [:]
                var stored: [String] = []
                for (field, list) in form.files {
                    files[field] = try list.map { file in
                        stored.append(file.path)
                        let content = try String(contentsOfFile: file.path, encoding: .utf8)
                        return "\(file.filename):\(file.size):\(file.contentType):\(content)"
                    }
                }
                return Envelope.success(Seen(fields: form.fields, files: files, stored: stored), context: context)
            }
        }
        return Application(router: router)
    }

    private func leftovers() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: uploads) }

    @Test func storesFilesOnDiskAndCollectsIndexedLists() async throws {
        var body = MultipartBody()
        body.field("title", "Holiday ☀️")
        body.field("tags[1]", "beach")
        body.field("tags[0]", "sea")
        body.field("tags[]", "sun")
        body.file("photos[1]", filename: #"C:\Users\me\second.txt"#, Data("two".utf8))
        body.file("photos[0]", filename: "/etc/first.txt", Data("one".utf8))
        body.file("doc", filename: "a.txt", type: "text/markdown", Data(repeating: 0x41, count: 100_000))
        body.file("empty", filename: "", type: "application/octet-stream", Data())
        let payload = body.closed()
        try await app().test(.router) { client in
            try await client.execute(uri: "/upload", method: .post, headers: multipartType, body: payload) { response in
                #expect(response.status == .ok)
                let data = try #require(try object(response.body)["data"] as? [String: Any])
                let fields = try #require(data["fields"] as? [String: [String]])
                #expect(fields["title"] == ["Holiday ☀️"])
                #expect(fields["tags"] == ["sea", "beach", "sun"])
                let files = try #require(data["files"] as? [String: [String]])
                #expect(files["photos"] == ["first.txt:3:text/plain:one", "second.txt:3:text/plain:two"])
                #expect(files["doc"]?.first?.hasPrefix("a.txt:100000:text/markdown:AAAA") == true)
                #expect(files["empty"] == nil)
                for path in try #require(data["stored"] as? [String]) {
                    #expect(path.hasPrefix(uploads + "/roost-upload-"))
                    #expect(!path.contains(".txt"))
                }
            }
        }
        #expect(try leftovers().isEmpty)
    }

    private func expectRefusal(
        _ body: ByteBuffer, headers: HTTPFields = multipartType, limits: MultipartLimits = .init(),
        status: HTTPResponse.Status, reason: String
    ) async throws {
        try await app(limits).test(.router) { client in
            try await client.execute(uri: "/upload", method: .post, headers: headers, body: body) { response in
                #expect(response.status == status)
                let envelope = try object(response.body)
                #expect(envelope["code"] as? Int == Int(status.code))
                #expect((envelope["extra"] as? [String: Any])?["reason"] as? String == reason)
            }
        }
        #expect(try leftovers().isEmpty)
    }

    @Test func oversizedFilesAre413() async throws {
        var body = MultipartBody()
        body.file("a", filename: "ok.txt", Data(repeating: 1, count: 10))
        body.file("b", filename: "big.bin", Data(repeating: 2, count: 5000))
        try await expectRefusal(
            body.closed(), limits: .init(maxFileBytes: 4096), status: .contentTooLarge, reason: "file_too_large")
    }

    @Test func oversizedTotalsFieldsAndPartCountsAre413() async throws {
        var body = MultipartBody()
        for index in 0..<4 { body.file("f[\(index)]", filename: "\(index).txt", Data(repeating: 1, count: 3000)) }
        try await expectRefusal(body.closed(), limits: .init(maxTotalBytes: 8000), status: .contentTooLarge, reason: "total_too_large")
        try await expectRefusal(body.closed(), limits: .init(maxParts: 3), status: .contentTooLarge, reason: "too_many_parts")
        var field = MultipartBody()
        field.field("note", String(repeating: "x", count: 2000))
        try await expectRefusal(field.closed(), limits: .init(maxFieldBytes: 1000), status: .contentTooLarge, reason: "field_too_large")
    }

    @Test(arguments: ["../../etc/passwd", #"..\..\windows\win.ini"#, "a/../b.txt", "..", "evil\u{0}.txt", "bell\u{7}.txt", "rtl\u{202E}txt.exe", "/"])
    func unsafeFilenamesAre400(filename: String) async throws {
        var body = MultipartBody()
        body.file("f", filename: filename, Data("x".utf8))
        try await expectRefusal(body.closed(), status: .badRequest, reason: "unsafe_filename")
    }

    @Test func contentTypesOutsideTheAllowListAre415() async throws {
        var body = MultipartBody()
        body.file("avatar", filename: "a.png", type: "image/png", Data("png".utf8))
        body.file("avatar", filename: "b.exe", type: "application/x-msdownload", Data("MZ".utf8))
        try await expectRefusal(
            body.closed(), limits: .init(allowedContentTypes: ["image/*"]), status: .unsupportedMediaType,
            reason: "content_type_not_allowed")
    }

    @Test func malformedBodiesAre400() async throws {
        var truncated = MultipartBody()
        truncated.file("f", filename: "a.txt", Data("cut off here".utf8))
        try await expectRefusal(truncated.open(), status: .badRequest, reason: "malformed")
        try await expectRefusal(ByteBuffer(string: "no boundary anywhere"), status: .badRequest, reason: "malformed")
        var badHeader = MultipartBody()
        badHeader.raw("--\(MultipartBody.boundary)\r\nBad Header Name: x\r\n\r\nvalue\r\n")
        try await expectRefusal(badHeader.closed(), status: .badRequest, reason: "malformed")
        var nameless = MultipartBody()
        nameless.raw("--\(MultipartBody.boundary)\r\nContent-Type: text/plain\r\n\r\nvalue\r\n")
        try await expectRefusal(nameless.closed(), status: .badRequest, reason: "missing_name")
        var invalidUTF8 = MultipartBody()
        invalidUTF8.raw("--\(MultipartBody.boundary)\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\n")
        invalidUTF8.bytes += Data([0xff, 0xfe, 0x0d, 0x0a])
        try await expectRefusal(invalidUTF8.closed(), status: .badRequest, reason: "malformed")
    }

    @Test(arguments: [nil, "application/json", "multipart/form-data", "multipart/form-data; boundary=", "multipart/mixed; boundary=x"])
    func nonMultipartRequestsAre415(contentType: String?) async throws {
        var headers = HTTPFields()
        if let contentType { headers[.contentType] = contentType }
        try await expectRefusal(ByteBuffer(string: "{}"), headers: headers, status: .unsupportedMediaType, reason: "not_multipart")
    }

    @Test func sanitizesNames() throws {
        #expect(try SafeFilename.sanitize("report.pdf") == "report.pdf")
        #expect(try SafeFilename.sanitize(#"C:\x\y.txt"#) == "y.txt")
        #expect(try SafeFilename.sanitize("dir/sub/z.txt") == "z.txt")
        #expect(try SafeFilename.sanitize("名前.txt") == "名前.txt")
        #expect(throws: UploadError.self) { try SafeFilename.sanitize(String(repeating: "a", count: 256)) }
        #expect(throws: UploadError.self) { try SafeFilename.sanitize("...") }
    }
}
