import Bitcoin
import Domain
import FileIO
import Foundation
import Ingest
import Results

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
            let fileRows = try InputParser.headerRows(path: headersPath)
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

    /// Compares with the ASIC catalog (`AsicCatalog.comparison`); a missing or unreadable catalog skips the comparison
    /// with a note.
    static func catalogComparison(path: String, rate: Double, watts: Double?) -> [String] {
        do { return try JobInputs.catalog(path, files: DiskFiles.shared).comparison(hashesPerSecond: rate, watts: watts, path: path) } catch {
            return ["ASIC catalog \(path): comparison skipped (\(error))"]
        }
    }
}
