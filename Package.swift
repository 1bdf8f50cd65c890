// swift-tools-version:6.1
// hashsec — pricing and stress-testing tokenized Bitcoin mining hashrate.
// Module map (a stage never imports another stage; only Pipeline combines them):
//   CBLAS, CLAPACKE, CSHA256,     C shims (system BLAS/LAPACKE; SHA-NI kernel;
//   CKernels                      the Monte Carlo inner loops, vectorised: exp/log, shocks, clock, pricer, histograms)
//   Bitcoin                       protocol facts, headers, SHA-256d, 256-bit targets
//   Domain                        value types shared by every stage (no I/O; uses Bitcoin's protocol facts)
//   Statistics                    the one statistics module: quantiles, moments, histograms, typed results (RunSummary)
//   Models                        the price models: one file each (fit, table rows, daily law), and their registry
//   LinearAlgebra                 the only importer of BLAS/LAPACKE (also wraps CKernels' exp/log as VectorMath)
//   Config                        YAML deal / scenario / nightly files -> Domain, with line numbers
//   Ingest, Store, Benchmark, Calibrate, Simulate, Report   one module per stage
//   Structures                    waterfall and staking-leverage engines, the collateral marks (pure, used by Simulate)
//   Charts                        hand-written SVG charts (used by Report)
//   Backtest                      forecast scoring: quantiles, PIT, coverage, pinball loss, naive baseline (pure)
//   Pipeline                      wires the stages and the store together
//   hashsec                       thin command-line executable
import Foundation
import PackageDescription

let v5: [SwiftSetting] = [.swiftLanguageMode(.v5)]

/// Each module has a short README.md beside its sources; keep it out of the build.
func docs(_ target: String) -> [String] {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Sources/\(target)")
    return FileManager.default.fileExists(atPath: dir.appendingPathComponent("README.md").path) ? ["README.md"] : []
}

let package = Package(
    name: "hashsec",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "hashsec", targets: ["hashsec"]),
        .library(name: "HashsecPipeline", targets: ["Pipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    ],
    targets: [
        // C shims
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CLAPACKE", path: "Sources/CLAPACKE"),
        .target(name: "CSHA256", path: "Sources/CSHA256", exclude: docs("CSHA256")),
        .target(name: "CKernels", path: "Sources/CKernels", exclude: docs("CKernels")),

        // Core
        .target(name: "Bitcoin", dependencies: ["CSHA256"], exclude: docs("Bitcoin"), swiftSettings: v5),
        .target(name: "Domain", dependencies: ["Bitcoin"], exclude: docs("Domain"), swiftSettings: v5),
        .target(name: "Statistics", exclude: docs("Statistics"), swiftSettings: v5),
        .target(name: "LinearAlgebra", dependencies: ["CBLAS", "CLAPACKE", "CKernels"], exclude: docs("LinearAlgebra"), swiftSettings: v5),
        .target(name: "Models", dependencies: ["Domain", "LinearAlgebra", "CKernels"], exclude: docs("Models"), swiftSettings: v5),
        .target(name: "Config", dependencies: ["Domain", "Models", "Yams"], exclude: docs("Config"), swiftSettings: v5),

        // Stages
        .target(name: "Ingest", dependencies: ["Domain", "Bitcoin"], exclude: docs("Ingest"), swiftSettings: v5),
        .target(name: "Store", dependencies: ["Domain", .product(name: "GRDB", package: "GRDB.swift")], exclude: docs("Store"), swiftSettings: v5),
        .target(name: "Benchmark", dependencies: ["Domain", "Bitcoin"], exclude: docs("Benchmark"), swiftSettings: v5),
        .target(name: "Calibrate", dependencies: ["Domain", "Models", "LinearAlgebra", .product(name: "Numerics", package: "swift-numerics")], exclude: docs("Calibrate"), swiftSettings: v5),
        .target(name: "Structures", dependencies: ["Domain", "Statistics", "LinearAlgebra"], exclude: docs("Structures"), swiftSettings: v5),
        .target(name: "Simulate", dependencies: ["Domain", "Models", "Statistics", "LinearAlgebra", "Structures", "Bitcoin", "CKernels"], exclude: docs("Simulate") + ["Stress/README.md"], swiftSettings: v5),
        .target(name: "Charts", dependencies: ["Domain"], exclude: docs("Charts"), swiftSettings: v5),
        .target(name: "Backtest", dependencies: ["Domain", "Statistics"], exclude: docs("Backtest"), swiftSettings: v5),
        .target(name: "Report", dependencies: ["Domain", "Charts", .product(name: "Mustache", package: "swift-mustache")],
                exclude: docs("Report"), resources: [.copy("Templates")], swiftSettings: v5),

        // Orchestration
        .target(name: "Pipeline", dependencies: [
            "Domain", "Models", "Bitcoin", "Config", "Ingest", "Store", "Benchmark", "Calibrate", "Simulate", "Statistics", "Structures", "Report", "Backtest",
            .product(name: "Logging", package: "swift-log"),
        ], exclude: docs("Pipeline"), swiftSettings: v5),
        .executableTarget(name: "hashsec", dependencies: [
            "Pipeline", "Domain", "Models", "Bitcoin", "Config", "Ingest", "Store", "Benchmark", "Calibrate", "Simulate", "Structures", "Report", "Backtest",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], exclude: docs("hashsec"), swiftSettings: v5),

        // Test support (dataset paths, temp dirs, an independent SHA-256 etc.)
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: v5),

        // Tests
        .testTarget(name: "BitcoinTests", dependencies: ["Bitcoin", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "DomainTests", dependencies: ["Models", "Domain", "Config", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "Domain", "Simulate", "LinearAlgebra", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"], swiftSettings: v5),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "Store", "Domain", "Bitcoin", "TestSupport",
                                                       .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: v5),
        .testTarget(name: "BenchmarkTests", dependencies: ["Benchmark", "Ingest", "Domain", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "CalibrateTests", dependencies: ["Models", "Calibrate", "Benchmark", "Ingest", "Simulate", "Domain", "LinearAlgebra", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics"], swiftSettings: v5),
        .testTarget(name: "SimulateTests", dependencies: ["Models", "Simulate", "Statistics", "Structures", "Config", "Domain", "Bitcoin", "CKernels", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "StructuresTests", dependencies: ["Structures", "Statistics", "Domain", "Config", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Charts", "Domain", "TestSupport"], swiftSettings: v5),
        // Runs the built `hashsec` binary on hostile inputs (issue 12's acceptance suite; table in HostileCases.swift).
        .testTarget(name: "HostileInputTests", dependencies: ["TestSupport", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: v5),
        .testTarget(name: "PipelineTests", dependencies: ["Models", "Pipeline", "Config", "Domain", "Simulate", "Statistics", "Store", "Structures", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "BacktestTests", dependencies: ["Models", "Backtest", "Pipeline", "Calibrate", "Benchmark", "Simulate", "Store", "Config", "Domain", "TestSupport"], swiftSettings: v5),
    ]
)
