import Domain
import Foundation
import Simulate

/// `hashsec synth`: a deterministic synthetic daily history (tidy CSV) from a calibration.
public enum SynthJob {
    /// The tidy ingest format of SPEC §2 (hash rate in TH/s, `difficulty_mean`), so `hashsec ingest` reads it back.
    public static let header = "date,price_usd,block_count,hash_rate_ths,difficulty_mean,fees_btc,issuance_btc,height_end"

    public static func csv(_ obs: [DailyObservation]) -> String {
        func n(_ x: Double?) -> String { x.map { $0.description } ?? "" }
        var s = header + "\n"
        for o in obs {
            s += "\(o.date.iso),\(n(o.priceUSD)),\(n(o.blockCount)),\(n(o.hashRateHs.map { $0 / 1e12 })),\(n(o.difficulty)),\(n(o.feesBTC)),\(n(o.issuanceBTC)),\(o.heightEnd.map(String.init) ?? "")\n"
        }
        return s
    }

    /// Generates and writes the history; returns the observations.
    public static func run(out: String, days: Int, seed: UInt64, calibrationPath: String?, saveCalibration: String? = nil) throws -> [DailyObservation] {
        let cal = try calibrationPath.map { try SimulateJob.readCalibration($0).0 } ?? SyntheticHistory.referenceCalibration
        // Generate first: a run refused (e.g. for its memory) writes nothing.
        let obs = try SyntheticHistory.generate(calibration: cal, days: days, seed: seed)
        if let sc = saveCalibration {
            let (t, d) = try BenchmarkJob.writeAside(try CalibrateJob.encode(cal), to: sc)
            try BenchmarkJob.commit(t, d)
        }
        let (tmp, dest) = try BenchmarkJob.writeAside(csv(obs), to: out)
        try BenchmarkJob.commit(tmp, dest)
        return obs
    }
}
