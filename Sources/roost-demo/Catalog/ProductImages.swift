import Foundation
import Hummingbird
import RoostHTTP
import RoostSQL

/// Product images: `POST /products/:id/image` (multipart field `image`, PNG, JPEG, GIF or
/// WebP, checked by content type and by the file's first bytes, at most
/// `demo.maxImageBytes`) and `GET /products/:id/image`.
///
/// Files live in `<demo.dataDirectory>/images/<id>`; point every instance at the same
/// directory to share them.
struct ProductImages: Sendable {
    let catalog: Catalog
    let directory: URL
    let maxBytes: Int

    /// The accepted types and the bytes their files start with.
    static let signatures: [String: [[UInt8]]] = [
        "image/png": [[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]],
        "image/jpeg": [[0xFF, 0xD8, 0xFF]],
        "image/gif": [Array("GIF87a".utf8), Array("GIF89a".utf8)],
        "image/webp": [Array("RIFF".utf8)],
    ]

    init(catalog: Catalog, dataDirectory: String, maxBytes: Int) throws {
        self.catalog = catalog
        self.directory = URL(fileURLWithPath: dataDirectory).appendingPathComponent("images")
        self.maxBytes = maxBytes
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func addRoutes(to router: Router<BasicRoostRequestContext>, writes: RouterGroup<BasicRoostRequestContext>) {
        writes.post("/products/:id/image") { request, context -> Envelope<Product> in
            var args = RequestArguments(request, context: context)
            let id = args.required("id", as: Int64.self)
            try args.validate()
            var product = try await Catalog.product(id!, in: catalog.database)
            let limits = MultipartLimits(
                maxFileBytes: maxBytes, maxTotalBytes: maxBytes + 64 << 10, maxFieldBytes: 1 << 10, maxParts: 4,
                allowedContentTypes: Set(Self.signatures.keys))
            let type = try await request.withMultipartForm(limits: limits, directory: directory.path) { form in
                guard let file = form.file("image") else {
                    throw InvalidArguments(fields: ["image": ["is required: send the picture in the multipart field \"image\""]])
                }
                let type = file.contentType.split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased()
                try Self.checkSignature(of: file.path, type: type)
                let target = directory.appendingPathComponent(String(id!))
                _ = try? FileManager.default.removeItem(at: target)
                try FileManager.default.moveItem(atPath: file.path, toPath: target.path)
                return type
            }
            try await catalog.database.execute("UPDATE products SET image_type = \(bind: type) WHERE id = \(bind: id!)")
            try await catalog.cache.delete(Catalog.cacheKey(id!))
            product.imageType = type
            return .success(product, context: context)
        }
        router.get("/products/:id/image") { request, context -> Response in
            var args = RequestArguments(request, context: context)
            let id = args.required("id", as: Int64.self)
            try args.validate()
            let product = try await catalog.cachedProduct(id!)
            let path = directory.appendingPathComponent(String(id!)).path
            guard let type = product.imageType, let data = FileManager.default.contents(atPath: path) else {
                throw AppError(code: 404, status: .notFound, message: "Product \(id!) has no image yet; upload one first")
            }
            return Response(
                status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    /// Refuses a file whose first bytes are not those of `type`.
    static func checkSignature(of path: String, type: String) throws {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let head = [UInt8](try handle.read(upToCount: 16) ?? Data())
        let matches = signatures[type, default: []].contains { head.starts(with: $0) }
            && (type != "image/webp" || (head.count >= 12 && Array(head[8..<12]) == Array("WEBP".utf8)))
        guard matches else {
            throw AppError(
                code: 415, status: .unsupportedMediaType,
                message: "The file is not a valid \(type) image; upload a PNG, JPEG, GIF or WebP picture")
        }
    }
}
