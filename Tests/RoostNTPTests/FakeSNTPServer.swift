import NIOCore
import NIOPosix
import RoostNTP

/// A tiny SNTP responder on 127.0.0.1 for tests: for every datagram it receives it sends
/// back whatever `respond` returns (zero, one or several datagrams).
enum FakeSNTPServer {
    @discardableResult
    static func run<Result: Sendable>(
        respond: @escaping @Sendable (ByteBuffer) -> [ByteBuffer],
        _ body: (_ port: Int) async throws -> Result
    ) async throws -> Result {
        let server = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(
                        wrappingChannelSynchronously: channel)
                }
            }
        let port = server.channel.localAddress!.port!
        return try await server.executeThenClose { inbound, outbound in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await request in inbound {
                        for reply in respond(request.data) {
                            try await outbound.write(AddressedEnvelope(remoteAddress: request.remoteAddress, data: reply))
                        }
                    }
                }
                defer { group.cancelAll() }
                return try await body(port)
            }
        }
    }

    /// A valid server reply to `request`, with the given receive and transmit times.
    static func reply(
        to request: ByteBuffer, receive: NTPTimestamp, transmit: NTPTimestamp,
        change: (inout SNTPPacket) -> Void = { _ in }
    ) -> ByteBuffer {
        var request = request
        let originate = (try? SNTPPacket(decoding: &request))?.transmitTimestamp ?? .zero
        var packet = SNTPPacket(
            version: 4, mode: .server, stratum: 1, precision: -20, referenceID: 0x4750_5300,
            referenceTimestamp: receive, originateTimestamp: originate, receiveTimestamp: receive,
            transmitTimestamp: transmit)
        change(&packet)
        var buffer = ByteBuffer()
        packet.write(to: &buffer)
        return buffer
    }
}
