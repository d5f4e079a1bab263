import NIOCore
import Synchronization

/// The rows of a result as they arrive, without holding the whole result in memory.
///
/// The connection reads from the socket only while the consumer keeps up: once a
/// bounded number of rows waits unconsumed it stops reading, and resumes when the
/// consumer has caught up. Other commands on the connection wait until the stream ends;
/// a stream dropped early has its remaining rows read and discarded.
///
/// ```swift
/// let rows = try await connection.streamingQuery("SELECT id, payload FROM events WHERE day = ?", [day])
/// for try await row in rows {
///     try handle(row["id"].decode(UInt64.self), row["payload"].decode(Data.self))
/// }
/// ```
public struct MySQLRowStream: AsyncSequence, Sendable {
    /// A row.
    public typealias Element = MySQLRow

    typealias Producer = NIOThrowingAsyncSequenceProducer<
        MySQLRow, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, MySQLRowStreamDelegate
    >

    let producer: Producer
    let statistics: MySQLRowStreamStatistics

    /// Iterates the rows; throws the statement's error, if any, after the rows before it.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Producer.AsyncIterator
        let statistics: MySQLRowStreamStatistics

        /// The next row, or `nil` at the end of the result.
        public mutating func next() async throws -> MySQLRow? {
            let row = try await base.next()
            if row != nil { statistics.consumed() }
            return row
        }
    }

    /// Starts iterating.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: producer.makeAsyncIterator(), statistics: statistics)
    }
}

/// Counts rows handed over and consumed, and the most that ever waited at once.
final class MySQLRowStreamStatistics: Sendable {
    private struct Counts {
        var yielded = 0
        var consumed = 0
        var mostWaiting = 0
    }

    private let counts = Mutex(Counts())

    func yielded() {
        counts.withLock {
            $0.yielded += 1
            $0.mostWaiting = max($0.mostWaiting, $0.yielded - $0.consumed)
        }
    }

    func consumed() {
        counts.withLock { $0.consumed += 1 }
    }

    /// The largest number of rows received but not yet consumed, over the stream's life.
    var mostRowsWaiting: Int { counts.withLock { $0.mostWaiting } }
}

/// Stream demand, sent down the pipeline to the channel handler as outbound events. The
/// statistics object identifies the stream, so an event never reaches another stream.
enum MySQLRowStreamEvent: Sendable {
    /// The consumer caught up: read again.
    case produceMore(MySQLRowStreamStatistics)
    /// The consumer stopped iterating: drop the rest of the result.
    case consumerLeft(MySQLRowStreamStatistics)
}

/// Tells the channel handler to read again or that the consumer left.
struct MySQLRowStreamDelegate: NIOAsyncSequenceProducerDelegate {
    let channel: any Channel
    let stream: MySQLRowStreamStatistics

    func produceMore() {
        channel.triggerUserOutboundEvent(MySQLRowStreamEvent.produceMore(stream), promise: nil)
    }

    func didTerminate() {
        channel.triggerUserOutboundEvent(MySQLRowStreamEvent.consumerLeft(stream), promise: nil)
    }
}

/// What the handler needs to feed a stream.
struct MySQLRowStreamSink: Sendable {
    let source: MySQLRowStream.Producer.Source
    let statistics: MySQLRowStreamStatistics
}
