import Foundation
import Statistics

/// Per-path outcome columns of a run, in path order (the engine's `PartialResult` exposes its own as `columns`).
public struct OutcomeColumns: Sendable {
    public var pvUSD: [Double], btcTotal: [Double], usdTotal: [Double], irr: [Double]
    /// Token day of payback (0 = never), days curtailed, terminated (0/1).
    public var paybackDay: [Int32], daysCurtailed: [Int32], terminated: [UInt8]
    public init(pvUSD: [Double], btcTotal: [Double], usdTotal: [Double], irr: [Double], paybackDay: [Int32], daysCurtailed: [Int32],
                terminated: [UInt8]) {
        self.pvUSD = pvUSD; self.btcTotal = btcTotal; self.usdTotal = usdTotal; self.irr = irr
        self.paybackDay = paybackDay; self.daysCurtailed = daysCurtailed; self.terminated = terminated
    }
    public var count: Int { pvUSD.count }
}

/// What `summary.json` holds (docs/outputs.md), typed: the statistics of one run (or of one stress scenario, whose
/// `stress.csv` row is a projection of it). Encoded with sorted keys; a missing or non-finite number is `null`.
public struct RunSummary: Codable, Equatable, Sendable {
    /// The run the statistics describe.
    public struct Run: Equatable, Sendable {
        public var deal: String, model: String, measure: String, antithetic: Bool, seed: UInt64
        /// ISO dates: the calibration's as-of (simulated day 0) and the token's first day − 1.
        public var asOf: String, startDate: String
        /// Simulated days; the deal's remaining term in days; whether the horizon cuts the term (SPEC §9: a truncation is
        /// stated, never silent).
        public var horizonDays: Int, termDays: Int, truncated: Bool
        /// Randomized QMC (`--sampling sobol`): its description and replicate count; nil for pseudo-random sampling.
        public var sampling: String? = nil, samplingReplicates: Int? = nil
        public init(deal: String, model: String, measure: String, antithetic: Bool, seed: UInt64, asOf: String, startDate: String,
                    horizonDays: Int, termDays: Int, truncated: Bool) {
            self.deal = deal; self.model = model; self.measure = measure; self.antithetic = antithetic; self.seed = seed
            self.asOf = asOf; self.startDate = startDate; self.horizonDays = horizonDays; self.termDays = termDays; self.truncated = truncated
        }
    }

    /// The next halving as simulated: the share of paths that reach it within the horizon and, among those, the
    /// quantiles (`Quantiles.interval90`, from the exact per-day counts) of its simulated day (1-based) and date.
    public struct Halving: Codable, Equatable, Sendable {
        public var probWithinHorizon: Double
        public struct Point: Equatable, Sendable {
            public var level: String, day: Int, date: String
            public init(level: String, day: Int, date: String) { self.level = level; self.day = day; self.date = date }
        }
        /// p05, p50, p95 of the halving's simulated day (1-based) and its date; empty when no path reaches a halving.
        public var days: [Point]

