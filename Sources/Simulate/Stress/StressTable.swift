import Domain
import Foundation
import Structures

/// One row of `stress.csv` / `stress.json` (docs/outputs.md). Structure columns are nil when the deal lacks them.
public struct StressRow: Equatable, Sendable {
    public var scenario: String, kind: String, description: String
    public var pvMean: Double, pvP05: Double, pvP50: Double, pvP95: Double
    /// NaN when no path has a finite IRR (written as an empty cell / JSON null).
    public var btcTotalMean: Double, irrP50: Double, probLoss: Double, probPayback: Double
    public var daysCurtailedMean: Double, probTerminated: Double
    public var seniorExpectedLoss: Double?, seniorProbShortfall: Double?, seniorProbLoss: Double?, equityIRRP50: Double?
    public var probLiquidation: Double?, probBadDebt: Double?

    public static let baseColumns = ["scenario", "kind", "description", "pv_usd_mean", "pv_usd_p05", "pv_usd_p50", "pv_usd_p95",
                                     "btc_total_mean", "irr_p50", "prob_loss", "prob_payback", "days_curtailed_mean", "prob_terminated"]
    public static let structureColumns = ["senior_expected_loss", "senior_prob_shortfall", "senior_prob_loss", "equity_irr_p50"]
    public static let leverageColumns = ["prob_liquidation", "prob_bad_debt"]

    /// Reduces one scenario's path results (path order). `prob_loss` = P(PV < issue price), as in `summary.json`.
    public static func reduce(scenario: String, kind: String, description: String, deal: Deal,
                              results r: StressRunner.PathResults) -> StressRow {
        let n = Double(max(r.outcomes.count, 1))
        var pvs = [Double](), irrs = [Double]()
        var btc = 0.0, loss = 0.0, payback = 0.0, curt = 0.0, term = 0.0
        for o in r.outcomes {
            pvs.append(o.pvUSD); if o.irr.isFinite { irrs.append(o.irr) }
            btc += o.btcTotal; curt += Double(o.daysCurtailed)
            if o.pvUSD < deal.token.priceUSD { loss += 1 }
            if o.paybackDay > 0 { payback += 1 }
            if o.terminated { term += 1 }
        }
        var pvSum = 0.0
        for v in pvs { pvSum += v }
        pvs.sort(); irrs.sort()
        func q(_ v: [Double], _ p: Double) -> Double { PathStatistics.quantile(sorted: v, p) }
        var row = StressRow(scenario: scenario, kind: kind, description: description, pvMean: pvSum / n, pvP05: q(pvs, 0.05),
                            pvP50: q(pvs, 0.5), pvP95: q(pvs, 0.95), btcTotalMean: btc / n, irrP50: irrs.isEmpty ? .nan : q(irrs, 0.5),
                            probLoss: loss / n, probPayback: payback / n, daysCurtailedMean: curt / n, probTerminated: term / n)
        if let s = deal.structure, !r.waterfall.isEmpty {
            let t = WaterfallSummary.reduce(spec: s, results: r.waterfall)
            if let sen = t.first(where: { name in s.tranches.contains { $0.name == name.tranche && !$0.isEquity } }) {
                row.seniorExpectedLoss = sen.expectedLoss; row.seniorProbShortfall = sen.probShortfall; row.seniorProbLoss = sen.probLoss
            }
            if let eq = s.tranches.firstIndex(where: \.isEquity) { row.equityIRRP50 = t[eq].irrQuantiles[2] }
        }
        if let l = deal.leverage, !r.leverage.isEmpty {
            let s = LeverageSummary.reduce(results: r.leverage, horizonDays: l.horizonDays)
            row.probLiquidation = s.probLiquidation; row.probBadDebt = s.probBadDebt
        }
        return row
    }

    /// Values in column order (structure columns only when `structure`/`leverage` are true).
    public func values(structure: Bool, leverage: Bool) -> [Double?] {
        var v: [Double?] = [pvMean, pvP05, pvP50, pvP95, btcTotalMean, irrP50, probLoss, probPayback, daysCurtailedMean, probTerminated]
        if structure { v += [seniorExpectedLoss, seniorProbShortfall, seniorProbLoss, equityIRRP50] }
        if leverage { v += [probLiquidation, probBadDebt] }
        return v
    }
}
