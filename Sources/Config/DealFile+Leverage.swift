import Domain

extension DealFile {
    public static let leverageKeys = ["ltv_initial", "liquidation_threshold", "liquidation_bonus", "close_factor", "borrow_apr",
                                      "staking_apy", "loops", "horizon_days", "premium", "mark", "mark_paths"]

    /// Parses the `leverage:` mapping (SPEC §8):
    ///
    ///     leverage: {ltv_initial: 0.5, liquidation_threshold: 0.7, liquidation_bonus: 0.05, close_factor: 0.5,
    ///                borrow_apr: 0.08, staking_apy: 0.04, loops: 2, horizon_days: 180,
    ///                premium: {kappa: 4, sigma: 0.4, initial: 0},
    ///                mark: model, mark_paths: 8192}     # or mark: intrinsic (mark_paths only with model)
    static func parseLeverage(_ node: YAMLNode) throws -> LeverageSpec {
        guard node.node.mapping != nil else { throw node.error("expected a mapping of keys") }
        try node.checkKeys(leverageKeys)
        let ltv = try node.double("ltv_initial", range: 0...0.99)
        let th = try node.double("liquidation_threshold", range: 0.01...1)
        if ltv >= th, let n = try node.optional("ltv_initial") {
            throw n.error("ltv_initial \(ltv) must be below liquidation_threshold \(th) (the position would open liquidatable)")
        }
        var premium: LeverageSpec.Premium?
        if let p = try node.optionalMapping("premium", allowed: ["kappa", "sigma", "initial"]) {
            premium = .init(kappa: try p.double("kappa", range: 0...1000), sigma: try p.double("sigma", range: 0...100),
                            initial: try p.double("initial", range: -0.99...100, default: 0)!)
        }
        let markName = try node.optional("mark").map { try $0.asChoice(["model", "intrinsic"]) } ?? "model"
        let mark: LeverageSpec.Mark
        if markName == "intrinsic" {
            if let n = try node.optional("mark_paths") { throw n.error("mark_paths applies only to mark: model") }
            mark = .intrinsic
        } else {
            let n = try node.int("mark_paths", range: 256...1_000_000, default: LeverageSpec.Mark.defaultPilotPaths)!
            if n % 2 != 0, let v = try node.optional("mark_paths") { throw v.error("mark_paths must be even (antithetic pairs)") }
            mark = .model(pilotPaths: n)
        }
        return LeverageSpec(ltvInitial: ltv, liquidationThreshold: th,
                            liquidationBonus: try node.double("liquidation_bonus", range: 0...0.5),
                            closeFactor: try node.double("close_factor", range: 0.01...1),
                            borrowAPR: try node.double("borrow_apr", range: 0...10),
                            stakingAPY: try node.double("staking_apy", range: 0...10, default: 0)!,
                            loops: try node.int("loops", range: 0...50),
                            horizonDays: try node.int("horizon_days", range: 1...36_500),
                            premium: premium, mark: mark)
    }
}
