import Bitcoin
import Domain
import Models
import LinearAlgebra
import RealModule

/// Fits every SPEC §5 model at `asOf` and builds the initial state there. Each model has its own window ending at `asOf`
/// (`CalibrationOptions`): the price models `priceWindowDays` (default 1,460), the hash-rate response `hashRateWindowDays`
/// (default 2,922 = 8 years, cut at the start of the ASIC era — the first release in the catalog — and by the start of
/// the history, stated in `SupplyResponse.windowNote`), the fee model `feeWindowDays`. The efficiency trend `δ` comes from
/// the catalog's frontier as of `asOf` (`EfficiencyFrontier.fit`) unless the options state it.
///
/// **As-of honesty:** observations, hashprice days and catalog machines after `asOf` are dropped before anything else
/// (the lagged hashprice regressors may reach back before a window start, never after `asOf`).
///
/// Missing values are skipped consistently: a price return needs prices on two consecutive calendar days; a 7-day hash rate
/// needs blocks and difficulty on all 7 days; a fee step needs fees on two consecutive days. Too few usable steps in a window
/// → `CalibrateError.insufficientData`.
public enum Calibrator {
    public static let defaultWindowDays = 1460
    /// Days of `lnHashpriceHistory` kept in the initial state (≥ 90, the longest candidate lag, plus the 6-day weighting).
    public static let hashpriceHistoryDays = 120

    /// `catalog`: the ASIC catalog (`datasets/asic-catalog.csv`) for δ, the ASIC-era start and the breakeven check; it may be
    /// nil only when `options.efficiencyTrendPerYear` states δ (then there is no era cut and no breakeven check).
    /// `priceModels`: the price models to fit (nil: every registered model, as `hashsec calibrate` stores them). A caller
    /// that simulates only some models (the backtest) may fit only those (plus the closed-form gbm and bootstrap); the
    /// others keep the unfitted placeholders.
    public static func calibrate(observations allObs: [DailyObservation], hashprice allHP: [HashpriceDay],
                                 asOf: Day, options o: CalibrationOptions = .standard, catalog: AsicCatalog?,
                                 priceModels: [PriceModel]? = nil) throws -> Calibration {
        try validate(o)
        let obs = allObs.filter { $0.date <= asOf }.sorted { $0.date < $1.date }
        let hp = allHP.filter { $0.date <= asOf }
        let windowStart = asOf - (o.priceWindowDays - 1)
        let (returns, returnDays) = try priceReturns(obs.filter { $0.date >= windowStart }, windowStart: windowStart, asOf: asOf)
        let trend = try efficiencyTrend(asOf: asOf, options: o, catalog: catalog)
        // Noise-robust 7-day hash rate over all data ≤ asOf.
        let (h7, b7) = sevenDayHashRate(obs)
        let lnHP = lnHashprice(hp)
        let supply = try supplyFit(h7: h7, b7: b7, lnHP: lnHP, asOf: asOf, trend: trend, options: o, catalog: catalog)
        let feeFit = try fees(hp, asOf: asOf, windowDays: o.feeWindowDays)
        let corr = try correlation(returns: returns, returnDays: returnDays, hashRateResiduals: supply.fit.residuals,
                                   feeResiduals: feeFit.residuals)
        let initial = try initialState(obs: obs, hp: hp, h7: h7, lnHP: lnHP, asOf: asOf)
        var cal = Calibration(asOf: asOf, windowStart: windowStart, windowEnd: asOf, merton: PriceModels.unfittedMerton,
                              gbm: PriceModels.unfittedGBM, hashRate: supply.parameters, fees: feeFit.parameters, correlation: corr,
                              historicalLogReturns: [], initialState: initial, options: o)
        try fitPriceModels(returns: returns, into: &cal, only: priceModels)
        return cal
    }

