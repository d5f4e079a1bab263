import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

extension HTTPServerBuilder {
    /// HTTP/1.1 with limits that keep slow or hostile clients from holding connections:
    /// a request head (the request line and headers) must arrive in full within
    /// `headTimeout` of the connection opening or of the previous response, however slowly
    /// its bytes trickle in (so a keep-alive connection waits at most that long for its
    /// next request); a connection that sends nothing for `idleTimeout`, in the middle of
    /// a body say, is closed; headers larger than `maxHeaderBytes` are refused (`431` or
    /// `400`, then the connection is closed).
    ///
    /// ```swift
    /// let app = Application(router: router, server: .roostHTTP1(), configuration: .init(address: .hostname("0.0.0.0", port: 8080)))
    /// ```
    public static func roostHTTP1(
        idleTimeout: Duration = .seconds(60), headTimeout: Duration = .seconds(10), maxHeaderBytes: Int = 32 * 1024
    ) -> HTTPServerBuilder {
        .http1(
            configuration: HTTP1Channel.Configuration(
                additionalChannelHandlers: [RequestHeadTimeoutHandler(timeout: TimeAmount(headTimeout))],
                idleTimeout: TimeAmount(idleTimeout),
                httpDecoderConfiguration: .init(
                    maxHeaderFieldSize: maxHeaderBytes, maxHeaderListSize: maxHeaderBytes, maxHeaderFieldCount: 200)))
    }
}

/// Closes a connection whose request head has not fully arrived `timeout` after the
/// connection opened or the previous response ended: the defence against clients that
/// send a byte now and then to keep a connection (slowloris), which an idle timeout alone
/// never catches.
final class RequestHeadTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { disarm() }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { arm(context: context) }
        context.write(data, promise: promise)
    }

    private func arm(context: ChannelHandlerContext) {
        disarm()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}
