import Foundation
import Hummingbird
import NIOCore

/// A Hummingbird request context that carries the request id.
///
/// ``RequestIDMiddleware`` fills ``requestID`` before any route runs; envelopes and
/// logs read it from there. Adopt it in your own context to add more state:
///
/// ```swift
/// struct AppContext: RoostRequestContext {
///     var coreContext: CoreRequestContextStorage
///     var requestID = ""
///     init(source: ApplicationRequestContextSource) { coreContext = .init(source: source) }
/// }
/// ```
public protocol RoostRequestContext: RequestContext {
    /// The id of the request being handled, empty until ``RequestIDMiddleware`` runs.
    var requestID: String { get set }
}

/// The ready-made ``RoostRequestContext`` for applications that need nothing more.
public struct BasicRoostRequestContext: RoostRequestContext, RemoteAddressRequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The id of the request being handled.
    public var requestID: String
    /// The address of the peer that sent the request (a proxy, when there is one).
    public let remoteAddress: SocketAddress?

    /// Creates the context for a new request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.remoteAddress = source.channel.remoteAddress
    }

    /// JSON with sorted keys and ISO 8601 dates, so envelopes read the same every time.
    public var responseEncoder: JSONEncoder { Self.sharedEncoder }

    static let sharedEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
}
