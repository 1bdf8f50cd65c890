// swift-tools-version:6.1
// hashsec — pricing and stress-testing tokenized Bitcoin mining hashrate.
// Module map (a stage never imports another stage; only Pipeline combines them):
//   CBLAS, CLAPACKE, CSHA256,     C shims (system BLAS; LAPACKE for LinearAlgebraTests' reference; SHA-NI kernel;
//   CKernels                      the Monte Carlo inner loops, vectorised: exp/log, shocks, clock, pricer, histograms)
//   Diagnostics                   the exit category every error type declares (CategorizedError)
//   FileIO                        the one file writer (aside, then rename), the one JSON and CSV writer, input readers
//   Bitcoin                       protocol facts (Consensus), headers, SHA-256d, 256-bit targets, hash benchmark
//   Domain                        value types shared by every stage (no I/O; uses Bitcoin's protocol facts)
//   Statistics                    the one statistics module: quantiles, moments, histograms
//   Results                       the typed records of a run: RunSummary, RunManifest, ShardHeader, RunIdentity
//   Models                        the price models: one file each (fit, table rows, daily law), and their registry
//   LinearAlgebra                 hand-written QR/Cholesky (CPU-independent bits); the only importer of BLAS (gemm) (also wraps CKernels' exp/log as VectorMath)
//   Config                        YAML deal / scenario / nightly files -> Domain, with line numbers
//   Ingest, Store, Hashprice, Calibrate, Simulate, Report   one module per stage (Hashprice: the daily hashprice index)
//   Structures                    waterfall and staking-leverage engines, the collateral marks (pure, used by Simulate)
//   Charts                        hand-written SVG charts (used by Report)
//   Backtest                      forecast scoring: quantiles, PIT, coverage, pinball loss, naive baseline (pure)
//   Pipeline                      wires the stages and the store together (resolve the inputs, then run)
//   Nightly                       the scheduled chain of Pipeline's jobs (`hashsec nightly`: lock, gate, stages, publish)
//   Perf                          the `hashsec perf` harnesses (not in the library product)
//   hashsec                       thin command-line executable
import Foundation
import PackageDescription

let v5: [SwiftSetting] = [.swiftLanguageMode(.v5)]

