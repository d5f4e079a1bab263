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

/// Logs the pool's life: connections made, failed, closed, and keep-alive failures.
struct MySQLPoolObserver: ConnectionPoolObservabilityDelegate {
    typealias ConnectionID = Int
    let logger: Logger
    let address: String

    func startedConnecting(id: Int) {
        logger.debug("MySQL pool connecting", metadata: ["mysql.connection": "\(id)", "address": "\(address)"])
    }

    func connectFailed(id: Int, error: any Error) {
        logger.warning(
            "MySQL pool could not connect; retrying with backoff",
            metadata: ["mysql.connection": "\(id)", "address": "\(address)", "error": "\(error)"])
    }

    func connectSucceeded(id: Int, streamCapacity: UInt16) {
        logger.debug("MySQL pool connected", metadata: ["mysql.connection": "\(id)", "address": "\(address)"])
    }

    func connectionUtilizationChanged(id: Int, streamsUsed: UInt16, streamCapacity: UInt16) {}

    func keepAliveTriggered(id: Int) {}

    func keepAliveSucceeded(id: Int) {}

    func keepAliveFailed(id: Int, error: any Error) {
        if error is MySQLConnectionExpired {
            logger.debug(
                "MySQL pool connection reached its maximum lifetime; closing it",
                metadata: ["mysql.connection": "\(id)", "address": "\(address)"])
        } else {
            logger.warning(
                "MySQL pool keep-alive COM_PING failed; closing the connection",
                metadata: ["mysql.connection": "\(id)", "address": "\(address)", "error": "\(error)"])
        }
    }

    func connectionClosing(id: Int) {}

    func connectionClosed(id: Int, error: (any Error)?) {
        logger.debug(
            "MySQL pool connection closed",
            metadata: ["mysql.connection": "\(id)", "address": "\(address)", "error": "\(error.map { "\($0)" } ?? "none")"])
    }

    func requestQueueDepthChanged(_ newDepth: Int) {}
}