        /// `counts[t]`: paths whose first halving is on simulated day t (0-based); `date(d)`: ISO date of 1-based day d.
        public init(counts c: [UInt32], paths: Int, date: (Int) -> String) {
            let total = c.reduce(0) { $0 + Int($1) }
            probWithinHorizon = Double(total) / Double(max(paths, 1))
            days = Quantiles.interval90.compactMap { l in Quantiles.of(counts: c, l.p).map { Point(level: l.name, day: $0 + 1, date: date($0 + 1)) } }
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: NameKey.self)
            try c.encodeFinite(probWithinHorizon, forKey: "prob_within_horizon")
            for d in days {
                try c.encode(d.day, forKey: NameKey("day_" + d.level)); try c.encode(d.date, forKey: NameKey("date_" + d.level))
            }
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: NameKey.self)
            probWithinHorizon = try c.decodeFinite("prob_within_horizon")
            days = try Quantiles.interval90.compactMap { l in
                guard let d = try c.decodeIfPresent(Int.self, forKey: NameKey("day_" + l.name)),
                      let s = try c.decodeIfPresent(String.self, forKey: NameKey("date_" + l.name)) else { return nil }
                return Point(level: l.name, day: d, date: s)
            }
        }
    }

    /// Staking leverage over all paths (summary.json `leverage`), with the sweep's best leverage when a sweep ran.
    public struct Leverage: Codable, Equatable, Sendable {
        public var probLiquidation: Double, probBadDebt: Double, badDebtMeanFraction: Double
        public var levered: ReturnStatistics, unlevered: ReturnStatistics
        public struct Best: Equatable, Sendable {
            public var leverage: Double, loops: Int, ltv: Double
            public init(leverage: Double, loops: Int, ltv: Double) { self.leverage = leverage; self.loops = loops; self.ltv = ltv }
        }
        /// The highest leverage with P(liquidation) < 5 % over the sweep (nil without a sweep or when none qualifies).
        public var best: Best?
        /// How the collateral was marked (nil in summaries written before the model mark).
        public var mark: Mark?

        /// The collateral mark (summary.json `leverage.mark`).
        public struct Mark: Codable, Equatable, Sendable {
            /// `model` (the conditional expectation fitted on pilot paths) or `intrinsic` (frozen state).
            public var method: String
            /// Pilot paths of the model mark's regression (nil for intrinsic).
            public var pilotPaths: Int?
            /// The opening mark, USD per token (mean over paths), and — model — the pilot's standard error of it.
            public var day0USD: Double
            public var day0StderrUSD: Double?
            /// Fit quality by bucket of token days (model): means over the bucket's fit days.
            public var fit: [Bucket]
            public struct Bucket: Codable, Equatable, Sendable {
                public var fromDay: Int, toDay: Int, r2: Double, r2CV: Double, rmseCV: Double
                public init(fromDay: Int, toDay: Int, r2: Double, r2CV: Double, rmseCV: Double) {
                    self.fromDay = fromDay; self.toDay = toDay; self.r2 = r2; self.r2CV = r2CV; self.rmseCV = rmseCV
                }
                public func encode(to encoder: Encoder) throws {
                    var c = encoder.container(keyedBy: NameKey.self)
                    try c.encode(fromDay, forKey: "from_day"); try c.encode(toDay, forKey: "to_day")
                    try c.encodeFinite(r2, forKey: "r2"); try c.encodeFinite(r2CV, forKey: "r2_cv"); try c.encodeFinite(rmseCV, forKey: "rmse_cv")
                }
                public init(from decoder: Decoder) throws {
                    let c = try decoder.container(keyedBy: NameKey.self)
                    fromDay = try c.decode(Int.self, forKey: "from_day"); toDay = try c.decode(Int.self, forKey: "to_day")
                    r2 = try c.decodeFinite("r2"); r2CV = try c.decodeFinite("r2_cv"); rmseCV = try c.decodeFinite("rmse_cv")
                }
            }
            public init(method: String, pilotPaths: Int?, day0USD: Double, day0StderrUSD: Double?, fit: [Bucket]) {
                self.method = method; self.pilotPaths = pilotPaths; self.day0USD = day0USD; self.day0StderrUSD = day0StderrUSD; self.fit = fit
            }
            public func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: NameKey.self)
                try c.encode(method, forKey: "method"); try c.encodeIfPresent(pilotPaths, forKey: "pilot_paths")
                try c.encodeFinite(day0USD, forKey: "day0_usd")
                if method == "model" { try c.encodeFinite(day0StderrUSD, forKey: "day0_stderr_usd"); try c.encode(fit, forKey: "fit") }
            }
            public init(from decoder: Decoder) throws {
                let c = try decoder.container(keyedBy: NameKey.self)
                method = try c.decode(String.self, forKey: "method"); pilotPaths = try c.decodeIfPresent(Int.self, forKey: "pilot_paths")
                day0USD = try c.decodeFinite("day0_usd")
                day0StderrUSD = try c.decodeIfPresent(Double.self, forKey: "day0_stderr_usd")
                fit = try c.decodeIfPresent([Bucket].self, forKey: "fit") ?? []
            }
        }

        public init(probLiquidation: Double, probBadDebt: Double, badDebtMeanFraction: Double, levered: ReturnStatistics,
                    unlevered: ReturnStatistics, best: Best?, mark: Mark? = nil) {
            self.probLiquidation = probLiquidation; self.probBadDebt = probBadDebt; self.badDebtMeanFraction = badDebtMeanFraction
            self.levered = levered; self.unlevered = unlevered; self.best = best; self.mark = mark
        }

        static let bestKey = "max_leverage_under_5pct_liquidation"

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: NameKey.self)
            try c.encodeFinite(probLiquidation, forKey: "prob_liquidation"); try c.encodeFinite(probBadDebt, forKey: "prob_bad_debt")
            try c.encodeFinite(badDebtMeanFraction, forKey: "bad_debt_mean_fraction")
            try c.encode(levered, forKey: "levered"); try c.encode(unlevered, forKey: "unlevered")
            if let b = best {
                try c.encodeFinite(b.leverage, forKey: NameKey(Self.bestKey)); try c.encode(b.loops, forKey: NameKey(Self.bestKey + "_loops"))
                try c.encodeFinite(b.ltv, forKey: NameKey(Self.bestKey + "_ltv"))
            }
            try c.encodeIfPresent(mark, forKey: "mark")
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: NameKey.self)
            probLiquidation = try c.decodeFinite("prob_liquidation"); probBadDebt = try c.decodeFinite("prob_bad_debt")
            badDebtMeanFraction = try c.decodeFinite("bad_debt_mean_fraction")
            levered = try c.decode(ReturnStatistics.self, forKey: "levered"); unlevered = try c.decode(ReturnStatistics.self, forKey: "unlevered")
            if let l = try c.decodeIfPresent(Double.self, forKey: NameKey(Self.bestKey)) {
                best = Best(leverage: l, loops: try c.decode(Int.self, forKey: NameKey(Self.bestKey + "_loops")),
                            ltv: try c.decodeFinite(NameKey(Self.bestKey + "_ltv")))
            } else { best = nil }
            mark = try c.decodeIfPresent(Mark.self, forKey: "mark")
        }
    }

    public var run: Run
    public var paths: Int
    /// PV per token (USD, at the deal's discount rate): mean, its standard error, quantiles.
    public var pvMean: Double, pvStderr: Double, pvQuantiles: QuantileSet
    /// BTC paid per token over the term.
    public var btcMean: Double, btcQuantiles: QuantileSet
    /// Undiscounted USD paid per token.
    public var usdMean: Double
    /// Annual IRR against the issue price over the paths where it is defined (`irrPathsMissing` paths have none).
    public var irrQuantiles: QuantileSet, irrPathsMissing: Int
    /// P(loss) = P(undiscounted USD payouts < issue price): the holder does not get the price back (SPEC §9).
    public var probLoss: Double
    /// P(PV at the deal's discount rate < issue price): the hurdle is missed, which includes paths that pay back slowly.
    public var probPVBelowPrice: Double
    public var probPayback: Double, probTerminated: Double
    /// Payback token day over the paths that pay back.
    public var paybackDayQuantiles: QuantileSet
    public var daysCurtailedMean: Double
    public var halving: Halving
    public var tranches: [TrancheSummary]?
    public var leverage: Leverage?
    /// `simulate --sensitivities`: one row per bumped input (`SensitivityRow`); nil without.
    public var sensitivities: [SensitivityRow]?
    /// The forward curve, the token's value on it, the forward-measure solve and the hedge (keys `curve`, `curve_value`,
    /// `forward`, `hedge`; absent without a curve).
    public var curve: CurveSummary?
    /// The flat-hashprice base case (key `base_case`): today's hashprice held flat over the run, through the one cash-flow
    /// function (`Simulate.BaseCase`); the same shape as `curve_value`.
    public var baseCase: CurveSummary.Value?

    /// Reduces a run's per-path outcomes (path order) against the issue price `priceUSD`.
    ///
    ///     pv_usd_mean = Σ PVᵢ / n,  pv_usd_stderr: `Moments.meanStderr` (antithetic pair averages); under randomized
    ///     QMC (`run.samplingReplicates`) `Moments.replicateStderr` (the spread of the independent replicates' means)
    ///     prob_loss = #{USDᵢ < price} / n (undiscounted payouts),  prob_pv_below_price = #{PVᵢ < price} / n
    ///     prob_payback = #{payback dayᵢ > 0} / n,  prob_terminated = #{terminatedᵢ} / n
    /// Payouts are non-negative, so a path pays back (cumulative USD reaches the price on some day) exactly when its
    /// total is not below the price: prob_loss + prob_payback = 1 for a positive price.
    ///     quantiles: `Quantiles.of` at `Quantiles.levels` (IRR over finite values, payback day over paying-back paths)
    public init(run: Run, outcomes o: OutcomeColumns, priceUSD: Double, halving: Halving, tranches: [TrancheSummary]? = nil,
                leverage: Leverage? = nil) {
        self.run = run
        let n = o.count, dn = Double(max(n, 1))
        paths = n
        if let r = run.samplingReplicates {
            (pvMean, pvStderr) = Moments.replicateStderr(o.pvUSD, unitSize: run.antithetic ? 2 : 1, replicates: r)
        } else {
            (pvMean, pvStderr) = Moments.meanStderr(o.pvUSD, antithetic: run.antithetic)
        }
        pvQuantiles = QuantileSet(sample: o.pvUSD)
        func mean(_ v: [Double]) -> Double { var s = 0.0; for x in v { s += x }; return s / dn }
        btcMean = mean(o.btcTotal); btcQuantiles = QuantileSet(sample: o.btcTotal)
        usdMean = mean(o.usdTotal)
        let irrs = o.irr.filter { $0.isFinite }
        irrQuantiles = QuantileSet(sample: irrs); irrPathsMissing = n - irrs.count
        var loss = 0, pvBelow = 0, payback = 0, term = 0, curtailed = 0.0
        for i in 0..<n {
            if o.usdTotal[i] < priceUSD { loss += 1 }
            if o.pvUSD[i] < priceUSD { pvBelow += 1 }
            if o.paybackDay[i] > 0 { payback += 1 }
            if o.terminated[i] != 0 { term += 1 }
            curtailed += Double(o.daysCurtailed[i])
        }
        probLoss = Double(loss) / dn; probPVBelowPrice = Double(pvBelow) / dn; probPayback = Double(payback) / dn; probTerminated = Double(term) / dn
        paybackDayQuantiles = QuantileSet(sample: o.paybackDay.filter { $0 > 0 }.map(Double.init))
        daysCurtailedMean = curtailed / dn
        self.halving = halving; self.tranches = tranches; self.leverage = leverage
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: NameKey.self)
        try c.encode(run.deal, forKey: "deal"); try c.encode(run.model, forKey: "model"); try c.encode(run.measure, forKey: "measure")
        try c.encode(run.antithetic, forKey: "antithetic"); try c.encode(run.seed, forKey: "seed")
        try c.encode(run.asOf, forKey: "as_of"); try c.encode(run.startDate, forKey: "start_date")
        try c.encode(run.horizonDays, forKey: "horizon_days"); try c.encode(run.termDays, forKey: "term_days")
        try c.encode(run.truncated, forKey: "truncated"); try c.encode(paths, forKey: "paths")
        try c.encodeIfPresent(run.sampling, forKey: "sampling"); try c.encodeIfPresent(run.samplingReplicates, forKey: "sampling_replicates")
        try c.encodeFinite(pvMean, forKey: "pv_usd_mean"); try c.encodeFinite(pvStderr, forKey: "pv_usd_stderr")
        try c.encode(pvQuantiles, forKey: "pv_usd_quantiles")
        try c.encodeFinite(btcMean, forKey: "btc_total_mean"); try c.encode(btcQuantiles, forKey: "btc_total_quantiles")
        try c.encodeFinite(usdMean, forKey: "usd_total_mean")
        try c.encode(irrQuantiles, forKey: "irr_quantiles"); try c.encode(irrPathsMissing, forKey: "irr_paths_missing")
        try c.encodeFinite(probLoss, forKey: "prob_loss"); try c.encodeFinite(probPVBelowPrice, forKey: "prob_pv_below_price")
        try c.encodeFinite(probPayback, forKey: "prob_payback"); try c.encodeFinite(probTerminated, forKey: "prob_terminated")
        try c.encode(paybackDayQuantiles, forKey: "payback_day_quantiles")
        try c.encodeFinite(daysCurtailedMean, forKey: "days_curtailed_mean")
        try c.encode(halving, forKey: "halving")
        try c.encodeIfPresent(tranches, forKey: "tranches"); try c.encodeIfPresent(leverage, forKey: "leverage")
        try c.encodeIfPresent(baseCase, forKey: "base_case")
        try c.encodeIfPresent(sensitivities, forKey: "sensitivities")
        if let cv = curve {
            try c.encode(cv.curve, forKey: "curve"); try c.encodeIfPresent(cv.value, forKey: "curve_value")
            try c.encodeIfPresent(cv.forward, forKey: "forward"); try c.encodeIfPresent(cv.hedge, forKey: "hedge")
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: NameKey.self)
        run = Run(deal: try c.decode(String.self, forKey: "deal"), model: try c.decode(String.self, forKey: "model"),
                  measure: try c.decode(String.self, forKey: "measure"), antithetic: try c.decode(Bool.self, forKey: "antithetic"),
                  seed: try c.decode(UInt64.self, forKey: "seed"), asOf: try c.decode(String.self, forKey: "as_of"),
                  startDate: try c.decode(String.self, forKey: "start_date"), horizonDays: try c.decode(Int.self, forKey: "horizon_days"),
                  termDays: try c.decode(Int.self, forKey: "term_days"), truncated: try c.decode(Bool.self, forKey: "truncated"))
        paths = try c.decode(Int.self, forKey: "paths")
        run.sampling = try c.decodeIfPresent(String.self, forKey: "sampling")
        run.samplingReplicates = try c.decodeIfPresent(Int.self, forKey: "sampling_replicates")
        pvMean = try c.decodeFinite("pv_usd_mean"); pvStderr = try c.decodeFinite("pv_usd_stderr")
        pvQuantiles = try c.decode(QuantileSet.self, forKey: "pv_usd_quantiles")
        btcMean = try c.decodeFinite("btc_total_mean"); btcQuantiles = try c.decode(QuantileSet.self, forKey: "btc_total_quantiles")
        usdMean = try c.decodeFinite("usd_total_mean")
        irrQuantiles = try c.decode(QuantileSet.self, forKey: "irr_quantiles"); irrPathsMissing = try c.decode(Int.self, forKey: "irr_paths_missing")
        probLoss = try c.decodeFinite("prob_loss"); probPVBelowPrice = try c.decodeFinite("prob_pv_below_price")
        probPayback = try c.decodeFinite("prob_payback"); probTerminated = try c.decodeFinite("prob_terminated")
        paybackDayQuantiles = try c.decode(QuantileSet.self, forKey: "payback_day_quantiles")
        daysCurtailedMean = try c.decodeFinite("days_curtailed_mean")
        halving = try c.decode(Halving.self, forKey: "halving")
        tranches = try c.decodeIfPresent([TrancheSummary].self, forKey: "tranches")
        leverage = try c.decodeIfPresent(Leverage.self, forKey: "leverage")
        baseCase = try c.decodeIfPresent(CurveSummary.Value.self, forKey: "base_case")
        sensitivities = try c.decodeIfPresent([SensitivityRow].self, forKey: "sensitivities")
        if let cv = try c.decodeIfPresent(CurveSummary.Curve.self, forKey: "curve") {
            curve = CurveSummary(curve: cv, value: try c.decodeIfPresent(CurveSummary.Value.self, forKey: "curve_value"),
                                 forward: try c.decodeIfPresent(CurveSummary.Forward.self, forKey: "forward"),
                                 hedge: try c.decodeIfPresent(CurveSummary.Hedge.self, forKey: "hedge"))
        }
    }
}
