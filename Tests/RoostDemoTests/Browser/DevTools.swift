import Foundation
import HummingbirdWSClient
import Logging

/// One Chrome DevTools Protocol conversation over the browser's WebSocket: every command
/// carries a new id and waits for the answer with that id; events in between are skipped
/// (the test polls the page instead).
struct DevTools {
    private var messages: WebSocketInboundMessageStream.AsyncIterator
    private let outbound: WebSocketOutboundWriter
    private var lastID = 0
    /// The page that commands go to, once ``openPage()`` has attached to it.
    private var sessionID: String?

    /// Connects to `address` (`ws://…/devtools/browser/…`), runs `body` and closes the
    /// connection.
    static func connect<R: Sendable>(
        to address: String, _ body: @escaping @Sendable (inout DevTools) async throws -> R
    ) async throws -> R {
        let outcome = Box<Result<R, any Error>?>(nil)
        // Screenshots arrive as one large text message.
        let configuration = WebSocketClientConfiguration(maxFrameSize: 64 << 20)
        try await WebSocketClient.connect(url: address, configuration: configuration, logger: Logger(label: "devtools")) {
            inbound, outbound, _ in
            var devTools = DevTools(messages: inbound.messages(maxSize: 64 << 20).makeAsyncIterator(), outbound: outbound)
            let result: Result<R, any Error>
            do {
                result = .success(try await body(&devTools))
            } catch {
                result = .failure(error)
            }
            outcome.update { $0 = result }
            try await outbound.close(.normalClosure, reason: nil)
        }
        guard let result = outcome.value else {
            throw BrowserError(description: "the DevTools connection to \(address) ended before the test ran")
        }
        return try result.get()
    }

    /// Opens a new tab and attaches to it: later commands act on that page.
    mutating func openPage() async throws {
        let target = try await send("Target.createTarget", ["url": "about:blank"])
        let targetID = try Self.string(target["targetId"], "Target.createTarget's targetId")
        let attached = try await send("Target.attachToTarget", ["targetId": targetID, "flatten": true])
        sessionID = try Self.string(attached["sessionId"], "Target.attachToTarget's sessionId")
        try await send("Page.enable")
        try await send("Runtime.enable")
    }

    /// Sends `method` with `params` (to the attached page, if any) and returns its result.
    @discardableResult
    mutating func send(_ method: String, _ params: [String: Any] = [:]) async throws -> [String: Any] {
        lastID += 1
        var command: [String: Any] = ["id": lastID, "method": method, "params": params]
        if let sessionID { command["sessionId"] = sessionID }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: command), as: UTF8.self)
        try await outbound.write(.text(text))
        while let message = try await messages.next() {
            guard case .text(let text) = message,
                let answer = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                (answer["id"] as? NSNumber)?.intValue == lastID
            else { continue }
            if let error = answer["error"] as? [String: Any] {
                throw BrowserError(description: "\(method) failed: \(error["message"] as? String ?? "\(error)")")
            }
            return answer["result"] as? [String: Any] ?? [:]
        }
        throw BrowserError(description: "the browser closed the DevTools connection while \(method) was pending")
    }

    /// The value of a JavaScript expression in the page (promises are awaited).
    mutating func evaluate(_ expression: String) async throws -> Any? {
        let answer = try await send(
            "Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = answer["exceptionDetails"] as? [String: Any] {
            let detail = (exception["exception"] as? [String: Any])?["description"] as? String
            throw BrowserError(description: "`\(expression)` threw: \(detail ?? "\(exception)")")
        }
        return (answer["result"] as? [String: Any])?["value"]
    }

    /// Polls `expression` until it is `true`.
    mutating func waitUntil(_ what: String, within limit: Duration = .seconds(60), _ expression: String) async throws {
        let deadline = ContinuousClock.now.advanced(by: limit)
        while try await evaluate(expression) as? Bool != true {
            guard ContinuousClock.now < deadline else {
                throw BrowserError(description: "timed out after \(limit) waiting until \(what)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Sets the files of the `<input type=file>` that `selector` finds, as a user choosing
    /// them would (the page gets its `change` event).
    mutating func setFiles(_ selector: String, _ paths: [String]) async throws {
        let document = try await send("DOM.getDocument", ["depth": 0])
        let root = try Self.int((document["root"] as? [String: Any])?["nodeId"], "DOM.getDocument's root")
        let node = try Self.int(try await send("DOM.querySelector", ["nodeId": root, "selector": selector])["nodeId"], selector)
        guard node != 0 else { throw BrowserError(description: "no element matches \(selector)") }
        try await send("DOM.setFileInputFiles", ["files": paths, "nodeId": node])
    }

    /// Clicks the middle of the element `selector` finds with the mouse, after scrolling
    /// it into view.
    mutating func click(_ selector: String) async throws {
        let centre = try await evaluate(
            """
            (() => {
              const element = document.querySelector(\(javaScriptString(selector)));
              if (!element) return null;
              element.scrollIntoView({ block: "center" });
              const box = element.getBoundingClientRect();
              return [box.x + box.width / 2, box.y + box.height / 2];
            })()
            """) as? [Any]
        guard let point = centre?.compactMap({ ($0 as? NSNumber)?.doubleValue }), point.count == 2 else {
            throw BrowserError(description: "no element matches \(selector)")
        }
        try await send("Input.dispatchMouseEvent", ["type": "mouseMoved", "x": point[0], "y": point[1]])
        for type in ["mousePressed", "mouseReleased"] {
            try await send(
                "Input.dispatchMouseEvent", ["type": type, "x": point[0], "y": point[1], "button": "left", "clickCount": 1])
        }
    }

    /// A PNG of the visible page.
    mutating func screenshot() async throws -> Data {
        let answer = try await send("Page.captureScreenshot", ["format": "png"])
        guard let encoded = answer["data"] as? String, let png = Data(base64Encoded: encoded) else {
            throw BrowserError(description: "Page.captureScreenshot returned no PNG")
        }
        return png
    }

    private static func string(_ value: Any?, _ what: String) throws -> String {
        guard let string = value as? String else { throw BrowserError(description: "\(what) is missing") }
        return string
    }

    private static func int(_ value: Any?, _ what: String) throws -> Int {
        guard let number = value as? NSNumber else { throw BrowserError(description: "\(what) is missing") }
        return number.intValue
    }
}

/// `text` as a JavaScript string literal.
func javaScriptString(_ text: String) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: [text])) ?? Data("[\"\"]".utf8)
    return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
}
