import Foundation
import Hummingbird
import RoostHTTP
import RoostSQL

/// A product in the demo catalog.
struct Product: Codable, Sendable {
    var id: Int64?
    var name: String
    var priceCents: Int64
    var stock: Int64

    enum CodingKeys: String, CodingKey {
        case id, name, stock
        case priceCents = "price_cents"
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

/// The product catalog: its schema and its routes.
enum Catalog {
    /// The demo's schema, applied at start-up under the migration lock.
    static let migrations = [
        Migration(
            1, "create products",
            sql: """
                CREATE TABLE products (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL,
                    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
                    stock INTEGER NOT NULL CHECK (stock >= 0)
                )
                """)
    ]

    /// `GET /products?page=&size=`, `GET /products/:id`, `POST /products`.
    static func addRoutes(to router: Router<BasicRoostRequestContext>, database: DatabaseClient) {
        router.get("/products") { request, context -> Envelope<[Product]> in
            var args = RequestArguments(request, context: context)
            let page = args.int("page", default: 1, clampedTo: 1...10_000)
            let size = args.int("size", default: 20, clampedTo: 1...100)
            try args.validate()
            let products = try await database.select(
                "SELECT id, name, price_cents, stock FROM products ORDER BY id LIMIT \(bind: size) OFFSET \(bind: (page - 1) * size)",
                as: Product.self)
            return .success(products, context: context)
        }
        router.get("/products/:id") { request, context -> Envelope<Product> in
            var args = RequestArguments(request, context: context)
            let id = args.required("id", as: Int64.self)
            try args.validate()
            guard let product = try await database.find(
                "SELECT id, name, price_cents, stock FROM products WHERE id = \(bind: id!)", as: Product.self)
            else { throw AppError(code: 404, status: .notFound, message: "No product has id \(id!)") }
            return .success(product, context: context)
        }
        router.post("/products") { request, context -> Envelope<Product> in
            let new = try await request.decodeValidated(as: NewProduct.self, context: context)
            let id = try await database.insert(into: "products", new)
            var envelope = Envelope.success(
                Product(id: id, name: new.name, priceCents: new.priceCents, stock: new.stock), context: context)
            envelope.status = .created
            return envelope
        }
    }
}
