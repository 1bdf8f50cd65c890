import Domain
import Foundation

/// Standard normal variates by the Marsaglia–Tsang (2000) ziggurat, 128 layers, in Doornik's (2005) form.
///
/// Hand-written because the engine draws ~10⁸ normals per run and the polar method in `Domain.PathRandom`
/// costs a log and a square root per pair (and rejects 21% of draws); the ziggurat accepts ~98.8% of draws with one
/// multiply and one compare. One 64-bit output supplies both the layer (low 7 bits) and the uniform (top 53 bits),
/// so streams stay a pure function of (seed, path).
public enum Ziggurat {
    static let r = 3.442619855899
    static let v = 9.91256303526217e-3
    /// Layer abscissae x[0...128] and ratios x[i+1]/x[i].
    public static let tables: (x: [Double], ratio: [Double]) = {
        var x = [Double](repeating: 0, count: 129)
        let f = Foundation.exp(-0.5 * r * r)
        x[0] = v / f
        x[1] = r
        for i in 1..<128 {
            x[i + 1] = (-2 * Foundation.log(v / x[i] + Foundation.exp(-0.5 * x[i] * x[i]))).squareRoot()
        }
        x[128] = 0
        var ratio = [Double](repeating: 0, count: 128)
        for i in 0..<128 { ratio[i] = x[i + 1] / x[i] }
        return (x, ratio)
    }()
    static let xs: UnsafeMutablePointer<Double> = {
        let p = UnsafeMutablePointer<Double>.allocate(capacity: 129)
        for i in 0..<129 { p[i] = tables.x[i] }
        return p
    }()
    static let rs: UnsafeMutablePointer<Double> = {
        let p = UnsafeMutablePointer<Double>.allocate(capacity: 128)
        for i in 0..<128 { p[i] = tables.ratio[i] }
        return p
    }()

    /// f(x) = exp(−x²/2) at the layer abscissae (the counter-stream kernel's one-exp wedge test).
    static let fs: UnsafeMutablePointer<Double> = {
        let p = UnsafeMutablePointer<Double>.allocate(capacity: 129)
        for i in 0..<129 { p[i] = Foundation.exp(-0.5 * tables.x[i] * tables.x[i]) }
        return p
    }()

    /// Forces table construction (call once before threads start).
    public static func prepare() { _ = xs; _ = rs; _ = fs }

    /// One N(0,1) variate from `rng`.
    @inline(__always)
    public static func normal(_ rng: inout PathRandom, x: UnsafeMutablePointer<Double>, ratio: UnsafeMutablePointer<Double>) -> Double {
        while true {
            let bits = rng.next()
            let i = Int(bits & 0x7F)
            let u = 2 * ((Double(bits >> 11) + 0.5) * 0x1.0p-53) - 1
            if abs(u) < ratio[i] { return u * x[i] }
            if i == 0 { return tail(&rng, negative: u < 0) }
            let xx = u * x[i]
            let f0 = Foundation.exp(-0.5 * (x[i] * x[i] - xx * xx))
            let f1 = Foundation.exp(-0.5 * (x[i + 1] * x[i + 1] - xx * xx))
            if f1 + rng.uniform() * (f0 - f1) < 1.0 { return xx }
        }
    }

    @inline(never)
    static func tail(_ rng: inout PathRandom, negative: Bool) -> Double {
        var a: Double, b: Double
        repeat {
            a = Foundation.log(rng.uniform()) / r
            b = Foundation.log(rng.uniform())
        } while -2 * b < a * a
        return negative ? a - r : r - a
    }

    /// Convenience (tests): one variate using the shared tables.
    public static func normal(_ rng: inout PathRandom) -> Double { normal(&rng, x: xs, ratio: rs) }
}
