import Domain
import Foundation
import Models

/// `hashsec calc` (SPEC §13): one machine or a deal's fleet projected deterministically — the one path generator with
/// every random term at zero, priced by the one path pricer (`TokenPricer`), so a zero-volatility `simulate` gives the
/// same numbers.
///
/// The network and the market (`Assumptions`):
///
///     ln H_{t+1} = ln H_t + ln(1 + g)/30.4375          hash rate grows g per month (30.4375 = 365.25/12 days)
///     ln S_{t+1} = ln S_t + ln(1 + g_S)/30.4375        BTC price grows g_S per month (default 0: held)
///     fee per block held at its as-of level (or `--fee-btc`)
///
/// and the chain as in every simulated path (`ChainClock`): blocks at the rate `86400·H/(D·2³²)` per day, the difficulty
/// retargeted every 2,016 blocks from the elapsed time (clamped ×4/÷4), halvings at the Consensus heights. So "difficulty
/// growth g per month" is the network's hash-rate growth; the difficulty follows it at the retargets, with the chain's
/// lag (the first epoch only partly). The calibration used for it (`deterministicCalibration`) is the as-of state with
/// `gbm` μ = ln(1+g_S)/30.4375, σ = 0; hash rate a = ln(1+g)/30.4375, b = c = σ_H = 0; fees κ = σ_F = 0; no jumps,
/// identity correlation — run with `gbm`, parameter uncertainty off, expected (not Poisson) block counts.
///
/// Per unit (one machine, or one token of the deal) and token day t, from the pricer's daily series on that path:
///
///     revenue_USD = gross_BTC·S,   cost_USD = power + hosting,   profit_USD = revenue − cost   (as priced: after curtailment
///                   and termination; signed: before the deficit rule)
///     payout: the pricer's paid BTC/USD (after the deficit rule too: what the holder receives)
///     breakeven power (USD/kWh) = (revenue₁ − hosting)/energy_kWh,   breakeven hashprice = hashprice·cost₁/revenue₁
///     (revenue₁, cost₁: running that day, whatever the curtailment)
///
/// The breakeven quantities are per day with the machines running (`curtailment: never`, one more pricer pass whose power
/// price is 1 USD/kWh, so its power cost is the energy in kWh); over the horizon the breakeven power price is
/// `Σ(revenue − hosting)/Σ energy`. Payback: the pricer's payback day against `capex` (the deal's `price_usd`).
public enum MiningCalculator {
    public static let daysPerMonth = 365.25 / 12

    public struct Assumptions: Equatable, Sendable {
        /// Network hash-rate growth per month (0.02 = 2 %/month).
        public var hashRateGrowthPerMonth: Double
        public var priceGrowthPerMonth: Double
        /// Overrides of the as-of state (nil: the calibration's).
        public var priceUSD: Double?
        public var feePerBlockBTC: Double?
        public init(hashRateGrowthPerMonth: Double = 0, priceGrowthPerMonth: Double = 0, priceUSD: Double? = nil, feePerBlockBTC: Double? = nil) {
            self.hashRateGrowthPerMonth = hashRateGrowthPerMonth; self.priceGrowthPerMonth = priceGrowthPerMonth
            self.priceUSD = priceUSD; self.feePerBlockBTC = feePerBlockBTC
        }
    }

    /// One token day of the projection, per unit.
    public struct Day: Equatable, Sendable {
        public var date: Domain.Day
        public var hashpriceUSD: Double, priceUSD: Double
        public var revenueBTC: Double, revenueUSD: Double, powerUSD: Double, hostingUSD: Double, profitUSD: Double
        public var payoutBTC: Double, payoutUSD: Double, cumulativePayoutUSD: Double
        public var energyKWh: Double
        /// nil when the day has no energy (power) or no revenue.
        public var breakevenPowerUSDPerKWh: Double?, breakevenHashpriceUSD: Double?
    }

    public struct Projection: Equatable, Sendable {
        public var days: [Day]
        /// The pricer's outcome of the path (PV at the deal's discount rate, totals, IRR and payback against `capex`).
        public var outcome: PathOutcome
        public var capexUSD: Double
        /// Σ(revenue − hosting)/Σ energy over the horizon, running every day (nil without energy).
        public var breakevenPowerUSDPerKWh: Double?
        public var assumptions: Assumptions
        public var calibration: Calibration
        /// The date of the first halving on the path (empty when none falls within the horizon).
        public var halvings: [Domain.Day]
        /// The forward curve the hashprice followed (nil: the projected network).
        public var curve: ForwardCurve?
    }

    /// The settings of the deterministic run (also what a zero-volatility `simulate` must use to agree).
    public static func settings(horizonDays: Int?) -> SimulationSettings {
        SimulationSettings(paths: 1, seed: 1, threads: 1, model: .gbm, measure: .real, drift: .historical, parameterUncertainty: false,
                           antithetic: false, poissonBlocks: false, horizonDays: horizonDays, blockSize: 2)
    }

