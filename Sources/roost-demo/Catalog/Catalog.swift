import Foundation
import Hummingbird
import RoostCoordination
import RoostHTTP
import RoostSQL

/// A product in the demo catalog.
struct Product: Codable, Sendable, Equatable {
    var id: Int64?
    var name: String
    var priceCents: Int64
    var stock: Int64
    /// The content type of the product's image, when it has one (`GET /products/:id/image`).
    var imageType: String?

    enum CodingKeys: String, CodingKey {
        case id, name, stock
        case priceCents = "price_cents"
        case imageType = "image_type"
    }
}

/// The body of `POST /products`, checked field by field.
struct NewProduct: ValidatedBody, Encodable, Sendable {
    var name: String
    var priceCents: Int64
    var stock: Int64

    enum CodingKeys: String, CodingKey {
        case name, stock
        case priceCents = "price_cents"
    }

    func validate(into errors: inout FieldErrors) {
        errors.check(!name.trimmingCharacters(in: .whitespaces).isEmpty, "name", "must not be empty")
        errors.check(name.count <= 200, "name", "must be at most 200 characters")
        errors.check(priceCents >= 0, "price_cents", "must not be negative")
        errors.check(stock >= 0, "stock", "must not be negative")
    }
}

/// The product catalog: reads through the tiered cache, writes straight to the database.
struct Catalog: Sendable {
    let database: DatabaseClient
    let cache: any Cache

    static let columns = "id, name, price_cents, stock, image_type"

    /// The cache key of a product.
    static func cacheKey(_ id: Int64) -> String { "products:\(id)" }

    /// The product with `id`, read from `executor` (the database or a transaction).
    ///
    /// - Throws: A 404 ``AppError`` when there is none.
    static func product(_ id: Int64, in executor: some DatabaseExecutor) async throws -> Product {
        guard let product = try await executor.find(
            "SELECT \(unsafeRaw: columns) FROM products WHERE id = \(bind: id)", as: Product.self)
        else { throw notFound(id) }
        return product
    }

    static func notFound(_ id: Int64) -> AppError {
        AppError(code: 404, status: .notFound, message: "No product has id \(id)")
    }

    /// The product with `id` through the cache: one instance computes a missing entry,
    /// the others wait for it (stampede protection). A missing product is cached briefly too.
    func cachedProduct(_ id: Int64) async throws -> Product {
        let product: Product? = try await cache.getOrCompute(
            Self.cacheKey(id), ttl: .seconds(60), waitTimeout: .seconds(5)
        ) { [database] in
            try await database.find(
                "SELECT \(unsafeRaw: Self.columns) FROM products WHERE id = \(bind: id)", as: Product.self)
        }
        guard let product else { throw Self.notFound(id) }
        return product
    }

    /// `GET /products?page=&size=`, `GET /products/:id`, and (in `writes`, which is rate
    /// limited) `POST /products`.
    func addRoutes(to router: Router<BasicRoostRequestContext>, writes: RouterGroup<BasicRoostRequestContext>) {
        router.get("/products") { request, context -> Envelope<[Product]> in
            var args = RequestArguments(request, context: context)
            let page = args.int("page", default: 1, clampedTo: 1...10_000)
            let size = args.int("size", default: 20, clampedTo: 1...100)
            try args.validate()
            let products = try await database.select(
                "SELECT \(unsafeRaw: Self.columns) FROM products ORDER BY id LIMIT \(bind: size) OFFSET \(bind: (page - 1) * size)",
                as: Product.self)
            return .success(products, context: context)
        }
        router.get("/products/:id") { request, context -> Envelope<Product> in
            var args = RequestArguments(request, context: context)
            let id = args.required("id", as: Int64.self)
            try args.validate()
            return .success(try await cachedProduct(id!), context: context)
        }
        writes.post("/products") { request, context -> Envelope<Product> in
            let new = try await request.decodeValidated(as: NewProduct.self, context: context)
            let id = try await database.insert(into: "products", new)
            // A read may have cached "no such product" under this id.
            try await cache.delete(Self.cacheKey(id))
            var envelope = Envelope.success(
                Product(id: id, name: new.name, priceCents: new.priceCents, stock: new.stock), context: context)
            envelope.status = .created
            return envelope
        }
    }
}
