extension Moments {
    /// Mean and standard error of a randomized-QMC run with `replicates` independent randomizations (`Sampling.sobol`):
    /// path i (0-based in the whole run, path order) belongs to unit `u = i / unitSize` (2 for antithetic pairs) and
    /// replicate `r = u mod R`. With `m_r` the mean of replicate r's paths,
    ///
    ///     mean = Σ xᵢ / n,   se = √(Σ_r (m_r − m̄)² / (R − 1) / R),   m̄ = Σ_r m_r / R
    ///
    /// (replicates get equal point counts when n is a multiple of unitSize·R; otherwise the first ones hold one unit more
    /// and the SE is that of the replicate means still). se 0 when fewer than two replicates hold paths.
    public static func replicateStderr(_ v: [Double], unitSize: Int, replicates r: Int) -> (mean: Double, stderr: Double) {
        let n = v.count
        guard n > 0, r >= 1, unitSize >= 1 else { return (mean(v), 0) }
        var sum = [Double](repeating: 0, count: r), count = [Int](repeating: 0, count: r)
        for i in 0..<n { let k = (i / unitSize) % r; sum[k] += v[i]; count[k] += 1 }
        let means = (0..<r).filter { count[$0] > 0 }.map { sum[$0] / Double(count[$0]) }
        guard means.count > 1 else { return (mean(v), 0) }
        let m = mean(means)
        var ss = 0.0
        for x in means { ss += (x - m) * (x - m) }
        return (mean(v), (ss / Double(means.count - 1) / Double(means.count)).squareRoot())
    }
}
