import Bitcoin
import Domain
import FileIO
import Foundation
import Ingest

/// Options of `hashsec bench-hash`.
public struct BenchHashOptions {
    /// Seconds per measurement (calibration, and each kernel × thread-count scan).
    public var seconds: Double = 2
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    public var watts: Double?
    public var saveProfile: String?
    public var catalog: String = "datasets/asic-catalog.csv"
    /// Real headers to verify the kernels against (all rows) when the file exists.
    public var headers: String = "../shared/datasets/btc_headers_822528_830592.csv"
    public init() {}
}

/// What `bench-hash` measured.
public struct BenchHashReport {
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

/// `hashsec bench-hash`: verify the kernels on real headers (`HashSelfCheck`), then measure (`HashBenchmark`); the header
/// file is read by `Ingest`, the catalog by `AsicCatalog`.
public enum BenchHashJob {
    public static func run(_ o: BenchHashOptions) throws -> BenchHashReport {
        guard o.seconds > 0, o.seconds <= 600, o.seconds.isFinite else { throw PipelineError.invalidArgument("--seconds must be in (0, 600]") }
        guard o.threads >= 1, o.threads <= 1024 else { throw PipelineError.invalidArgument("--threads must be in [1, 1024]") }
        if let w = o.watts, !(w > 0 && w.isFinite) { throw PipelineError.invalidArgument("--watts must be a positive number") }
        if let p = o.saveProfile, !CalibrateJob.writable(p) {
            throw OutputError.cannotWrite(path: p, reason: "directory \((p as NSString).deletingLastPathComponent) does not exist")
        }
        // 1. Self-check: embedded headers always, the real header file when present.
        var rows = HashSelfCheck.embeddedRows
        var source = "genesis and block 1 embedded"
        let headersPath = RepositoryData.resolve(o.headers)
        if FileManager.default.fileExists(atPath: headersPath) {
            let fileRows = try Ingest.headerRows(path: headersPath)
            rows += fileRows
            source += " + \(fileRows.count) rows of \(headersPath)"
        } else {
            source += "; \(o.headers) absent"
        }
        let kernels: [HashKernel] = HashKernel.fastAvailable ? [.portable, .shaNI] : [.portable]
        var verified = 0
        for k in kernels { verified = try HashSelfCheck.verify(kernel: k, headers: rows, scanChecks: 6) }

        // 2. Compression limit and nonce-scan rates on a real header (block 1).
        let m = try HashBenchmark.measure(header: rows[1].header, kernels: kernels, threads: o.threads, seconds: o.seconds)
        let single = m.rates.first { $0.kernel == kernels.last! && $0.threads == 1 }!.hashesPerSecond
        let cpu = HashBenchmark.cpuModel()
        var report = BenchHashReport(cpuModel: cpu, headersVerified: verified, headersSource: source, kernels: kernels,
                                     compressionsPerSecond: m.compression, chainedCompressionsPerSecond: m.chained, rates: m.rates,
                                     fractionOfLimit: single * 2 / m.compression, watts: o.watts, catalogLines: [], profilePath: nil)
        report.catalogLines = catalogComparison(path: RepositoryData.resolve(o.catalog), rate: report.best.hashesPerSecond, watts: o.watts)
        if let path = o.saveProfile {
            let b = report.best
            let profile = MinerProfile(name: "bench-hash \(cpu) \(b.kernel.rawValue) x\(b.threads)", cpuModel: cpu,
                                       kernel: b.kernel.rawValue, threads: b.threads, hashesPerSecond: b.hashesPerSecond,
                                       watts: o.watts, measuredUTC: Version.now())
            try OutputWriter.write(try JSONText.encode(profile), to: path)
            report.profilePath = path
        }
        return report
    }

    /// Compares with the ASIC catalog (`AsicCatalog`); a missing or unreadable catalog skips the comparison with a note.
    static func catalogComparison(path: String, rate: Double, watts: Double?) -> [String] {
        let catalog: AsicCatalog
        do { catalog = try JobInputs.catalog(path, files: DiskFiles.shared) } catch {
            return ["ASIC catalog \(path): comparison skipped (\(error))"]
        }
        guard let bestAsic = catalog.models.min(by: { $0.efficiencyJTH < $1.efficiencyJTH }),
              let fastest = catalog.models.max(by: { $0.hashrateTHs < $1.hashrateTHs }) else {
            return ["ASIC catalog \(path) has no models: comparison skipped"]
        }
        func name(_ m: AsicModel) -> String { "\(m.manufacturer) \(m.model)" }
        let ths = rate / 1e12
        var out = ["ASIC catalog (\(catalog.models.count) models): this machine = \(String(format: "%.3g", ths)) TH/s"]
        out.append("  fastest: \(name(fastest)) \(fastest.hashrateTHs) TH/s = \(String(format: "%.3g", fastest.hashrateTHs / ths))x this machine")
        if let w = watts {
            out.append("  most efficient: \(name(bestAsic)) \(bestAsic.efficiencyJTH) J/TH = \(String(format: "%.3g", w / ths / bestAsic.efficiencyJTH))x less energy per hash than this machine")
        } else {
            out.append("  most efficient: \(name(bestAsic)) \(bestAsic.efficiencyJTH) J/TH (pass --watts to compare)")
        }
        return out
    }
}