    /// The calibration of the deterministic path (see the type's doc comment).
    public static func deterministicCalibration(_ c: Calibration, _ a: Assumptions) -> Calibration {
        var z = c
        let zero = Estimate(0, stderr: 0)
        let mu = Foundation.log(1 + a.priceGrowthPerMonth) / daysPerMonth
        z.gbm = GBMParameters(mu: Estimate(mu, stderr: 0), sigma: zero, logLikelihood: 0)
        z.merton = MertonParameters(mu: Estimate(mu, stderr: 0), sigma: zero, lambda: zero, muJ: zero, sigmaJ: zero, logLikelihood: 0,
                                    observations: c.merton.observations)
        z.regime = nil
        z.hashRate.a = Estimate(Foundation.log(1 + a.hashRateGrowthPerMonth) / daysPerMonth, stderr: 0)
        z.hashRate.b = zero; z.hashRate.c = zero; z.hashRate.sigma = zero; z.hashRate.supply = nil; z.hashRate.bUnconstrained = nil
        z.fees.kappa = zero; z.fees.sigma = zero; z.fees.m.stderr = 0
        z.correlation = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
        if let p = a.priceUSD { z.initialState.priceUSD = p }
        if let f = a.feePerBlockBTC { z.initialState.feePerBlockBTC = f }
        return z
    }

    /// Projects `deal` (one unit: a machine, or one token) over its term (or `horizonDays`) from `calibration`'s as-of
    /// state under `assumptions`; payback against `deal.token.priceUSD` (the capex; 0 = none).
    ///
    /// `curve`: the hashprice path follows the forward curve instead (`ForwardCurve.levelHeld(on:)`, USD/PH/day, converted
    /// at the day's BTC price), as the curve value of `simulate` (`CurveValue`); the network assumptions then only move
    /// the BTC price path and the halving date.
    public static func project(deal: Deal, calibration: Calibration, assumptions: Assumptions, horizonDays: Int? = nil,
                               curve: ForwardCurve? = nil) throws -> Projection {
        guard assumptions.hashRateGrowthPerMonth > -1, assumptions.priceGrowthPerMonth > -1,
              [assumptions.hashRateGrowthPerMonth, assumptions.priceGrowthPerMonth].allSatisfy({ $0.isFinite }) else {
            throw SimulateError.invalidSettings("growth per month must be finite and above −100 %")
        }
        let cal = deterministicCalibration(calibration, assumptions)
        let s = settings(horizonDays: horizonDays)
        let schedule = DealSchedule(deal: deal, asOf: cal.initialState.date, horizon: horizonDays)
        let days = schedule.horizonDays, td = schedule.tokenDays, off = schedule.offset
        let generator = PathGenerator(process: try ModelProcess(calibration: cal, settings: s), initial: cal.initialState, settings: s, days: days)
        let scratch = generator.makeScratch()
        generator.generate(first: 0, count: 1, into: scratch)
        if let c = curve {
            for t in 0..<days {
                scratch.hashpriceUSD[t] = c.levelHeld(on: schedule.asOf + t + 1)
                scratch.hashpriceBTC[t] = scratch.hashpriceUSD[t] / scratch.price[t]
            }
        }
        // The deal as priced, and the same machines running every day at 1 USD/kWh (energy and uncurtailed revenue).
        var running = deal
        running.operations.curtailment = .never; running.operations.powerUSDPerKWh = 1; running.operations.terminateAfterDeficitDays = nil
        let runs = [deal, running].map { d -> (PathOutcome, [Double], [Double], [Double], [Double]) in
            let pricer = TokenPricer(deal: d, offset: off, tokenDays: td)
            defer { pricer.deallocate() }
            let b = TokenPricer.DailyBuffers(capacity: max(td, 1))
            defer { b.deallocate() }
            let o = pricer.price(priceUSD: scratch.price, hashpriceBTC: scratch.hashpriceBTC, into: b)
            func a(_ p: UnsafeMutablePointer<Double>) -> [Double] { Array(UnsafeBufferPointer(start: p, count: td)) }
            return (o, a(b.grossBTC), a(b.costUSD), a(b.netBTC), a(b.netUSD))
        }
        let (outcome, gross, cost, payBTC, payUSD) = runs[0]
        let (_, grossRun, costRun, _, _) = runs[1]
        let hosting = deal.operations.hostingUSDPerTHDay * deal.token.hashrateTH
        let p = deal.operations.powerUSDPerKWh
        var out: [Day] = []
        var cum = 0.0, sumMargin = 0.0, sumEnergy = 0.0
        for i in 0..<td {
            let S = scratch.price[off + i], hp = scratch.hashpriceUSD[off + i]
            // Running every day (breakeven): energy and uncurtailed revenue; as priced: after curtailment and termination.
            let energy = costRun[i] - hosting, revenueRunning = grossRun[i] * S
            let revenue = gross[i] * S, host = min(hosting, cost[i]), power = cost[i] - host
            cum += payUSD[i]
            sumMargin += revenueRunning - hosting; sumEnergy += energy
            out.append(Day(date: schedule.asOf + off + i + 1, hashpriceUSD: hp, priceUSD: S, revenueBTC: gross[i], revenueUSD: revenue,
                           powerUSD: power, hostingUSD: host, profitUSD: revenue - power - host, payoutBTC: payBTC[i], payoutUSD: payUSD[i],
                           cumulativePayoutUSD: cum, energyKWh: energy,
                           breakevenPowerUSDPerKWh: energy > 0 ? (revenueRunning - hosting) / energy : nil,
                           breakevenHashpriceUSD: revenueRunning > 0 ? hp * (energy * p + hosting) / revenueRunning : nil))
        }
        return Projection(days: out, outcome: outcome, capexUSD: deal.token.priceUSD,
                          breakevenPowerUSDPerKWh: sumEnergy > 0 ? sumMargin / sumEnergy : nil, assumptions: assumptions, calibration: cal,
                          halvings: scratch.halvingDay[0] >= 0 ? [schedule.asOf + Int(scratch.halvingDay[0]) + 1] : [], curve: curve)
    }
}
