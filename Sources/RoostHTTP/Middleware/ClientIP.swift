import HTTPTypes
import Hummingbird
import NIOCore
import RoostCore

/// Works out the address of the client behind a request.
///
/// `X-Forwarded-For` and `X-Real-IP` can be written by anyone, so they are believed only
/// when the peer that connected is one of the ``trustedProxies``. Then `X-Forwarded-For` is
/// read right to left, skipping trusted proxies, and the first other address is the
/// client. Without trusted proxies the peer's own address is the client.
///
/// ```swift
/// let resolver = try ClientIPResolver(trustedProxies: ["10.0.0.0/8", "::1"])
/// let client = resolver.clientIP(request, context: context)
/// ```
public struct ClientIPResolver: Sendable {
    /// The networks whose forwarding headers are believed.
    public let trustedProxies: [IPNetwork]

    /// A resolver that trusts no proxy: the peer is always the client.
    public static let direct = ClientIPResolver(trustedNetworks: [])

    /// Creates a resolver from parsed networks.
    public init(trustedNetworks: [IPNetwork]) {
        self.trustedProxies = trustedNetworks
    }

    /// Creates a resolver; proxies are CIDR blocks or single addresses.
    public init(trustedProxies: [String] = []) throws(InvalidIPNetwork) {
        var networks: [IPNetwork] = []
        for proxy in trustedProxies { networks.append(try IPNetwork(proxy)) }
        self.init(trustedNetworks: networks)
    }

    /// The client's address, or `nil` when the peer's address is unknown (e.g. in tests
    /// that do not use a socket).
    public func clientIP(_ request: Request, peer: SocketAddress?) -> IPAddress? {
        guard let peerAddress = peer?.ipAddress.flatMap(IPAddress.init) else { return nil }
        guard isTrusted(peerAddress) else { return peerAddress }
        let forwarded = request.headers[values: HTTPField.Name("x-forwarded-for")!]
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in forwarded.reversed() {
            guard let address = IPAddress(hop) else { return peerAddress }  // garbage: trust nothing further
            if !isTrusted(address) { return address }
        }
        if forwarded.isEmpty, let real = request.headers[HTTPField.Name("x-real-ip")!].flatMap(IPAddress.init) {
            return real
        }
        return forwarded.first.flatMap(IPAddress.init) ?? peerAddress
    }

    /// The client's address for a context that knows its peer.
    public func clientIP(_ request: Request, context: some RemoteAddressRequestContext) -> IPAddress? {
        clientIP(request, peer: context.remoteAddress)
    }

    private func isTrusted(_ address: IPAddress) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }
}
