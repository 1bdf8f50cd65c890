import Bitcoin
import Domain
import Foundation
import Structures

/// Where a path's mark state comes from: the path generator's daily state (price, hashprice, hash rate, difficulty,
/// height: `PathGenerator.Scratch` with `record`) and the pricer's sequential state (`TokenPricer.stateWidth`), on token
/// day t = simulated index `offset + t − 1` (day 0 with no offset: the as-of state, the same on every path).
struct MarkPlan: Sendable {
    let offset: Int
    /// Token days left in the term from the token's start (the mark's T; a truncated run still marks the whole term).
    let termDays: Int
    /// Days of the position (`LeverageEngine.horizon`): marks are needed for days 0…horizon.
    let horizon: Int
    let fitDays: [Int]
    /// The as-of state: price, hashprice BTC/PH/day, hash rate, difficulty, height; and its hashprice USD (u's unit).
    let s0: Double, hp0: Double, h0: Double, d0: Double, height0: Double, hpRef: Double
    /// `terminate_after_deficit_days` (0: none).
    let terminateAfter: Int

    init(deal: Deal, schedule: DealSchedule, initial: InitialState, horizon: Int) {
        offset = schedule.offset; termDays = schedule.termDays; self.horizon = horizon
        fitDays = ConditionalMark.fitDays(horizon: horizon)
        s0 = initial.priceUSD; h0 = initial.hashRateHs; d0 = initial.difficulty; height0 = Double(initial.height)
        hp0 = 1e15 * 86400 / (initial.difficulty * 4294967296.0) * (ChainClock.subsidyBTC(block: initial.height + 1, shift: 0) + initial.feePerBlockBTC)
        hpRef = hp0 * s0
        terminateAfter = deal.operations.terminateAfterDeficitDays ?? 0
    }

    /// Price and hashprice (BTC/PH/day) of path `p` (row of `scratch`) on token day `t`.
    @inline(__always) func market(_ scratch: PathGenerator.Scratch, path p: Int, day t: Int) -> (s: Double, hp: Double) {
        let j = offset + t - 1
        if j < 0 { return (s0, hp0) }
        let o = p * scratch.days + j
        return (scratch.price[o], scratch.hashpriceBTC[o])
    }

    /// The mark state of path `p` on token day `t`; `state` is the pricer's sequential state of the path (token day 1 at 0).
    @inline(__always) func state(_ scratch: PathGenerator.Scratch, path p: Int, day t: Int, state st: UnsafePointer<Double>) -> MarkState {
        let j = offset + t - 1, d = scratch.days
        let s: Double, hp: Double, h: Double, diff: Double, height: Double
        if j < 0 { s = s0; hp = hp0; h = h0; diff = d0; height = height0 } else {
            let o = p * d + j, r = scratch.recorded!
            s = scratch.price[o]; hp = scratch.hashpriceBTC[o]; h = r.hashRate[o]; height = r.height[o]
            // The difficulty after day j (in force at the start of day j + 1).
            diff = j + 1 < d ? r.difficulty[o + 1] : r.difficulty[o]
        }
        let bpd = h * 86400 / (diff * 4294967296.0)
        let next = (floor(height / Double(Consensus.halvingInterval)) + 1) * Double(Consensus.halvingInterval)
        let left = Double(termDays - t)
        let w = left > 0 && bpd > 0 ? min(1, max(0, (next - height) / bpd / left)) : 1
        var owed = 0.0, run = 0.0
        if t >= 1 {
            owed = st[3 * (t - 1)] * s
            run = terminateAfter > 0 ? st[3 * (t - 1) + 1] / Double(terminateAfter) : 0
        }
        return MarkState(hashprice: hp * s / hpRef, beforeHalving: w, blockRate: bpd > 0 ? log(bpd / 144) : 0, owedUSD: owed, deficitRun: run)
    }
}

/// The collateral mark of a leveraged deal in a run: the model-consistent `ConditionalMark` fitted on pilot paths
/// (`mark: model`, the default), or the intrinsic `TokenValueModel` (`mark: intrinsic`).
struct LeverageMarker: Sendable {
    enum Kind: Sendable { case model(ConditionalMark, pilotPaths: Int), intrinsic(TokenValueModel) }
    let plan: MarkPlan
    let kind: Kind

