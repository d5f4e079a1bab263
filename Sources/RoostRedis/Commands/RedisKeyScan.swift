import NIOCore

/// The keys `SCAN` finds, as an asynchronous sequence that asks the server for the next
/// page (with the cursor of the previous one) as iteration reaches it.
///
/// Create one with ``RedisConnection/scan(matching:count:type:)``. Each iteration starts a
/// fresh scan from cursor 0.
public struct RedisKeyScan: AsyncSequence, Sendable {
    /// A key name.
    public typealias Element = String

    let connection: RedisConnection
    let arguments: [RedisArgument]

    /// Starts a scan.
    public func makeAsyncIterator() -> Iterator {
        Iterator(connection: connection, arguments: arguments)
    }

    /// Walks the pages of one scan. Throws what the `SCAN` command throws.
    public struct Iterator: AsyncIteratorProtocol {
        let connection: RedisConnection
        let arguments: [RedisArgument]
        private var cursor: String = "0"
        private var page: [String] = []
        private var pageIndex = 0
        private var finished = false

        init(connection: RedisConnection, arguments: [RedisArgument]) {
            self.connection = connection
            self.arguments = arguments
        }

        /// The next key, or `nil` when the server reports cursor 0.
        public mutating func next() async throws -> String? {
            while pageIndex == page.count {
                if finished { return nil }
                let reply = try await connection.send(
                    RedisCommand("SCAN", arguments: [.string(cursor)] + arguments))
                let parts = try RedisConnection.array(reply)
                guard parts.count == 2, let next = parts[0].string else {
                    throw RedisProtocolError.unexpected(reply, expected: "a cursor and a list of keys")
                }
                page = try RedisConnection.bytesArray(parts[1]).map { connection.unprefixed(String(buffer: $0)) }
                pageIndex = 0
                cursor = next
                finished = next == "0"
            }
            defer { pageIndex += 1 }
            return page[pageIndex]
        }
    }
}
