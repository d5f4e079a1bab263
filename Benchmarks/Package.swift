// swift-tools-version: 6.1
// Benchmark executables, kept out of the main package so `swift test` never builds them.
// `scripts/bench NAME` builds the one it needs in release mode and runs it beside the peers.
import PackageDescription

let settings: [SwiftSetting] = [.swiftLanguageMode(.v6), .enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "RoostBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Roost", path: ".."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.20.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.12.0"),
    ],
    targets: [
        .executableTarget(
            name: "bench-http",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "RoostHTTP", package: "Roost"),
            ],
            swiftSettings: settings),
        .executableTarget(
            name: "bench-scope",
            dependencies: [.product(name: "RoostScope", package: "Roost")],
            swiftSettings: settings),
        .executableTarget(
            name: "bench-coordination",
            dependencies: [
                .product(name: "RoostRedis", package: "Roost"), .product(name: "RoostCoordination", package: "Roost"),
            ],
            swiftSettings: settings),
        .executableTarget(
            name: "bench-tasks",
            dependencies: [.product(name: "RoostTasks", package: "Roost")],
            swiftSettings: settings),
        .executableTarget(
            name: "bench-platform",
            dependencies: [
                .product(name: "RoostLogging", package: "Roost"), .product(name: "RoostExport", package: "Roost"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings),
        .executableTarget(
            name: "bench-redis",
            dependencies: [.product(name: "RoostRedis", package: "Roost")],
            swiftSettings: settings),
        .executableTarget(
            name: "bench-mysql",
            dependencies: [.product(name: "RoostMySQL", package: "Roost")],
            swiftSettings: settings),
        .executableTarget(
            name: "bench-sql",
            dependencies: [
                .product(name: "RoostSQL", package: "Roost"), .product(name: "RoostMySQL", package: "Roost"),
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings),
    ]
)
