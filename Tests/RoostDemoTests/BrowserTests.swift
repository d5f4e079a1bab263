import Foundation
import HummingbirdTesting
import RoostTestSupport
import Testing

@testable import roost_demo

/// The web page in headless Chromium against a demo on embedded defaults (SQLite,
/// in-memory coordination), driven over the Chrome DevTools Protocol.
@Suite struct BrowserTests {
    @Test(.enabled(if: Chromium.shouldRun, Chromium.skipReason))
    func thePagePreviewsAnImageBeforeSendingAndShowsAnOrderInTheLiveFeed() async throws {
        let picture = FileManager.default.temporaryDirectory.appendingPathComponent("roost-demo-sencha-\(UUID()).png")
        try Data(SamplePNG.make()).write(to: picture)
        defer { try? FileManager.default.removeItem(at: picture) }
        let screenshot = Chromium.screenshotURL

        try await withDemo { app, _ in
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let sencha = try await client.createProduct(name: "Sencha", priceCents: 450, stock: 120)
                _ = try await client.createProduct(name: "Oolong", priceCents: 690, stock: 40)
                let picturePath = picture.path
                let png = try await withDeadline("the page scenario in Chromium", .seconds(300)) {
                    try await Chromium.withBrowser { address in
                        try await DevTools.connect(to: address) { page in
                            try await pageScenario(&page, port: port, product: sencha, picture: picturePath)
                        }
                    }
                }
                #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
                #expect(png.count > 10_000, "a blank page would be a much smaller PNG")
                try FileManager.default.createDirectory(
                    at: screenshot.deletingLastPathComponent(), withIntermediateDirectories: true)
                try png.write(to: screenshot)
                print("roost-demo page screenshot: \(screenshot.path)")

                // What the page did reached the service: the upload and exactly one order.
                try await client.execute(uri: "/products/\(sencha)", method: .get) { response throws in
                    let product = try data(response)
                    #expect(product["image_type"] as? String == "image/png")
                    #expect(product["stock"] as? Int == 119)
                }
                try await client.execute(uri: "/orders", method: .get) { response throws in
                    let orders = try #require(try json(response)["data"] as? [[String: Any]])
                    #expect(orders.count == 1)
                    #expect(orders.first?["product_id"] as? Int == sencha)
                }
            }
        }
    }
}

/// Loads the page, chooses a picture for `product` (its preview must show before anything
/// is sent), uploads it, orders one unit with the mouse, waits for the order in the live
/// feed and returns a screenshot.
private func pageScenario(_ page: inout DevTools, port: Int, product: Int, picture: String) async throws -> Data {
    let card = #".product[data-id="\#(product)"]"#
    try await page.openPage()
    try await page.send("Page.navigate", ["url": "http://127.0.0.1:\(port)/index.html"])
    try await page.waitUntil(
        "the product list is shown and the live feed is connected",
        "document.querySelector(\(javaScriptString(card))) !== null && document.querySelector('#status').textContent === 'live'")

    try await page.setFiles("\(card) input[type=file]", [picture])
    try await page.waitUntil(
        "the preview of the chosen picture is shown",
        """
        (() => {
          const preview = document.querySelector(\(javaScriptString("\(card) .preview")));
          return !preview.hidden && preview.src.startsWith("blob:") && preview.complete && preview.naturalWidth === 96;
        })()
        """)
    // The preview is local: the service has no image for the product yet.
    let before = try await page.evaluate("fetch('/products/\(product)').then(r => r.json()).then(e => e.data.image_type)")
    #expect(before == nil || before is NSNull, "the picture was sent before the user asked")

    try await page.click("\(card) .upload button[type=submit]")
    try await page.waitUntil(
        "the uploaded picture is shown on the product card",
        """
        (() => {
          const image = document.querySelector(\(javaScriptString("\(card) .picture img")));
          return image !== null && !image.hidden && image.complete && image.naturalWidth === 96;
        })()
        """)

    try await page.click("\(card) .order")
    try await page.waitUntil(
        "the live feed shows the order",
        """
        (() => {
          const item = document.querySelector("#feed li");
          return item !== null && item.textContent.includes("1 × Sencha, 119 left");
        })()
        """)
    try await page.waitUntil(
        "the product card shows the new stock and the statistics count the order",
        """
        document.querySelector(\(javaScriptString("\(card) .stock"))).textContent === "119"
          && document.querySelector("#stats").textContent.startsWith("1 order · 1 unit · ")
        """)
    let errorShown = try await page.evaluate("!document.querySelector('#error').hidden")
    #expect(errorShown as? Bool == false, "the page shows an error")
    _ = try await page.evaluate("window.scrollTo(0, 0)")
    return try await page.screenshot()
}
