import Foundation

/// The per-deal stage of the nightly batch (simulate + stress of one deal into `deals/<name>/`).
enum NightlyDeals {
    /// Output of one deal: its headline metrics for `summary.json` / `changes.csv` (nil when not simulated).
    struct Outcome { var name: String; var metrics: [String: Double]? }

    /// Writes `dir/deal.yaml` (a copy of the terms) and, once the Simulate stage is wired, the simulate and stress
    /// outputs of `docs/outputs.md`. Until `SimulateJob`/`StressJob` exist in this package, the deal is only copied
    /// and `metrics` is nil (the caller logs a warning; the report then shows the deal's terms file only).
    static func run(dealPath: String, dir: URL, config: NightlyJob.Context) throws -> Outcome {
        let name = URL(fileURLWithPath: dealPath).deletingPathExtension().lastPathComponent
        guard let data = FileManager.default.contents(atPath: dealPath) else {
            throw PipelineError.inputMissing(path: dealPath, reason: "deal file not found")
        }
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try data.write(to: dir.appendingPathComponent("deal.yaml"))
        } catch { throw PipelineError.cannotWrite(path: dir.path, reason: "\(error)") }
        return Outcome(name: name, metrics: try headline(dir))
    }

    /// Headline metrics from `dir/summary.json` (when the simulate stage wrote one).
    static func headline(_ dir: URL) throws -> [String: Double]? {
        guard let d = FileManager.default.contents(atPath: dir.appendingPathComponent("summary.json").path),
              let s = try JSONSerialization.jsonObject(with: d) as? [String: Any] else { return nil }
        var m: [String: Double] = [:]
        for k in ["pv_usd_mean", "btc_total_mean", "prob_loss", "prob_payback"] { if let v = s[k] as? NSNumber { m[k] = v.doubleValue } }
        if let q = s["pv_usd_quantiles"] as? [String: Any], let v = q["p05"] as? NSNumber { m["pv_usd_p05"] = v.doubleValue }
        if let q = s["irr_quantiles"] as? [String: Any], let v = q["p50"] as? NSNumber { m["irr_p50"] = v.doubleValue }
        return m
    }
}
