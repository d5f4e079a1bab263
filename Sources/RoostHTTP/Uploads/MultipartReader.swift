import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import NIOFileSystem

extension Request {
    /// Reads a `multipart/form-data` body, streaming each file to disk as it arrives,
    /// runs `body` with the form, then removes the upload's temporary directory.
    ///
    /// Files are written under server-chosen names in a new directory inside `directory`
    /// (the system temporary directory by default); the client's file name is only
    /// metadata, made safe by ``SafeFilename``. Move a file elsewhere inside `body` to keep
    /// it. Nothing is buffered whole: memory use is one network chunk plus the text fields.
    ///
    /// ```swift
    /// router.post("/photos") { request, context in
    ///     try await request.withMultipartForm(limits: .init(allowedContentTypes: ["image/*"])) { form in
    ///         for photo in form.files["photos"] ?? [] { try store(photo) }
    ///         return Envelope.success(form.files["photos"]?.count ?? 0, context: context)
    ///     }
    /// }
    /// ```
    ///
    /// - Throws: ``UploadError`` for every refusal (413 over a limit, 400 malformed or unsafe,
    ///   415 not multipart or a type not allowed); errors of `body` pass through.
    public func withMultipartForm<Result>(
        limits: MultipartLimits = .init(), directory: String? = nil,
        _ body: (MultipartForm) async throws -> Result
    ) async throws -> Result {
        let boundary = try Self.boundary(headers[.contentType])
        if let declared = headers[.contentLength].flatMap(Int.init), declared > limits.maxTotalBytes {
            throw UploadError(.totalTooLarge, detail: "The upload is larger than \(limits.maxTotalBytes) bytes")
        }
        let fileSystem = FileSystem.shared
        let parent: FilePath
        if let directory { parent = FilePath(directory) } else { parent = try await fileSystem.temporaryDirectory }
        let folder = try await fileSystem.createTemporaryDirectory(template: parent.appending("roost-upload-XXXXXXXX"))
        do {
            var reader = MultipartReader(boundary: boundary, limits: limits, folder: folder)
            for try await chunk in self.body {
                try await reader.consume(chunk)
            }
            let form = try await reader.finish()
            let result = try await body(form)
            try await fileSystem.removeItem(at: folder, recursively: true)
            return result
        } catch {
            _ = try? await fileSystem.removeItem(at: folder, recursively: true)
            throw error
        }
    }

    static func boundary(_ contentType: String?) throws(UploadError) -> String {
        let parsed = HeaderParameters(parsing: contentType ?? "")
        guard parsed.value == "multipart/form-data", let boundary = parsed.parameters["boundary"],
            (1...70).contains(boundary.utf8.count),
            !boundary.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value > 0x7E })
        else {
            throw UploadError(.notMultipart, detail: "Send the upload as multipart/form-data with a boundary")
        }
        return boundary
    }
}

/// Drives MultipartKit's push parser and acts on its events between network chunks.
struct MultipartReader {
    private enum Event {
        case header(String, String)
        case body(ByteBuffer)
        case complete
    }

    /// Events of the current chunk; the parser's callbacks append here.
    private final class Inbox {
        var events: [Event] = []
    }

    private struct OpenPart {
        var name: String
        var file: (handle: WriteFileHandle, upload: UploadedFile)?
        var text = ByteBuffer()
        /// A file input left empty: browsers send `filename=""` and no content.
        var skipped = false
    }

    private let parser: MultipartParser
    private let inbox = Inbox()
    private let limits: MultipartLimits
    private let folder: FilePath
    private var headers: [(String, String)] = []
    private var part: OpenPart?
    private var collector = FormCollector()
    private var parts = 0
    private var received = 0

    init(boundary: String, limits: MultipartLimits, folder: FilePath) {
        self.parser = MultipartParser(boundary: boundary)
        self.limits = limits
        self.folder = folder
        let inbox = self.inbox
        parser.onHeader = { inbox.events.append(.header($0, $1)) }
        parser.onBody = { inbox.events.append(.body($0)) }
        parser.onPartComplete = { inbox.events.append(.complete) }
    }

