import NIOCore

extension MySQLConnection {
    /// How many rows a streamed result may hold unconsumed before the connection stops
    /// reading from the socket (it resumes below ``streamLowWatermark``). Rows already
    /// in one socket read are still delivered, so the bound is this plus one read's rows.
    static let streamHighWatermark = 256
    /// The number of waiting rows below which reading resumes.
    static let streamLowWatermark = 64

    /// Runs SQL and returns its rows as they arrive, without buffering the result.
    ///
    /// With binds the statement runs prepared (binary protocol), as in ``query(_:_:)``.
    /// Errors in the statement, or a lost connection, are thrown by the iteration. Other
    /// commands on this connection wait until the stream ends or is dropped.
    ///
    /// ```swift
    /// var total: Int64 = 0
    /// for try await row in try await connection.streamingQuery("SELECT amount FROM ledger WHERE year = ?", [2025]) {
    ///     total += try row["amount"].decode(Int64.self)
    /// }
    /// ```
    public func streamingQuery(_ sql: String, _ binds: [any MySQLEncodable] = []) async throws -> MySQLRowStream {
        try Task.checkCancellation()
        let statistics = MySQLRowStreamStatistics()
        let producer = MySQLRowStream.Producer.makeSequence(
            backPressureStrategy: .init(lowWatermark: Self.streamLowWatermark, highWatermark: Self.streamHighWatermark),
            finishOnDeinit: true, delegate: MySQLRowStreamDelegate(channel: channel, stream: statistics))
        let sink = MySQLRowStreamSink(source: producer.source, statistics: statistics)
        if binds.isEmpty {
            _ = submit(.query(sql), rows: sink)
        } else {
            do {
                _ = try await submitCached(sql, parameters: binds.map(\.mysqlParameter), rows: sink)
            } catch {
                producer.source.finish(error)
                throw error
            }
        }
        return MySQLRowStream(producer: producer.sequence, statistics: sink.statistics)
    }
}
