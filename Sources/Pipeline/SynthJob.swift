import Domain
import FileIO
import Foundation
import Ingest
import Simulate

/// `hashsec synth`: a deterministic synthetic daily history (`SyntheticHistory`) from a calibration, written as tidy CSV
/// (`InputParser.TidyCSV`).
public enum SynthJob {
    /// Generates and writes the history (and the calibration used, with `saveCalibration`); returns the observations.
    public static func run(out: String, days: Int, seed: UInt64, calibrationPath: String?, saveCalibration: String? = nil) throws -> [DailyObservation] {
        let cal = try calibrationPath.map { try CalibrationResolver.file($0, asOf: nil).calibration } ?? SyntheticHistory.referenceCalibration
        // Generate first: a run refused (e.g. for its memory) writes nothing.
        let obs = try SyntheticHistory.generate(calibration: cal, days: days, seed: seed)
        var files = [(out, Data(TidyCSV.text(obs).utf8))]
        if let sc = saveCalibration { files.append((sc, Data(try CalibrateJob.encode(cal).utf8))) }
        try OutputWriter.write(files)
        return obs
    }
}
