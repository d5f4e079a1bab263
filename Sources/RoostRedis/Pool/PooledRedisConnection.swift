import Logging
import _ConnectionPoolModule

/// A ``RedisConnection`` as the generic pool sees it: an identifier, a close hook and a
/// non-blocking close.
final class PooledRedisConnection: PooledConnection {
    let id: Int
    let connection: RedisConnection

    init(id: Int, connection: RedisConnection) {
        self.id = id
        self.connection = connection
    }

    func onClose(_ closure: @escaping @Sendable ((any Error)?) -> Void) {
        connection.closeFuture.whenComplete { result in
            switch result {
            case .success: closure(nil)
            case .failure(let error): closure(error)
            }
        }
    }

    func close() {
        connection.startClosing()
    }
}

/// Pings idle pooled connections so dead ones are found before a caller leases them.
struct RedisKeepAliveBehavior: ConnectionKeepAliveBehavior {
    let keepAliveFrequency: Duration?

    func runKeepAlive(for connection: PooledRedisConnection) async throws {
        _ = try await connection.connection.ping()
    }
}

/// Logs the pool's life: connections made, failed, closed, and keep-alive failures.
struct RedisPoolObserver: ConnectionPoolObservabilityDelegate {
    typealias ConnectionID = Int
    let logger: Logger
    let address: String

    func startedConnecting(id: Int) {
        logger.debug("Redis pool connecting", metadata: ["redis.connection": "\(id)", "address": "\(address)"])
    }

    func connectFailed(id: Int, error: any Error) {
        logger.warning(
            "Redis pool could not connect; retrying with backoff",
            metadata: ["redis.connection": "\(id)", "address": "\(address)", "error": "\(error)"])
    }

    func connectSucceeded(id: Int, streamCapacity: UInt16) {
        logger.debug("Redis pool connected", metadata: ["redis.connection": "\(id)", "address": "\(address)"])
    }

    func connectionUtilizationChanged(id: Int, streamsUsed: UInt16, streamCapacity: UInt16) {}

    func keepAliveTriggered(id: Int) {}

    func keepAliveSucceeded(id: Int) {}

    func keepAliveFailed(id: Int, error: any Error) {
        logger.warning(
            "Redis pool keep-alive PING failed; closing the connection",
            metadata: ["redis.connection": "\(id)", "address": "\(address)", "error": "\(error)"])
    }

    func connectionClosing(id: Int) {}

    func connectionClosed(id: Int, error: (any Error)?) {
        logger.debug(
            "Redis pool connection closed",
            metadata: ["redis.connection": "\(id)", "address": "\(address)", "error": "\(error.map { "\($0)" } ?? "none")"])
    }

    func requestQueueDepthChanged(_ newDepth: Int) {}
}
