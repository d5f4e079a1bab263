import NIOCore
import Testing

@testable import RoostMySQL

@Suite("Packet payloads")
struct PacketDecodingTests {
    // A MariaDB 10.11 style greeting, byte by byte.
    static let mariaDBGreeting = hex(
        """
        0a
        35 2e 35 2e 35 2d 31 30 2e 31 31 2e 36 2d 4d 61 72 69 61 44 42 00
        04 00 00 00
        61 62 63 64 65 66 67 68
        00
        fe f7
        2d
        02 00
        ff 81
        15
        00 00 00 00 00 00
        1d 00 00 00
        69 6a 6b 6c 6d 6e 6f 70 71 72 73 74 00
        6d 79 73 71 6c 5f 6e 61 74 69 76 65 5f 70 61 73 73 77 6f 72 64 00
        """)

    @Test func decodesMariaDBGreeting() throws {
        let greeting = try MySQLHandshake(payload: Self.mariaDBGreeting)
        #expect(greeting.serverVersion == "5.5.5-10.11.6-MariaDB")
        #expect(greeting.isMariaDB)
        #expect(greeting.connectionID == 4)
        #expect(greeting.authPluginData == Array("abcdefghijklmnopqrst".utf8))
        #expect(greeting.capabilities.lower32 == 0x81FF_F7FE)
        #expect(greeting.capabilities.upper32 == 0x1D)
        #expect(greeting.capabilities.contains(.pluginAuth))
        #expect(greeting.capabilities.contains(.mariaDBProgress))
        #expect(!greeting.capabilities.contains(.clientMySQL))
        #expect(greeting.characterSet == 45)
        #expect(greeting.status == .autocommit)
        #expect(greeting.authPluginName == "mysql_native_password")
    }

    @Test func greetingRoundTrips() throws {
        let greeting = MySQLHandshake(
            serverVersion: "8.4.0", connectionID: 77, authPluginData: Array(repeating: 0x41, count: 20),
            capabilities: MySQLCapabilities(lower: MySQLCapabilities.clientDefault.lower32).union(.ssl),
            authPluginName: "caching_sha2_password")
        var wire = ByteBuffer()
        greeting.encode(into: &wire)
        #expect(try MySQLHandshake(payload: wire) == greeting)
    }

    @Test func everyTruncationOfTheGreetingIsMalformedOrUnsupported() {
        let full = bytes(Self.mariaDBGreeting)
        // Dropping the final NUL is tolerated (some servers omit it); any shorter prefix fails.
        for length in 0..<(full.count - 22) {
            let kind = protocolErrorKind { _ = try MySQLHandshake(payload: buffer(Array(full.prefix(length)))) }
            #expect(kind == .malformed || kind == .unsupported, "prefix of \(length) bytes")
        }
    }

    @Test func greetingWithOtherProtocolVersionIsUnsupported() {
        #expect(protocolErrorKind { _ = try MySQLHandshake(payload: hex("09 00")) } == .unsupported)
    }

