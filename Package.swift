// swift-tools-version:6.2
import PackageDescription

/// Strictness shared by every target of ours. Dependencies are unaffected (H-1, H-36).
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .treatAllWarnings(as: .error),
]
/// Library modules also hide their imports unless a public signature needs them.
let library: [SwiftSetting] = strict + [.enableUpcomingFeature("InternalImportsByDefault")]

let package = Package(
    name: "psa-insight",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "psa-insight", targets: ["psa-insight"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // Already in the graph through Hummingbird; named for the sync scheduler service.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // The pure domain: Foundation only.
        .target(name: "InsightCore", swiftSettings: library),
        // JSON read from its bytes without a dictionary per object: how PSA pages are decoded. Foundation only.
        .target(name: "InsightJSON", swiftSettings: library),
        // ConnectWise PSA's REST API as data: the conditions grammar, paging rules, JSON shapes and their mapping
        // to the domain. Shared by the simulator and the connector; no I/O.
        .target(name: "ConnectWiseAPI", dependencies: ["InsightCore", "InsightJSON"], swiftSettings: library),
        // Autotask PSA's REST API as data: the query filter language, paging, JSON shapes, security levels, picklists
        // and the mapping to the domain. Shared by the simulator and the connector; no I/O.
        .target(name: "AutotaskAPI", dependencies: ["InsightCore", "InsightJSON"], swiftSettings: library),
        // Read-only clients of the PSA APIs: GET requests only, paged, incremental, with retries.
        .target(
            name: "InsightConnectors",
            dependencies: [
                "ConnectWiseAPI", "InsightCore",
                "AutotaskAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: library
        ),
        // A ConnectWise PSA server over HTTP, serving a generated business: for tests, benchmarks and the demo.
        .target(
            name: "ConnectWiseSimulator",
            dependencies: [
                "ConnectWiseAPI", "InsightCore", "InsightJSON", "MSPModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: library
        ),
        // An Autotask PSA server over HTTP, serving the same generated business: for tests, benchmarks and the demo.
        .target(
            name: "AutotaskSimulator",
            dependencies: [
                "AutotaskAPI", "InsightCore", "InsightJSON", "MSPModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: library
        ),
        // A seeded, generated MSP business and its ground truth: the demo's data and the tests' oracle.
        .target(name: "MSPModel", dependencies: ["InsightCore"], swiftSettings: library),
        // One SQLKit store for SQLite and PostgreSQL.
        .target(
            name: "InsightStore",
            dependencies: [
                "InsightCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: library
        ),
        // The sync engine: cursors, resumable page-by-page loads, deletions, leases between workers.
        .target(
            name: "InsightSync",
            dependencies: [
                "InsightCore", "InsightStore", "ConnectWiseAPI", "AutotaskAPI", "InsightConnectors",
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: library
        ),
        // The KPI engine: the CFO's numbers and the data-health checks, as SQL aggregates over the store.
        .target(
            name: "InsightMetrics",
            dependencies: ["InsightCore", "InsightStore", .product(name: "SQLKit", package: "sql-kit")],
            swiftSettings: library
        ),
        // Secrets at rest: AES-GCM sealing of PSA credentials under a key ring, with rotation.
        .target(name: "InsightVault", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: library),
        // The web app: onboarding, credentials, dashboards, exports and the JSON API, as server-rendered HTML.
        .target(
            name: "InsightWeb",
            dependencies: [
                "InsightCore", "InsightStore", "InsightMetrics", "InsightVault", "InsightConnectors", "InsightSync", "ConnectWiseAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: library
        ),
        // Composition root: configuration, opening the store, the use cases the CLI runs.
        .target(
            name: "InsightApp",
            dependencies: [
                "InsightCore", "InsightStore", "MSPModel", "ConnectWiseSimulator", "ConnectWiseAPI", "InsightConnectors",
                "InsightSync", "InsightMetrics", "InsightVault", "InsightWeb",
                "AutotaskAPI", "AutotaskSimulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: library
        ),
        .executableTarget(
            name: "psa-insight",
            dependencies: [
                "InsightApp", "InsightCore", "MSPModel", "InsightConnectors", "InsightStore", "InsightSync", "InsightMetrics", "InsightWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Release-mode benchmarks: `swift run -c release insight-bench …`.
        .executableTarget(
            name: "insight-bench",
            dependencies: [
                "InsightCore", "InsightStore", "MSPModel", "ConnectWiseAPI", "ConnectWiseSimulator", "InsightConnectors",
                "InsightMetrics", "InsightSync", "InsightWeb", "InsightVault",
                "AutotaskAPI", "AutotaskSimulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: strict
        ),
        // Fixtures and the store contract suite, shared by test targets.
        .target(
            name: "InsightTestSupport",
            dependencies: [
                "InsightCore", "InsightStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: library
        ),
        .testTarget(name: "InsightCoreTests", dependencies: ["InsightCore"], swiftSettings: strict),
        .testTarget(name: "InsightJSONTests", dependencies: ["InsightJSON"], swiftSettings: strict),
        .testTarget(
            name: "ConnectWiseAPITests", dependencies: ["ConnectWiseAPI", "InsightCore", "MSPModel"],
            resources: [.copy("Samples")], swiftSettings: strict),
        .testTarget(
            name: "AutotaskAPITests", dependencies: ["AutotaskAPI", "InsightCore", "MSPModel"], resources: [.copy("Samples")],
            swiftSettings: strict),
        .testTarget(
            name: "AutotaskSimulatorTests",
            dependencies: [
                "AutotaskSimulator", "AutotaskAPI", "InsightCore", "MSPModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            resources: [.copy("Schemas")],
            swiftSettings: strict
        ),
        .testTarget(name: "MSPModelTests", dependencies: ["MSPModel", "InsightCore"], swiftSettings: strict),
        .testTarget(
            name: "ConnectWiseSimulatorTests",
            dependencies: [
                "ConnectWiseSimulator", "ConnectWiseAPI", "InsightCore", "MSPModel",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            resources: [.copy("Schemas"), .copy("Samples")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "InsightConnectorsTests",
            dependencies: [
                "InsightConnectors", "ConnectWiseSimulator", "ConnectWiseAPI", "InsightCore", "InsightStore", "MSPModel",
                "InsightTestSupport",
                "AutotaskAPI", "AutotaskSimulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "InsightStoreTests",
            dependencies: ["InsightStore", "InsightCore", "InsightTestSupport", "MSPModel"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "InsightSyncTests",
            dependencies: [
                "InsightSync", "InsightConnectors", "ConnectWiseSimulator", "ConnectWiseAPI", "InsightCore", "InsightStore",
                "MSPModel", "InsightTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                "AutotaskAPI",
                "AutotaskSimulator",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "InsightMetricsTests",
            dependencies: [
                "InsightMetrics", "InsightSync", "InsightConnectors", "ConnectWiseSimulator", "AutotaskSimulator", "InsightCore", "InsightStore",
                "MSPModel", "InsightTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "InsightWebTests",
            dependencies: [
                "InsightWeb", "InsightApp", "InsightVault", "InsightMetrics", "InsightCore", "InsightStore", "MSPModel",
                "InsightTestSupport", "InsightConnectors", "ConnectWiseSimulator",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "InsightVaultTests", dependencies: ["InsightVault"], swiftSettings: strict),
        .testTarget(
            name: "InsightAppTests",
            dependencies: [
                "InsightApp", "InsightCore", "InsightStore", "InsightTestSupport", "MSPModel", "InsightConnectors", "InsightMetrics",
                "AutotaskAPI", "AutotaskSimulator",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
    ]
)
