import Domain

/// One scenario of an engine call (`MonteCarlo.run(…, paths:)`): a stress overlay and/or an input variant — the deal or
/// the calibration with one input edited (the sensitivities' bumps) — run on the same random numbers as every other
/// scenario of the call (each path's shocks depend only on (seed, path)).
///
/// A variant calibration must keep the run's as-of day, price model inputs' shapes and history (only values move: the
/// start price, hash rate or fee, a diffusion σ, the fee level); a variant deal must keep the token's start and term (only
/// operating inputs move, e.g. the power price) and its structures are not run (`accumulate` without `.structures`).
/// Consecutive scenarios with the same calibration and overlay share the generated block (generated once, priced by each).
public struct PathScenario: Sendable, Equatable {
    public var overlay: StressOverlay?
    /// The deal to price (nil: the call's deal).
    public var deal: Deal?
    /// The calibration to generate from (nil: the call's calibration).
    public var calibration: Calibration?
    /// What this scenario accumulates (nil: the call's `accumulate`).
    public var accumulate: MonteCarlo.Accumulation?

    public init(overlay: StressOverlay? = nil, deal: Deal? = nil, calibration: Calibration? = nil, accumulate: MonteCarlo.Accumulation? = nil) {
        self.overlay = overlay; self.deal = deal; self.calibration = calibration; self.accumulate = accumulate
    }

}
