import NIOCore
import NIOPosix

@testable import RoostRedis

/// A scripted server on loopback: it decodes each command it receives and answers with
/// whatever `respond` returns, including bytes no real Redis would send.
final class FakeRedisServer: Sendable {
    enum Reply: Sendable {
        /// Raw bytes to send back.
        case bytes(String)
        /// Send what was answered so far, then close the connection (a FIN, so the client
        /// reads the earlier replies before it sees the end).
        case close
        /// Send nothing.
        case silence
    }

    private let channel: any Channel
    var port: Int { channel.localAddress!.port! }

    private init(channel: any Channel) { self.channel = channel }

    /// Starts a server; `respond` sees each command's words and its index on the connection.
    static func start(respond: @escaping @Sendable (_ command: [String], _ index: Int) -> Reply) async throws -> FakeRedisServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(Handler(respond: respond))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FakeRedisServer(channel: channel)
    }

    /// A configuration pointing at this server, without handshake commands.
    func configuration(protocolVersion: RedisConnectionConfiguration.ProtocolVersion = .resp2) -> RedisConnectionConfiguration {
        var configuration = RedisConnectionConfiguration(host: "127.0.0.1", port: port)
        configuration.protocolVersion = protocolVersion
        configuration.commandTimeout = .seconds(10)
        return configuration
    }

    func stop() async throws {
        try await channel.close()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        private var decoder = NIOSingleStepByteToMessageProcessor(RESPDecoder())
        private let respond: @Sendable ([String], Int) -> Reply
        private var index = 0

        init(respond: @escaping @Sendable ([String], Int) -> Reply) { self.respond = respond }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            do {
                try decoder.process(buffer: unwrapInboundIn(data)) { command in
                    let words = command.array?.compactMap(\.string) ?? []
                    switch respond(words, index) {
                    case .bytes(let text): context.write(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
                    case .close:
                        context.flush()
                        context.close(mode: .output, promise: nil)
                    case .silence: break
                    }
                    index += 1
                }
                context.flush()
            } catch {
                context.close(promise: nil)
            }
        }
    }
}
