import Foundation

/// What `bench-hash` measured.
public struct BenchHashReport: Sendable {
    public var cpuModel: String
    public var headersVerified: Int
    public var headersSource: String
    public var kernels: [HashKernel]
    /// Single-thread SHA-256 compression limit of the fastest kernel (the larger of the two ways of `HashBenchmark`).
    public var compressionsPerSecond: Double
    /// Single-thread compressions per second of one chained message (16 KiB calls; comparable to `openssl speed sha256`).
    public var chainedCompressionsPerSecond: Double
    public var rates: [HashBenchmark.Rate]
    /// `nonce rate (fastest kernel, 1 thread) × 2 / compression rate` — the share of the compression limit reached.
    public var fractionOfLimit: Double
    public var watts: Double?
    public var catalogLines: [String]
    public var profilePath: String?

    public init(cpuModel: String, headersVerified: Int, headersSource: String, kernels: [HashKernel], compressionsPerSecond: Double,
                chainedCompressionsPerSecond: Double, rates: [HashBenchmark.Rate], fractionOfLimit: Double, watts: Double?,
                catalogLines: [String], profilePath: String?) {
        self.cpuModel = cpuModel; self.headersVerified = headersVerified; self.headersSource = headersSource; self.kernels = kernels
        self.compressionsPerSecond = compressionsPerSecond; self.chainedCompressionsPerSecond = chainedCompressionsPerSecond
        self.rates = rates; self.fractionOfLimit = fractionOfLimit; self.watts = watts; self.catalogLines = catalogLines
        self.profilePath = profilePath
    }

    /// The fastest all-threads rate.
    public var best: HashBenchmark.Rate { rates.max { $0.hashesPerSecond < $1.hashesPerSecond }! }

    public func render() -> String {
        func mh(_ x: Double) -> String { String(format: "%.3f MH/s", x / 1e6) }
        var out = ["cpu: \(cpuModel)",
                   "self-check: \(kernels.map(\.rawValue).joined(separator: " and ")) kernels reproduce \(headersVerified) real block hashes (\(headersSource)) and find the real nonce by midstate scan",
                   "compression limit (\(kernels.last!.rawValue), 1 thread): \(String(format: "%.3f", compressionsPerSecond / 1e6)) M compressions/s (calibration loop of independent single compressions; chained 16 KiB messages: \(String(format: "%.3f", chainedCompressionsPerSecond / 1e6)) M/s = \(String(format: "%.1f", chainedCompressionsPerSecond * 64 / 1e6)) MB/s)"]
        for r in rates { out.append("nonce scan \(r.kernel.rawValue), \(r.threads) thread\(r.threads == 1 ? "" : "s"): \(mh(r.hashesPerSecond))") }
        out.append("fraction of compression limit (nonce rate x 2 / compression rate, 1 thread): \(String(format: "%.1f%%", fractionOfLimit * 100))")
        if let w = watts {
            out.append("efficiency at \(w) W: \(String(format: "%.4g", w / (best.hashesPerSecond / 1e12))) J/TH (\(best.kernel.rawValue), \(best.threads) threads)")
        } else {
            out.append("efficiency: pass --watts W to compute J/TH")
        }
        out += catalogLines
        if let p = profilePath { out.append("miner profile written: \(p)") }
        return out.joined(separator: "\n")
    }
}
