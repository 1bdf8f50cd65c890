import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Issue 12's acceptance suite: every `HostileCases.all` case against the real binary. For each case: the exit code,
/// the message's `file:line` (and wording) where there is one, the store's rows unchanged (positive controls aside),
/// no NaN or inf in any file the command wrote nor on stdout, no signal, no crash text, never exit 70, `$TMPDIR` empty
/// afterwards. All cases run (two at a time); every failure names its case.
final class HostileInputTests: XCTestCase {
    func testEveryHostileCase() throws {
        let h = try HostileHarness()
        XCTAssertGreaterThanOrEqual(HostileCases.all.count, 60, "issue 12 asks for at least 60 cases from this branch")
        XCTAssertEqual(Set(HostileCases.all.map(\.name)).count, HostileCases.all.count, "case names are unique")
        // HASHSEC_HOSTILE_FILTER=text runs only the cases whose name contains it (while working on one area).
        let filter = ProcessInfo.processInfo.environment["HASHSEC_HOSTILE_FILTER"] ?? ""
        let cases = filter.isEmpty ? HostileCases.all : HostileCases.all.filter { $0.name.contains(filter) }
        // Two cases at a time (CI has 2 cores); every case has its own folder, store and $TMPDIR.
        struct Result { var name: String; var seconds: Double?; var failure: String? }
        var results = [Result?](repeating: nil, count: cases.count)
        let lock = NSLock()
        var nextIndex = 0
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            while true {
                lock.lock(); let i = nextIndex; nextIndex += 1; lock.unlock()
                guard i < cases.count else { return }
                let c = cases[i]
                let dir = h.root.appendingPathComponent("case-\(i)")
                let t0 = Date()
                var r = Result(name: c.name, seconds: nil, failure: nil)
                do {
                    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                    if let failure = try run(c, in: dir, harness: h) { r.failure = failure.isEmpty ? nil : failure; r.seconds = Date().timeIntervalSince(t0) }
                } catch { r.failure = "[\(c.name)] the case could not be set up: \(error)"; r.seconds = 0 }
                try? FileManager.default.removeItem(at: dir)
                lock.lock(); results[i] = r; lock.unlock()
            }
        }
        let skipped = results.compactMap { $0 }.filter { $0.seconds == nil }.map(\.name)
        for r in results.compactMap({ $0 }) { if let f = r.failure { XCTFail(f) } }
        var slowest = results.compactMap { r in r.flatMap { x in x.seconds.map { (x.name, $0) } } }
        slowest.sort { $0.1 > $1.1 }
        print("hostile cases: \(cases.count) (\(skipped.count) skipped for absent ../shared/datasets: \(skipped)); slowest: "
              + slowest.prefix(8).map { "\($0.0) \(String(format: "%.2f", $0.1)) s" }.joined(separator: ", "))
        // Memory: the largest child (e.g. the 200 MB line, 10^7 columns) stayed far from exhausting memory.
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        XCTAssertLessThan(usage.ru_maxrss, 1_000_000, "the largest hashsec run used \(usage.ru_maxrss) KiB of memory")
    }

    /// Runs one case: nil when it needs a shared dataset that is absent, else its failure message ("" when it passed).
    func run(_ c: HostileCase, in dir: URL, harness h: HostileHarness) throws -> String? {
        let db = dir.appendingPathComponent("h.sqlite").path
        func subst(_ s: String) -> String {
            s.replacingOccurrences(of: "$DIR", with: dir.path).replacingOccurrences(of: "$DB", with: db)
                .replacingOccurrences(of: "$CAL", with: TestSupport.repositoryRoot.appendingPathComponent("datasets/synthetic-calibration.json").path)
                .replacingOccurrences(of: "$REPO", with: TestSupport.repositoryRoot.path)
                .replacingOccurrences(of: "$URL", with: "http://127.0.0.1:\(h.server.port)")
        }
        let fm = FileManager.default
        for (name, input) in c.inputs {
            let u = dir.appendingPathComponent(name)
            switch input {
            case .text(let t): try Data(subst(t).utf8).write(to: u)
            case .bytes(let b): try Data(b()).write(to: u)
            case .stream(let write):
                fm.createFile(atPath: u.path, contents: nil)
                let handle = try FileHandle(forWritingTo: u)
                try write(handle); try handle.close()
            case let .real(file, transform):
                guard let src = TestSupport.sharedDataset(file) else { return nil }
                try transform(try Data(contentsOf: src)).write(to: u)
            case .symlink(let target): try fm.createSymbolicLink(atPath: u.path, withDestinationPath: target)
            case .fifo: guard mkfifo(u.path, 0o644) == 0 else { return "[\(c.name)] mkfifo failed" }
            case .directory: try fm.createDirectory(at: u, withIntermediateDirectories: true)
            }
        }
        switch c.seed {
        case .none: break
        case .synthetic: try fm.copyItem(at: h.template, to: URL(fileURLWithPath: db))
        case .custom(let change):
            try fm.copyItem(at: h.template, to: URL(fileURLWithPath: db))
            try change(db)
        }
        for cmd in c.setup {
            let s = try h.run(cmd.map(subst), in: dir, env: [:], timeout: c.timeout)
            guard s.status == 0, !s.signalled else { return "[\(c.name)] setup `hashsec \(cmd.joined(separator: " "))` exited \(s.status): \(s.stderr.prefix(400))" }
        }
        try c.tamper?(dir)
        let tmp = dir.appendingPathComponent("tmpdir")
        try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
        let before = HostileHarness.storeDigest(db)
        let filesBefore = HostileHarness.listing(dir)
        let r = try h.run(c.args.map(subst), in: dir, env: c.env.merging(["TMPDIR": tmp.path + "/"]) { a, _ in a }, timeout: c.timeout)
        let name = c.name
        var problems: [String] = []
        if r.timedOut { problems.append("did not finish within \(c.timeout) s (killed)") }
        if r.signalled { problems.append("killed by signal \(r.status)") }
        if r.status == 70 { problems.append("exit 70 (internal error)") }
        if r.status != c.exit { problems.append("exit \(r.status), expected \(c.exit)") }
        for crash in ["Fatal error", "Current stack trace", "Stack dump", "backtrace", "Segmentation fault", "Illegal instruction"]
        where r.stderr.contains(crash) { problems.append("crash text '\(crash)' on stderr") }
        if let at = c.at {
            let expected = subst(at.contains("/") ? at : "$DIR/" + at)
            if !r.stderr.contains(expected) && !r.stderr.contains(at) { problems.append("stderr lacks '\(at)'") }
        }
        for s in c.says where !r.stderr.contains(subst(s)) && !r.stdout.contains(subst(s)) { problems.append("output lacks '\(s)'") }
        if !c.changesStore {
            let after = HostileHarness.storeDigest(db)
            if after != before { problems.append("the store's rows changed") }
        }
        if HostileHarness.containsNonFinite(r.stdout) { problems.append("NaN/inf on stdout") }
        for (path, stamp) in HostileHarness.listing(dir) where filesBefore[path] != stamp && !path.hasPrefix(tmp.path) {
            guard !path.hasSuffix(".sqlite"), !path.hasSuffix("-wal"), !path.hasSuffix("-shm"), !path.hasSuffix(".lock"),
                  let data = fm.contents(atPath: path), data.count < 20 << 20 else { continue }
            if HostileHarness.containsNonFinite(String(decoding: data, as: UTF8.self)) { problems.append("NaN/inf in \(path.dropFirst(dir.path.count + 1))") }
        }
        let left = (try? fm.contentsOfDirectory(atPath: tmp.path)) ?? []
        if !left.isEmpty { problems.append("left in $TMPDIR: \(left)") }
        if let check = c.check { problems += try check(dir) }
        guard problems.isEmpty else {
            return "[\(name)] \(problems.joined(separator: "; "))\n  command: hashsec \(c.args.joined(separator: " "))\n  stderr: \(r.stderr.prefix(800))"
        }
        return ""
    }
}
