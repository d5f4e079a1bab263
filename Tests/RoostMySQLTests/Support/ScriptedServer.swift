import NIOCore
import NIOPosix
import Synchronization

@testable import RoostMySQL

/// A TCP server on loopback that plays a fixed script: it sends `greeting` when a client
/// connects, then answers the client's n-th packet with `replies[n]` (raw bytes, `nil`
/// closes the connection). It stands in for a broken or hostile server; real behaviour
/// is tested against MariaDB.
struct ScriptedServer: Sendable {
    var greeting: ByteBuffer
    var replies: [ByteBuffer?] = []
    /// Whether to hang up right after sending the greeting.
    var closeAfterGreeting = false
    /// Collects every packet the client sent.
    var received = PacketLog()

    /// Runs `body` with the port of a running server, then stops it.
    func run<Result: Sendable>(_ body: (Int) async throws -> Result) async throws -> Result {
        let script = self
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ScriptedServerHandler(script: script))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            let result = try await body(server.localAddress!.port!)
            try await server.close()
            return result
        } catch {
            try await server.close()
            throw error
        }
    }

    /// Frames `payload` as one packet.
    static func frame(_ sequenceID: UInt8, _ encode: (inout ByteBuffer) -> Void) -> ByteBuffer {
        var payload = ByteBuffer()
        encode(&payload)
        var out = ByteBuffer()
        MySQLPacket.write(payload: payload, sequenceID: sequenceID, into: &out)
        return out
    }

    /// A framed native-password greeting.
    static var greeting: ByteBuffer {
        frame(0) {
            MySQLHandshake(
                serverVersion: "10.11.0-Scripted", connectionID: 9, authPluginData: Array(repeating: 0x61, count: 20),
                capabilities: MySQLCapabilities.clientDefault.union(.connectWithDB), authPluginName: "mysql_native_password"
            ).encode(into: &$0)
        }
    }

    /// A framed OK packet.
    static func ok(_ sequenceID: UInt8) -> ByteBuffer { frame(sequenceID) { MySQLOKPacket().encode(into: &$0) } }
}

/// The packets a client sent to a ``ScriptedServer``, readable from the test.
final class PacketLog: Sendable {
    private let storage = Mutex<[MySQLPacket]>([])

    func append(_ packet: MySQLPacket) { storage.withLock { $0.append(packet) } }

    var packets: [MySQLPacket] { storage.withLock { $0 } }
}

private final class ScriptedServerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let script: ScriptedServer
    var decoder = MySQLPacketDecoder()
    var received = ByteBuffer()
    var index = 0

    init(script: ScriptedServer) { self.script = script }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(script.greeting), promise: nil)
        if script.closeAfterGreeting { context.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        received.writeBuffer(&bytes)
        while let packet = try? decoder.decode(buffer: &received) {
            script.received.append(packet)
            guard index < script.replies.count else { return }
            let reply = script.replies[index]
            index += 1
            guard let reply else {
                context.close(promise: nil)
                return
            }
            context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
