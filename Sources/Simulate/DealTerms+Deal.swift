import Domain
import Results
import Structures

extension DealTerms {
    /// The terms of `deal` as a run uses them (`deal.json`): the efficiency as resolved, the start as declared.
    public init(deal d: Deal) {
        let start: String
        switch d.token.start {
        case .asOf: start = "as_of"
        case .date(let day): start = day.iso
        }
        let structure = d.structure.map { s in
            Structure(poolTokens: s.poolTokens, periodDays: s.periodDays,
                      tranches: s.tranches.map { t in
                          let amortization: String
                          switch t.amortization {
                          case .level: amortization = "level"
                          case .bullet: amortization = "bullet"
                          case .custom(let f): amortization = "custom (\(f.count) periods)"
                          }
                          return .init(name: t.name, balanceUSD: t.balanceUSD, annualRate: t.annualRate, interestCurrency: t.interestCurrency.rawValue,
                                       amortization: amortization, equity: t.isEquity)
                      },
                      servicerShare: s.fees.servicerShare, fixedFeeUSDPerPeriod: s.fees.fixedUSDPerPeriod, reserveInitialUSD: s.reserve.initialUSD,
                      dscrTrigger: s.triggers.dscrBelow, triggerAction: s.triggers.action.rawValue)
        }
        let leverage = d.leverage.map { l in
            Leverage(ltvInitial: l.ltvInitial, liquidationThreshold: l.liquidationThreshold, liquidationBonus: l.liquidationBonus,
                     closeFactor: l.closeFactor, borrowAPR: l.borrowAPR, stakingAPY: l.stakingAPY, loops: l.loops, horizonDays: l.horizonDays,
                     mark: l.mark.name, leverage: 1 + LeverageEngine.loopSum(ltv: l.ltvInitial, loops: l.loops))
        }
        let o = d.operations
        self.init(name: d.name, priceUSD: d.token.priceUSD, tokens: d.token.count, hashrateTHPerToken: d.token.hashrateTH,
                  termDays: d.token.termDays, start: start, minerModel: d.miner.model, minerProfile: d.miner.profile,
                  efficiencyJTH: d.miner.efficiencyJTH, degradationPerYear: d.miner.degradationPerYear, powerUSDPerKWh: o.powerUSDPerKWh,
                  uptime: o.uptime, poolFee: o.poolFee, managementFee: o.managementFee, hostingUSDPerTHDay: o.hostingUSDPerTHDay,
                  curtailment: o.curtailment.rawValue, deficit: o.deficit.rawValue, terminateAfterDeficitDays: o.terminateAfterDeficitDays,
                  discountRate: d.valuation.discountRate, structure: structure, leverage: leverage)
    }
}
