import LinearAlgebra

/// Residual correlation of the three shocks.
public enum ShockCorrelation {
    /// Pearson correlation matrix of the columns of `rows` (each row one date: price, hash-rate, fee residual).
    ///
    /// The result is symmetric with a unit diagonal. If it is not positive definite (`LinearAlgebra.cholesky` fails), it is
    /// shrunk toward the identity, `C(α) = (1 − α)·C + α·I`, with α = 0.01, 0.02, … until the Cholesky succeeds
    /// (no eigenvalues needed: `C(1) = I` is always positive definite).
    public static func estimate(_ rows: [[Double]]) -> [[Double]] {
        let k = 3
        let n = Double(rows.count)
        var c = Matrix.identity(k)
        if rows.count >= 3 {
            let means = (0..<k).map { j in rows.reduce(0) { $0 + $1[j] } / n }
            var cov = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
            for r in rows { for i in 0..<k { for j in 0..<k { cov[i][j] += (r[i] - means[i]) * (r[j] - means[j]) } } }
            for i in 0..<k { for j in 0..<k where i != j {
                let d = (cov[i][i] * cov[j][j]).squareRoot()
                c[i, j] = d > 0 ? cov[i][j] / d : 0
            } }
        }
        return repairPositiveDefinite(c).rowArrays
    }

    /// Shrinks a unit-diagonal symmetric matrix toward I until `LinearAlgebra.cholesky` accepts it.
    public static func repairPositiveDefinite(_ c: Matrix) -> Matrix {
        var alpha = 0.0
        while alpha <= 1 {
            var m = c
            for i in 0..<c.rows { for j in 0..<c.cols where i != j { m[i, j] = (1 - alpha) * c[i, j] } }
            if (try? cholesky(m)) != nil { return m }
            alpha += 0.01
        }
        return Matrix.identity(c.rows)
    }
}
