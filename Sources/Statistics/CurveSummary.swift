import Foundation

/// A number in an output: itself, or `null` when not finite (a `null` reads back as NaN).
public struct Finite: Codable, Equatable, Sendable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    public var value: Double
    public init(_ v: Double) { value = v }
    public init(floatLiteral v: Double) { value = v }
    public init(integerLiteral v: Int) { value = Double(v) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        if value.isFinite { try c.encode(value) } else { try c.encodeNil() }
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        value = c.decodeNil() ? .nan : try c.decode(Double.self)
    }
    public static func == (a: Finite, b: Finite) -> Bool { a.value == b.value || (a.value.isNaN && b.value.isNaN) }
}

/// What summary.json says about the run's forward curve (SPEC §13): the curve (`curve`), the token's value on it
/// (`curve_value`), the forward-measure solve (`forward`) and the hedge overlay (`hedge`); each key only when it applies.
public struct CurveSummary: Codable, Equatable, Sendable {
    /// The curve the run used: the latest quote on or before the as-of date.
    public struct Curve: Codable, Equatable, Sendable {
        public var quoteDate: String, unit: String
        /// Where it came from: `store` or the `--curve` file.
        public var source: String
        public var months: [String], levels: [Finite]
        public init(quoteDate: String, unit: String, source: String, months: [String], levels: [Finite]) {
            self.quoteDate = quoteDate; self.unit = unit; self.source = source; self.months = months; self.levels = levels
        }
        enum CodingKeys: String, CodingKey { case unit, source, months, levels, quoteDate = "quote_date" }
    }

    /// The deterministic case: the token's payouts on the path whose hashprice follows the curve (one cash-flow
    /// function, `TokenPricer`).
    public struct Value: Codable, Equatable, Sendable {
        /// How the path is built (the stub, gaps and the days after the curve; the BTC price used for BTC amounts).
        public var rule: String
        public var pvUSD: Finite, usdTotal: Finite, btcTotal: Finite, irr: Finite
        public var paybackDay: Int, daysCurtailed: Int, terminated: Bool
        public init(rule: String, pvUSD: Double, usdTotal: Double, btcTotal: Double, irr: Double, paybackDay: Int, daysCurtailed: Int, terminated: Bool) {
            self.rule = rule; self.pvUSD = Finite(pvUSD); self.usdTotal = Finite(usdTotal); self.btcTotal = Finite(btcTotal); self.irr = Finite(irr)
            self.paybackDay = paybackDay; self.daysCurtailed = daysCurtailed; self.terminated = terminated
        }
        enum CodingKeys: String, CodingKey {
            case rule, irr, terminated
            case pvUSD = "pv_usd", usdTotal = "usd_total", btcTotal = "btc_total", paybackDay = "payback_day", daysCurtailed = "days_curtailed"
        }
    }

    /// `--measure forward`: the method, and per month the target, the solved drift shift and the simulated mean.
    public struct Forward: Codable, Equatable, Sendable {
        public struct Month: Codable, Equatable, Sendable {
            public var month: String
            public var level: Finite, thetaPerDay: Finite, pilotMean: Finite
            /// Over all the run's paths: the mean of the month's mean hashprice, its standard error, and its relative
            /// difference from the curve's level.
            public var simulatedMean: Finite, simulatedMeanStderr: Finite, relativeError: Finite
            public init(month: String, level: Double, thetaPerDay: Double, pilotMean: Double, simulatedMean: Double, simulatedMeanStderr: Double) {
                self.month = month; self.level = Finite(level); self.thetaPerDay = Finite(thetaPerDay); self.pilotMean = Finite(pilotMean)
                self.simulatedMean = Finite(simulatedMean); self.simulatedMeanStderr = Finite(simulatedMeanStderr)
                relativeError = Finite(simulatedMean / level - 1)
            }
            enum CodingKeys: String, CodingKey {
                case month, level
                case thetaPerDay = "theta_per_day", pilotMean = "pilot_mean", simulatedMean = "simulated_mean"
                case simulatedMeanStderr = "simulated_mean_stderr", relativeError = "relative_error"
            }
        }
        public var method: String, beyond: String
        public var pilotPaths: Int, iterations: Int
        public var maxLogErrorPilot: Finite
        public var months: [Month]
        public init(method: String, beyond: String, pilotPaths: Int, iterations: Int, maxLogErrorPilot: Double, months: [Month]) {
            self.method = method; self.beyond = beyond; self.pilotPaths = pilotPaths; self.iterations = iterations
            self.maxLogErrorPilot = Finite(maxLogErrorPilot); self.months = months
        }
        enum CodingKeys: String, CodingKey {
            case method, beyond, iterations, months
            case pilotPaths = "pilot_paths", maxLogErrorPilot = "max_log_error_pilot"
        }
    }