    /// The options' windows are positive and the breakeven check's power-price range and service life are valid.
    static func validate(_ o: CalibrationOptions) throws {
        guard o.priceWindowDays > 0 else { throw CalibrateError.invalidWindow(o.priceWindowDays) }
        guard o.hashRateWindowDays > 0 else { throw CalibrateError.invalidWindow(o.hashRateWindowDays) }
        guard o.feeWindowDays > 0 else { throw CalibrateError.invalidWindow(o.feeWindowDays) }
        guard o.powerPriceLowUSDPerKWh > 0, o.powerPriceLowUSDPerKWh <= o.powerPriceHighUSDPerKWh, o.powerPriceHighUSDPerKWh.isFinite,
              o.serviceLifeYears > 0, o.serviceLifeYears.isFinite else {
            throw CalibrateError.invalidOption("breakeven check needs 0 < low ≤ high power price and a positive service life, got \(o.powerPriceLowUSDPerKWh)…\(o.powerPriceHighUSDPerKWh) USD/kWh, \(o.serviceLifeYears) years")
        }
    }

    /// Daily log returns `ln S_{d+1} − ln S_d` over consecutive calendar days of the price window (positive finite prices),
    /// each with its first day `d`; at least 250 of them.
    static func priceReturns(_ inWindow: [DailyObservation], windowStart: Day, asOf: Day) throws -> (returns: [Double], days: [Day]) {
        guard inWindow.count >= 2 else {
            throw CalibrateError.insufficientData("no observations between \(windowStart) and \(asOf)")
        }
        var priceByDay: [Day: Double] = [:]
        for o in inWindow { if let p = o.priceUSD, p > 0, p.isFinite { priceByDay[o.date] = p } }
        var returns: [Double] = []
        var returnDays: [Day] = []
        for d in priceByDay.keys.sorted() {
            if let p1 = priceByDay[d + 1] { returns.append(Double.log(p1) - Double.log(priceByDay[d]!)); returnDays.append(d) }
        }
        guard returns.count >= 250 else {
            throw CalibrateError.insufficientData("need ≥ 250 daily price returns in the window \(windowStart)…\(asOf), got \(returns.count)")
        }
        return (returns, returnDays)
    }

    /// The efficiency trend δ as of `asOf`: stated by the options, else fitted to the frontier of the catalog's machines
    /// released by then.
    static func efficiencyTrend(asOf: Day, options o: CalibrationOptions, catalog: AsicCatalog?) throws -> EfficiencyTrend {
        if let perYear = o.efficiencyTrendPerYear { return try EfficiencyFrontier.override(perYear: perYear) }
        guard let catalog else {
            throw CalibrateError.invalidOption("the efficiency trend δ needs the ASIC catalog (or state it with --efficiency-trend)")
        }
        return try EfficiencyFrontier.fit(catalog, asOf: asOf, windowYears: o.efficiencyWindowYears)
    }

    /// The fee model on the fee window ending at `asOf` (days with positive fees per block).
    static func fees(_ hp: [HashpriceDay], asOf: Day, windowDays: Int) throws -> FeeFit.Result {
        let feeStart = asOf - (windowDays - 1)
        var feePerBlock: [Day: Double] = [:]
        for h in hp where h.date >= feeStart && h.feesBTCPerBlock > 0 { feePerBlock[h.date] = h.feesBTCPerBlock }
        return try FeeFit.fit(feesPerBlock: feePerBlock, windowStart: feeStart, windowEnd: asOf)
    }

    /// Correlation on the weekly grid: price residuals `r − r̄` and fee residuals aggregated with the same triangular weights
    /// `HashRateFit.weights` as the hash-rate step (`e = Σ_{j=−6…6} w_j·ε_{d+j}`), so the three series measure the same 13-day
    /// shock window; weeks missing any of the 13 days are skipped; at least 20 weeks.
    static func correlation(returns: [Double], returnDays: [Day], hashRateResiduals: [(day: Day, value: Double)],
                            feeResiduals: [Day: Double]) throws -> [[Double]] {
        var priceRes: [Day: Double] = [:]
        let mBar = returns.reduce(0, +) / Double(returns.count)
        for (d, r) in zip(returnDays, returns) { priceRes[d] = r - mBar }
        var rows: [[Double]] = []
        for (d, eh) in hashRateResiduals {
            var ep = 0.0, ef = 0.0
            var ok = true
            for (j, w) in zip(-6...6, HashRateFit.weights) {
                guard let p = priceRes[d + j], let f = feeResiduals[d + j] else { ok = false; break }
                ep += w * p; ef += w * f
            }
            if ok { rows.append([ep, eh, ef]) }
        }
        guard rows.count >= 20 else {
            throw CalibrateError.insufficientData("need ≥ 20 weeks with all three residuals for the correlation, got \(rows.count)")
        }
        return ShockCorrelation.estimate(rows)
    }

