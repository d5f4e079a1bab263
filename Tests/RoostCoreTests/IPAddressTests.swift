import RoostCore
import Testing

@Suite struct IPAddressTests {
    @Test(arguments: ["10.0.0.1", "255.255.255.255", "::1", "2001:db8::1", "[::1]", "fe80::1%eth0"])
    func parsesValidAddresses(_ text: String) {
        #expect(IPAddress(text) != nil)
    }

    @Test(arguments: ["", "10.0.0.256", "10.0.0", "1.2.3.4.5", "abc", "::g", " 10.0.0.1", "10.0.0.1/8"])
    func rejectsInvalidAddresses(_ text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func printsCanonicalForms() {
        #expect(IPAddress("2001:0db8:0000:0000:0000:0000:0000:0001")?.description == "2001:db8::1")
        #expect(IPAddress("010.000.000.001") == nil || IPAddress("010.000.000.001")?.description == "10.0.0.1")
        #expect(IPAddress("::ffff:192.168.1.20")?.description == "192.168.1.20")
    }

    @Test func convertsToAndFromIntegers() throws {
        let address = try #require(IPAddress("192.168.1.20"))
        #expect(address.integerValue == 3_232_235_796)
        #expect(IPAddress(ipv4: 3_232_235_796) == address)
        #expect(IPAddress("::2")?.integerValue == 2)
    }

    @Test func networksContainTheirAddresses() throws {
        let v4 = try IPNetwork("10.0.0.0/8")
        #expect(v4.contains(IPAddress("10.255.1.2")!))
        #expect(!v4.contains(IPAddress("11.0.0.1")!))
        #expect(!v4.contains(IPAddress("::1")!))
        let odd = try IPNetwork("192.168.1.128/25")
        #expect(odd.contains(IPAddress("192.168.1.200")!))
        #expect(!odd.contains(IPAddress("192.168.1.100")!))
        let v6 = try IPNetwork("fd00::/8")
        #expect(v6.contains(IPAddress("fd12:3456::1")!))
        #expect(try IPNetwork("::1").contains(IPAddress("::1")!))
        #expect(try IPNetwork("0.0.0.0/0").contains(IPAddress("8.8.8.8")!))
    }

    @Test(arguments: ["10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/x", "nope/8", "::/129", ""])
    func rejectsInvalidNetworks(_ text: String) throws {
        let error = try #require(throws: InvalidIPNetwork.self) { try IPNetwork(text) }
        #expect(error.code == "net.cidr.invalid")
        #expect(error.message.contains("10.0.0.0/8"))
    }
}
