import Domain
import Structures

/// Test fixtures: synthetic deals and paths generated here (no real data).
enum Fixtures {
    static func deal(count: Int = 1000, hashrateTH: Double = 0.1, termDays: Int = 90, eff: Double = 20, deg: Double = 0,
                     power: Double = 0, uptime: Double = 1, pool: Double = 0, mgmt: Double = 0, hosting: Double = 0,
                     curtailment: Operations.Curtailment = .economic, discount: Double = 0) -> Deal {
        Deal(name: "fixture", token: TokenTerms(count: count, hashrateTH: hashrateTH, termDays: termDays, start: .asOf, priceUSD: 5),
             miner: MinerSpec(model: nil, efficiencyJTH: eff, degradationPerYear: deg),
             operations: Operations(powerUSDPerKWh: power, uptime: uptime, poolFee: pool, managementFee: mgmt,
                                    hostingUSDPerTHDay: hosting, curtailment: curtailment, deficit: .floorZero,
                                    terminateAfterDeficitDays: nil),
             valuation: Valuation(discountRate: discount))
    }

    /// A path whose per-token USD payout is `perDay[p]` on every day of 30-day period p; price constant unless given.
    static func periodPath(_ perDay: [Double], price: [Double]? = nil) -> TokenPath {
        var pay = [Double]()
        for v in perDay { pay += [Double](repeating: v, count: 30) }
        let s = price ?? [Double](repeating: 50_000, count: pay.count)
        return TokenPath(priceUSD: s, hashpriceBTCPerPHDay: [Double](repeating: 0.0005, count: pay.count), netPayoutUSD: pay)
    }

    /// A simple random path (log-normal price and hashprice, payout = revenue − cost floored at 0) from `PathRandom`.
    static func randomPath(seed: UInt64, path: UInt64, days: Int, vol: Double = 0.04, cost: Double = 0.01) -> TokenPath {
        var rng = PathRandom(seed: seed, path: path, stream: 0)
        var s = 40_000.0, hp = 0.0006
        var price = [Double](), hps = [Double](), pay = [Double]()
        for _ in 0..<days {
            s *= (vol * rng.normal() - 0.5 * vol * vol).exp
            hp *= (0.5 * vol * rng.normal() - 0.001).exp
            price.append(s); hps.append(hp)
            pay.append(max(0, 0.1 / 1000 * hp * s - cost))
        }
        return TokenPath(priceUSD: price, hashpriceBTCPerPHDay: hps, netPayoutUSD: pay)
    }
}

extension Double {
    var exp: Double { Foundation.exp(self) }
}

import Foundation

extension StructureSpec {
    /// The usual order of the tests' waterfalls: fees → senior interest → senior principal → reserve → mezzanine interest
    /// → mezzanine principal → equity.
    static func defaultSteps(senior: String, mezzanine: String?, equity: String) -> [Step] {
        var s: [Step] = [.payFees, .payInterest(senior), .payPrincipal(senior), .fillReserve]
        if let m = mezzanine { s += [.payInterest(m), .payPrincipal(m)] }
        s.append(.payResidual(equity))
        return s
    }
}
