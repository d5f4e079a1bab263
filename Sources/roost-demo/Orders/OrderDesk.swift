import Foundation
import Logging
import RoostCoordination
import RoostHTTP
import RoostSQL
import RoostTasks

/// Places orders safely from any number of instances at once.
///
/// Each order takes the product's distributed lock, then in one transaction checks the
/// stock, decrements it (`WHERE stock >= quantity`, and a `CHECK (stock >= 0)` behind
/// that) and stores the order with the lock's fencing token. After the commit it drops the
/// product's cached copy and publishes ``OrderPlaced``. A client token makes retries safe:
/// an order placed again with the same token returns the first one.
struct OrderDesk: Sendable {
    let database: DatabaseClient
    let coordination: Coordination
    /// How long an order waits for its product's lock.
    let lockWait: Duration
    /// The per-product queues in front of the lock.
    let queues: ProductQueues
    /// This instance's name in events.
    let instance: String
    let logger: Logger

    /// The columns of an ``Order``.
    static let orderColumns = "id, product_id, quantity, total_cents, fencing_token, client_token, created_at"

    /// Places `new`; returns the order and whether this call created it (false when the
    /// client token names an order placed before).
    func place(_ new: NewOrder) async throws -> (order: Order, created: Bool) {
        let token = new.clientToken ?? UUID().uuidString
        if let existing = try await order(withToken: token) {
            guard existing.productID == new.productID, existing.quantity == new.quantity else {
                throw tokenReused(token)
            }
            return (existing, false)
        }
        // Refuse at once, without queueing for the lock, when the stock is already too low
        // (stock only goes down, so this read cannot refuse an order that would succeed).
        let product = try await Catalog.product(new.productID, in: database)
        guard product.stock >= new.quantity else { throw outOfStock(product, wanted: new.quantity) }

        let placed: (Order, OrderPlaced?)
        do {
            placed = try await queues.run(product: new.productID) {
                try await coordination.lock.withLock(
                    "product:\(new.productID)", ttl: .seconds(10), timeout: lockWait
                ) { lease in
                    try await self.placeLocked(new, token: token, fencingToken: Int64(clamping: lease.fencingToken))
                }
            }
        } catch is ConcurrencyLimiterError {
            throw busy(new.productID)
        } catch let error as LockError {
            if case .timeout = error.reason { throw busy(new.productID) }
            throw error
        } catch let error as DatabaseError where error.kind == .constraintViolation {
            // Only the unique client token can refuse the row: another product's order,
            // placed at the same moment, took it.
            logger.debug("client token taken", metadata: ["error": "\(error.message)"])
            throw tokenReused(token)
        } catch let error as LockLost {
            logger.warning("lost the product lock while ordering", metadata: ["error": "\(error.message)"])
            throw AppError(
                code: 503, status: .serviceUnavailable, message: "The order was not placed (its lock expired); retry it")
        }
        let (order, placedEvent) = placed
        guard let event = placedEvent else { return (order, false) }
        try await coordination.cache.delete(Catalog.cacheKey(new.productID))
        do {
            try await coordination.bus.publish(event)
        } catch {
            // The order and its event are committed: the outbox relay publishes it later.
            logger.warning("OrderPlaced not published; the outbox relay will publish it", metadata: [
                "order": "\(event.orderID)", "error": "\(error)",
            ])
            return (order, true)
        }
        do {
            try await Outbox.markSent(event.orderID, at: Outbox.milliseconds(), in: database)
        } catch {
            // Published but not marked: the relay publishes it once more, which the
            // statistics count once; the order itself stands.
            logger.warning("OrderPlaced published but not marked sent in the outbox", metadata: [
                "order": "\(event.orderID)", "error": "\(error)",
            ])
        }
        return (order, true)
    }

    /// The part that runs under the product's lock: the order, and its event when this
    /// call placed it (nil when the token's order already existed).
    private func placeLocked(_ new: NewOrder, token: String, fencingToken: Int64) async throws -> (Order, OrderPlaced?) {
        try await database.withTransaction { tx in
            if let existing = try await tx.find(
                "SELECT \(unsafeRaw: Self.orderColumns) FROM orders WHERE client_token = \(bind: token)", as: Order.self)
            {
                return (existing, nil)
            }
            let product = try await Catalog.product(new.productID, in: tx)
            guard product.stock >= new.quantity else { throw outOfStock(product, wanted: new.quantity) }
            try await tx.execute(
                """
                UPDATE products SET stock = stock - \(bind: new.quantity)
                WHERE id = \(bind: new.productID) AND stock >= \(bind: new.quantity)
                """)
            var order = Order(
                id: nil, productID: new.productID, quantity: new.quantity, totalCents: product.priceCents * new.quantity,
                fencingToken: fencingToken, clientToken: token, createdAt: Int64(Date().timeIntervalSince1970 * 1000))
            order.id = try await tx.insert(into: "orders", order)
            let event = OrderPlaced(
                orderID: order.id ?? 0, productID: order.productID, productName: product.name, quantity: order.quantity,
                totalCents: order.totalCents, remainingStock: product.stock - new.quantity, fencingToken: fencingToken,
                placedAt: order.createdAt, instance: instance)
            try await Outbox.add(event, in: tx)
            return (order, event)
        }
    }

    /// The order placed with `token`, if any.
    func order(withToken token: String) async throws -> Order? {
        try await database.find(
            "SELECT \(unsafeRaw: Self.orderColumns) FROM orders WHERE client_token = \(bind: token)", as: Order.self)
    }

    private func outOfStock(_ product: Product, wanted: Int64) -> AppError {
        AppError(
            code: 409, status: .conflict,
            message: "Only \(product.stock) of \"\(product.name)\" left; order at most that many",
            extra: .object(["available": .number(Double(product.stock))]))
    }

    private func busy(_ product: Int64) -> AppError {
        AppError(
            code: 503, status: .serviceUnavailable, message: "Product \(product) is busy with other orders; retry in a moment")
    }

    private func tokenReused(_ token: String) -> AppError {
        AppError(
            code: 409, status: .conflict,
            message: "client_token \(token) was already used for a different order; send a new token")
    }
}
