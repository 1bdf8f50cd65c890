import Domain
import Models
import LinearAlgebra
import RealModule

/// Fits every SPEC §5 model on the window `[asOf − windowDays + 1, asOf]` and builds the initial state at `asOf`.
///
/// **As-of honesty:** observations and hashprice days after `asOf` are dropped before anything else (the lagged hashprice
/// regressors may reach back before the window start, never after `asOf`).
///
/// Missing values are skipped consistently: a price return needs prices on two consecutive calendar days; a 7-day hash rate
/// needs blocks and difficulty on all 7 days; a fee step needs fees on two consecutive days. Too few usable steps in the window
/// → `CalibrateError.insufficientData`.
public enum Calibrator {
    public static let defaultWindowDays = 1460
    /// The fit's options beyond the window, as they enter the stored calibration's key (`CalibrationKey.options`): none
    /// yet. A fit option added later (a hash-rate window, a fee model) goes here, so fits with different values are
    /// stored apart.
    public static let keyOptions: [String: String] = [:]
    /// Days of `lnHashpriceHistory` kept in the initial state (≥ 90, the longest candidate lag, plus the 6-day weighting).
    public static let hashpriceHistoryDays = 120

    public static func calibrate(observations allObs: [DailyObservation], hashprice allHP: [HashpriceDay],
                                 asOf: Day, windowDays: Int = defaultWindowDays) throws -> Calibration {
        guard windowDays > 0 else { throw CalibrateError.invalidWindow(windowDays) }
        let obs = allObs.filter { $0.date <= asOf }.sorted { $0.date < $1.date }
        let hp = allHP.filter { $0.date <= asOf }
        let windowStart = asOf - (windowDays - 1)
        let inWindow = obs.filter { $0.date >= windowStart }
        guard inWindow.count >= 2 else {
            throw CalibrateError.insufficientData("no observations between \(windowStart) and \(asOf)")
        }

        // Price returns over consecutive calendar days.
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

        // Noise-robust 7-day hash rate over all data ≤ asOf.
        let (h7, b7) = sevenDayHashRate(obs)
        let lnHP = lnHashprice(hp)
        let hashFit = try HashRateFit.fit(hashRate7d: h7.filter { $0.key >= windowStart }, lnHashprice: lnHP,
                                          windowStart: windowStart, windowEnd: asOf, blocks7d: b7)

        // Fees.
        var lnFee: [Day: Double] = [:]
        for h in hp where h.date >= windowStart && h.feesBTCPerBlock > 0 { lnFee[h.date] = Double.log(h.feesBTCPerBlock) }
        let feeFit = try FeeFit.fit(lnFee: lnFee)

        // Correlation on the weekly grid: price and fee residuals aggregated with the same triangular weights as the
        // hash-rate step, so the three series measure the same 13-day shock window.
        var priceRes: [Day: Double] = [:]
        let mBar = returns.reduce(0, +) / Double(returns.count)
        for (d, r) in zip(returnDays, returns) { priceRes[d] = r - mBar }
        var rows: [[Double]] = []
        for (d, eh) in hashFit.residuals {
            var ep = 0.0, ef = 0.0
            var ok = true
            for (j, w) in zip(-6...6, HashRateFit.weights) {
                guard let p = priceRes[d + j], let f = feeFit.residuals[d + j] else { ok = false; break }
                ep += w * p; ef += w * f
            }
            if ok { rows.append([ep, eh, ef]) }
        }
        guard rows.count >= 20 else {
            throw CalibrateError.insufficientData("need ≥ 20 weeks with all three residuals for the correlation, got \(rows.count)")
        }
        let corr = ShockCorrelation.estimate(rows)

        let initial = try initialState(obs: obs, hp: hp, h7: h7, lnHP: lnHP, asOf: asOf)
        // Every registered price model fits the same returns and stores its parameters (the placeholders are overwritten).
        var cal = Calibration(asOf: asOf, windowStart: windowStart, windowEnd: asOf, merton: PriceModels.unfittedMerton,
                              gbm: PriceModels.unfittedGBM, hashRate: hashFit.parameters, fees: feeFit.parameters, correlation: corr,
                              historicalLogReturns: [], initialState: initial)
        do {
            for m in PriceModels.all { try m.fit(returns: returns, into: &cal) }
        } catch ModelsError.insufficientData(let why) { throw CalibrateError.insufficientData(why) }
        return cal
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
            if ok && s > 0 { h7[day] = s * 4_294_967_296.0 / (7 * 86400); b7[day] = nb }
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
        let hashRate = h7[d] ?? last.hashRateHs ?? blocks * diff * 4_294_967_296.0 / 86400
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
