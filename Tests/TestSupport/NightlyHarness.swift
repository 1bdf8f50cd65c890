import Foundation
import XCTest
import TestSupport

/// Drives the built `hashsec` binary against a temp folder holding a synthetic history (no real data).
public struct NightlyHarness {
    public let root: URL
    public var binary: URL { HashsecBinary.url }
    public var reports: URL { root.appendingPathComponent("reports") }

    public init() throws {
        root = try TestSupport.temporaryDirectory("nightly")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw XCTSkip("\(binary.path) absent: run `swift build` first")
        }
        try Self.history(days: 1500).write(to: root.appendingPathComponent("history.csv"), atomically: true, encoding: .utf8)
        try config().write(to: root.appendingPathComponent("nightly.yaml"), atomically: true, encoding: .utf8)
        try "scenarios:\n  - {name: price_crash_50, kind: price_crash, pct: 50, day: 30, description: \"BTC price -50% on day 30\"}\n"
            .write(to: root.appendingPathComponent("scenarios.yaml"), atomically: true, encoding: .utf8)
    }

    public func config(today: String = "data", maxAge: Int = 3, input: String = "history.csv") -> String {
        """
        db: state/hashsec.sqlite
        inputs:
          - path: \(input)
            format: tidy
        deals: [\(TestSupport.repositoryRoot.appendingPathComponent("datasets/deals/btcst-like.yaml").path)]
        scenarios: scenarios.yaml
        max_data_age_days: \(maxAge)
        today: \(today)
        paths: 20
        seed: 7
        calibration_window_days: 730
        efficiency_trend: 0
        reports_dir: reports
        notebooks_dir: notebooks-export
        thresholds:
          default: 0.1

        """
    }

    /// A synthetic tidy history: log-price random walk, stepwise difficulty responding to the hashprice, Poisson-ish block
    /// counts; hash rate consistent
    /// with difficulty and blocks (h = D·2³²·blocks/86400); fixed-seed LCG so every test sees the same file.
    public static func history(days: Int, emptyPriceAt: Int? = nil) -> String {
        var state: UInt64 = 0x9E3779B97F4A7C15
        func uniform() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return (Double(state >> 11) + 0.5) / 9007199254740992 }
        func gauss() -> Double { (-2 * Foundation.log(uniform())).squareRoot() * Foundation.cos(2 * Double.pi * uniform()) }
        var s = "date,price_usd,block_count,hash_rate_ths,difficulty_mean,fees_btc,issuance_btc,height_end\n"
        var lp = Foundation.log(8000.0), ld = Foundation.log(1.3e13), h = 610_000
        let start = Date(timeIntervalSince1970: 1_577_836_800) // 2020-01-01
        let f = DateFormatter(); f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(identifier: "UTC"); f.dateFormat = "yyyy-MM-dd"
        for i in 0..<days {
            lp += 0.0005 + 0.03 * gauss()
            // Miner supply (SPEC §5, δ = 0): difficulty steps toward the breakeven hashprice of 100 USD/PH/day
            // (κ = 0.003/day), so the calibration finds a positive response.
            if i % 14 == 0 {
                let lnHP = Foundation.log(86400e15 / (Foundation.exp(ld) * 4294967296) * ((h < 630_000 ? 12.5 : 6.25) + 0.25) * Foundation.exp(lp))
                ld += 14 * 0.003 * (lnHP - Foundation.log(100)) + 0.03 * gauss()
            }
            let blocks = max(100, Int(144 + 12 * gauss()))
            let diff = Foundation.exp(ld), hr = diff * 4294967296 * Double(blocks) / 86400 / 1e12
            // Issuance: the subsidy of each of the day's blocks h+1…h+blocks (50 BTC halved every 210,000), so a day
            // crossing a halving is right too (SPEC §2 plausibility).
            let issued = ((h + 1)...(h + blocks)).reduce(0.0) { $0 + 50 / Foundation.pow(2, Double($1 / 210_000)) }
            h += blocks
            let price = i == emptyPriceAt ? "" : Foundation.exp(lp).description
            s += "\(f.string(from: start.addingTimeInterval(Double(i) * 86400))),\(price),\(blocks),\(hr),\(diff),\(Double(blocks) * 0.2 * (1 + 0.5 * uniform())),\(issued),\(h)\n"
        }
        return s
    }

    public typealias Outcome = HashsecBinary.Outcome

    /// Starts `hashsec nightly nightly.yaml` in `root` (not waiting).
    public func start(_ extra: [String] = [], env: [String: String] = [:], config: String = "nightly.yaml") throws -> (Process, Pipe, Pipe) {
        let (p, o, r) = HashsecBinary.process(["nightly", config] + extra, in: root, env: env)
        try p.run()
        return (p, o, r)
    }

    public func run(_ extra: [String] = [], env: [String: String] = [:], config: String = "nightly.yaml") throws -> Outcome {
        try HashsecBinary.run(["nightly", config] + extra, in: root, env: env)
    }

    /// Waits until `file` contains `text` (polling), or fails after `timeout` seconds.
    public func waitFor(_ text: String, in file: URL, timeout: Double = 30) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if let s = try? String(contentsOf: file, encoding: .utf8), s.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    public var latestTarget: String? { try? FileManager.default.destinationOfSymbolicLink(atPath: reports.appendingPathComponent("latest").path) }

    public func runFolders() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: reports.path)) ?? []).filter { $0.first?.isNumber == true }.sorted()
    }

    public func tempFolders() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: reports.path)) ?? []).filter { $0.hasPrefix(".tmp-") }
    }

    /// Every file under `dir` (relative paths) with its bytes.
    public func files(_ dir: String) throws -> [String: Data] {
        let base = reports.appendingPathComponent(dir)
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(atPath: base.path)!
        while let rel = e.nextObject() as? String {
            var isDir: ObjCBool = false
            let p = base.appendingPathComponent(rel).path
            if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), !isDir.boolValue { out[rel] = FileManager.default.contents(atPath: p) }
        }
        return out
    }
}