    mutating func consume(_ chunk: ByteBuffer) async throws {
        received += chunk.readableBytes
        guard received <= limits.maxTotalBytes else {
            try? await part?.file?.handle.close(makeChangesVisible: false)
            part = nil
            throw UploadError(.totalTooLarge, detail: "The upload is larger than \(limits.maxTotalBytes) bytes")
        }
        do {
            try parser.execute(chunk)
        } catch {
            throw UploadError(.malformed, detail: "The multipart body is malformed", underlying: error)
        }
        let events = inbox.events
        inbox.events.removeAll(keepingCapacity: true)
        do {
            for event in events {
                switch event {
                case .header(let name, let value): headers.append((name, value))
                case .body(let bytes): try await write(bytes)
                case .complete: try await complete()
                }
            }
        } catch {
            try? await part?.file?.handle.close(makeChangesVisible: false)
            part = nil
            throw error
        }
    }

    mutating func finish() async throws -> MultipartForm {
        guard part == nil, headers.isEmpty, parts > 0 else {
            try? await part?.file?.handle.close(makeChangesVisible: false)
            throw UploadError(.malformed, detail: "The multipart body ended before its closing boundary")
        }
        return collector.form()
    }

    private mutating func begin() async throws {
        parts += 1
        guard parts <= limits.maxParts else {
            throw UploadError(.tooManyParts, detail: "The upload has more than \(limits.maxParts) parts")
        }
        let partHeaders = headers
        let header = { (name: String) in partHeaders.last { $0.0.lowercased() == name }?.1 }
        let disposition = HeaderParameters(parsing: header("content-disposition") ?? "")
        guard disposition.value == "form-data", let name = disposition.parameters["name"], !name.isEmpty else {
            throw UploadError(.missingName, detail: "Every part needs Content-Disposition: form-data; name=\"…\"")
        }
        headers.removeAll()
        guard let clientName = disposition.parameters["filename"] else {
            part = OpenPart(name: name)
            return
        }
        if clientName.isEmpty {
            part = OpenPart(name: name, skipped: true)
            return
        }
        let field = FormCollector.baseName(name)
        let filename = try SafeFilename.sanitize(clientName, field: field)
        let contentType = header("content-type")?.trimmingCharacters(in: .whitespaces) ?? "application/octet-stream"
        guard limits.allows(contentType: contentType) else {
            throw UploadError(.contentTypeNotAllowed, field: field, detail: "Files of type \(contentType) are not accepted")
        }
        let path = folder.appending(String(parts))
        let handle = try await FileSystem.shared.openFile(forWritingAt: path, options: .newFile(replaceExisting: false))
        let upload = UploadedFile(field: field, filename: filename, contentType: contentType, size: 0, path: path.string)
        part = OpenPart(name: name, file: (handle, upload))
    }

    private mutating func write(_ bytes: ByteBuffer) async throws {
        if part == nil { try await begin() }
        guard var current = part, !current.skipped else { return }
        if let file = current.file {
            guard file.upload.size + bytes.readableBytes <= limits.maxFileBytes else {
                throw UploadError(
                    .fileTooLarge, field: file.upload.field, detail: "A file is larger than \(limits.maxFileBytes) bytes")
            }
            try await file.handle.write(contentsOf: bytes, toAbsoluteOffset: Int64(file.upload.size))
            current.file?.upload.size += bytes.readableBytes
        } else {
            guard current.text.readableBytes + bytes.readableBytes <= limits.maxFieldBytes else {
                throw UploadError(
                    .fieldTooLarge, field: FormCollector.baseName(current.name),
                    detail: "A field is larger than \(limits.maxFieldBytes) bytes")
            }
            var bytes = bytes
            current.text.writeBuffer(&bytes)
        }
        part = current
    }

    private mutating func complete() async throws {
        if part == nil { try await begin() }
        guard let current = part else { return }
        part = nil
        if current.skipped { return }
        if let file = current.file {
            try await file.handle.close(makeChangesVisible: true)
            collector.add(file: file.upload, name: current.name)
        } else {
            guard let text = current.text.getString(at: current.text.readerIndex, length: current.text.readableBytes),
                text.utf8.elementsEqual(current.text.readableBytesView)
            else {
                throw UploadError(.malformed, field: current.name, detail: "A text field is not valid UTF-8")
            }
            collector.add(field: current.name, value: text)
        }
    }
}
