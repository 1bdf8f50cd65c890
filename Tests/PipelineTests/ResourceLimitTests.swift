import Foundation
@testable import Simulate
import TestSupport
import XCTest

/// Issue 12 item 8 at the CLI level: runs too large for memory are refused before allocating, with exit 64, the estimate
/// and the limit, and nothing written (they aborted with "failed to allocate", exit 134).
final class ResourceLimitTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        guard HashsecBinary.isBuilt else { throw XCTSkip("\(HashsecBinary.url.path) absent: run `swift build` first") }
        dir = try TestSupport.temporaryDirectory("limits")
    }
    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    /// The binary with the memory limit unset unless given.
    private func hashsec(_ args: [String], env: [String: String] = [:]) throws -> HashsecBinary.Outcome {
        try HashsecBinary.run(args, in: dir, env: env, unset: [MemoryBudget.environmentKey])
    }

    private func repo(_ p: String) -> String { TestSupport.repositoryRoot.appendingPathComponent(p).path }
    private var written: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted() }

    func testImpossibleRunsAreRefusedWithTheEstimateAndWriteNothing() throws {
        let sim = ["simulate", repo("datasets/deals/s21-token.yaml"), "--calibration", repo("datasets/synthetic-calibration.json"),
                   "--db", "none.sqlite", "--out", "out"]
        let scenarios = try TestSupport.temporaryDirectory("limits-scen").appendingPathComponent("s.yaml")
        defer { try? FileManager.default.removeItem(at: scenarios.deletingLastPathComponent()) }
        try "scenarios:\n  - {name: crash, kind: price_crash, pct: 50, day: 30}\n  - {name: fees, kind: fee_collapse, multiplier: 0.2}\n"
            .write(to: scenarios, atomically: true, encoding: .utf8)
        let stress = ["stress", repo("datasets/deals/s21-token.yaml"), "--calibration", repo("datasets/synthetic-calibration.json"),
                      "--scenarios", scenarios.path, "--db", "none.sqlite", "--out", "out"]
        let cases: [(String, [String])] = [
            ("simulate --paths 10000000000", sim + ["--paths", "10000000000"]),
            ("simulate --horizon 100000000", sim + ["--horizon", "100000000", "--paths", "100"]),
            ("simulate --threads 100000", sim + ["--threads", "100000", "--paths", "10000000"]),
            ("stress --horizon 100000000", stress + ["--horizon", "100000000", "--paths", "100"]),
            ("stress --paths 10000000000", stress + ["--paths", "10000000000"]),
            ("synth --days 2000000000", ["synth", "--days", "2000000000", "--out", "out.csv", "--save-calibration", "cal.json"]),
        ]
        for (name, args) in cases {
            let r = try hashsec(args)
            XCTAssertEqual(r.status, 64, "\(name): \(r.stderr)"); XCTAssertFalse(r.signalled, name)
            XCTAssertTrue(r.stderr.contains("not enough memory: this run needs about"), "\(name): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("above the limit of") && r.stderr.contains("physical memory"), "\(name): \(r.stderr)")
            XCTAssertNotNil(r.stderr.range(of: "[0-9.]+ [GTPE]iB", options: .regularExpression), "\(name): an estimate in GiB or more")
            XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("backtrace"), "\(name): \(r.stderr)")
            XCTAssertEqual(written, [], "\(name) wrote \(written)")
        }
    }

    func testTheLimitIsOverridable() throws {
        let args = ["simulate", repo("datasets/deals/s21-token.yaml"), "--calibration", repo("datasets/synthetic-calibration.json"),
                    "--db", "none.sqlite", "--paths", "64", "--horizon", "30", "--out", "out"]
        let small = try hashsec(args, env: [MemoryBudget.environmentKey: "1M"])
        XCTAssertEqual(small.status, 64, small.stderr)
        XCTAssertTrue(small.stderr.contains("above the limit of 1.0 MiB (HASHSEC_MEMORY_LIMIT=1M)"), small.stderr)
        XCTAssertEqual(written, [])
        let bad = try hashsec(args, env: [MemoryBudget.environmentKey: "lots"])
        XCTAssertEqual(bad.status, 64, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("HASHSEC_MEMORY_LIMIT=lots"), bad.stderr)
        let ok = try hashsec(args, env: [MemoryBudget.environmentKey: "2G"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertEqual(written, ["out"])
    }

    func testEstimateCountsTheBuffersThatGrowWithTheRun() {
        func e(_ paths: Int, _ days: Int, _ acc: MonteCarlo.Accumulation = [.daily, .structures]) -> Double {
            MonteCarlo.memoryEstimate(paths: paths, days: days, tokenDays: days, scenarios: 1, threads: 2, blockSize: 16, accumulate: acc).bytes
        }
        // 10¹⁰ paths: at least the 41 bytes of outcome columns per path.
        XCTAssertGreaterThan(e(10_000_000_000, 1095), 41e10)
        // Per-day histograms: 4 series × 7,688 bins × 4 B per day, per worker and once more for the result.
        XCTAssertGreaterThan(e(1000, 100_000_000) - e(1000, 100_000_000, [.structures]), 3 * 30_752 * 1e8)
        XCTAssertLessThan(e(100_000, 1095), 600e6, "the SPEC §11 benchmark run fits in well under 1 GB")
        XCTAssertEqual(MemoryBudget.parse("16G"), 16 * 1024 * 1024 * 1024); XCTAssertEqual(MemoryBudget.parse("512"), 512)
        XCTAssertNil(MemoryBudget.parse("-1G")); XCTAssertNil(MemoryBudget.parse("1GB")); XCTAssertNil(MemoryBudget.parse("nan"))
    }

    /// A `partial.bin` whose header announces more paths or days than the file holds is refused before allocating.
    func testShardHeaderCannotForceAHugeAllocation() throws {
        var d = Data("HSPR0005".utf8)
        for v in [Int64(0), Int64(1 << 31), Int64(1 << 19)] { var x = v.littleEndian; withUnsafeBytes(of: &x) { d.append(contentsOf: $0) } }
        XCTAssertThrowsError(try PartialResult(encoded: d)) { e in
            XCTAssertEqual(e as? SimulateError, .badShard("partial.bin truncated"))
        }
    }
}
