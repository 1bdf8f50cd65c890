/// Two-state Markov-switching model of daily log returns (SPEC §5, `regime`; fitted and stepped in `Models/RegimeModel`):
///
///     r_t = ln S_{t+1} − ln S_t = m_{s_t} + σ_{s_t}·Z₁,   s_t ∈ {1, 2},   P(s_{t+1} = j | s_t = i) = P_ij
///
/// with `P₁₁ = p11`, `P₂₂ = p22`. State 1 is the calm state (`σ₁ < σ₂`, the label-switching convention). `m₁, m₂` are
/// the states' mean daily log returns (the `−σ²/2` is inside them). Rates per day.
public struct RegimeParameters: Equatable, Sendable, Codable {
    public var m1: Estimate
    public var sigma1: Estimate
    public var m2: Estimate
    public var sigma2: Estimate
    public var p11: Estimate
    public var p22: Estimate
    /// Sampling covariance of `(m₁, σ₁, m₂, σ₂, p11, p22)` (inverse numerical Hessian), 6×6; nil when not positive definite.
    public var covariance: [[Double]]?
    /// Hamilton filter `P(s_T = 1 | r_1 … r_T)` at the window's last return: each path starts calm with this probability.
    public var filteredCalm: Double
    public var logLikelihood: Double
    public var observations: Int

    public init(m1: Estimate, sigma1: Estimate, m2: Estimate, sigma2: Estimate, p11: Estimate, p22: Estimate,
                covariance: [[Double]]?, filteredCalm: Double, logLikelihood: Double, observations: Int) {
        self.m1 = m1; self.sigma1 = sigma1; self.m2 = m2; self.sigma2 = sigma2; self.p11 = p11; self.p22 = p22
        self.covariance = covariance; self.filteredCalm = filteredCalm; self.logLikelihood = logLikelihood; self.observations = observations
    }
}
