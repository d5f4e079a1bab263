import Foundation

/// Thrown by ``builtExecutable(_:)`` when the product is not next to the tests.
public struct MissingExecutable: Error, CustomStringConvertible {
    /// The product's name.
    public let name: String
    public var description: String { "\(name) was not built next to the tests; run `swift build --build-tests` first" }
}

/// The executable product `name` (`roost-demo`, `roost-lock-stress`), which SwiftPM builds
/// into the same directory as the test bundle.
public func builtExecutable(_ name: String) throws -> URL {
    let candidates = [
        Bundle.main.executableURL?.deletingLastPathComponent(),
        Bundle.main.bundleURL.deletingLastPathComponent(),
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
    ]
    for case let directory? in candidates {
        let url = directory.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    throw MissingExecutable(name: name)
}
