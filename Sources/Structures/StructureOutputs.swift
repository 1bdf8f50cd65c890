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
    /// The `leverage` object of `summary.json`: the reduced leverage results and the sweep's best row (when a sweep ran).
    public init(_ s: LeverageSummary, best b: LeverageSweep.Row?) {
        self.init(probLiquidation: s.probLiquidation, probBadDebt: s.probBadDebt, badDebtMeanFraction: s.meanBadDebtFraction,
                  levered: s.levered, unlevered: s.unlevered, best: b.map { Best(leverage: $0.leverage, loops: $0.loops, ltv: $0.ltv) })
    }
}