    @Test func errorInPlaceOfGreetingIsServerError() throws {
        // 1040 Too many connections, without SQLSTATE marker.
        let payload = hex("ff 10 04") + ByteBuffer(string: "Too many connections")
        #expect(throws: MySQLServerError(errorCode: 1040, sqlState: "HY000", serverMessage: "Too many connections")) {
            _ = try MySQLHandshake(payload: payload)
        }
    }

    @Test func encodesHandshakeResponse() throws {
        let response = MySQLHandshakeResponse(
            capabilities: [.clientMySQL, .protocol41, .secureConnection, .pluginAuth, .connectWithDB,
                .pluginAuthLengthEncodedClientData, .connectAttributes],
            maximumPacketSize: 0x0100_0000, characterSet: 45, username: "ro",
            authResponse: [0xAA, 0xBB], database: "db", authPluginName: "p",
            attributes: [(key: "a", value: "b")])
        let wire = encoded { response.encode(into: &$0) }
        var expected: [UInt8] = [0x09, 0x82, 0x38, 0x00]  // capabilities
        expected += [0x00, 0x00, 0x00, 0x01]  // max packet
        expected += [45] + Array(repeating: 0, count: 23)
        expected += Array("ro".utf8) + [0]
        expected += [2, 0xAA, 0xBB]  // length-encoded auth response
        expected += Array("db".utf8) + [0]
        expected += Array("p".utf8) + [0]
        expected += [4, 1, 0x61, 1, 0x62]  // attributes
        #expect(wire == expected)
        #expect(try MySQLHandshakeResponse(payload: buffer(wire)) == response)
    }

    @Test func decodesOKPacket() throws {
        // affected 1, insert id 251 (0xFC FB 00), status autocommit, 2 warnings, info.
        let ok = try MySQLOKPacket(payload: hex("00 01 fc fb 00 02 00 02 00 68 69"), capabilities: [.protocol41])
        #expect(ok == MySQLOKPacket(affectedRows: 1, lastInsertID: 251, status: .autocommit, warnings: 2, info: "hi"))
        var wire = ByteBuffer()
        ok.encode(into: &wire)
        #expect(bytes(wire) == bytes(hex("00 01 fc fb 00 02 00 02 00 68 69")))
        #expect(protocolErrorKind { _ = try MySQLOKPacket(payload: hex("00 01 fc fb"), capabilities: []) } == .malformed)
        #expect(protocolErrorKind { _ = try MySQLOKPacket(payload: hex("00 ff"), capabilities: []) } == .malformed)
        #expect(protocolErrorKind { _ = try MySQLOKPacket(payload: hex("01 00 00 00 00 00 00"), capabilities: []) } == .malformed)
    }

    @Test func decodesEOFPacket() throws {
        let payload = hex("fe 01 00 22 00")
        #expect(MySQLEOFPacket.matches(payload))
        #expect(try MySQLEOFPacket(payload: payload) == MySQLEOFPacket(warnings: 1, status: [.autocommit, .noIndexUsed]))
        #expect(!MySQLEOFPacket.matches(hex("fe 00 00 00 00 00 00 00 00")))
        #expect(protocolErrorKind { _ = try MySQLEOFPacket(payload: hex("fe 01")) } == .malformed)
    }

    @Test func decodesERRPacket() throws {
        var payload = hex("ff 15 04 23 32 38 30 30 30")  // 1045 #28000
        payload.writeString("Access denied")
        let error = try MySQLERRPacket(payload: payload, capabilities: [.protocol41]).error
        #expect(error == MySQLServerError(errorCode: 1045, sqlState: "28000", serverMessage: "Access denied"))
        #expect(error.isAccessDenied)
        #expect(error.code == "mysql.server.error")
        var wire = ByteBuffer()
        MySQLERRPacket(error: error).encode(into: &wire)
        #expect(wire == payload)
        #expect(protocolErrorKind { _ = try MySQLERRPacket(payload: hex("ff 15"), capabilities: []) } == .malformed)
        #expect(protocolErrorKind { _ = try MySQLERRPacket(payload: hex("ff 15 04 23 32 38"), capabilities: []) } == .malformed)
    }

    @Test func decodesAuthSwitchRequest() throws {
        var payload = hex("fe")
        payload.writeNullTerminatedString("mysql_native_password")
        payload.writeBytes(Array(repeating: 0x30, count: 20) + [0])
        let request = try MySQLAuthSwitchRequest(payload: payload)
        #expect(request == MySQLAuthSwitchRequest(pluginName: "mysql_native_password", pluginData: Array(repeating: 0x30, count: 20)))
        var wire = ByteBuffer()
        request.encode(into: &wire)
        #expect(wire == payload)
        #expect(protocolErrorKind { _ = try MySQLAuthSwitchRequest(payload: hex("fe")) } == .unsupported)
        #expect(protocolErrorKind { _ = try MySQLAuthSwitchRequest(payload: hex("fe 61 62")) } == .malformed)
    }

    @Test func decodesAuthMoreData() throws {
        #expect(try MySQLAuthMoreData(payload: hex("01 03")) == MySQLAuthMoreData(data: [3]))
        #expect(protocolErrorKind { _ = try MySQLAuthMoreData(payload: hex("02 03")) } == .malformed)
        #expect(protocolErrorKind { _ = try MySQLAuthMoreData(payload: ByteBuffer()) } == .malformed)
    }
}