    /// Whether the generator must record its daily state (hash rate, difficulty, height) for the marks.
    var needsRecording: Bool { if case .model = kind { return true }; return false }
    var fitRows: [MarkFitRow] { if case let .model(m, _) = kind { return m.rows }; return [] }

    /// The pilot's seed: independent of the run's paths (every shard regenerates the same pilot).
    static func pilotSeed(_ seed: UInt64) -> UInt64 { splitMix64(seed ^ 0x6D61_726B_2D70_696C) }   // "mark-pil"

    /// The run's marker: intrinsic, or the model mark fitted now on its pilot (a run of the same engine, base scenario,
    /// the whole remaining term, `pilotPaths` paths of the seed `pilotSeed(settings.seed)`).
    static func make(deal: Deal, spec: LeverageSpec, engine: LeverageEngine, calibration: Calibration, settings: SimulationSettings,
                     schedule: DealSchedule) throws -> LeverageMarker {
        let plan = MarkPlan(deal: deal, schedule: schedule, initial: calibration.initialState,
                            horizon: engine.horizon(pathDays: schedule.tokenDays))
        switch spec.mark {
        case .intrinsic:
            return LeverageMarker(plan: plan, kind: .intrinsic(engine.model))
        case let .model(pilotPaths):
            var ps = settings
            ps.seed = pilotSeed(settings.seed); ps.paths = pilotPaths; ps.horizonDays = schedule.offset + schedule.termDays
            let pilotSchedule = DealSchedule(deal: deal, asOf: calibration.initialState.date, horizon: ps.horizonDays)
            let samples = MarkSamples(fitDays: plan.fitDays, paths: pilotPaths)
            _ = try MonteCarlo.engine(deal: deal, calibration: calibration, settings: ps, schedule: pilotSchedule, range: 0..<pilotPaths,
                                      paths: [PathScenario()], accumulations: [[]], sweepMaxLoops: nil, capture: nil, curve: nil, marker: nil,
                                      pilot: (plan, samples))
            let mark = try ConditionalMark.fit(samples: samples, basis: MarkBasis(deal: deal), antithetic: ps.antithetic)
            return LeverageMarker(plan: plan, kind: .model(mark, pilotPaths: pilotPaths))
        }
    }

    /// Path `p`'s marks for token days 0…`plan.horizon` into `out`; `state` is the path's pricer state; `withheld`: the BTC
    /// withheld by a payout suspension that will be paid (counted in the mark at the day's price).
    @inline(__always)
    func marks(_ scratch: PathGenerator.Scratch, path p: Int, state st: UnsafePointer<Double>, countWithheld: Bool,
               into out: UnsafeMutablePointer<Double>) {
        let H = plan.horizon
        switch kind {
        case let .model(m, _):
            for t in 0...H { out[t] = m.value(day: t, state: plan.state(scratch, path: p, day: t, state: st)) }
        case let .intrinsic(v):
            for t in 0...H {
                let (s, hp) = plan.market(scratch, path: p, day: t)
                out[t] = v.value(day: t, hashpriceBTC: hp, priceUSD: s)
            }
        }
        if countWithheld && H >= 1 {
            for t in 1...H {
                let w = st[3 * (t - 1) + 2]
                if w > 0 { out[t] += w * plan.market(scratch, path: p, day: t).s }
            }
        }
    }

    /// The pilot's samples of path `p` (pilot path index `index`): its state and realized remaining PV on every fit day.
    @inline(__always)
    static func record(_ plan: MarkPlan, samples: MarkSamples, scratch: PathGenerator.Scratch, path p: Int, index: Int,
                       netUSD: UnsafePointer<Double>, state st: UnsafePointer<Double>, pricer: TokenPricer) {
        // Y_t = Σ_{u>t} pay_u·disc_u / disc_t, fit days from the last down, summing the payouts backwards once.
        var acc = 0.0, u = pricer.tokenDays
        for k in stride(from: plan.fitDays.count - 1, through: 0, by: -1) {
            let t = plan.fitDays[k]
            while u > t { acc += netUSD[u - 1] * pricer.discountFactor(day: u); u -= 1 }
            samples.record(fitDay: k, path: index, state: plan.state(scratch, path: p, day: t, state: st),
                           remainingPV: acc / pricer.discountFactor(day: t))
        }
    }
}
