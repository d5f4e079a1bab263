import Foundation
import HTTPTypes
import Hummingbird
import NIOFileSystem

/// Serves files from a folder for `GET` and `HEAD` requests no route answered, with
/// `ETag`, `Last-Modified`, conditional requests (`304`) and single byte ranges
/// (`206`, `416`).
///
/// Only files inside the folder are ever read:
/// - the path is percent-decoded once; `.` or `..` segments, backslashes and control
///   characters (so `/../x`, `/%2e%2e/x`, `/..%2fx`, `/%00`) are refused with `400`;
/// - the candidate's real path (symbolic links resolved) must lie inside the folder's
///   real path, so a link pointing out of the folder is `404`, as are directories and
///   anything that is not a regular file.
///
/// Errors are thrown as `HTTPError`s, so ``ErrorEnvelopeMiddleware`` answers them in the
/// envelope. Several ranges in one request are answered with the whole file (allowed
/// by RFC 9110).
///
/// ```swift
/// router.add(middleware: StaticFileMiddleware(root: "public", urlPrefix: "/static"))
/// ```
public struct StaticFileMiddleware<Context: RequestContext>: RouterMiddleware {
    private let root: String
    private let urlPrefix: String
    private let cacheControl: String?
    private let fileIO: FileIO

    /// Creates the middleware.
    /// - Parameters:
    ///   - root: The folder to serve; its real path is resolved once, here.
    ///   - urlPrefix: Only paths under this prefix are served, with the prefix removed.
    ///   - cacheControl: A `Cache-Control` value for every file, if any.
    public init(root: String, urlPrefix: String = "/", cacheControl: String? = nil) {
        self.root = URL(fileURLWithPath: root).resolvingSymlinksInPath().standardizedFileURL.path
        let trimmed = urlPrefix.hasSuffix("/") ? String(urlPrefix.dropLast()) : urlPrefix
        self.urlPrefix = trimmed
        self.cacheControl = cacheControl
        self.fileIO = FileIO()
    }

    /// Runs the chain; when it answers `404` for a `GET` or `HEAD`, serves a file instead.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.method == .get || request.method == .head else { return try await next(request, context) }
        do {
            let response = try await next(request, context)
            guard response.status == .notFound else { return response }
            return try await serve(request, context: context) ?? response
        } catch let error as any HTTPResponseError where error.status == .notFound {
            guard let response = try await serve(request, context: context) else { throw error }
            return response
        }
    }

    /// The file response, or `nil` when the path is outside the prefix or names no file.
    private func serve(_ request: Request, context: Context) async throws -> Response? {
        guard let relative = try Self.relativePath(request.uri.path, prefix: urlPrefix) else { return nil }
        let candidate = relative.isEmpty ? root : root + "/" + relative
        let real = URL(fileURLWithPath: candidate).resolvingSymlinksInPath().standardizedFileURL.path
        guard real.hasPrefix(root + "/") else { return nil }
        guard let info = try? await FileSystem.shared.info(forFileAt: FilePath(real), infoAboutSymbolicLink: true),
            info.type == .regular
        else { return nil }
        let size = Int(info.size)
        let modified = Int(info.lastDataModificationTime.seconds)
        let etag = "\"\(String(size, radix: 16))-\(String(modified, radix: 16))-\(String(info.lastDataModificationTime.nanoseconds, radix: 16))\""

        var headers: HTTPFields = [.eTag: etag, .lastModified: HTTPDate.format(modified), .acceptRanges: "bytes"]
        if let dot = real.lastIndex(of: "."), let type = MediaType.getMediaType(forExtension: String(real[real.index(after: dot)...])) {
            headers[.contentType] = type.description
        } else {
            headers[.contentType] = "application/octet-stream"
        }
        if let cacheControl { headers[.cacheControl] = cacheControl }

        if Self.notModified(request.headers, etag: etag, modified: modified) {
            return Response(status: .notModified, headers: headers)
        }
        var range = ByteRangeRequest(header: request.headers[.range], size: size)
        if let ifRange = request.headers[.ifRange], ifRange != etag, HTTPDate.parse(ifRange) != modified {
            range = .whole
        }
        switch range {
        case .unsatisfiable:
            throw HTTPError(
                .rangeNotSatisfiable, headers: [.contentRange: "bytes */\(size)"],
                message: "The requested range is outside the file's \(size) bytes")
        case .part(let bytes):
            headers[.contentRange] = "bytes \(bytes.lowerBound)-\(bytes.upperBound)/\(size)"
            headers[.contentLength] = String(bytes.count)
            if request.method == .head { return Response(status: .partialContent, headers: headers) }
            let body = try await fileIO.loadFile(path: real, range: bytes, context: context)
            return Response(status: .partialContent, headers: headers, body: body)
        case .whole:
            headers[.contentLength] = String(size)
            if request.method == .head { return Response(status: .ok, headers: headers) }
            let body = try await fileIO.loadFile(path: real, context: context)
            return Response(status: .ok, headers: headers, body: body)
        }
    }

    /// The decoded path below `prefix` (no leading slash), `nil` when outside it.
    /// - Throws: `400` for traversal segments, backslashes, control characters or bad escapes.
    static func relativePath(_ rawPath: String, prefix: String) throws -> String? {
        guard let decoded = rawPath.removingPercentEncoding else {
            throw HTTPError(.badRequest, message: "The path has invalid percent-encoding")
        }
        if decoded.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" }) {
            throw HTTPError(.badRequest, message: "The path contains characters that are not allowed")
        }
        let segments = decoded.split(separator: "/", omittingEmptySubsequences: true)
        if segments.contains(where: { $0 == ".." || $0 == "." }) {
            throw HTTPError(.badRequest, message: "The path must not contain . or .. segments")
        }
        let normalized = "/" + segments.joined(separator: "/")
        guard prefix.isEmpty || normalized == prefix || normalized.hasPrefix(prefix + "/") else { return nil }
        return String(normalized.dropFirst(prefix.count).drop { $0 == "/" })
    }

    static func notModified(_ headers: HTTPFields, etag: String, modified: Int) -> Bool {
        let matches = headers[values: .ifNoneMatch].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if !matches.isEmpty {
            return matches.contains { $0 == "*" || $0 == etag || $0 == "W/" + etag }
        }
        if let since = headers[.ifModifiedSince].flatMap(HTTPDate.parse) {
            return modified <= since
        }
        return false
    }
}
