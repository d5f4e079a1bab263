import CompressNIO
import HTTPTypes
import Hummingbird
import NIOCore

/// Compresses large responses with gzip or deflate when the client accepts it.
///
/// A response is compressed only when all of these hold:
/// - the request's `Accept-Encoding` allows `gzip` or `deflate` (q-values are honoured;
///   gzip is preferred at equal weight; `identity` alone means no);
/// - it is not a `HEAD` request, and the status is not `1xx`, `204`, `206` or `304`;
/// - it has no `Content-Encoding` yet;
/// - its content type is not already compressed (images other than SVG, audio, video,
///   archives, fonts, PDF, `application/octet-stream`) — see ``isCompressible(_:)``;
/// - its length is unknown (streamed) or at least ``minimumBytes``.
///
/// The body is compressed as it streams (a 32 KiB window, never the whole body in
/// memory); `Content-Length` is dropped and `Vary: Accept-Encoding` added.
///
/// ```swift
/// router.add(middleware: ResponseCompressionMiddleware(minimumBytes: 1024))
/// ```
public struct ResponseCompressionMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Responses with a known length below this are sent as they are.
    public let minimumBytes: Int

    /// Creates the middleware; `minimumBytes` defaults to 1 KiB, below which compression
    /// rarely pays for itself.
    public init(minimumBytes: Int = 1024) {
        precondition(minimumBytes >= 0, "minimumBytes must not be negative")
        self.minimumBytes = minimumBytes
    }

    /// Runs the chain and compresses the response when it qualifies.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        guard request.method != .head, Self.statusAllowsBody(response.status),
            response.headers[.contentEncoding] == nil,
            let contentType = response.headers[.contentType], Self.isCompressible(contentType)
        else { return response }
        if !response.headers[values: .vary].contains(where: { $0.lowercased().contains("accept-encoding") }) {
            response.headers.append(HTTPField(name: .vary, value: "Accept-Encoding"))
        }
        if let length = response.body.contentLength, length < minimumBytes { return response }
        guard let coding = ContentCoding.preferred(request.headers[values: .acceptEncoding]) else { return response }
        let body = response.body
        response.body = ResponseBody { writer in
            let compressing = try CompressingBodyWriter(parent: writer, algorithm: coding.algorithm)
            try await body.write(compressing)
        }
        response.headers[.contentEncoding] = coding.rawValue
        response.headers[.contentLength] = nil
        return response
    }

    static func statusAllowsBody(_ status: HTTPResponse.Status) -> Bool {
        status.code >= 200 && status != .noContent && status != .partialContent && status != .notModified
    }

    /// Whether a content type is worth compressing: text, JSON, XML, JavaScript, SVG and
    /// the like are; media, archives, fonts and opaque binary data already are compressed.
    public static func isCompressible(_ contentType: String) -> Bool {
        let type = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        if type.hasPrefix("text/") || type.hasSuffix("+json") || type.hasSuffix("+xml") { return true }
        let compressible: Set<String> = [
            "application/json", "application/javascript", "application/xml", "application/x-ndjson",
            "application/graphql-response+json", "application/wasm", "application/x-www-form-urlencoded",
            "image/svg+xml", "image/bmp", "application/vnd.ms-fontobject", "font/ttf", "font/otf",
        ]
        return compressible.contains(type)
    }
}

/// The codings this middleware produces, best first.
enum ContentCoding: String, CaseIterable {
    case gzip
    case deflate

    /// `deflate` in HTTP is the zlib format (RFC 9110 §8.4.1.2).
    var algorithm: ZlibAlgorithm { self == .gzip ? .gzip : .zlib }

    /// The coding to use for `Accept-Encoding` values, or `nil` for none.
    static func preferred(_ headerValues: [String]) -> ContentCoding? {
        var weights: [String: Double] = [:]
        for item in headerValues.flatMap({ $0.split(separator: ",") }) {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let name = parts.first, !name.isEmpty else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                weight = Double(parameter.dropFirst(2)).map { min(max($0, 0), 1) } ?? 0
            }
            weights[name == "x-gzip" ? "gzip" : name] = weight
        }
        let wildcard = weights["*"]
        let ranked = allCases.compactMap { coding -> (ContentCoding, Double)? in
            let weight = weights[coding.rawValue] ?? wildcard ?? 0
            return weight > 0 ? (coding, weight) : nil
        }
        // At equal weight gzip ranks above deflate.
        return ranked.max { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 == .deflate && $1.0 == .gzip) }?.0
    }
}

/// Compresses what is written through it and passes the compressed bytes on.
struct CompressingBodyWriter: ResponseBodyWriter {
    private var parent: any ResponseBodyWriter
    private let compressor: ZlibCompressor
    private var window: ByteBuffer

    init(parent: any ResponseBodyWriter, algorithm: ZlibAlgorithm) throws {
        self.parent = parent
        self.compressor = try ZlibCompressor(algorithm: algorithm)
        self.window = ByteBufferAllocator().buffer(capacity: 32 * 1024)
    }

    mutating func write(_ buffer: ByteBuffer) async throws {
        try await compress(buffer, flush: .no)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        try await compress(ByteBuffer(), flush: .finish)
        try await parent.finish(trailingHeaders)
    }

    private mutating func compress(_ buffer: ByteBuffer, flush: CompressNIOFlush) async throws {
        var input = buffer
        var output: [ByteBuffer] = []
        try input.compressStream(with: compressor, window: &window, flush: flush) { output.append($0) }
        if !output.isEmpty { try await parent.write(contentsOf: output) }
    }
}
