/// Nelder–Mead simplex minimiser (standard coefficients: reflection 1, expansion 2, contraction ½, shrink ½).
///
/// Hand-written because swift-numerics has no optimiser; deterministic (no randomness), stops when the simplex's
/// function-value spread falls below `ftol` or after `maxEvaluations`.
public struct NelderMead {
    public var ftol = 1e-10
    public var maxEvaluations = 4000
    public init(ftol: Double = 1e-10, maxEvaluations: Int = 4000) { self.ftol = ftol; self.maxEvaluations = maxEvaluations }

    public func minimize(_ f: ([Double]) -> Double, start: [Double], step: [Double]) -> (x: [Double], fx: Double) {
        let n = start.count
        var simplex = [start]
        for i in 0..<n { var p = start; p[i] += step[i]; simplex.append(p) }
        var values = simplex.map(f)
        var evals = n + 1
        while evals < maxEvaluations {
            let order = (0...n).sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            if abs(values[n] - values[0]) <= ftol * (abs(values[0]) + 1e-12) { break }
            var centroid = [Double](repeating: 0, count: n)
            for p in simplex[0..<n] { for j in 0..<n { centroid[j] += p[j] / Double(n) } }
            func along(_ t: Double) -> [Double] { (0..<n).map { centroid[$0] + t * (simplex[n][$0] - centroid[$0]) } }
            let xr = along(-1); let fr = f(xr); evals += 1
            if fr < values[0] {
                let xe = along(-2); let fe = f(xe); evals += 1
                if fe < fr { simplex[n] = xe; values[n] = fe } else { simplex[n] = xr; values[n] = fr }
            } else if fr < values[n - 1] {
                simplex[n] = xr; values[n] = fr
            } else {
                let outside = fr < values[n]
                let xc = along(outside ? -0.5 : 0.5); let fc = f(xc); evals += 1
                if fc < (outside ? fr : values[n]) {
                    simplex[n] = xc; values[n] = fc
                } else {
                    for i in 1...n {
                        simplex[i] = (0..<n).map { simplex[0][$0] + 0.5 * (simplex[i][$0] - simplex[0][$0]) }
                        values[i] = f(simplex[i]); evals += 1
                    }
                }
            }
        }
        let best = (0...n).min { values[$0] < values[$1] }!
        return (simplex[best], values[best])
    }
}

/// Central-difference Hessian of `f` at `x` with steps `h`.
public func numericalHessian(_ f: ([Double]) -> Double, at x: [Double], steps h: [Double]) -> [[Double]] {
    let n = x.count
    var H = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    let f0 = f(x)
    for i in 0..<n {
        var xp = x, xm = x
        xp[i] += h[i]; xm[i] -= h[i]
        H[i][i] = (f(xp) - 2 * f0 + f(xm)) / (h[i] * h[i])
        for j in 0..<i {
            var a = x, b = x, c = x, d = x
            a[i] += h[i]; a[j] += h[j]
            b[i] += h[i]; b[j] -= h[j]
            c[i] -= h[i]; c[j] += h[j]
            d[i] -= h[i]; d[j] -= h[j]
            H[i][j] = (f(a) - f(b) - f(c) + f(d)) / (4 * h[i] * h[j])
            H[j][i] = H[i][j]
        }
    }
    return H
}

/// Central-difference gradient.
public func numericalGradient(_ f: ([Double]) -> Double, at x: [Double], steps h: [Double]) -> [Double] {
    (0..<x.count).map { i in
        var xp = x, xm = x
        xp[i] += h[i]; xm[i] -= h[i]
        return (f(xp) - f(xm)) / (2 * h[i])
    }
}

/// Standard errors and covariance of a maximum-likelihood estimate from the Hessian `H` of the negative log-likelihood
/// at the optimum: `Cov = H⁻¹` (LAPACK `dpotrf/dpotri`), `SE_i = √Cov_ii`. When `H` is not positive definite (a parameter
/// at a boundary) there is no covariance and `SE_i = 1/√H_ii` (0 where `H_ii ≤ 0`); non-finite SEs become 0.
public func hessianCovariance(_ H: [[Double]]) -> (stderr: [Double], covariance: [[Double]]?) {
    let n = H.count
    var se: [Double]
    var cov: [[Double]]? = nil
    if let inv = try? inverseSPD(Matrix(H)), inv.storage.allSatisfy({ $0.isFinite }) {
        se = (0..<n).map { max(inv[$0, $0], 0).squareRoot() }
        cov = (0..<n).map { i in (0..<n).map { inv[i, $0] } }
    } else {
        se = (0..<n).map { H[$0][$0] > 0 ? 1 / H[$0][$0].squareRoot() : 0 }
    }
    return (se.map { $0.isFinite ? $0 : 0 }, cov)
}
