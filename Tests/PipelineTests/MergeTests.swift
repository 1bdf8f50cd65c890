import Domain
import Foundation
@testable import Pipeline
import Simulate
import TestSupport
import XCTest

/// Issue 6 at the CLI level: `hashsec simulate --shard i/n` + `hashsec merge` give the single run's bytes
/// (manifest.json aside) for n ∈ {1, 2, 4, 7} with uneven path counts; mixed, missing or duplicated shards exit 77
/// and write nothing. Runs the built debug binary (like NightlyHarness); small path counts and horizons keep it fast.
final class MergeTests: XCTestCase {
    private var binary: URL { HashsecBinary.url }
    private var dir: URL!
    private var calPath: String { dir.appendingPathComponent("cal.json").path }

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw XCTSkip("\(binary.path) absent: run `swift build` first")
        }
        dir = try TestSupport.temporaryDirectory("merge-cli")
        try CalibrateJob.encode(SyntheticHistory.referenceCalibration).write(toFile: calPath, atomically: true, encoding: .utf8)
    }

    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    @discardableResult
    private func hashsec(_ args: [String]) throws -> (status: Int32, stderr: String) {
        let r = try HashsecBinary.run(args, in: dir)
        return (r.status, r.stderr)
    }

    private func deal(_ name: String) -> String {
        TestSupport.repositoryRoot.appendingPathComponent("datasets/deals/\(name)").path
    }

    private func simulate(_ deal: String, paths: Int, seed: Int = 3, out: String, extra: [String] = []) throws {
        let r = try hashsec(["simulate", deal, "--calibration", calPath, "--paths", "\(paths)", "--seed", "\(seed)",
                             "--horizon", "60", "--threads", "2", "--db", dir.appendingPathComponent("h.sqlite").path,
                             "--out", out] + extra)
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    /// Every file of a run folder except manifest.json (the only file allowed to differ).
    private func files(_ path: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        where name != "manifest.json" && !name.hasPrefix("shard-") {
            out[name] = try Data(contentsOf: URL(fileURLWithPath: path).appendingPathComponent(name))
        }
        return out
    }

    private func assertShardsMergeToSingle(deal name: String, paths: Int, counts: [Int], extra: [String] = [],
                                           file: StaticString = #filePath, line: UInt = #line) throws {
        let single = dir.appendingPathComponent("\(name)-single").path
        try simulate(deal(name), paths: paths, out: single, extra: extra)
        let reference = try files(single)
        XCTAssertTrue(reference.keys.contains("summary.json"), "\(reference.keys)", file: file, line: line)
        for n in counts {
            let out = dir.appendingPathComponent("\(name)-n\(n)").path
            for i in 0..<n { try simulate(deal(name), paths: paths, out: out, extra: extra + ["--shard", "\(i)/\(n)"]) }
            let r = try hashsec(["merge", out])
            XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
            let merged = try files(out)
            XCTAssertEqual(merged.keys.sorted(), reference.keys.sorted(), "n = \(n)", file: file, line: line)
            for (k, v) in reference { XCTAssertTrue(merged[k] == v, "\(name) n = \(n): \(k) differs", file: file, line: line) }
        }
    }

    func testPlainDealShardsMergeToTheSingleRunBytes() throws {
        // 61 paths: uneven for n = 2, 4, 7 (and odd under antithetic pairing); paths.csv compares per-path rows too.
        try assertShardsMergeToSingle(deal: "s21-token.yaml", paths: 61, counts: [1, 2, 4, 7], extra: ["--paths-csv"])
    }

    func testStructuredAndLeveragedDealsShardsMergeToTheSingleRunBytes() throws {
        try assertShardsMergeToSingle(deal: "structured-example.yaml", paths: 37, counts: [2, 7])
        try assertShardsMergeToSingle(deal: "leveraged-example.yaml", paths: 37, counts: [4], extra: ["--sweep-leverage", "2"])
    }

    func testMixedMissingOrDuplicatedShardsExit77AndWriteNothing() throws {
        let s21 = deal("s21-token.yaml")
        func shard(_ i: Int, of n: Int, into name: String, paths: Int = 40, seed: Int = 3, deal d: String? = nil) throws -> String {
            let out = dir.appendingPathComponent(name).path
            try simulate(d ?? s21, paths: paths, seed: seed, out: out, extra: ["--shard", "\(i)/\(n)"])
            return "\(out)/shard-\(i)-of-\(n)"
        }
        let good = [try shard(0, of: 3, into: "good"), try shard(1, of: 3, into: "good"), try shard(2, of: 3, into: "good")]
        let cases: [(String, [String])] = [
            ("other seed", [good[0], try shard(1, of: 3, into: "seed", seed: 4), good[2]]),
            ("other path count", [good[0], try shard(1, of: 3, into: "paths", paths: 41), good[2]]),
            ("other deal", [good[0], try shard(1, of: 3, into: "deal", deal: deal("bmn2-like.yaml")), good[2]]),
            ("missing shard", [good[0], good[2]]),
            ("named shard absent", [good[0], good[1], dir.appendingPathComponent("good/shard-9-of-3").path, good[2]]),
            ("duplicated shard", [good[0], good[1], good[1], good[2]]),
        ]
        for (label, dirs) in cases {
            let out = dir.appendingPathComponent("bad-\(label.replacingOccurrences(of: " ", with: "-"))").path
            let r = try hashsec(["merge", "--out", out] + dirs)
            XCTAssertEqual(r.status, 77, "\(label): \(r.stderr)")
            XCTAssertFalse(r.stderr.isEmpty, label)
            let written = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
            XCTAssertTrue(written.filter { !$0.hasPrefix(".") }.isEmpty, "\(label): partial write \(written)")
        }
        // The complete, consistent set still merges.
        XCTAssertEqual(try hashsec(["merge", "--out", dir.appendingPathComponent("ok").path] + good).status, 0)
    }

    /// `--sampling sobol` (randomized QMC): a 3-way shard split + merge gives the single run's bytes, 1 and 2 threads give
    /// the same files, the summary states the sampling and its replicates, and the pseudo-random run differs.
    func testSobolSamplingIsShardAndThreadIndependent() throws {
        let extra = ["--sampling", "sobol", "--sobol-replicates", "4", "--sobol-dimensions", "8", "--sobol-hash-dimensions", "4"]
        try assertShardsMergeToSingle(deal: "s21-token.yaml", paths: 101, counts: [3], extra: extra)
        let one = dir.appendingPathComponent("sobol-t1").path, two = dir.appendingPathComponent("sobol-t2").path
        let pseudo = dir.appendingPathComponent("pseudo").path
        try simulate(deal("s21-token.yaml"), paths: 101, out: one, extra: extra + ["--threads", "1"])
        try simulate(deal("s21-token.yaml"), paths: 101, out: two, extra: extra)
        try simulate(deal("s21-token.yaml"), paths: 101, out: pseudo)
        XCTAssertEqual(try files(one), try files(two))
        let summary = try String(contentsOfFile: one + "/summary.json", encoding: .utf8)
        XCTAssertTrue(summary.contains("\"sampling_replicates\" : 4"), summary)
        XCTAssertTrue(summary.contains("\"sampling\" : \"sobol"), summary)
        XCTAssertNotEqual(try files(one)["summary.json"], try files(pseudo)["summary.json"])
        XCTAssertFalse(try String(contentsOfFile: pseudo + "/summary.json", encoding: .utf8).contains("sampling"))
        let manifest = try String(contentsOfFile: one + "/manifest.json", encoding: .utf8)
        XCTAssertTrue(manifest.contains("randomized QMC"), manifest)
        // Bad values are refused before anything runs.
        XCTAssertEqual(try hashsec(["simulate", deal("s21-token.yaml"), "--calibration", calPath, "--sampling", "halton",
                                    "--out", dir.appendingPathComponent("bad").path]).status, 64)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("bad").path))
    }
}
