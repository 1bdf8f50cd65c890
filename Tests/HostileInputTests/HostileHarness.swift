import Foundation
import GRDB
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Runs `HostileCase`s against the built debug binary (`TestSupport.HashsecBinary`).
final class HostileHarness {
    let root: URL
    let server: LocalHTTPServer
    /// A closed store holding `HostileFixtures.history`, copied into each case that starts from `.synthetic`.
    let template: URL

    init() throws {
        guard HashsecBinary.isBuilt else { throw XCTSkip("\(HashsecBinary.url.path) absent: run `swift build --build-tests` first") }
        root = try TestSupport.temporaryDirectory("hostile")
        server = try LocalHTTPServer(files: ["history.csv": Data(HostileFixtures.history.utf8)])
        server.dripInterval = 2
        let seedDir = root.appendingPathComponent("template")
        try FileManager.default.createDirectory(at: seedDir, withIntermediateDirectories: true)
        let csv = seedDir.appendingPathComponent("history.csv")
        try HostileFixtures.history.write(to: csv, atomically: true, encoding: .utf8)
        template = seedDir.appendingPathComponent("h.sqlite")
        let r = try run(["ingest", csv.path, "--db", template.path], in: seedDir, env: [:], timeout: 60)
        guard r.status == 0 else { throw NSError(domain: "hostile", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: "seeding failed: \(r.stderr)"]) }
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(at: root)
    }

    func run(_ args: [String], in dir: URL, env: [String: String], timeout: Double) throws -> HashsecBinary.Outcome {
        try HashsecBinary.run(args, in: dir, env: env, timeout: timeout)
    }

    /// Everything observable in a store, as text: every row of every table (but `runs`) in key order (the rows, not
    /// the file's bytes, so a page reorganisation is not a change). A store SQLite cannot read is its file's fingerprint.
    static func storeDigest(_ path: String) -> String {
        guard FileManager.default.fileExists(atPath: path) else { return "absent" }
        do {
            var config = Configuration()
            config.readonly = true
            let q = try DatabaseQueue(path: path, configuration: config)
            return try q.read { db in
                var s = ""
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                // `runs` is bookkeeping: the nightly records every failed run there by design.
                for t in tables where t != "runs" {
                    s += "# \(t)\n"
                    for row in try Row.fetchAll(db, sql: "SELECT * FROM \"\(t)\" ORDER BY 1") { s += row.description + "\n" }
                }
                return s
            }
        } catch {
            let data = FileManager.default.contents(atPath: path) ?? Data()
            return "unreadable: \(Fingerprint.of(data))"
        }
    }

    /// Files under `dir` with their modification time and size (to find what a command wrote).
    static func listing(_ dir: URL) -> [String: String] {
        var out: [String: String] = [:]
        guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.contentModificationDateKey, .fileSizeKey, .isRegularFileKey],
                                                     options: []) else { return out }
        for case let u as URL in e {
            guard let v = try? u.resourceValues(forKeys: [.contentModificationDateKey, .fileSizeKey, .isRegularFileKey]), v.isRegularFile == true else { continue }
            out[u.path] = "\(v.contentModificationDate?.timeIntervalSince1970 ?? 0)/\(v.fileSize ?? 0)"
        }
        return out
    }

    /// A NaN or infinity printed as a number (not "info", "infinite"...).
    static let nonFinite = try! NSRegularExpression(pattern: "(^|[^A-Za-z0-9_])[-+]?(nan|NaN|NAN|inf|Inf|INF|infinity|Infinity)(?![A-Za-z0-9_])", options: [])

    static func containsNonFinite(_ text: String) -> Bool {
        nonFinite.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

/// A stable fingerprint of a file's bytes (FNV-1a 64 and the length) for "unchanged" comparisons of stores SQLite
/// cannot read; not a security hash.
enum Fingerprint {
    static func of(_ d: Data) -> String {
        var h: UInt64 = 0xcbf29ce484222325
        for b in d { h ^= UInt64(b); h = h &* 0x100000001b3 }
        return String(h, radix: 16) + "-\(d.count)"
    }
}
