import Domain
import FileIO
import Foundation
import Pipeline
import Simulate
import Results
import Statistics
import TestSupport
import XCTest

/// `simulate --sensitivities` (SPEC §13, issue 14 item 2) against finite differences of SEPARATE simulate runs whose deal
/// or calibration file was edited by hand here (JSON / YAML text, not through `SensitivityBump`).
final class SensitivityTests: XCTestCase {
    let repo = TestSupport.repositoryRoot
    var calibrationPath: String { repo.appendingPathComponent("datasets/synthetic-calibration.json").path }
    func dealPath(_ n: String) -> String { repo.appendingPathComponent("datasets/deals/\(n).yaml").path }

    /// A 500-day horizon (a truncation, stated in the outputs) keeps the many runs of these tests short.
    func run(_ deal: String, calibration: String? = nil, seed: UInt64, paths: Int = 600, threads: Int = 2, sensitivities: Bool = false,
             pathsCSV: Bool = true) throws -> SimulateJob.Result {
        try SimulateJob.run(.init(dealPath: deal, settings: SimulationSettings(paths: paths, seed: seed, threads: threads, horizonDays: 500),
                                  calibrationPath: calibration ?? calibrationPath, pathsCSV: pathsCSV, sensitivities: sensitivities))
    }

    /// Per-path PV, undiscounted USD and IRR from a run's paths.csv.
    func columns(_ r: SimulateJob.Result) throws -> (pv: [Double], usd: [Double], irr: [Double]) {
        let csv = try XCTUnwrap(r.files.first { $0.name == "paths.csv" }?.text)
        var pv: [Double] = [], usd: [Double] = [], irr: [Double] = []
        for line in csv.split(separator: "\n").dropFirst() {
            let c = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            pv.append(Double(c[1])!); usd.append(Double(c[3])!); irr.append(Double(c[4]) ?? .nan)
        }
        return (pv, usd, irr)
    }

