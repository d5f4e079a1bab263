import Foundation
import Testing
import RoostTestSupport

@testable import RoostMySQL

@Suite("Streamed results against the real server", .requires(.mysql))
struct LiveStreamingTests {
    /// 100,000 generated rows, read slowly: the number of rows waiting in memory stays
    /// bounded by the backpressure window, not by the result size.
    @Test(arguments: [false, true])
    func hundredThousandRowsWithBoundedBuffer(prepared: Bool) async throws {
        try await LiveServer.withConnection { connection in
            let sql = """
                SELECT seq AS n, CONCAT('row-', seq) AS label FROM seq_1_to_100000 WHERE seq >= \(prepared ? "?" : "1")
                """
            let stream = try await connection.streamingQuery(sql, prepared ? [1] : [])
            var count = 0
            var sum = 0
            for try await row in stream {
                count += 1
                sum += try row["n"].decode(Int.self)
                #expect(row.format == (prepared ? .binary : .text))
                if count % 10_000 == 0 {
                    // A slow consumer: let the socket fill up while this task waits.
                    try await connection.channel.eventLoop.scheduleTask(in: .milliseconds(20)) {}.futureResult.get()
                }
            }
            #expect(count == 100_000)
            #expect(sum == 100_000 * 100_001 / 2)
            let waiting = stream.statistics.mostRowsWaiting
            #expect(waiting >= MySQLConnection.streamHighWatermark)
            // At most the window plus the rows of one read cycle (NIO reads up to 4 × 64 KiB
            // before asking again): about 13,000 of these ~20-byte rows, whatever the total.
            #expect(waiting < 20_000)
            // The connection is free again.
            #expect(try await connection.query("SELECT 1").rows[0][0].decode(Int.self) == 1)
        }
    }

    @Test func droppedStreamIsDrainedAndConnectionStaysUsable() async throws {
        try await LiveServer.withConnection { connection in
            do {
                let stream = try await connection.streamingQuery("SELECT seq FROM seq_1_to_50000")
                var iterator = stream.makeAsyncIterator()
                #expect(try await iterator.next()?[0].decode(Int.self) == 1)
            }
            #expect(try await connection.query("SELECT 2").rows[0][0].decode(Int.self) == 2)
        }
    }

    @Test func errorsSurfaceFromTheIteration() async throws {
        try await LiveServer.withConnection { connection in
            let stream = try await connection.streamingQuery("SELECT * FROM roost_no_such_table")
            await #expect {
                for try await _ in stream {}
            } throws: { error in
                (error as? MySQLServerError)?.errorCode == 1146
            }
            await #expect(throws: MySQLStatementError.self) {
                _ = try await connection.streamingQuery("SELECT ?", [1, 2])
            }
            #expect(try await connection.query("SELECT 3").rows[0][0].decode(Int.self) == 3)
        }
    }
}
