import Domain

extension DealFile {
    public static let structureKeys = ["pool_tokens", "period_days", "tranches", "fees", "reserve", "triggers", "steps"]
    public static let trancheKeys = ["name", "balance_usd", "rate", "interest_currency", "amortization", "maturity_periods", "equity"]

    /// Parses the `structure:` mapping (SPEC §8; format in Sources/Structures/README.md and datasets/deals/).
    ///
    ///     structure:
    ///       period_days: 30
    ///       tranches:
    ///         - {name: senior, balance_usd: 20000, rate: 0.08, interest_currency: usd, amortization: level, maturity_periods: 24}
    ///         - {name: equity, balance_usd: 5000, equity: true}
    ///       fees: {servicer_pct: 0.01, fixed_usd_per_period: 50}
    ///       reserve: {target_months_senior_interest: 3, target_usd: 0, initial_usd: 500}
    ///       triggers: {dscr_below: 1.2, reserve_below_target: false, action: cash_trap}   # or turbo
    ///       steps: [pay_fees, {pay_interest: senior}, {pay_principal: senior}, fill_reserve, {pay_residual: equity}]
    static func parseStructure(_ node: YAMLNode) throws -> StructureSpec {
        guard node.node.mapping != nil else { throw node.error("expected a mapping of keys") }
        try node.checkKeys(structureKeys)
        let pool = try node.int("pool_tokens", range: 1...Int(Int32.max), default: nil)
        let periodDays = try node.int("period_days", range: 1...366, default: 30)!
        let tranches = try parseTranches(node)
        var fees = StructureSpec.Fees()
        if let f = try node.optionalMapping("fees", allowed: ["servicer_pct", "fixed_usd_per_period"]) {
            fees = .init(servicerShare: try f.double("servicer_pct", range: 0...1, default: 0)!,
                         fixedUSDPerPeriod: try f.double("fixed_usd_per_period", range: 0...1e15, default: 0)!)
        }
        var reserve = StructureSpec.Reserve()
        if let r = try node.optionalMapping("reserve", allowed: ["target_months_senior_interest", "target_usd", "initial_usd"]) {
            reserve = .init(targetMonthsSeniorInterest: try r.double("target_months_senior_interest", range: 0...1200, default: nil),
                            targetUSD: try r.double("target_usd", range: 0...1e15, default: nil),
                            initialUSD: try r.double("initial_usd", range: 0...1e15, default: 0)!)
        }
        var triggers = StructureSpec.Triggers(dscrBelow: nil, reserveBelowTarget: false, action: .cashTrap)
        if let g = try node.optionalMapping("triggers", allowed: ["dscr_below", "reserve_below_target", "action"]) {
            triggers = .init(dscrBelow: try g.double("dscr_below", range: 0...100, default: nil),
                             reserveBelowTarget: try g.bool("reserve_below_target", default: false),
                             action: try g.enumValue("action", StructureSpec.TriggerAction.self, default: .cashTrap))
        }
        let steps = try node.optional("steps").map { try parseSteps($0, tranches: tranches) } ?? defaultSteps(tranches)
        return StructureSpec(poolTokens: pool, periodDays: periodDays, tranches: tranches, fees: fees, reserve: reserve,
                             triggers: triggers, steps: steps)
    }

    /// `structure.tranches`: at least one debt tranche, at most one equity tranche, names unique.
    static func parseTranches(_ node: YAMLNode) throws -> [StructureSpec.Tranche] {
        var tranches: [StructureSpec.Tranche] = []
        let tNodes = try node.sequence("tranches")
        guard !tNodes.isEmpty else { throw node.error("structure.tranches must list at least one tranche") }
        for t in tNodes {
            guard t.node.mapping != nil else { throw t.error("expected a mapping with name, balance_usd, …") }
            try t.checkKeys(trancheKeys)
            let name = try t.string("name")
            if tranches.contains(where: { $0.name == name }) { throw t.error("duplicate tranche name '\(name)'") }
            let isEquity = try t.bool("equity", default: false)
            let amort = try t.optional("amortization").map(parseAmortization) ?? .level
            tranches.append(.init(
                name: name, balanceUSD: try t.double("balance_usd", range: 0...1e15),
                annualRate: try t.double("rate", range: 0...10, default: 0)!,
                interestCurrency: try t.enumValue("interest_currency", StructureSpec.Currency.self, default: .usd),
                amortization: amort, maturityPeriods: try t.int("maturity_periods", range: 1...100_000, default: nil),
                isEquity: isEquity))
        }
        guard tranches.contains(where: { !$0.isEquity }) else { throw node.error("structure.tranches needs at least one debt (non-equity) tranche") }
        guard tranches.filter(\.isEquity).count <= 1 else { throw node.error("structure.tranches may have only one equity tranche") }
        return tranches
    }

    /// A tranche's `amortization`: `level`, `bullet`, or a list of per-period fractions summing to at most 1.
    static func parseAmortization(_ a: YAMLNode) throws -> StructureSpec.Amortization {
        if a.node.sequence != nil {
            let f = try a.elements().map { try $0.asDouble(range: 0...1) }
            if f.reduce(0, +) > 1 + 1e-9 { throw a.error("custom amortization fractions sum to more than 1") }
            return .custom(f)
        }
        switch try a.asChoice(["level", "bullet"]) {
        case "bullet": return .bullet
        default: return .level
        }
    }

    /// `structure.steps`: `pay_fees`, `fill_reserve`, or one `pay_interest|pay_principal|pay_residual: tranche` pair each
    /// (a residual only to the equity tranche).
    static func parseSteps(_ s: YAMLNode, tranches: [StructureSpec.Tranche]) throws -> [StructureSpec.Step] {
        let names = tranches.map(\.name)
        var steps: [StructureSpec.Step] = []
        for e in try s.elements() {
            if e.node.mapping != nil {
                guard e.keys.count == 1, let k = e.keys.first else { throw e.error("a step is `pay_fees`, `fill_reserve` or one `kind: tranche` pair") }
                try e.checkKeys(["pay_interest", "pay_principal", "pay_residual"])
                let target = try e.required(k)
                let n = try target.asString()
                guard let ti = tranches.firstIndex(where: { $0.name == n }) else {
                    throw target.error("unknown tranche '\(n)' (tranches: \(names.joined(separator: ", ")))")
                }
                switch k {
                case "pay_interest": steps.append(.payInterest(n))
                case "pay_principal": steps.append(.payPrincipal(n))
                default:
                    guard tranches[ti].isEquity else { throw target.error("pay_residual must name the equity tranche") }
                    steps.append(.payResidual(n))
                }
            } else {
                switch try e.asChoice(["pay_fees", "fill_reserve"]) {
                case "pay_fees": steps.append(.payFees)
                default: steps.append(.fillReserve)
                }
            }
        }
        return steps
    }

    /// Without `steps`: fees, then each debt tranche's interest and principal in order (the reserve filled after the
    /// first), then the residual to equity.
    static func defaultSteps(_ tranches: [StructureSpec.Tranche]) -> [StructureSpec.Step] {
        let debt = tranches.filter { !$0.isEquity }.map(\.name)
        var steps: [StructureSpec.Step] = [.payFees]
        for (i, d) in debt.enumerated() {
            steps += [.payInterest(d), .payPrincipal(d)]
            if i == 0 { steps.append(.fillReserve) }
        }
        if let eq = tranches.first(where: \.isEquity) { steps.append(.payResidual(eq.name)) }
        return steps
    }
}
