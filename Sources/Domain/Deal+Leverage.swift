/// Staking-leverage terms (SPEC §8), holder view. Owned by the Structures work; see Sources/Structures/README.md.
public struct LeverageSpec: Equatable, Sendable {
    /// Ornstein–Uhlenbeck market premium over the PV value: `dp = −κ p dt + σ dW`, `dt = 1/365`, `p_0 = initial`.
    public struct Premium: Equatable, Sendable {
        public var kappa: Double, sigma: Double, initial: Double
        public init(kappa: Double, sigma: Double, initial: Double = 0) { self.kappa = kappa; self.sigma = sigma; self.initial = initial }
    }
    /// How the collateral is marked (SPEC §8; `Sources/Structures/README.md` has both formulas).
    public enum Mark: Equatable, Sendable {
        /// The conditional expectation, under the simulation's own model, of the token's remaining discounted net payouts
        /// given the path's state that day: a regression of realized remaining PV on state functions across
        /// `pilotPaths` pilot paths (Longstaff–Schwartz style), fitted once per run and applied out of sample.
        case model(pilotPaths: Int)
        /// The frozen-state present value: today's hashprice and BTC price held for the rest of the term.
        case intrinsic

        /// Pilot paths of the model mark unless the deal says otherwise.
        public static let defaultPilotPaths = 8192
        public static let `default` = Mark.model(pilotPaths: defaultPilotPaths)
        /// `model` or `intrinsic` (the deal file's `mark:` value).
        public var name: String { if case .intrinsic = self { return "intrinsic" }; return "model" }
    }
    public var ltvInitial: Double
    public var liquidationThreshold: Double
    public var liquidationBonus: Double
    public var closeFactor: Double
    public var borrowAPR: Double
    public var stakingAPY: Double
    public var loops: Int
    public var horizonDays: Int
    public var premium: Premium?
    public var mark: Mark

    public init(ltvInitial: Double, liquidationThreshold: Double, liquidationBonus: Double, closeFactor: Double,
                borrowAPR: Double, stakingAPY: Double, loops: Int, horizonDays: Int, premium: Premium? = nil, mark: Mark = .default) {
        self.ltvInitial = ltvInitial; self.liquidationThreshold = liquidationThreshold; self.liquidationBonus = liquidationBonus
        self.closeFactor = closeFactor; self.borrowAPR = borrowAPR; self.stakingAPY = stakingAPY; self.loops = loops
        self.horizonDays = horizonDays; self.premium = premium; self.mark = mark
    }
}
