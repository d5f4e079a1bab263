// swift-tools-version: 6.1
// libFuzzer targets for Roost's wire decoders, kept out of the main package. Build and run
// them with `scripts/fuzz NAME [SECONDS]`, which adds `-sanitize=fuzzer,address`.
import PackageDescription

let package = Package(
    name: "RoostFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Roost", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
    ],
    targets: [
        .target(name: "FuzzDriver", swiftSettings: [.swiftLanguageMode(.v6)]),
        .executableTarget(
            name: "fuzz-resp",
            dependencies: [
                "FuzzDriver", .product(name: "RoostRedis", package: "Roost"), .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]),
        .executableTarget(
            name: "fuzz-mysql",
            dependencies: [
                "FuzzDriver", .product(name: "RoostMySQL", package: "Roost"), .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]),
    ]
)