    /// A copy of the calibration JSON with `edit` applied to its dictionary.
    func editedCalibration(_ dir: URL, _ name: String, _ edit: (inout [String: Any]) -> Void) throws -> String {
        var o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: calibrationPath))) as? [String: Any])
        edit(&o)
        let u = dir.appendingPathComponent(name + ".json")
        try JSONSerialization.data(withJSONObject: o).write(to: u)
        return u.path
    }

    static func scale(_ o: inout [String: Any], _ section: String, _ key: String, by f: Double) {
        var s = o[section] as! [String: Any]; s[key] = (s[key] as! Double) * f; o[section] = s
    }
    static func add(_ o: inout [String: Any], _ section: String, _ key: String, _ d: Double) {
        var s = o[section] as! [String: Any], e = s[key] as! [String: Any]
        e["value"] = (e["value"] as! Double) + d; s[key] = e; o[section] = s
    }

    /// The edited inputs of each bump, as (input, up, down?) of (deal path, calibration path).
    func variants(_ deal: String, dir: URL) throws -> [(String, (String, String), (String, String)?)] {
        let cal = calibrationPath
        func c(_ n: String, _ e: (inout [String: Any]) -> Void) throws -> String { try editedCalibration(dir, n, e) }
        var out: [(String, (String, String), (String, String)?)] = []
        out.append(("btc_price", (deal, try c("p+") { Self.scale(&$0, "initialState", "priceUSD", by: 1.1) }),
                    (deal, try c("p-") { Self.scale(&$0, "initialState", "priceUSD", by: 0.9) })))
        out.append(("network_hash_rate", (deal, try c("h+") { Self.scale(&$0, "initialState", "hashRateHs", by: 1.1) }),
                    (deal, try c("h-") { Self.scale(&$0, "initialState", "hashRateHs", by: 0.9) })))
        let text = try String(contentsOfFile: deal, encoding: .utf8)
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.contains("power_usd_kwh:") })
        let power = try XCTUnwrap(Double(line.split(separator: ":")[1].split(separator: "#")[0].trimmingCharacters(in: .whitespaces)))
        if power > 0 {
            func d(_ n: String, _ v: Double) throws -> String {
                let u = dir.appendingPathComponent(n + ".yaml")
                try text.replacingOccurrences(of: String(line), with: "  power_usd_kwh: \(v)").write(to: u, atomically: true, encoding: .utf8)
                return u.path
            }
            out.append(("power_price", (try d("w+", power + 0.01), cal), (try d("w-", power - 0.01), cal)))
        }
        out.append(("fees", (deal, try c("f") {
            var s = $0["initialState"] as! [String: Any]; s["feePerBlockBTC"] = (s["feePerBlockBTC"] as! Double) * 1.5; $0["initialState"] = s
            Self.add(&$0, "fees", "m", log(1.5))
        }), nil))
        out.append(("volatility", (deal, try c("v") {
            Self.add(&$0, "merton", "sigma", 0.05 / 365.0.squareRoot()); Self.add(&$0, "gbm", "sigma", 0.05 / 365.0.squareRoot())
        }), nil))
        return out
    }

    /// Each sensitivity (dPV/token, dP(loss), dIRR median) equals the finite difference of separate runs with the input
    /// edited and the same seed (the engine's variant is the edited input, to rounding), and agrees within 3 standard
    /// errors with the finite difference of separate runs on a DIFFERENT seed (an independent sample: this checks the
    /// standard errors too). Signs: dPV/dprice > 0, dPV/dhash rate < 0, dPV/dpower < 0 for the net token; = 0 (not
    /// applicable) for the gross note.
    func testSensitivitiesMatchSeparateRunFiniteDifferences() throws {
        let dir = try TestSupport.temporaryDirectory("sens")
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["s21-token", "bmn2-like"] {
            let deal = dealPath(name)
            let sens = try run(deal, seed: 1, sensitivities: true)
            let rows = try XCTUnwrap(sens.summary?.sensitivities)
            XCTAssertEqual(rows.map(\.input), ["btc_price", "network_hash_rate", "power_price", "fees", "volatility"])
            let price = try XCTUnwrap(sens.summary).run.deal.isEmpty ? 0 : Double(try XCTUnwrap(try String(contentsOfFile: deal, encoding: .utf8)
                .split(separator: "\n").first { $0.contains("price_usd:") }).split(separator: ":")[1].split(separator: "#")[0]
                .trimmingCharacters(in: .whitespaces))!
            let base1 = try columns(sens)
            let base2 = try columns(try run(deal, seed: 2))
            for (input, up, down) in try variants(deal, dir: dir) {
                let row = try XCTUnwrap(rows.first { $0.input == input })
                XCTAssertTrue(row.applies, "\(name) \(input)")
                func fd(seed: UInt64, base: (pv: [Double], usd: [Double], irr: [Double])) throws -> (dpv: Double, se: Double, dloss: Double, lossSE: Double, dirr: Double?) {
                    let u = try columns(try run(up.0, calibration: up.1, seed: seed))
                    let l = try down.map { try columns(try run($0.0, calibration: $0.1, seed: seed)) } ?? base
                    let f = down == nil ? 1.0 : 0.5
                    let n = u.pv.count
                    let dpv = (0..<n).map { (u.pv[$0] - l.pv[$0]) * f }
                    let dloss = (0..<n).map { ((u.usd[$0] < price ? 1.0 : 0) - (l.usd[$0] < price ? 1.0 : 0)) * f }
                    let a = Moments.meanStderr(dpv, antithetic: true), b = Moments.meanStderr(dloss, antithetic: true)
                    func med(_ x: [Double]) -> Double? { Quantiles.of(sorted: x.filter { $0.isFinite }.sorted(), 0.5) }
                    let dirr = med(u.irr).flatMap { mu in med(l.irr).map { (mu - $0) * f } }
                    return (a.mean, a.stderr, b.mean, b.stderr, dirr)
                }
                let same = try fd(seed: 1, base: base1)
                XCTAssertEqual(row.dpv, same.dpv, accuracy: 1e-9 * max(1, abs(same.dpv)), "\(name) \(input): same seed")
                XCTAssertEqual(row.dprobLoss, same.dloss, accuracy: 1e-12, "\(name) \(input): same seed")
                XCTAssertEqual(row.dpvStderr, same.se, accuracy: 1e-9 * max(1, same.se), "\(name) \(input): paired SE")
                if let a = row.dirrMedian, let b = same.dirr { XCTAssertEqual(a, b, accuracy: 1e-9, "\(name) \(input): IRR median") }
                let other = try fd(seed: 2, base: base2)
                let se = (row.dpvStderr * row.dpvStderr + other.se * other.se).squareRoot()
                XCTAssertLessThanOrEqual(abs(row.dpv - other.dpv), 3 * se, "\(name) \(input): seed 2 \(other.dpv) vs \(row.dpv) ± \(se)")
                let seL = (row.dprobLossStderr * row.dprobLossStderr + other.lossSE * other.lossSE).squareRoot()
                XCTAssertLessThanOrEqual(abs(row.dprobLoss - other.dloss), max(3 * seL, 1e-12), "\(name) \(input): dP(loss) seed 2")
                if let a = row.dirrMedian, let b = other.dirr, let s = row.dirrMedianStderr {
                    XCTAssertLessThanOrEqual(abs(a - b), 3 * (2 * s * s).squareRoot(), "\(name) \(input): dIRR median seed 2")
                }
                XCTAssertGreaterThan(row.dpvStderr, 0)
                // Common random numbers: the paired SE is far below that of two independent means.
                XCTAssertLessThan(row.dpvStderr, 0.5 * (try XCTUnwrap(sens.summary).pvStderr), "\(name) \(input)")
            }
            let r = Dictionary(uniqueKeysWithValues: rows.map { ($0.input, $0) })
            XCTAssertGreaterThan(r["btc_price"]!.dpv - 3 * r["btc_price"]!.dpvStderr, 0, "\(name): dPV/dprice > 0")
            XCTAssertLessThan(r["network_hash_rate"]!.dpv + 3 * r["network_hash_rate"]!.dpvStderr, 0, "\(name): dPV/dhash rate < 0")
            XCTAssertGreaterThan(r["fees"]!.dpv, 0, "\(name): more fees, more revenue")
            if name == "bmn2-like" {
                let p = r["power_price"]!
                XCTAssertFalse(p.applies); XCTAssertEqual(p.dpv, 0); XCTAssertEqual(p.dpvStderr, 0); XCTAssertEqual(p.dprobLoss, 0)
                XCTAssertTrue(p.note.contains("pays no power"))
            } else {
                XCTAssertLessThan(r["power_price"]!.dpv + 3 * r["power_price"]!.dpvStderr, 0, "\(name): dPV/dpower < 0 (net token)")
            }
        }
    }

    /// The base outputs do not move when the sensitivities run beside them, and the sensitivities are byte-identical for
    /// any thread count.
    func testBaseOutputsUnchangedAndThreadIndependent() throws {
        let deal = dealPath("s21-token")
        let plain = try run(deal, seed: 5, paths: 300, threads: 1, pathsCSV: false)
        let one = try run(deal, seed: 5, paths: 300, threads: 1, sensitivities: true, pathsCSV: false)
        let two = try run(deal, seed: 5, paths: 300, threads: 2, sensitivities: true, pathsCSV: false)
        func text(_ r: SimulateJob.Result, _ name: String) -> String? { r.files.first { $0.name == name }?.text }
        let csv1 = try XCTUnwrap(text(one, "sensitivities.csv"))
        XCTAssertEqual(csv1, text(two, "sensitivities.csv"))
        XCTAssertEqual(csv1.split(separator: "\n").first.map(String.init), SensitivityRow.csvHeader.joined(separator: ","))
        XCTAssertEqual(text(one, "summary.json"), text(two, "summary.json"))
        for f in plain.files where f.name != "summary.json" && f.name != "manifest.json" {
            XCTAssertEqual(text(one, f.name), f.text, f.name)
        }
        var s = try XCTUnwrap(one.summary)
        XCTAssertEqual(s.sensitivities?.count, 5)
        s.sensitivities = nil
        XCTAssertEqual(try JSONText.encode(s), text(plain, "summary.json"))
        // summary.json round-trips the typed block.
        let decoded = try JSONDecoder().decode(RunSummary.self, from: Data(try XCTUnwrap(text(one, "summary.json")).utf8))
        XCTAssertEqual(decoded.sensitivities?.map(\.input), one.summary?.sensitivities?.map(\.input))
        XCTAssertEqual(decoded.sensitivities?.first?.dpv, one.summary?.sensitivities?.first?.dpv)
    }
}