    /// The hedge overlay: the hedged position's distribution beside the unhedged one, the optimal ratios and the margin.
    public struct Hedge: Codable, Equatable, Sendable {
        public struct Ratio: Codable, Equatable, Sendable {
            /// PH/s per token (constant over the hedged months), and as a share of the token's own mean PH/s.
            public var phs: Finite, stderr: Finite?, ratioToOwn: Finite
            /// Hedged PV variance over unhedged PV variance; mean of the worst 5 % of hedged PVs.
            public var varianceRatio: Finite, pvTailMean5pct: Finite
            public init(phs: Double, stderr: Double?, ratioToOwn: Double, varianceRatio: Double, pvTailMean5pct: Double) {
                self.phs = Finite(phs); self.stderr = stderr.map { Finite($0) }; self.ratioToOwn = Finite(ratioToOwn)
                self.varianceRatio = Finite(varianceRatio); self.pvTailMean5pct = Finite(pvTailMean5pct)
            }
            enum CodingKeys: String, CodingKey {
                case phs = "ph_s", stderr, ratioToOwn = "ratio_to_own", varianceRatio = "variance_ratio", pvTailMean5pct = "pv_tail_mean_5pct"
            }
        }
        public var size: String, settlement: String
        public var monthsHedged: Int
        public var notionalPHsMean: Finite, ownPHsMean: Finite, ratioToOwn: Finite
        public var pvMean: Finite, pvStderr: Finite, pvSD: Finite, pvQuantiles: QuantileSet, pvTailMean5pct: Finite
        public var unhedgedPVSD: Finite, unhedgedPVTailMean5pct: Finite, varianceRatio: Finite
        public var irrQuantiles: QuantileSet, irrPathsMissing: Int
        public var probPVBelowPrice: Finite
        /// The hedge's own PV (its expected P&L: about 0 when the curve is the simulated mean, e.g. under `forward`).
        public var hedgePVMean: Finite, hedgePVStderr: Finite
        public var varianceMinimizing: Ratio?, cvarMinimizing: Ratio?
        public var initialMarginShare: Finite, initialMarginUSD: Finite
        public var peakMarginMean: Finite, peakMarginQuantiles: QuantileSet, maxDailyCallQuantiles: QuantileSet, peakMarginDayMedian: Finite

        public init(size: String, settlement: String, monthsHedged: Int, notionalPHsMean: Double, ownPHsMean: Double,
                    pv: [Double], unhedgedPV: [Double], hedgePV: [Double], irr: [Double], priceUSD: Double, antithetic: Bool,
                    varianceMinimizing: Ratio?, cvarMinimizing: Ratio?, initialMarginShare: Double, initialMarginUSD: Double,
                    peakMargin: [Double], maxDailyCall: [Double], peakMarginDay: [Double]) {
            self.size = size; self.settlement = settlement; self.monthsHedged = monthsHedged
            self.notionalPHsMean = Finite(notionalPHsMean); self.ownPHsMean = Finite(ownPHsMean)
            ratioToOwn = Finite(ownPHsMean > 0 ? notionalPHsMean / ownPHsMean : .nan)
            let (m, se) = Moments.meanStderr(pv, antithetic: antithetic)
            pvMean = Finite(m); pvStderr = Finite(se); pvSD = Finite(Moments.sd(pv)); pvQuantiles = QuantileSet(sample: pv)
            pvTailMean5pct = Finite(HedgeRatio.tailMean(pv))
            let su = Moments.sd(unhedgedPV)
            unhedgedPVSD = Finite(su); unhedgedPVTailMean5pct = Finite(HedgeRatio.tailMean(unhedgedPV))
            varianceRatio = Finite(su > 0 ? Moments.sd(pv) * Moments.sd(pv) / (su * su) : .nan)
            let finite = irr.filter { $0.isFinite }
            irrQuantiles = QuantileSet(sample: finite); irrPathsMissing = irr.count - finite.count
            probPVBelowPrice = Finite(Double(pv.filter { $0 < priceUSD }.count) / Double(max(pv.count, 1)))
            let (hm, hse) = Moments.meanStderr(hedgePV, antithetic: antithetic)
            hedgePVMean = Finite(hm); hedgePVStderr = Finite(hse)
            self.varianceMinimizing = varianceMinimizing; self.cvarMinimizing = cvarMinimizing
            self.initialMarginShare = Finite(initialMarginShare); self.initialMarginUSD = Finite(initialMarginUSD)
            peakMarginMean = Finite(Moments.mean(peakMargin)); peakMarginQuantiles = QuantileSet(sample: peakMargin)
            maxDailyCallQuantiles = QuantileSet(sample: maxDailyCall)
            peakMarginDayMedian = Finite(Quantiles.of(sorted: peakMarginDay.sorted(), 0.5) ?? .nan)
        }
        enum CodingKeys: String, CodingKey {
            case size, settlement
            case monthsHedged = "months_hedged", notionalPHsMean = "notional_ph_s_mean", ownPHsMean = "own_ph_s_mean", ratioToOwn = "ratio_to_own"
            case pvMean = "pv_usd_mean", pvStderr = "pv_usd_stderr", pvSD = "pv_usd_sd", pvQuantiles = "pv_usd_quantiles"
            case pvTailMean5pct = "pv_usd_tail_mean_5pct", unhedgedPVSD = "unhedged_pv_usd_sd"
            case unhedgedPVTailMean5pct = "unhedged_pv_usd_tail_mean_5pct", varianceRatio = "variance_ratio"
            case irrQuantiles = "irr_quantiles", irrPathsMissing = "irr_paths_missing", probPVBelowPrice = "prob_pv_below_price"
            case hedgePVMean = "hedge_pv_usd_mean", hedgePVStderr = "hedge_pv_usd_stderr"
            case varianceMinimizing = "variance_minimizing", cvarMinimizing = "cvar_minimizing"
            case initialMarginShare = "initial_margin_share", initialMarginUSD = "initial_margin_usd", peakMarginMean = "peak_margin_usd_mean"
            case peakMarginQuantiles = "peak_margin_usd_quantiles", maxDailyCallQuantiles = "max_daily_call_usd_quantiles"
            case peakMarginDayMedian = "peak_margin_day_p50"
        }
    }

    public var curve: Curve
    public var value: Value?
    public var forward: Forward?
    public var hedge: Hedge?
    public init(curve: Curve, value: Value? = nil, forward: Forward? = nil, hedge: Hedge? = nil) {
        self.curve = curve; self.value = value; self.forward = forward; self.hedge = hedge
    }
}
