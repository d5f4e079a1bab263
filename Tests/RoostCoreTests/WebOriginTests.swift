import RoostCore
import Testing

@Suite struct WebOriginTests {
    @Test(arguments: ["https://shop.example", "http://localhost:3000", "https://[::1]:8443"])
    func acceptsOrigins(_ origin: String) {
        #expect(WebOrigin.isValid(origin))
    }

    @Test(arguments: ["shop.example", "https://shop.example/path", "https://", "ftp://files.example", "https://a b", "*"])
    func rejectsWhatIsNotAnOrigin(_ text: String) {
        #expect(!WebOrigin.isValid(text))
    }
}
