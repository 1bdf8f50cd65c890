import Domain
import Foundation

/// Stationary block bootstrap of the window's daily log returns (Politis–Romano, mean block length 20 days): each day
/// continues the current block with probability `1 − 1/20`, else restarts at a uniformly drawn return. The lane's `drift`
/// is a shift added to every resampled return: `m* − m̂` for the stated drift (0 for `historical`), risk-neutral
/// `r/365 − ln mean(e^{r_t})`. Parameter uncertainty draws the mean: `m ~ N(m̂, (σ̂/√n)²)` (kept per `DriftRule`).
public enum BootstrapModel: PriceModelDefinition {
    public static let name = "bootstrap"
    public static let summary = "stationary block bootstrap of historical daily log returns (mean block 20 days)"
    public static let meanBlock = 20.0

    public static func fit(returns r: [Double], into c: inout Calibration) throws { c.historicalLogReturns = r }

    public static func tableRows(_ c: Calibration) -> [CalibrationRow] {
        [CalibrationRow(name, "returns", Double(c.historicalLogReturns.count), nil),
         CalibrationRow(name, "mean_block_days", meanBlock, nil)]
    }

    public static func law(_ c: Calibration, _ a: PriceAssumptions) throws -> PriceLaw {
        let r = c.historicalLogReturns.filter { $0.isFinite }
        guard r.count >= 20 else {
            throw ModelsError.invalidSettings("bootstrap needs ≥ 20 historical log returns (field historicalLogReturns), calibration has \(r.count)")
        }
        let mHat = r.reduce(0, +) / Double(r.count)
        let se = c.sampleMeanSE
        let rule = DriftRule(a, fitted: mHat, sampleSE: se)
        let rnShift = a.rate / 365 - Foundation.log(r.reduce(0) { $0 + Foundation.exp($1) } / Double(r.count))
        let measure = a.measure
        let laneOf: @Sendable ([Double]) -> PriceLane = { t in
            PriceLane(drift: measure == .real ? rule.mean(t[0]) - mHat : rnShift, sigma: 0)
        }
        let draw = a.parameterUncertainty && measure == .real
            ? ParameterDraw(estimate: [mHat], stderr: [se], covariance: nil, transforms: [.identity]) : nil
        return try PriceLaw(step: .bootstrap, base: laneOf([mHat]), bootstrapReturns: r, draw: draw,
                            driftStatement: measure == .real ? rule.statement : "risk-neutral", laneOf: laneOf)
    }

    /// The block's next return index: restart at `⌊u₂·n⌋` when `u₁ < 1/meanBlock`, else continue (wrapping).
    @inline(__always)
    public static func nextIndex(_ i: Int, restartU u1: Double, indexU u2: Double, count n: Int) -> Int {
        u1 < 1 / meanBlock ? startIndex(u2, count: n) : (i + 1) % n
    }
    @inline(__always)
    public static func startIndex(_ u: Double, count n: Int) -> Int { min(n - 1, Int(u * Double(n))) }
}
