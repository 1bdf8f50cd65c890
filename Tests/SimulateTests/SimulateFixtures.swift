import Domain
import Foundation
@testable import Simulate

/// Synthetic calibrations and deals built in the tests (no licensed data).
enum Fixture {
    static func calibration(sigma: Double = 0, lambda: Double = 0, muJ: Double = 0, sigmaJ: Double = 0, mu: Double = 0,
                            hashA: Double = 0.002, hashB: Double = 0, hashSigma: Double = 0, feeKappa: Double = 0, feeSigma: Double = 0,
                            height: Int = 1_047_000, epochElapsedDays: Double = 3, correlation: [[Double]]? = nil) -> Calibration {
        let asOf = Day(year: 2027, month: 1, day: 1)!
        let h0 = 8e20, d0 = h0 * 600 / 4294967296.0
        return Calibration(
            asOf: asOf, windowStart: asOf - 100, windowEnd: asOf,
            merton: MertonParameters(mu: Estimate(mu, stderr: 0), sigma: Estimate(sigma, stderr: 0), lambda: Estimate(lambda, stderr: 0),
                                     muJ: Estimate(muJ, stderr: 0), sigmaJ: Estimate(sigmaJ, stderr: 0), logLikelihood: 0, observations: 100),
            gbm: GBMParameters(mu: Estimate(mu, stderr: 0), sigma: Estimate(sigma, stderr: 0), logLikelihood: 0),
            hashRate: HashRateParameters(a: Estimate(hashA, stderr: 0), b: Estimate(hashB, stderr: 0), c: Estimate(0, stderr: 0),
                                         sigma: Estimate(hashSigma, stderr: 0), lag: 30, trendOrigin: asOf, rSquared: 0,
                                         residualAutocorrelation: 0, lagCriteria: [:]),
            fees: FeeParameters(kappa: Estimate(feeKappa, stderr: 0), m: Estimate(log(0.05), stderr: 0), sigma: Estimate(feeSigma, stderr: 0),
                                rSquared: 0, residualAutocorrelation: 0),
            correlation: correlation ?? [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
            historicalLogReturns: (0..<200).map { sin(Double($0)) * 0.03 },
            initialState: InitialState(date: asOf, priceUSD: 80_000, hashRateHs: h0, difficulty: d0, height: height,
                                       feePerBlockBTC: 0.08, epochElapsedDays: epochElapsedDays, lnHashpriceHistory: []))
    }

    /// `c` with standard errors on every parameter (so parameter uncertainty draws) and a regime fit.
    static func uncertain(_ c: Calibration) -> Calibration {
        var c = c
        func se(_ e: inout Estimate, _ x: Double) { e.stderr = max(abs(e.value) * x, 1e-5) }
        se(&c.merton.mu, 0.5); se(&c.merton.sigma, 0.05); se(&c.merton.lambda, 0.3); se(&c.merton.muJ, 0.3); se(&c.merton.sigmaJ, 0.2)
        se(&c.gbm.mu, 0.5); se(&c.gbm.sigma, 0.05)
        se(&c.hashRate.a, 0.1); se(&c.hashRate.sigma, 0.05); se(&c.fees.m, 0.05); se(&c.fees.sigma, 0.05)
        if c.fees.kappa.value > 0 { se(&c.fees.kappa, 0.1) }
        let s = max(c.merton.sigma.value, 0.01)
        c.regime = RegimeParameters(m1: Estimate(0.001, stderr: 0.0004), sigma1: Estimate(0.6 * s, stderr: 0.03 * s),
                                    m2: Estimate(-0.002, stderr: 0.002), sigma2: Estimate(1.8 * s, stderr: 0.1 * s),
                                    p11: Estimate(0.98, stderr: 0.005), p22: Estimate(0.94, stderr: 0.02), covariance: nil,
                                    filteredCalm: 0.7, logLikelihood: 0, observations: 1000)
        return c
    }

    static func deal(term: Int = 400, curtailment: Operations.Curtailment = .never, deficit: Operations.DeficitRule = .floorZero,
                     power: Double = 0.05, efficiency: Double = 20, hosting: Double = 0, terminate: Int? = nil) -> Deal {
        Deal(name: "t", token: TokenTerms(count: 10, hashrateTH: 1, termDays: term, start: .asOf, priceUSD: 20),
             miner: MinerSpec(model: nil, efficiencyJTH: efficiency, degradationPerYear: 0.03),
             operations: Operations(powerUSDPerKWh: power, uptime: 0.95, poolFee: 0.02, managementFee: 0.05, hostingUSDPerTHDay: hosting,
                                    curtailment: curtailment, deficit: deficit, terminateAfterDeficitDays: terminate),
             valuation: Valuation(discountRate: 0.1))
    }
}
