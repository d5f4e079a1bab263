import Foundation
import RoostCoordination
import RoostHTTP

/// An order as stored and returned.
struct Order: Codable, Sendable, Equatable {
    var id: Int64?
    var productID: Int64
    var quantity: Int64
    var totalCents: Int64
    /// The product lock's fencing token under which the order was placed.
    var fencingToken: Int64
    /// The caller's idempotency key: placing an order again with it returns this order.
    var clientToken: String
    /// Milliseconds since the Unix epoch.
    var createdAt: Int64

    enum CodingKeys: String, CodingKey {
        case id, quantity
        case productID = "product_id"
        case totalCents = "total_cents"
        case fencingToken = "fencing_token"
        case clientToken = "client_token"
        case createdAt = "created_at"
    }
}

/// The body of `POST /orders`.
struct NewOrder: ValidatedBody, Sendable {
    var productID: Int64
    var quantity: Int64
    /// Optional idempotency key (letters, digits, `-` and `_`, at most 64): a retry with
    /// the same key never places a second order.
    var clientToken: String?

    enum CodingKeys: String, CodingKey {
        case quantity
        case productID = "product_id"
        case clientToken = "client_token"
    }

    func validate(into errors: inout FieldErrors) {
        errors.check(productID > 0, "product_id", "must be a positive product id")
        errors.check((1...1_000).contains(quantity), "quantity", "must be from 1 to 1000")
        if let clientToken {
            errors.check(
                (1...64).contains(clientToken.utf8.count)
                    && clientToken.utf8.allSatisfy(Self.isTokenByte),
                "client_token", "must be 1 to 64 letters, digits, '-' or '_'")
        }
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }
}

/// Published once an order is committed: the statistics consumer counts it (durable
/// group, at least once), and every instance's WebSocket feed shows it (broadcast).
struct OrderPlaced: Event, Equatable {
    static let eventType = "demo.order.placed"

    var orderID: Int64
    var productID: Int64
    var productName: String
    var quantity: Int64
    var totalCents: Int64
    var remainingStock: Int64
    var fencingToken: Int64
    var placedAt: Int64
    /// The instance that placed it.
    var instance: String

    enum CodingKeys: String, CodingKey {
        case quantity, instance
        case orderID = "order_id"
        case productID = "product_id"
        case productName = "product_name"
        case totalCents = "total_cents"
        case remainingStock = "remaining_stock"
        case fencingToken = "fencing_token"
        case placedAt = "placed_at"
    }
}
