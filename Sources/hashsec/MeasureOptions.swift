import ArgumentParser
import Models
import Pipeline
import Simulate

/// `--measure`, `--rate` and the forward curve's options (shared by `simulate` and `stress`).
struct MeasureOptions: ParsableArguments {
    @Option(help: "Drift: real, risk-neutral, or forward (matched to the stored hashprice forward curve, SPEC §13).")
    var measure: String = "real"
    @Option(help: "Annual rate for the risk-neutral drift.") var rate: Double = 0.04
    @Option(help: "Forward curve file (quote_date,month,hashprice_usd_ph_day) instead of the store's latest quote on or before the as-of date.")
    var curve: String?
    @Option(help: "--measure forward after the curve's last month: hold (the last month's drift shift continues), flat (the last level held to the horizon, solved month by month) or real (the real-world drift resumes).")
    var forwardBeyond: String = ForwardAdjustment.Beyond.hold.rawValue
    @Option(help: "--measure forward: the run's first N paths the drift shift is solved on.")
    var forwardPilot: Int = ForwardMeasure.defaultPilotPaths

    /// Applies `--measure` and `--rate` to `s`; returns the curve options.
    func apply(_ s: inout SimulationSettings, fromStore: Bool = false) throws -> CurveOptions {
        guard let m = Measure(rawValue: measure) else { throw ValidationError("--measure must be real, risk-neutral or forward") }
        guard rate.isFinite, rate > -1, rate < 10 else { throw ValidationError("--rate must be an annual rate in (−1, 10), got \(rate)") }
        guard let b = ForwardAdjustment.Beyond(rawValue: forwardBeyond) else { throw ValidationError("--forward-beyond must be hold, flat or real") }
        guard (2...10_000_000).contains(forwardPilot) else { throw ValidationError("--forward-pilot must be in 2…10000000") }
        s.measure = m; s.rate = rate
        return CurveOptions(path: curve, fromStore: fromStore, beyond: b, pilotPaths: forwardPilot)
    }
}

/// `simulate --hedge N|own|var|cvar [--hedge-settlement usd|btc] [--initial-margin X]`.
struct HedgeOptions: ParsableArguments {
    @Option(help: "Sell monthly hashprice NDFs at the forward curve: N PH/s per token, own (the token's own PH/s each month), var (the variance-minimizing N) or cvar (the CVaR95-minimizing N).")
    var hedge: String?
    @Option(help: "NDF settlement: usd (on the USD hashprice) or btc (on the BTC hashprice; needs a BTC curve).")
    var hedgeSettlement: String = HedgeSpec.Settlement.usd.rawValue
    @Option(help: "Initial margin as a share of notional (default: Luxor's 0.35 for USD-, 0.18 for BTC-settled contracts).")
    var initialMargin: Double?

    func parsed() throws -> (HedgeSize?, HedgeSpec.Settlement, Double?) {
        var size: HedgeSize? = nil
        if let h = hedge {
            guard let v = HedgeSize(h) else { throw ValidationError("--hedge must be a number of PH/s ≥ 0, own, var or cvar, got \(h)") }
            size = v
        }
        guard let st = HedgeSpec.Settlement(rawValue: hedgeSettlement) else { throw ValidationError("--hedge-settlement must be usd or btc") }
        if let im = initialMargin, !(im.isFinite && im >= 0 && im <= 1) {
            throw ValidationError("--initial-margin must be a share of notional in [0, 1], got \(im)")
        }
        if size == nil, initialMargin != nil || hedgeSettlement != HedgeSpec.Settlement.usd.rawValue {
            throw ValidationError("--hedge-settlement and --initial-margin need --hedge")
        }
        return (size, st, initialMargin)
    }
}