    /// Every wanted registered price model fits the same returns and stores its parameters (the placeholders are
    /// overwritten). gbm and bootstrap are always fitted (closed form, no optimiser): `sampleMeanSE`, which every drift rule
    /// reads, needs the GBM σ̂ and the window's return count.
    static func fitPriceModels(returns: [Double], into cal: inout Calibration, only priceModels: [PriceModel]?) throws {
        do {
            let wanted = priceModels.map { Set($0.map(\.rawValue) + [GBMModel.name, BootstrapModel.name]) }
            for m in PriceModels.all where wanted?.contains(m.name) ?? true { try m.fit(returns: returns, into: &cal) }
        } catch ModelsError.insufficientData(let why) { throw CalibrateError.insufficientData(why) }
    }

    /// The hash-rate block: window (cut at the ASIC era and the history), `HashRateFit` with δ fixed, the breakeven check,
    /// warnings, and the engine's `a = α`, `b = κ`, `c = κ·δ`, `trendOrigin = asOf`.
    static func supplyFit(h7: [Day: Double], b7: [Day: Double], lnHP: [Day: Double], asOf: Day, trend: EfficiencyTrend,
                          options o: CalibrationOptions, catalog: AsicCatalog?) throws -> (parameters: HashRateParameters, fit: HashRateFit.Result) {
        var start = asOf - (o.hashRateWindowDays - 1)
        var notes: [String] = []
        if let era = catalog?.models.map(\.releaseDate).min(), era > start {
            notes.append("cut at the start of the ASIC era (first catalog release \(era))")
            start = era
        }
        if let first = h7.keys.min(), first - 6 > start {
            notes.append("history starts \(first - 6)")
            start = first - 6
        }
        let fit = try HashRateFit.fit(hashRate7d: h7.filter { $0.key >= start }, lnHashprice: lnHP, windowStart: start,
                                      windowEnd: asOf, delta: trend.delta.value, blocks7d: b7)
        var warnings: [String] = []
        let t = fit.kappa.stderr > 0 ? fit.kappa.value / fit.kappa.stderr : 0
        if t < 2 { warnings.append("κ not significant: \(fit.kappa.value) ± \(fit.kappa.stderr) (t = \((t * 100).rounded() / 100))") }
        if !fit.lagIdentified { warnings.append("lag not identified: criteria within 2 of the best (\(fit.lag) days)") }
        let check = catalog.flatMap {
            EfficiencyFrontier.breakevenCheck($0, asOf: asOf, breakevenUSDPerPHDay: fit.breakevenUSDPerPHDay.value,
                                              powerPriceLow: o.powerPriceLowUSDPerKWh, powerPriceHigh: o.powerPriceHighUSDPerKWh,
                                              serviceLifeYears: o.serviceLifeYears)
        }
        if let check, !check.passed { warnings.append(check.summary) }
        let requestedStart = asOf - (o.hashRateWindowDays - 1)
        let note = notes.isEmpty ? nil : "\(o.hashRateWindowDays)-day window from \(requestedStart) " + notes.joined(separator: "; ") + ": fitted \(fit.firstWeek)…\(fit.lastWeek + 7)"
        let response = SupplyResponse(alpha: fit.alpha, kappa: fit.kappa, covarianceAlphaKappa: fit.covarianceAlphaKappa, efficiencyTrend: trend,
                                      breakevenUSDPerPHDay: fit.breakevenUSDPerPHDay, breakevenCheck: check,
                                      lagIdentified: fit.lagIdentified, estimator: HashRateFit.estimatorName,
                                      windowStart: fit.firstWeek, windowEnd: fit.lastWeek + 7, weeks: fit.residuals.count,
                                      requestedWindowDays: o.hashRateWindowDays, windowNote: note, warnings: warnings)
        let (a, b, c) = HashRateParameters.engineCoefficients(alpha: fit.alpha, kappa: fit.kappa, delta: trend.delta.value)
        let params = HashRateParameters(a: a, b: b, c: c, sigma: fit.sigma, lag: fit.lag, trendOrigin: asOf,
                                        rSquared: fit.rSquared, residualAutocorrelation: fit.residualAutocorrelation,
                                        lagCriteria: fit.criteria, supply: response)
        return (params, fit)
    }

