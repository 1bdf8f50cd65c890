import Domain
import FileIO
import Foundation
import Simulate

/// `hashsec synth`: a deterministic synthetic daily history (tidy CSV) from a calibration.
public enum SynthJob {
    /// The tidy ingest format of SPEC §2 (hash rate in TH/s, `difficulty_mean`), so `hashsec ingest` reads it back.
    public static let header = ["date", "price_usd", "block_count", "hash_rate_ths", "difficulty_mean", "fees_btc", "issuance_btc", "height_end"]

    public static func csv(_ obs: [DailyObservation]) -> String {
        var t = CSVText(header: header)
        for o in obs {
            t.append([.text(o.date.iso), .number(o.priceUSD), .number(o.blockCount), .number(o.hashRateHs.map { $0 / 1e12 }), .number(o.difficulty),
                      .number(o.feesBTC), .number(o.issuanceBTC), o.heightEnd.map { .integer($0) } ?? .empty])
        }
        return t.text
    }

    /// Generates and writes the history (and the calibration used, with `saveCalibration`); returns the observations.
    public static func run(out: String, days: Int, seed: UInt64, calibrationPath: String?, saveCalibration: String? = nil) throws -> [DailyObservation] {
        let cal = try calibrationPath.map { try CalibrationResolver.file($0, asOf: nil).calibration } ?? SyntheticHistory.referenceCalibration
        // Generate first: a run refused (e.g. for its memory) writes nothing.
        let obs = try SyntheticHistory.generate(calibration: cal, days: days, seed: seed)
        var files = [(out, Data(csv(obs).utf8))]
        if let sc = saveCalibration { files.append((sc, Data(try CalibrateJob.encode(cal).utf8))) }
        try OutputWriter.write(files)
        return obs
    }
}
