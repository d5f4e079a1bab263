import Logging
import _ConnectionPoolModule

/// A ``MySQLConnection`` as the generic pool sees it: an identifier, when it was opened,
/// a close hook and a non-blocking close.
final class PooledMySQLConnection: PooledConnection {
    let id: Int
    let connection: MySQLConnection
    let openedAt: ContinuousClock.Instant

    init(id: Int, connection: MySQLConnection, openedAt: ContinuousClock.Instant) {
        self.id = id
        self.connection = connection
        self.openedAt = openedAt
    }

    /// Whether the connection has lived longer than `lifetime`.
    func hasOutlived(_ lifetime: Duration?) -> Bool {
        guard let lifetime else { return false }
        return ContinuousClock.now - openedAt >= lifetime
    }

    func onClose(_ closure: @escaping @Sendable ((any Error)?) -> Void) {
        // The close future of a NIO channel never fails.
        connection.channel.closeFuture.whenComplete { _ in closure(nil) }
    }

    func close() {
        connection.channel.close(promise: nil)
    }
}

/// Pings idle pooled connections so dead ones are found before a caller leases them, and
/// retires connections past their maximum lifetime.
struct MySQLKeepAliveBehavior: ConnectionKeepAliveBehavior {
    let keepAliveFrequency: Duration?
    let maximumLifetime: Duration?

    func runKeepAlive(for connection: PooledMySQLConnection) async throws {
        // A failed keep-alive makes the pool close the connection and open a new one when
        // needed, which is exactly what an expired connection needs.
        if connection.hasOutlived(maximumLifetime) { throw MySQLConnectionExpired() }
        try await connection.connection.ping()
    }
}

/// Thrown by the keep-alive check of a connection past its maximum lifetime; never
/// reaches callers.
struct MySQLConnectionExpired: Error {}
