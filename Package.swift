// swift-tools-version: 6.1
import PackageDescription

/// Settings every Roost target compiles with: Swift 6 language mode (full strict
/// concurrency) and explicit `any` for existentials.
let roostSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let modules = [
    "RoostCore", "RoostScope", "RoostTasks", "RoostCoordination", "RoostRedis", "RoostMySQL",
    "RoostSQL", "RoostHTTP", "RoostConfig", "RoostLogging", "RoostCrypto", "RoostExport",
    "RoostNTP", "RoostHTTPClient",
]

let log: Target.Dependency = .product(name: "Logging", package: "swift-log")
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")
let httpTypes: Target.Dependency = .product(name: "HTTPTypes", package: "swift-http-types")
let serviceLifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")

/// Test-only dependencies beyond the module itself and RoostTestSupport.
let extraTestDependencies: [String: [Target.Dependency]] = [
    "RoostHTTP": [
        .product(name: "HummingbirdTesting", package: "hummingbird"), httpTypes, "RoostCrypto",
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "CompressNIO", package: "compress-nio"),
        .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"), nioCore, nioPosix,
        .product(name: "AsyncHTTPClient", package: "async-http-client"), serviceLifecycle, "RoostRedis", log,
        .product(name: "NIOHTTP1", package: "swift-nio"),
    ],
    "RoostHTTPClient": [
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdTesting", package: "hummingbird"), serviceLifecycle, log, nioCore, nioPosix,
    ],
    "RoostNTP": [nioPosix, serviceLifecycle],
    "RoostLogging": [serviceLifecycle, log],
    "RoostRedis": [
        .product(name: "NIOEmbedded", package: "swift-nio"), nioPosix, "RoostCoordinationContracts", "roost-lock-stress",
        "roost-bus-consumer",
        .product(name: "MetricsTestKit", package: "swift-metrics"),
        .product(name: "InMemoryTracing", package: "swift-distributed-tracing"), "RoostScope",
    ],
    "RoostCoordination": ["RoostCoordinationContracts"],
    "RoostScope": [.product(name: "Instrumentation", package: "swift-distributed-tracing")],
    "RoostMySQL": [
        "RoostPoolSupport", .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
        .product(name: "MetricsTestKit", package: "swift-metrics"),
        .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
    ],
    "RoostSQL": [serviceLifecycle, log, "RoostTasks", "roost-migration-race"],
    "RoostTasks": [nioPosix],
]

let package = Package(
    name: "Roost",
    platforms: [.macOS(.v15)],
    products: modules.map { .library(name: $0, targets: [$0]) } + [
        .executable(name: "roost-demo", targets: ["roost-demo"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(
            url: "https://github.com/apple/swift-configuration.git", from: "1.4.0",
            traits: [.defaults, "CommandLineArguments", "YAML"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.20.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.30.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.0"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.13.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.20.0"),
    ],
    targets: [
        .target(name: "RoostCore", dependencies: [log], swiftSettings: roostSettings),
        .target(
            name: "RoostScope",
            dependencies: [
                "RoostCore", log, serviceLifecycle,
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ],
            swiftSettings: roostSettings),
        .target(
            name: "RoostTasks",
            dependencies: [
                "RoostCore", log, serviceLifecycle, nioPosix,
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: roostSettings),
        .target(
            name: "RoostCoordination", dependencies: ["RoostCore", "RoostTasks", log, serviceLifecycle],
            swiftSettings: roostSettings),
        .target(
            name: "RoostRedis",
            dependencies: [
                "RoostCoordination", "RoostPoolSupport", log, nioCore, nioPosix, serviceLifecycle,
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: roostSettings),
        .target(
            name: "RoostMySQL",
            dependencies: [
                "RoostCore", log, nioCore, nioPosix, .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"), serviceLifecycle, "RoostPoolSupport",
                .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: roostSettings),
        // Lease logic and instrumentation shared by the drivers (not a product: the drivers
        // re-export what users configure).
        .target(
            name: "RoostPoolSupport",
            dependencies: [
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"), log, nioCore, serviceLifecycle,
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: roostSettings),
        .target(
            name: "RoostSQL",
            dependencies: [
                "RoostCore", "RoostMySQL", "RoostPoolSupport", log, nioCore, nioPosix, serviceLifecycle,
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
            ],
            swiftSettings: roostSettings),
        .target(
            name: "RoostHTTP",
            dependencies: [
                "RoostCore", "RoostCoordination", "RoostCrypto", "RoostConfig", "RoostScope", log,
                .product(name: "Hummingbird", package: "hummingbird"), httpTypes, nioCore, nioPosix,
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"), serviceLifecycle,
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: roostSettings),
        .target(
            name: "RoostHTTPClient",
            dependencies: [
                "RoostCore", "RoostTasks", log, serviceLifecycle, nioCore, nioPosix,
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: roostSettings),
        .target(
            name: "RoostConfig",
            dependencies: [
                "RoostCore", .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: roostSettings),
        .target(
            name: "RoostLogging", dependencies: ["RoostCore", log, nioPosix, serviceLifecycle],
            swiftSettings: roostSettings),
        .target(
            name: "RoostCrypto",
            dependencies: [
                "RoostCore", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: roostSettings),
        .target(
            name: "RoostExport",
            dependencies: ["RoostCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: roostSettings),
        .target(
            name: "RoostNTP", dependencies: ["RoostCore", log, nioCore, nioPosix, serviceLifecycle],
            swiftSettings: roostSettings),
        .executableTarget(
            name: "roost-demo",
            dependencies: modules.map { .target(name: $0) } + [
                log, serviceLifecycle, .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("Public")],
            swiftSettings: roostSettings),

        // Tests: one target per module, plus shared helpers.
        // One OS process of the multi-process lock safety test (RoostRedisTests spawns it).
        .executableTarget(
            name: "roost-lock-stress", dependencies: ["RoostRedis"], path: "Tests/RoostLockStress",
            swiftSettings: roostSettings),
        // One consumer process of the multi-process durable event bus test (RoostRedisTests spawns it).
        .executableTarget(
            name: "roost-bus-consumer", dependencies: ["RoostRedis"], path: "Tests/RoostBusConsumer",
            swiftSettings: roostSettings),
        // One OS process of the two-process migration test (RoostSQLTests spawns it).
        .executableTarget(
            name: "roost-migration-race", dependencies: ["RoostSQL"], path: "Tests/RoostMigrationRace",
            swiftSettings: roostSettings),
        .target(
            name: "RoostTestSupport", dependencies: ["RoostCore", "RoostTasks", log, nioCore, nioPosix],
            path: "Tests/RoostTestSupport", swiftSettings: roostSettings),
        // Behaviour every RoostCoordination implementation must show, run by the tests of
        // each implementation (in-memory and Redis).
        .target(
            name: "RoostCoordinationContracts", dependencies: ["RoostCoordination", "RoostTasks", "RoostTestSupport"],
            path: "Tests/RoostCoordinationContracts", swiftSettings: roostSettings),
    ]
        + modules.map { module in
            .testTarget(
                name: "\(module)Tests",
                dependencies: [.target(name: module), "RoostTestSupport"]
                    + (extraTestDependencies[module] ?? []),
                swiftSettings: roostSettings)
        }
        + [
            .testTarget(
                name: "RoostDemoTests",
                dependencies: [
                    "roost-demo", "RoostTestSupport",
                    .product(name: "HummingbirdTesting", package: "hummingbird"),
                    .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                    .product(name: "AsyncHTTPClient", package: "async-http-client"),
                ],
                swiftSettings: roostSettings)
        ]
)
