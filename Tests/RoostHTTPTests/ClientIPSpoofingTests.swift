import HTTPTypes
import Hummingbird
import NIOCore
import RoostCore
import RoostHTTP
import Testing

/// Attempts to pass a forged client address through forwarding headers.
@Suite struct ClientIPSpoofingTests {
    private let xff = HTTPField.Name("x-forwarded-for")!
    private let realIP = HTTPField.Name("x-real-ip")!

    private func request(_ fields: [(HTTPField.Name, String)]) -> Request {
        var headers = HTTPFields()
        for (name, value) in fields { headers.append(HTTPField(name: name, value: value)) }
        return Request(
            head: HTTPRequest(method: .get, scheme: "http", authority: "test", path: "/", headerFields: headers),
            body: RequestBody(buffer: ByteBuffer()))
    }

    private func resolve(_ fields: [(HTTPField.Name, String)], peer: String, trusting proxies: [String]) throws -> String? {
        let resolver = try ClientIPResolver(trustedProxies: proxies)
        return resolver.clientIP(request(fields), peer: try SocketAddress(ipAddress: peer, port: 4000))?.description
    }

    @Test func realIPFromAnUntrustedPeerIsIgnored() throws {
        #expect(try resolve([(realIP, "1.1.1.1")], peer: "198.51.100.20", trusting: ["10.0.0.0/8"]) == "198.51.100.20")
    }

    @Test func aForgedPrivateHopLeftOfTheRealClientIsSkipped() throws {
        // The client sent "X-Forwarded-For: 10.0.0.5" hoping to look internal; the proxy appended its real address.
        let client = try resolve([(xff, "10.0.0.5, 203.0.113.7")], peer: "10.0.0.1", trusting: ["10.0.0.0/8"])
        #expect(client == "203.0.113.7")
    }

    @Test func repeatedHeaderLinesAreOneChain() throws {
        let client = try resolve(
            [(xff, "6.6.6.6"), (xff, "203.0.113.9, 10.1.2.3")], peer: "10.0.0.1", trusting: ["10.0.0.0/8"])
        #expect(client == "203.0.113.9")
    }

    @Test func forwardedForWinsOverRealIP() throws {
        let client = try resolve([(realIP, "6.6.6.6"), (xff, "203.0.113.9")], peer: "10.0.0.1", trusting: ["10.0.0.0/8"])
        #expect(client == "203.0.113.9")
    }

    @Test(arguments: ["", " , ", "999.1.1.1", "unknown", "203.0.113.9:443", "::ffff:zz"])
    func garbageFallsBackToThePeer(forwarded: String) throws {
        #expect(try resolve([(xff, forwarded)], peer: "10.0.0.1", trusting: ["10.0.0.0/8"]) == "10.0.0.1")
    }

    @Test func garbageRealIPFallsBackToThePeer() throws {
        #expect(try resolve([(realIP, "not-an-ip")], peer: "10.0.0.1", trusting: ["10.0.0.0/8"]) == "10.0.0.1")
    }

    @Test func ipv6ProxiesAndClients() throws {
        let client = try resolve([(xff, "2001:db8::1, fd00::2")], peer: "fd00::1", trusting: ["fd00::/8"])
        #expect(client == "2001:db8::1")
    }
}
