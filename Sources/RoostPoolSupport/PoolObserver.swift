import CoreMetrics
import Logging
import Synchronization
import _ConnectionPoolModule

/// Logs a connection pool's life (connections made, failed, closed, keep-alive failures)
/// and reports its use through swift-metrics.
///
/// Gauges and counters, with dimensions `system` (`redis`, `mysql`) and `server`:
/// - `roost_pool_connections`: open connections
/// - `roost_pool_connections_in_use`: connections leased to callers
/// - `roost_pool_waiting_requests`: callers waiting for a connection
/// - `roost_pool_lease_timeouts_total`: callers who gave up waiting
/// - `roost_pool_connect_failures_total`, `roost_pool_keep_alive_failures_total`
///
/// The pool reports connections; leases and returns are reported by ``ParkedLeases``
/// (waits included).
public final class PoolObserver: ConnectionPoolObservabilityDelegate, Sendable {
    public typealias ConnectionID = Int

    private let name: String
    private let keepAlive: String
    private let logger: Logger
    private let server: String
    private let metadataKey: String
    private let isRoutineClose: @Sendable (any Error) -> Bool
    private let open = Mutex<Set<Int>>([])
    private let waiting = Atomic<Int>(0)
    private let inUse = Atomic<Int>(0)
    private let metrics: Metrics?

    private struct Metrics: Sendable {
        let connections: Gauge
        let inUse: Gauge
        let waiting: Gauge
        let leaseTimeouts: Counter
        let connectFailures: Counter
        let keepAliveFailures: Counter
    }

    /// Creates an observer.
    ///
    /// - Parameters:
    ///   - system: The metrics dimension and log prefix, like `redis`.
    ///   - name: The server's name in log messages, like `Redis`.
    ///   - keepAlive: The keep-alive command in log messages, like `PING`.
    ///   - server: The server's address.
    ///   - instrumentation: Where metrics go (only its metrics settings are used).
    ///   - isRoutineClose: Keep-alive failures that are planned closes (a connection past
    ///     its lifetime, say), logged at debug level and not counted as failures.
    public init(
        system: String, name: String, keepAlive: String, server: String, logger: Logger,
        instrumentation: DriverInstrumentation,
        isRoutineClose: @escaping @Sendable (any Error) -> Bool = { _ in false }
    ) {
        self.name = name
        self.keepAlive = keepAlive
        self.server = server
        self.logger = logger
        self.metadataKey = "\(system).connection"
        self.isRoutineClose = isRoutineClose
        let factory = instrumentation.metrics ? instrumentation.metricsFactory ?? MetricsSystem.factory : nil
        metrics = factory.flatMap { factory in
            guard !(factory is NOOPMetricsHandler) else { return nil }
            let dimensions = [("system", system), ("server", server)]
            return Metrics(
                connections: Gauge(label: "roost_pool_connections", dimensions: dimensions, factory: factory),
                inUse: Gauge(label: "roost_pool_connections_in_use", dimensions: dimensions, factory: factory),
                waiting: Gauge(label: "roost_pool_waiting_requests", dimensions: dimensions, factory: factory),
                leaseTimeouts: Counter(label: "roost_pool_lease_timeouts_total", dimensions: dimensions, factory: factory),
                connectFailures: Counter(label: "roost_pool_connect_failures_total", dimensions: dimensions, factory: factory),
                keepAliveFailures: Counter(
                    label: "roost_pool_keep_alive_failures_total", dimensions: dimensions, factory: factory))
        }
    }

    public func startedConnecting(id: Int) {
        logger.debug("\(name) pool connecting", metadata: [metadataKey: "\(id)", "address": "\(server)"])
    }

    public func connectFailed(id: Int, error: any Error) {
        metrics?.connectFailures.increment()
        logger.warning(
            "\(name) pool could not connect; retrying with backoff",
            metadata: [metadataKey: "\(id)", "address": "\(server)", "error": "\(error)"])
    }

    public func connectSucceeded(id: Int, streamCapacity: UInt16) {
        let count = open.withLock { open in
            open.insert(id)
            return open.count
        }
        metrics?.connections.record(count)
        logger.debug("\(name) pool connected", metadata: [metadataKey: "\(id)", "address": "\(server)"])
    }

    public func connectionUtilizationChanged(id: Int, streamsUsed: UInt16, streamCapacity: UInt16) {}

    public func keepAliveTriggered(id: Int) {}

    public func keepAliveSucceeded(id: Int) {}

    public func keepAliveFailed(id: Int, error: any Error) {
        if isRoutineClose(error) {
            logger.debug(
                "\(name) pool connection reached its maximum lifetime; closing it",
                metadata: [metadataKey: "\(id)", "address": "\(server)"])
            return
        }
        metrics?.keepAliveFailures.increment()
        logger.warning(
            "\(name) pool keep-alive \(keepAlive) failed; closing the connection",
            metadata: [metadataKey: "\(id)", "address": "\(server)", "error": "\(error)"])
    }

    public func connectionClosing(id: Int) {}

    public func connectionClosed(id: Int, error: (any Error)?) {
        let count = open.withLock { open in
            open.remove(id)
            return open.count
        }
        metrics?.connections.record(count)
        logger.debug(
            "\(name) pool connection closed",
            metadata: [metadataKey: "\(id)", "address": "\(server)", "error": "\(error.map { "\($0)" } ?? "none")"])
    }

    public func requestQueueDepthChanged(_ newDepth: Int) {}

    /// A caller starts waiting for a connection.
    public func waitStarted() {
        guard let metrics else { return }
        metrics.waiting.record(waiting.add(1, ordering: .relaxed).newValue)
    }

    /// A caller stopped waiting: with a connection (`leased`), or without one because the
    /// lease timeout passed (`timedOut`) or for another reason.
    public func waitEnded(leased: Bool, timedOut: Bool) {
        guard let metrics else { return }
        metrics.waiting.record(waiting.subtract(1, ordering: .relaxed).newValue)
        if leased { metrics.inUse.record(inUse.add(1, ordering: .relaxed).newValue) }
        if timedOut { metrics.leaseTimeouts.increment() }
    }

    /// A caller got a connection without waiting on the pool (from ``ParkedLeases``).
    public func leasedWithoutWaiting() {
        guard let metrics else { return }
        metrics.inUse.record(inUse.add(1, ordering: .relaxed).newValue)
    }

    /// A leased connection went back to the pool.
    public func returned() {
        guard let metrics else { return }
        metrics.inUse.record(inUse.subtract(1, ordering: .relaxed).newValue)
    }
}
