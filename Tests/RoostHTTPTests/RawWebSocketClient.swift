import NIOCore
import NIOPosix

/// The close frame a server sent right after upgrading, read over a plain TCP connection.
///
/// The WebSocket client library can miss a close frame that arrives in the same read as
/// the `101 Switching Protocols` response and then wait forever; a server that refuses a
/// connection does exactly that, so tests of refusals read the bytes themselves.
struct RawWebSocketRefusal {
    /// The status line of the handshake response.
    let statusLine: String
    /// The close code, or nil if the first frame was not a close frame.
    let closeCode: UInt16?
    /// The close reason text.
    let reason: String

    /// Upgrades `path` on `127.0.0.1:port`, reads the first frame, answers a close frame
    /// with a close frame and returns what it saw.
    static func read(port: Int, path: String) async throws -> RawWebSocketRefusal {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            let request =
                "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            try await outbound.write(ByteBuffer(string: request))
            var received: [UInt8] = []
            for try await chunk in inbound {
                received += chunk.readableBytesView
                guard let refusal = parse(received) else { continue }
                if refusal.closeCode != nil {
                    // A masked close frame with no payload: the client's half of the
                    // handshake; the server may have closed the connection already.
                    try? await outbound.write(ByteBuffer(bytes: [0x88, 0x80, 1, 2, 3, 4]))
                }
                return refusal
            }
            return RawWebSocketRefusal(statusLine: "connection closed before a frame", closeCode: nil, reason: "")
        }
    }

    /// The response head and the first complete frame in `bytes`, or nil if incomplete.
    private static func parse(_ bytes: [UInt8]) -> RawWebSocketRefusal? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = bytes.indices.dropLast(3).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else {
            return nil
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        let statusLine = head.split(separator: "\r\n").first.map(String.init) ?? ""
        let frame = Array(bytes[(end + 4)...])
        guard frame.count >= 2 else { return nil }
        let length = Int(frame[1] & 0x7F)  // a server's close frame is short and unmasked
        guard frame.count >= 2 + length else { return nil }
        guard frame[0] & 0x0F == 0x8, length >= 2 else {
            return RawWebSocketRefusal(statusLine: statusLine, closeCode: nil, reason: "")
        }
        let code = UInt16(frame[2]) << 8 | UInt16(frame[3])
        return RawWebSocketRefusal(
            statusLine: statusLine, closeCode: code, reason: String(decoding: frame[4..<2 + length], as: UTF8.self))
    }
}
