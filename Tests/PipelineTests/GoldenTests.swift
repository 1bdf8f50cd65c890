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

    func testCorpusOutputsAreByteIdentical() throws {
        guard HashsecBinary.isBuilt else { throw XCTSkip("\(HashsecBinary.url.path) absent: run `swift build` first") }
        let dir = try TestSupport.temporaryDirectory("golden")
        defer { try? FileManager.default.removeItem(at: dir) }
        for sub in ["out", "work"] { try FileManager.default.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true) }
        for args in try commands() {
            let r = try HashsecBinary.run(args, in: dir, env: ["OPENBLAS_NUM_THREADS": "1"])
            XCTAssertEqual(r.status, 0, "hashsec \(args.joined(separator: " ")): \(r.stderr)")
            if r.status != 0 { return }
        }
        let actual = Self.tree(dir.appendingPathComponent("out"))
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
        let expected = Self.tree(expectedDir)
        XCTAssertFalse(expected.isEmpty, "no expected files in \(expectedDir.path): run scripts/golden.sh --update")
        XCTAssertEqual(Set(actual.keys).subtracting(expected.keys).sorted(), [], "files written that the corpus does not expect")
        XCTAssertEqual(Set(expected.keys).subtracting(actual.keys).sorted(), [], "expected files not written")
        for rel in expected.keys.sorted() {
            guard let a = actual[rel], let x = expected[rel] else { continue }
            if a != x { XCTFail("\(rel) differs from Tests/Golden/expected/\(rel): \(Self.firstDifference(x, a))") }
        }
    }
}
