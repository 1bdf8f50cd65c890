import Domain
import Foundation
import Statistics

/// The output files of the structures (docs/outputs.md), from reduced results; numbers via `Double.description`.
public enum StructureOutputs {
    /// `tranches.csv`.
    public static func tranchesCSV(_ rows: [TrancheSummary]) -> String {
        ([TrancheSummary.csvHeader] + rows.map(\.csvRow)).joined(separator: "\n") + "\n"
    }

    /// `leverage_liquidation.csv`: `day,date,prob_liquidated` with `date = firstDay + (day − 1)` (firstDay = first token day).
    public static func liquidationCSV(_ s: LeverageSummary, firstDay: Day) -> String {
        var out = "day,date,prob_liquidated\n"
        for (i, p) in s.liquidationByDay.enumerated() { out += "\(i + 1),\((firstDay + i).iso),\(p.description)\n" }
        return out
    }

    /// `leverage_mark.csv`: the model mark's fit quality per fit day (`MarkFitRow`; date = the token's start + day).
    public static func markCSV(_ rows: [MarkFitRow], startDate: Day) -> String {
        func n(_ x: Double) -> String { x.isFinite ? x.description : "" }
        var out = MarkFitRow.csvHeader + "\n"
        for r in rows {
            out += "\(r.day),\((startDate + r.day).iso),\(r.paths),\(r.regressors),\(n(r.meanRemainingPV)),\(n(r.stderrMean)),"
            out += "\(n(r.sdRemainingPV)),\(n(r.r2)),\(n(r.r2CV)),\(n(r.rmseCV))\n"
        }
        return out
    }

    /// `leverage_sweep.csv`.
    public static func sweepCSV(_ rows: [LeverageSweep.Row]) -> String {
        ([LeverageSweep.Row.csvHeader] + rows.map(\.csvRow)).joined(separator: "\n") + "\n"
    }
}

extension TrancheSummary {
    public static let csvHeader = "tranche,balance_usd,prob_shortfall,prob_loss,expected_loss,loss_given_shortfall,wal_years,"
        + Quantiles.band.map { "irr_" + $0.name }.joined(separator: ",")
    /// Numbers via `Double.description`.
    public var csvRow: String {
        ([tranche] + ([balanceUSD, probShortfall, probLoss, expectedLoss, lossGivenShortfall, walYears] + irrQuantiles).map { $0.description })
            .joined(separator: ",")
    }
}

extension RunSummary.Leverage {
    /// The `leverage` object of `summary.json`: the reduced leverage results, the sweep's best row (when a sweep ran) and
    /// the collateral mark (`spec.mark`, its opening value and, for the model mark, its fit by 30-day bucket).
    public init(_ s: LeverageSummary, best b: LeverageSweep.Row?, spec: LeverageSpec? = nil, markFit: [MarkFitRow] = []) {
        var mark: Mark? = nil
        if let spec {
            var pilot: Int? = nil
            if case let .model(p) = spec.mark { pilot = p }
            mark = Mark(method: spec.mark.name, pilotPaths: pilot, day0USD: s.meanInitialEquity,
                        day0StderrUSD: markFit.first.map(\.stderrMean), fit: MarkFitRow.buckets(markFit))
        }
        self.init(probLiquidation: s.probLiquidation, probBadDebt: s.probBadDebt, badDebtMeanFraction: s.meanBadDebtFraction,
                  levered: s.levered, unlevered: s.unlevered, best: b.map { Best(leverage: $0.leverage, loops: $0.loops, ltv: $0.ltv) },
                  mark: mark)
    }
}

extension MarkFitRow {
    /// Means of the fit rows by bucket of `width` token days (day 0 in the first bucket: 0…width, then width+1…2·width, …).
    public static func buckets(_ rows: [MarkFitRow], width: Int = 30) -> [RunSummary.Leverage.Mark.Bucket] {
        var out: [RunSummary.Leverage.Mark.Bucket] = []
        var k = 0
        while k < rows.count {
            let b = max(0, (rows[k].day - 1) / width)
            var group: [MarkFitRow] = []
            while k < rows.count && max(0, (rows[k].day - 1) / width) == b { group.append(rows[k]); k += 1 }
            func mean(_ f: (MarkFitRow) -> Double) -> Double {
                let v = group.map(f).filter { $0.isFinite }
                return v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)
            }
            out.append(.init(fromDay: group.first!.day, toDay: group.last!.day, r2: mean(\.r2), r2CV: mean(\.r2CV), rmseCV: mean(\.rmseCV)))
        }
        return out
    }
}
