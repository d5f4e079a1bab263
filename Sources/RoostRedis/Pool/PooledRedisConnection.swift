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