    /// The initial state at `asOf` alone, without fitting anything (the backtest's fixed-parameter mode re-bases a given
    /// calibration on it at each origin). The same state as `calibrate(…).initialState`; only data ≤ `asOf` is read.
    public static func initialState(observations allObs: [DailyObservation], hashprice allHP: [HashpriceDay], asOf: Day) throws -> InitialState {
        let obs = allObs.filter { $0.date <= asOf }.sorted { $0.date < $1.date }
        let hp = allHP.filter { $0.date <= asOf }
        return try initialState(obs: obs, hp: hp, h7: sevenDayHashRate(obs).h7, lnHP: lnHashprice(hp), asOf: asOf)
    }

    /// 7-day noise-robust hash rate `H₇(d) = Σ_{j<7} blocks·D · 2³² / (7·86400)` (H/s) and the 7-day block count, for
    /// every day whose 7 days all have blocks and difficulty.
    static func sevenDayHashRate(_ obs: [DailyObservation]) -> (h7: [Day: Double], b7: [Day: Double]) {
        var bd: [Day: Double] = [:]
        for o in obs { if let b = o.blockCount, let d = o.difficulty, b >= 0, d > 0 { bd[o.date] = b * d } }
        var blocksByDay: [Day: Double] = [:]
        for o in obs { if let b = o.blockCount { blocksByDay[o.date] = b } }
        var h7: [Day: Double] = [:], b7: [Day: Double] = [:]
        for day in bd.keys {
            var s = 0.0, nb = 0.0
            var ok = true
            for j in 0..<7 { guard let v = bd[day - j] else { ok = false; break }; s += v; nb += blocksByDay[day - j] ?? 0 }
            if ok && s > 0 { h7[day] = s * Consensus.hashesPerDifficulty / (7 * 86400); b7[day] = nb }
        }
        return (h7, b7)
    }

    /// ln USD hashprice by day (days with a positive USD hashprice).
    static func lnHashprice(_ hp: [HashpriceDay]) -> [Day: Double] {
        var lnHP: [Day: Double] = [:]
        for h in hp { if let u = h.hashpriceUSDPerPHDay, u > 0 { lnHP[h.date] = Double.log(u) } }
        return lnHP
    }