/// The numeric modules (Monte Carlo, calibration, parsing, hashing) are compiled optimised in debug builds too, i.e. in
/// the test build: at -Onone/-O0 the engine runs 5–20× slower and the CLI-level tests (nightlies, backtests, the hostile
/// suite), which run the debug `hashsec`, spend most of the suite's time there. Same bits as -Onone: Swift never
/// reassociates or contracts floating point, and the C kernels say `#pragma clang fp contract(off)` (the golden corpus
/// and the variant/thread/shard bit-identity tests run on this build). Overflow checks and `precondition` stay on;
/// only `assert` is compiled out in these modules. Orchestration, I/O and the CLI stay -Onone.
let numeric: [SwiftSetting] = v5 + [.unsafeFlags(["-O"], .when(configuration: .debug))]
let numericC: [CSetting] = [.unsafeFlags(["-O2"], .when(configuration: .debug))]

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
        .library(name: "HashsecPipeline", targets: ["Pipeline", "Nightly"]),
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
        .target(name: "CSHA256", path: "Sources/CSHA256", exclude: docs("CSHA256"), cSettings: numericC),
        .target(name: "CKernels", path: "Sources/CKernels", exclude: docs("CKernels"), cSettings: numericC),

        // Core
        .target(name: "Diagnostics", exclude: docs("Diagnostics"), swiftSettings: v5),
        .target(name: "FileIO", dependencies: ["Diagnostics"], exclude: docs("FileIO"), swiftSettings: v5),
        .target(name: "Bitcoin", dependencies: ["CSHA256", "Diagnostics"], exclude: docs("Bitcoin"), swiftSettings: numeric),
        .target(name: "Domain", dependencies: ["Bitcoin", "Diagnostics"], exclude: docs("Domain"), swiftSettings: numeric),
        .target(name: "Statistics", exclude: docs("Statistics"), swiftSettings: numeric),
        .target(name: "Results", dependencies: ["Statistics"], exclude: docs("Results"), swiftSettings: numeric),
        .target(name: "LinearAlgebra", dependencies: ["CBLAS", "CKernels", "Diagnostics"], exclude: docs("LinearAlgebra"), swiftSettings: numeric),
        .target(name: "Models", dependencies: ["Domain", "LinearAlgebra", "CKernels", "Diagnostics"], exclude: docs("Models"), swiftSettings: numeric),
        .target(name: "Config", dependencies: ["Domain", "Models", "Diagnostics", "FileIO", "Yams"], exclude: docs("Config"), swiftSettings: v5),

        // Stages
        .target(name: "Ingest", dependencies: ["Domain", "Bitcoin", "Diagnostics", "FileIO"], exclude: docs("Ingest"), swiftSettings: numeric),
        .target(name: "Store", dependencies: ["Domain", "Diagnostics", .product(name: "GRDB", package: "GRDB.swift")], exclude: docs("Store"), swiftSettings: v5),
        .target(name: "Hashprice", dependencies: ["Domain", "Bitcoin", "Diagnostics", "FileIO"], exclude: docs("Hashprice"), swiftSettings: numeric),
        .target(name: "Calibrate", dependencies: ["Domain", "Bitcoin", "Models", "LinearAlgebra", "Diagnostics", "FileIO",
                                                  .product(name: "Numerics", package: "swift-numerics")], exclude: docs("Calibrate"), swiftSettings: numeric),
        .target(name: "Structures", dependencies: ["Domain", "Statistics", "LinearAlgebra", "Diagnostics", "FileIO"], exclude: docs("Structures"), swiftSettings: numeric),
        .target(name: "Simulate", dependencies: ["Domain", "Models", "Statistics", "Results", "LinearAlgebra", "Structures", "Bitcoin", "CKernels",
                                                 "Diagnostics", "FileIO"], exclude: docs("Simulate") + ["Stress/README.md"], swiftSettings: numeric),
        .target(name: "Charts", dependencies: ["Domain", "Bitcoin"], exclude: docs("Charts"), swiftSettings: v5),
        .target(name: "Backtest", dependencies: ["Domain", "Statistics", "Results", "Diagnostics", "FileIO"], exclude: docs("Backtest"), swiftSettings: numeric),
        .target(name: "Report", dependencies: ["Domain", "Bitcoin", "Charts", "Diagnostics", "FileIO", "Results", "Statistics",
                                               .product(name: "Mustache", package: "swift-mustache")],
                exclude: docs("Report"), resources: [.copy("Templates")], swiftSettings: v5),

        // Orchestration
        .target(name: "Pipeline", dependencies: [
            "Diagnostics", "FileIO", "Domain", "Models", "Bitcoin", "Config", "Ingest", "Store", "Hashprice", "Calibrate", "Simulate", "Statistics",
            "Results", "Structures", "Report", "Backtest", "Charts",
        ], exclude: docs("Pipeline"), swiftSettings: v5),
        // The scheduled chain of Pipeline's jobs (`hashsec nightly`): lock, log, gate, the stages, publish.
        .target(name: "Nightly", dependencies: [
            "Pipeline", "Diagnostics", "FileIO", "Domain", "Models", "Bitcoin", "Config", "Ingest", "Store", "Hashprice", "Calibrate", "Simulate",
            "Results", "Report", "Backtest",
            .product(name: "Logging", package: "swift-log"),
        ], exclude: docs("Nightly"), swiftSettings: v5),
        // The `hashsec perf` harnesses: linked by the executable, outside the HashsecPipeline library product.
        .target(name: "Perf", dependencies: ["Pipeline", "Config", "Domain", "Simulate", "Store", "Ingest", "Bitcoin", "FileIO", "Diagnostics", "LinearAlgebra", "Statistics"],
                exclude: docs("Perf"), swiftSettings: v5),
        .executableTarget(name: "hashsec", dependencies: [
            "Pipeline", "Nightly", "Perf", "Diagnostics", "Domain", "Models", "Bitcoin", "Config", "Ingest", "Store", "Hashprice", "Calibrate", "Simulate", "Structures", "Report", "Backtest",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], exclude: docs("hashsec"), swiftSettings: v5),

        // Test support (dataset paths, temp dirs, an independent SHA-256 etc.)
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: v5),

        // Tests
        .testTarget(name: "BitcoinTests", dependencies: ["Bitcoin", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "FileIOTests", dependencies: ["FileIO"], swiftSettings: v5),
        .testTarget(name: "DomainTests", dependencies: ["Domain", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "ConfigTests", dependencies: ["Models", "Domain", "Config", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Domain", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "Domain", "Simulate", "LinearAlgebra", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "Diagnostics", "CLAPACKE"], swiftSettings: v5),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "Store", "Domain", "Bitcoin", "TestSupport",
                                                       .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: v5),
        .testTarget(name: "HashpriceTests", dependencies: ["Hashprice", "Ingest", "Domain", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "CalibrateTests", dependencies: ["Models", "Calibrate", "Hashprice", "Ingest", "Simulate", "Domain", "LinearAlgebra", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics", "Results", "FileIO"], swiftSettings: v5),
        .testTarget(name: "SimulateTests", dependencies: ["Models", "LinearAlgebra", "Simulate", "Statistics", "Results", "FileIO", "Structures", "Config", "Domain", "Bitcoin", "CKernels", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "StructuresTests", dependencies: ["Structures", "Statistics", "FileIO", "Domain", "Config", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Charts", "Domain", "Results", "Statistics", "FileIO", "TestSupport"], swiftSettings: v5),
        // Runs the built `hashsec` binary on hostile inputs (issue 12's acceptance suite; table in HostileCases.swift).
        .testTarget(name: "HostileInputTests", dependencies: ["TestSupport", .product(name: "GRDB", package: "GRDB.swift")], exclude: ["README.md"], swiftSettings: v5),
        .testTarget(name: "PipelineTests", dependencies: ["Models", "Pipeline", "Nightly", "Config", "Domain", "Simulate", "Statistics", "Results", "FileIO", "Store", "Structures", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "NightlyTests", dependencies: ["Nightly", "Pipeline", "Config", "Domain", "Results", "FileIO", "Store", "TestSupport"],
                    swiftSettings: v5),
        .testTarget(name: "BacktestTests", dependencies: ["Models", "Backtest", "Pipeline", "Calibrate", "Hashprice", "Simulate", "Store", "Config", "Domain", "TestSupport"], swiftSettings: v5),
    ]
)
