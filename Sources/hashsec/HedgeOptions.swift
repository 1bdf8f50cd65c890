import ArgumentParser
import Models
import Pipeline
import Simulate

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