    /// State at the end of the last usable day `d ≤ asOf` (price, blocks and difficulty known):
    /// - `hashRateHs`: 7-day noise-robust estimate ending on `d` (stored daily hash rate, then 1-day estimate, as fallbacks);
    /// - `difficulty`: the mean difficulty of `d` (an approximation of the difficulty after its last block: exact unless a
    ///   retarget happened that day);
    /// - `height`: `heightEnd` of `d`, else the last known `heightEnd` plus the blocks counted since;
    /// - `feePerBlockBTC`: Σ fees / Σ blocks over the last 7 days with both;
    /// - `epochElapsedDays`: days since the first block of the epoch (height `2016·⌊height/2016⌋`): whole days back to the day
    ///   containing that block plus the fraction of that day's blocks mined from it on;
    /// - `lnHashpriceHistory`: ln USD hashprice of the last `hashpriceHistoryDays` days that have one, oldest first.
    static func initialState(obs: [DailyObservation], hp: [HashpriceDay], h7: [Day: Double], lnHP: [Day: Double], asOf: Day) throws -> InitialState {
        guard let last = obs.last(where: { $0.priceUSD != nil && $0.blockCount != nil && $0.difficulty != nil }),
              let price = last.priceUSD, let diff = last.difficulty, let blocks = last.blockCount else {
            throw CalibrateError.insufficientData("no day ≤ \(asOf) with price, block count and difficulty for the initial state")
        }
        let d = last.date
        let hashRate = h7[d] ?? last.hashRateHs ?? blocks * diff * Consensus.hashesPerDifficulty / 86400
        // Heights at day end: known or cumulated forward from the last known one.
        var heightAt: [Day: Int] = [:]
        var running: Int? = nil
        var blocksAt: [Day: Double] = [:]
        for o in obs {
            if let b = o.blockCount { blocksAt[o.date] = b }
            if let h = o.heightEnd { running = h } else if let r = running, let b = o.blockCount { running = r + Int(b.rounded()) } else { running = nil }
            if let r = running { heightAt[o.date] = r }
        }
        guard let height = heightAt[d] else {
            throw CalibrateError.insufficientData("\(d): chain height unknown (no height_end on or before it)")
        }
        var feeSum = 0.0, blockSum = 0.0
        for h in hp where h.date > d - 7 && h.date <= d {
            feeSum += h.feesBTCPerBlock * blocksAt[h.date, default: 0]; blockSum += blocksAt[h.date, default: 0]
        }
        guard blockSum > 0 else { throw CalibrateError.insufficientData("no fee data in the 7 days to \(d)") }
        let epochStart = 2016 * (height / 2016)
        var elapsed = 0.0
        var day = d
        while true {
            guard let hEnd = heightAt[day], let b = blocksAt[day], b > 0 else {
                throw CalibrateError.insufficientData("cannot locate the start of the retarget epoch (height \(epochStart)) before \(day)")
            }
            let hStart = hEnd - Int(b.rounded()) + 1
            if hStart <= epochStart {
                elapsed += Double(hEnd - epochStart + 1) / b
                break
            }
            elapsed += 1
            day = day - 1
            if d - day > 60 { throw CalibrateError.insufficientData("retarget epoch start not found within 60 days before \(d)") }
        }
        let hist = lnHP.filter { $0.key <= d }.sorted { $0.key < $1.key }.suffix(hashpriceHistoryDays).map(\.value)
        return InitialState(date: d, priceUSD: price, hashRateHs: hashRate, difficulty: diff, height: height,
                            feePerBlockBTC: feeSum / blockSum, epochElapsedDays: elapsed, lnHashpriceHistory: Array(hist))
    }
}

extension CalibrationOptions {
    /// The options beyond the price window as they enter the stored calibration's key (`CalibrationKey.options`): every
    /// field, so fits with different options are stored apart. A fit option added later must be added here.
    public var keyValues: [String: String] {
        ["hashrate_window_days": String(hashRateWindowDays), "fee_window_days": String(feeWindowDays),
         "efficiency_trend_per_year": efficiencyTrendPerYear.map { $0.description } ?? "catalog",
         "efficiency_window_years": efficiencyWindowYears.description,
         "power_price_usd_kwh": "\(powerPriceLowUSDPerKWh.description)-\(powerPriceHighUSDPerKWh.description)",
         "service_life_years": serviceLifeYears.description, "catalog_sha256": catalogSHA256 ?? "none"]
    }

    /// The defaults of `hashsec calibrate` (chosen by the backtest, `Sources/Calibrate/README.md`): price window 1,460 days,
    /// hash-rate window 2,922 days (8 years), fee window 1,460 days, δ from the catalog frontier's trailing 4 years,
    /// breakeven check at 0.02–0.10 USD/kWh over machines released in the 6 years before the as-of.
    public static let standard = CalibrationOptions(
        priceWindowDays: Calibrator.defaultWindowDays, hashRateWindowDays: 2922, feeWindowDays: 1460,
        efficiencyTrendPerYear: nil, efficiencyWindowYears: 4, powerPriceLowUSDPerKWh: 0.02, powerPriceHighUSDPerKWh: 0.10,
        serviceLifeYears: 6, catalogSHA256: nil)

    /// The defaults with another price window (the other windows unchanged).
    public static func standard(priceWindowDays: Int) -> CalibrationOptions {
        var o = standard
        o.priceWindowDays = priceWindowDays
        return o
    }
}
