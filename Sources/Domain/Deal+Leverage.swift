/// Staking-leverage terms (SPEC §8), holder view. Owned by the Structures work; see Sources/Structures/README.md.
public struct LeverageSpec: Equatable, Sendable {
    /// Ornstein–Uhlenbeck market premium over the PV value: `dp = −κ p dt + σ dW`, `dt = 1/365`, `p_0 = initial`.
    public struct Premium: Equatable, Sendable {
        public var kappa: Double, sigma: Double, initial: Double
        public init(kappa: Double, sigma: Double, initial: Double = 0) { self.kappa = kappa; self.sigma = sigma; self.initial = initial }
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

    public init(ltvInitial: Double, liquidationThreshold: Double, liquidationBonus: Double, closeFactor: Double,
                borrowAPR: Double, stakingAPY: Double, loops: Int, horizonDays: Int, premium: Premium? = nil) {
        self.ltvInitial = ltvInitial; self.liquidationThreshold = liquidationThreshold; self.liquidationBonus = liquidationBonus
        self.closeFactor = closeFactor; self.borrowAPR = borrowAPR; self.stakingAPY = stakingAPY; self.loops = loops
        self.horizonDays = horizonDays; self.premium = premium
    }
}
