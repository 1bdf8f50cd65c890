import Domain
import LinearAlgebra
import RealModule

/// The hardware efficiency trend `δ` from the ASIC catalog's efficiency frontier (SPEC §5), as of a date.
///
/// **Frontier.** Only machines released on or before the as-of count (a 2016 origin never sees the S21). Taken in release
/// order (ties: most efficient first), a machine is a *frontier point* when its J/TH is strictly below that of every
/// machine released before it; the frontier at a date (the lower envelope) is the last point released by then.
///
/// **Fit.** On the frontier points of a trailing window of `windowYears` before the as-of, plus the point in force when the
/// window opens (so the window's starting level is represented), ordinary least squares of
///
///     ln e_i = c0 − δ·t_i,   t_i = release day − as-of (days)
///
/// with `SE(δ) = √(s²·[(XᵀX)⁻¹]₁₁)`, `s² = RSS/(n − 2)`. Fewer than 3 points in the window: the last 3 frontier points are
/// used instead (stated in `windowYears` as the span they cover). Fewer than 3 frontier points at all (an as-of before
/// mid-2014 with the shipped catalog): `CalibrateError.insufficientData` (state δ with `--efficiency-trend`).
///
/// Why a trailing window: the frontier's own rate slowed from ≈ −66 %/yr (ln: 1.07/yr) in the 2013–16 ASIC race to
/// ≈ −16…−23 %/yr since the S9 (2016); a fit over the whole ASIC era is too steep for later years. The default window
/// (`CalibrationOptions.standard`) is chosen by the backtest (`Sources/Calibrate/README.md`).
public enum EfficiencyFrontier {
    /// Frontier points among the machines released on or before `asOf`, oldest first.
    public static func points(_ catalog: AsicCatalog, asOf: Day) -> [FrontierPoint] {
        let released = catalog.models.filter { $0.releaseDate <= asOf }
            .sorted { ($0.releaseDate, $0.efficiencyJTH, $0.model) < ($1.releaseDate, $1.efficiencyJTH, $1.model) }
        var out: [FrontierPoint] = []
        for m in released where out.last.map({ m.efficiencyJTH < $0.efficiencyJTH }) ?? true {
            out.append(FrontierPoint(model: m.model, releaseDate: m.releaseDate, efficiencyJTH: m.efficiencyJTH))
        }
        return out
    }

    /// δ (per day) with its standard error from the frontier points of the trailing `windowYears` (see the type's doc).
    public static func fit(_ catalog: AsicCatalog, asOf: Day, windowYears: Double) throws -> EfficiencyTrend {
        guard windowYears.isFinite, windowYears > 0 else {
            throw CalibrateError.invalidOption("efficiency window must be a positive number of years, got \(windowYears)")
        }
        let all = points(catalog, asOf: asOf)
        guard all.count >= 3 else {
            throw CalibrateError.insufficientData("the efficiency frontier as of \(asOf) has \(all.count) point(s) in the ASIC catalog (need ≥ 3 for δ and its standard error); give --efficiency-trend")
        }
        let start = asOf - Int((windowYears * 365.25).rounded())
        var used = Array(all.drop { $0.releaseDate < start })
        if let incumbent = all.last(where: { $0.releaseDate < start }) { used.insert(incumbent, at: 0) }
        var span = windowYears
        if used.count < 3 {
            used = Array(all.suffix(3))
            span = Double(asOf - used[0].releaseDate) / 365.25
        }
        let X = Matrix(used.map { [1, Double($0.releaseDate - asOf)] })
        let y = used.map { Double.log($0.efficiencyJTH) }
        let f = try leastSquares(X, y)
        return EfficiencyTrend(delta: Estimate(-f.coefficients[1], stderr: f.standardErrors[1]), source: .catalogFrontier,
                               windowYears: span, lnFrontierAtAsOf: f.coefficients[0], points: used)
    }

    /// A stated δ (`--efficiency-trend`, per year, continuously compounded): standard error 0.
    public static func override(perYear: Double) throws -> EfficiencyTrend {
        guard perYear.isFinite, perYear >= 0, perYear < 5 else {
            throw CalibrateError.invalidOption("efficiency trend must be a rate per year in [0, 5), got \(perYear)")
        }
        return EfficiencyTrend(delta: Estimate(perYear / 365.25, stderr: 0), source: .override, windowYears: nil,
                               lnFrontierAtAsOf: nil, points: [])
    }

    /// `hp*_0` against `24·e·p` of the machines in service at `asOf`: released on or before it and within
    /// `serviceLifeYears` of it, plus the frontier machine in force (the most efficient released so far). Nil when the
    /// catalog has no machine released by `asOf`.
    public static func breakevenCheck(_ catalog: AsicCatalog, asOf: Day, breakevenUSDPerPHDay: Double,
                                      powerPriceLow: Double, powerPriceHigh: Double, serviceLifeYears: Double) -> BreakevenCheck? {
        let released = catalog.models.filter { $0.releaseDate <= asOf }
        guard let best = released.min(by: { ($0.efficiencyJTH, $0.model) < ($1.efficiencyJTH, $1.model) }) else { return nil }
        let since = asOf - Int((serviceLifeYears * 365.25).rounded())
        var inService = released.filter { $0.releaseDate >= since }
        if !inService.contains(where: { $0.model == best.model }) { inService.append(best) }
        let worst = inService.max { $0.efficiencyJTH < $1.efficiencyJTH || ($0.efficiencyJTH == $1.efficiencyJTH && $0.model > $1.model) }!
        return BreakevenCheck(powerPriceLowUSDPerKWh: powerPriceLow, powerPriceHighUSDPerKWh: powerPriceHigh,
                              serviceLifeYears: serviceLifeYears, machines: inService.count, bestModel: best.model,
                              bestJTH: best.efficiencyJTH, worstModel: worst.model, worstJTH: worst.efficiencyJTH,
                              breakevenUSDPerPHDay: breakevenUSDPerPHDay)
    }
}
