import Domain
import Statistics

public enum WaterfallSummary {
    /// Reduces per-path results stored back to back in path order (`results.count = paths · width`).
    /// Sums run in path order, so the summary does not depend on how paths were split over threads or shards.
    public static func reduce(spec: StructureSpec, results: [Double]) -> [TrancheSummary] {
        let nT = spec.tranches.count
        let w = WaterfallPathLayout.width(tranches: nT)
        let n = w > 0 ? results.count / w : 0
        return (0..<nT).map { i in
            let o = WaterfallPathLayout.trancheOffset(i)
            var sf = 0.0, lost = 0.0, loss = 0.0, wal = 0.0, irrs = [Double](), irrSum = 0.0
            irrs.reserveCapacity(n)
            for p in 0..<n {
                let b = p * w + o
                sf += results[b + 2]; loss += results[b + 3]; wal += results[b + 4]
                if results[b + 3] > 1e-12 { lost += 1 }   // a loss fraction above rounding noise
                irrs.append(results[b + 5]); irrSum += results[b + 5]
            }
            irrs.sort()
            let dn = Double(max(n, 1))
            return TrancheSummary(tranche: spec.tranches[i].name, balanceUSD: spec.tranches[i].balanceUSD,
                                  probShortfall: sf / dn, probLoss: lost / dn, expectedLoss: loss / dn, lossGivenShortfall: sf > 0 ? loss / sf : 0,
                                  walYears: wal / dn, irrQuantiles: Quantiles.band.map { Quantiles.of(sorted: irrs, $0.p) ?? 0 },
                                  irrMean: irrSum / dn)
        }
    }

    /// Largest relative ledger error over all paths (conservation check; should be ~1e-16).
    public static func maxLedgerError(spec: StructureSpec, results: [Double]) -> Double {
        let w = WaterfallPathLayout.width(tranches: spec.tranches.count)
        let g = WaterfallPathLayout.globalOffset(tranches: spec.tranches.count)
        var m = 0.0
        var p = 0
        while (p + 1) * w <= results.count { m = max(m, results[p * w + g]); p += 1 }
        return m
    }
}
