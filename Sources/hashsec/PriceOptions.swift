import ArgumentParser
import Models
import Simulate

/// `--model`, `--drift`, `--parameter-uncertainty` (shared by `simulate` and `stress`); the model list is the registry's.
struct PriceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Price model: \(PriceModels.namesText) (default \(SimulationDefaults.model)).")) var model: String = SimulationDefaults.model
    @Option(help: "Real-world price drift: historical (default), shrunk (toward 0 with prior sd 0.5/yr), zero, or a log return per year (e.g. 0.2).")
    var drift: String = Drift.default.description
    @Option(help: "Each path draws its model parameters from their sampling distribution: on or off.")
    var parameterUncertainty: String = SimulationDefaults.parameterUncertainty ? "on" : "off"

    /// Applies the options to `s`; unknown values are usage errors.
    func apply(_ s: inout SimulationSettings) throws {
        guard let m = PriceModel(rawValue: model) else { throw ValidationError("--model must be \(PriceModels.namesText)") }
        s.model = m
        (s.drift, s.parameterUncertainty) = try PriceOptions.assumptions(drift: drift, parameterUncertainty: parameterUncertainty)
    }

    /// `--drift` and `--parameter-uncertainty` values checked (also for the backtest's options).
    static func assumptions(drift: String, parameterUncertainty: String) throws -> (Drift, Bool) {
        guard let d = Drift(drift) else { throw ValidationError("--drift must be historical, shrunk, zero or a log return per year within ±5, got \(drift)") }
        guard ["on", "off"].contains(parameterUncertainty) else { throw ValidationError("--parameter-uncertainty must be on or off") }
        return (d, parameterUncertainty == "on")
    }
}
