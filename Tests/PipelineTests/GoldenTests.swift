import Foundation
import TestSupport
import XCTest

/// The golden corpus (issue 13 item 6): runs every command of `Tests/Golden/corpus.txt` with the built debug binary in
/// a fresh directory and compares every file written under `out/` with `Tests/Golden/expected/` byte for byte
/// (manifest.json aside: it holds timings, dates and absolute paths). With `HASHSEC_GOLDEN_UPDATE=1`
/// (`scripts/golden.sh --update`) it replaces the expected files instead: commit such a change on its own, saying why.
final class GoldenTests: XCTestCase {
    private var golden: URL { TestSupport.repositoryRoot.appendingPathComponent("Tests/Golden") }

    /// The corpus commands: one invocation per non-comment line, `$REPO` replaced by the repository root.
    private func commands() throws -> [[String]] {
        let text = try String(contentsOf: golden.appendingPathComponent("corpus.txt"), encoding: .utf8)
        return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            .map { line in line.split(separator: " ").map { $0.replacingOccurrences(of: "$REPO", with: TestSupport.repositoryRoot.path) } }
    }

    /// Every regular file under `dir` (relative path → bytes), manifest.json excluded.
    static func tree(_ dir: URL) -> [String: Data] {
        var out: [String: Data] = [:]
        guard let e = FileManager.default.enumerator(atPath: dir.path) else { return out }
        while let rel = e.nextObject() as? String {
            var isDir: ObjCBool = false
            let p = dir.appendingPathComponent(rel).path
            guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir), !isDir.boolValue else { continue }
            if (rel as NSString).lastPathComponent == "manifest.json" { continue }
            out[rel] = FileManager.default.contents(atPath: p)
        }
        return out
    }

    /// First differing line of two texts, for the failure message.
    static func firstDifference(_ a: Data, _ b: Data) -> String {
        let la = String(decoding: a, as: UTF8.self).components(separatedBy: "\n")
        let lb = String(decoding: b, as: UTF8.self).components(separatedBy: "\n")
        for i in 0..<max(la.count, lb.count) {
            let x = i < la.count ? la[i] : "<end of file>", y = i < lb.count ? lb[i] : "<end of file>"
            if x != y { return "line \(i + 1):\n  expected: \(x.prefix(300))\n  actual:   \(y.prefix(300))" }
        }
        return "same lines, different bytes"
    }

    /// Runs the corpus in a fresh directory with `env` added; the files written under out/ (nil when a command failed: the
    /// failure is recorded, or handed to `refused` when given).
    private func runCorpus(env: [String: String] = [:], unset: [String] = [], refused: ((HashsecBinary.Outcome) -> Void)? = nil) throws -> [String: Data]? {
        let dir = try TestSupport.temporaryDirectory("golden")
        defer { try? FileManager.default.removeItem(at: dir) }
        for sub in ["out", "work"] { try FileManager.default.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true) }
        for args in try commands() {
            let r = try HashsecBinary.run(args, in: dir, env: ["OPENBLAS_NUM_THREADS": "1"].merging(env) { $1 }, unset: unset)
            if r.status != 0, let refused {
                XCTAssertEqual(Self.tree(dir.appendingPathComponent("out")), [:], "a refused run writes nothing")
                refused(r); return nil
            }
            XCTAssertEqual(r.status, 0, "hashsec \(args.joined(separator: " ")): \(r.stderr)")
            if r.status != 0 { return nil }
        }
        var out = Self.tree(dir.appendingPathComponent("out"))
        // The kernel variant each simulate run's manifest names (the manifests themselves are not compared).
        if let d = FileManager.default.contents(atPath: dir.appendingPathComponent("out/simulate/s21-token/manifest.json").path),
           let j = try JSONSerialization.jsonObject(with: d) as? [String: Any], let k = j["kernel"] as? String {
            out["<kernel>"] = Data(k.utf8)
        }
        return out
    }

    /// The corpus outputs against Tests/Golden/expected/ (manifest.json aside).
    private func compareWithExpected(_ actual: [String: Data], _ label: String) {
        let expected = Self.tree(golden.appendingPathComponent("expected"))
        XCTAssertFalse(expected.isEmpty, "no expected files in Tests/Golden/expected: run scripts/golden.sh --update")
        XCTAssertEqual(Set(actual.keys).subtracting(expected.keys).sorted(), [], "\(label): files written that the corpus does not expect")
        XCTAssertEqual(Set(expected.keys).subtracting(actual.keys).sorted(), [], "\(label): expected files not written")
        for rel in expected.keys.sorted() {
            guard let a = actual[rel], let x = expected[rel] else { continue }
            if a != x { XCTFail("\(label): \(rel) differs from Tests/Golden/expected/\(rel): \(Self.firstDifference(x, a))") }
        }
    }

    /// Every kernel variant this CPU runs (`HASHSEC_KERNEL=portable|avx2|avx512`) writes the expected bytes (simulate,
    /// stress, shards and merge, summaries and per-path CSVs), and its manifests name the variant that ran; a variant the
    /// CPU lacks is refused at the first command (exit 64, the reason, nothing written).
    func testCorpusIsByteIdenticalUnderEveryKernelVariant() throws {
        guard HashsecBinary.isBuilt else { throw XCTSkip("\(HashsecBinary.url.path) absent: run `swift build` first") }
        // The best variant this CPU runs is the default one (testCorpusOutputsAreByteIdentical): the others run here.
        let probe = try HashsecBinary.run(["perf", "simulate", "--paths", "2", "--days", "1", "--threads", "1", "--repeat", "1"],
                                          in: TestSupport.repositoryRoot, unset: ["HASHSEC_KERNEL"])
        let names = ["portable", "avx2", "avx512"]
        let best = try XCTUnwrap(names.last { probe.stdout.contains("kernel variant \($0) (the best this CPU runs") }, probe.stdout + probe.stderr)
        var ran: [String] = []
        for v in names where v != best {
            let out = try runCorpus(env: ["HASHSEC_KERNEL": v]) { r in
                XCTAssertEqual(r.status, 64, r.stderr)
                XCTAssertTrue(r.stderr.contains("HASHSEC_KERNEL=\(v): this CPU lacks"), r.stderr)
            }
            guard var out else { continue }
            XCTAssertEqual(out.removeValue(forKey: "<kernel>").map { String(decoding: $0, as: UTF8.self) }, v, "the manifest names the variant run")
            compareWithExpected(out, "HASHSEC_KERNEL=\(v)")
            ran.append(v)
        }
        XCTAssertEqual(ran, Array(names.prefix { $0 != best }), "every variant below the best runs, the ones above are refused")
        print("golden corpus byte-identical under kernel variants \(ran.joined(separator: ", ")) and \(best) (the default run)")
        // An unknown name is refused the same way.
        let dir = try TestSupport.temporaryDirectory("golden-kernel")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try HashsecBinary.run(["simulate", TestSupport.repositoryRoot.appendingPathComponent("datasets/deals/s21-token.yaml").path,
                                       "--calibration", TestSupport.repositoryRoot.appendingPathComponent("datasets/synthetic-calibration.json").path,
                                       "--db", dir.appendingPathComponent("none.sqlite").path, "--paths", "8", "--out", dir.appendingPathComponent("o").path],
                                      in: dir, env: ["HASHSEC_KERNEL": "sse4"])
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertTrue(r.stderr.contains("HASHSEC_KERNEL=sse4: unknown kernel variant; use one of portable, avx2, avx512"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("o").path))
    }

    /// The corpus writes the expected bytes whichever OpenBLAS kernels the process gets (`OPENBLAS_CORETYPE=Prescott`,
    /// `Core2`, `Haswell`, and `SkylakeX` where the CPU has AVX-512, what scripts/env.sh selects there): the fits on the
    /// path (the leveraged deal's model-consistent mark regression, the correlation's Cholesky) are hand-written in
    /// LinearAlgebra with a fixed operation order, not LAPACK/BLAS calls whose kernels differ per core type.
    func testCorpusIsByteIdenticalUnderEveryOpenBLASCoreType() throws {
        guard HashsecBinary.isBuilt else { throw XCTSkip("\(HashsecBinary.url.path) absent: run `swift build` first") }
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        var cores = ["Prescott", "Core2", "Haswell"]
        if cpuinfo.contains("avx512f") { cores.append("SkylakeX") }
        for core in cores {
            // OpenBLAS really loads that core's kernels (OPENBLAS_VERBOSE=2 names the core; an unknown name says so).
            let v = try HashsecBinary.run(["--version"], in: TestSupport.repositoryRoot, env: ["OPENBLAS_CORETYPE": core, "OPENBLAS_VERBOSE": "2"])
            XCTAssertTrue((v.stdout + v.stderr).contains("Core: \(core)"), "OPENBLAS_CORETYPE=\(core) not taken: \(v.stdout) \(v.stderr)")
            guard var out = try runCorpus(env: ["OPENBLAS_CORETYPE": core], unset: ["HASHSEC_KERNEL"]) else { continue }
            out.removeValue(forKey: "<kernel>")
            compareWithExpected(out, "OPENBLAS_CORETYPE=\(core)")
        }
        print("golden corpus byte-identical under OPENBLAS_CORETYPE \(cores.joined(separator: ", "))")
        // A calibration (HashRateFit, EfficiencyTrend, FeeFit, Correlation, PriceLaw: least squares, Cholesky, inverses)
        // on the synthetic history: the same bytes under every core type.
        let dir = try TestSupport.temporaryDirectory("golden-coretype-calibrate")
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("h.sqlite").path
        let ingest = try HashsecBinary.run(["ingest", TestSupport.repositoryRoot.appendingPathComponent("datasets/synthetic-history.csv").path, "--db", db], in: dir)
        XCTAssertEqual(ingest.status, 0, ingest.stderr)
        var first: (core: String, json: Data?, table: Data?)?
        for core in cores {
            let json = dir.appendingPathComponent("cal-\(core).json").path, table = dir.appendingPathComponent("cal-\(core).csv").path
            let r = try HashsecBinary.run(["calibrate", "--db", db, "--out", json, "--table", table], in: dir,
                                          env: ["OPENBLAS_CORETYPE": core, "OPENBLAS_NUM_THREADS": "1"], unset: ["HASHSEC_KERNEL"])
            XCTAssertEqual(r.status, 0, "calibrate under OPENBLAS_CORETYPE=\(core): \(r.stderr)")
            let j = FileManager.default.contents(atPath: json), t = FileManager.default.contents(atPath: table)
            XCTAssertNotNil(j); XCTAssertNotNil(t)
            guard let f = first else { first = (core, j, t); continue }
            XCTAssertEqual(j, f.json, "calibration JSON under \(core) differs from \(f.core): \(Self.firstDifference(f.json ?? Data(), j ?? Data()))")
            XCTAssertEqual(t, f.table, "calibration table under \(core) differs from \(f.core): \(Self.firstDifference(f.table ?? Data(), t ?? Data()))")
        }
    }

    func testCorpusOutputsAreByteIdentical() throws {
        guard HashsecBinary.isBuilt else { throw XCTSkip("\(HashsecBinary.url.path) absent: run `swift build` first") }
        guard var actual = try runCorpus(env: [:], unset: ["HASHSEC_KERNEL"]) else { return }
        XCTAssertNotNil(actual.removeValue(forKey: "<kernel>"), "the manifest names the kernel variant")
        let expectedDir = golden.appendingPathComponent("expected")
        if ProcessInfo.processInfo.environment["HASHSEC_GOLDEN_UPDATE"] == "1" {
            try? FileManager.default.removeItem(at: expectedDir)
            for (rel, data) in actual {
                let u = expectedDir.appendingPathComponent(rel)
                try FileManager.default.createDirectory(at: u.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: u)
            }
            print("golden corpus: wrote \(actual.count) expected files to \(expectedDir.path)")
            return
        }
        compareWithExpected(actual, "default variant")
    }
}
