/// `summary.json` of a nightly run (and the run record in the store, which the next run compares with): no timestamps,
/// so a rerun over the same data writes the same bytes.
public struct NightlySummary: Codable, Equatable, Sendable {
    public var asOf: String
    /// `first – last` stored day used.
    public var dataWindow: String
    public var calibrationWindow: String
    /// Run-level metrics (the calibration's headline parameters and initial state).
    public var metrics: [String: Double]
    /// Each deal's headline metrics (`NightlySummary.headline`): finite values only.
    public var deals: [String: [String: Double]]

    public init(asOf: String, dataWindow: String, calibrationWindow: String, metrics: [String: Double], deals: [String: [String: Double]]) {
        self.asOf = asOf; self.dataWindow = dataWindow; self.calibrationWindow = calibrationWindow; self.metrics = metrics; self.deals = deals
    }

    /// The headline metrics of a deal's summary (the nightly's `deals` object and `changes.csv`; non-finite ones left out).
    public static func headline(_ s: RunSummary) -> [String: Double] {
        let m: [String: Double?] = ["pv_usd_mean": s.pvMean, "btc_total_mean": s.btcMean, "prob_loss": s.probLoss,
                                    "prob_pv_below_price": s.probPVBelowPrice, "prob_payback": s.probPayback,
                                    "pv_usd_p05": s.pvQuantiles["p05"], "irr_p50": s.irrQuantiles["p50"]]
        return m.compactMapValues { $0.flatMap { $0.isFinite ? $0 : nil } }
    }

    /// Every comparable metric, by deal ("" for the run level).
    public var allMetrics: [String: [String: Double]] {
        var out = deals
        out[""] = metrics
        return out.mapValues { $0.filter { $0.value.isFinite } }
    }

    enum CodingKeys: String, CodingKey {
        case metrics, deals
        case asOf = "as_of", dataWindow = "data_window", calibrationWindow = "calibration_window"
    }
}
