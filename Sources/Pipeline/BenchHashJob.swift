import Bitcoin
import Domain
import Foundation

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

/// One measured nonce-scan rate.
public struct HashRate: Equatable {
    public var kernel: HashKernel
    public var threads: Int
    public var hashesPerSecond: Double
}

/// What `bench-hash` measured.
public struct BenchHashReport {
    public var cpuModel: String
    public var headersVerified: Int
    public var headersSource: String
    public var kernels: [HashKernel]
    /// Single-thread SHA-256 compression limit of the fastest kernel: the larger of the independent-compression
    /// calibration loop and chained 16 KiB messages.
    public var compressionsPerSecond: Double
    /// Single-thread compressions per second of one chained message (16 KiB calls; comparable to `openssl speed sha256`).
    public var chainedCompressionsPerSecond: Double
    public var rates: [HashRate]
    /// `nonce rate (fastest kernel, 1 thread) × 2 / compression rate` — the share of the compression limit reached.
    public var fractionOfLimit: Double
    public var watts: Double?
    public var catalogLines: [String]
    public var profilePath: String?

    /// The fastest all-threads rate.
    public var best: HashRate { rates.max { $0.hashesPerSecond < $1.hashesPerSecond }! }

    public func render() -> String {
        func mh(_ x: Double) -> String { String(format: "%.3f MH/s", x / 1e6) }
        var out = ["cpu: \(cpuModel)",
                   "self-check: \(kernels.map(\.rawValue).joined(separator: " and ")) kernels reproduce \(headersVerified) real block hashes (\(headersSource)) and find the real nonce by midstate scan",
                   "compression limit (\(kernels.last!.rawValue), 1 thread): \(String(format: "%.3f", compressionsPerSecond / 1e6)) M compressions/s (calibration loop of independent single compressions; chained 16 KiB messages: \(String(format: "%.3f", chainedCompressionsPerSecond / 1e6)) M/s = \(String(format: "%.1f", chainedCompressionsPerSecond * 64 / 1e6)) MB/s)"]
        for r in rates { out.append("nonce scan \(r.kernel.rawValue), \(r.threads) thread\(r.threads == 1 ? "" : "s"): \(mh(r.hashesPerSecond))") }
        out.append("fraction of compression limit (nonce rate x 2 / compression rate, 1 thread): \(String(format: "%.1f%%", fractionOfLimit * 100))")
        let b = best
        if let w = watts {
            let jth = w / (b.hashesPerSecond / 1e12)
            out.append("efficiency at \(w) W: \(String(format: "%.4g", jth)) J/TH (\(b.kernel.rawValue), \(b.threads) threads)")
        } else {
            out.append("efficiency: pass --watts W to compute J/TH")
        }
        out += catalogLines
        if let p = profilePath { out.append("miner profile written: \(p)") }
        return out.joined(separator: "\n")
    }
}

/// `hashsec bench-hash`: verify the kernels on real headers, then measure.
public enum BenchHashJob {
    public static func run(_ o: BenchHashOptions) throws -> BenchHashReport {
        guard o.seconds > 0, o.seconds <= 600, o.seconds.isFinite else { throw PipelineError.invalidConfiguration("--seconds must be in (0, 600]") }
        guard o.threads >= 1, o.threads <= 1024 else { throw PipelineError.invalidConfiguration("--threads must be in [1, 1024]") }
        if let w = o.watts, !(w > 0 && w.isFinite) { throw PipelineError.invalidConfiguration("--watts must be a positive number") }

        if let p = o.saveProfile {
            let dir = URL(fileURLWithPath: p).deletingLastPathComponent().path
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                throw PipelineError.cannotWrite(path: p, reason: "directory \(dir) does not exist")
            }
        }

        // 1. Self-check: embedded headers always, the real header file when present.
        var rows = HashSelfCheck.embeddedRows
        var source = "genesis and block 1 embedded"
        let headersPath = RepositoryData.resolve(o.headers)
        if FileManager.default.fileExists(atPath: headersPath) {
            let fileRows = try readHeaderRows(headersPath)
            rows += fileRows
            source += " + \(fileRows.count) rows of \(headersPath)"
        } else {
            source += "; \(o.headers) absent"
        }
        let kernels: [HashKernel] = HashKernel.fastAvailable ? [.portable, .shaNI] : [.portable]
        var verified = 0
        for k in kernels { verified = try HashSelfCheck.verify(kernel: k, headers: rows, scanChecks: 6) }

        // 2. Compression limit (fastest kernel, single thread).
        let fastest = kernels.last!
        let (chained, independent) = compressionRates(kernel: fastest, seconds: o.seconds)
        let limit = max(chained, independent)

        // 3. Nonce-scan rates on a real header (block 1), 1 thread and all threads, per kernel.
        let header = rows[1].header
        var rates: [HashRate] = []
        for k in kernels {
            for t in Set([1, o.threads]).sorted() {
                rates.append(HashRate(kernel: k, threads: t, hashesPerSecond: try scanRate(header: header, kernel: k, threads: t, seconds: o.seconds)))
            }
        }
        let single = rates.first { $0.kernel == fastest && $0.threads == 1 }!.hashesPerSecond
        let cpu = cpuModel()
        var report = BenchHashReport(cpuModel: cpu, headersVerified: verified, headersSource: source, kernels: kernels,
                                     compressionsPerSecond: limit, chainedCompressionsPerSecond: chained, rates: rates, fractionOfLimit: single * 2 / limit,
                                     watts: o.watts, catalogLines: [], profilePath: nil)
        report.catalogLines = catalogComparison(path: RepositoryData.resolve(o.catalog), rate: report.best.hashesPerSecond, watts: o.watts)

        if let path = o.saveProfile {
            let b = report.best
            let profile = MinerProfile(name: "bench-hash \(cpu) \(b.kernel.rawValue) x\(b.threads)", cpuModel: cpu,
                                       kernel: b.kernel.rawValue, threads: b.threads, hashesPerSecond: b.hashesPerSecond,
                                       watts: o.watts, measuredUTC: ISO8601DateFormatter().string(from: Date()))
            let enc = JSONEncoder(); enc.outputFormatting = [.sortedKeys, .prettyPrinted]
            do {
                try (enc.encode(profile) + Data("\n".utf8)).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw PipelineError.cannotWrite(path: path, reason: "\(error.localizedDescription)")
            }
            report.profilePath = path
        }
        return report
    }

    /// Reads `height,header_hex,hash_hex,...` rows; a malformed row is a `file:line: column: reason` error.
    static func readHeaderRows(_ path: String) throws -> [(height: Int, header: [UInt8], hash: String)] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw PipelineError.inputMissing(path: path, reason: "cannot read")
        }
        var out: [(Int, [UInt8], String)] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where i > 0 && !line.isEmpty {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count >= 3, let h = Int(f[0]) else {
                throw HeaderError.malformedRow(file: path, line: i + 1, column: 1, reason: "expected height,header_hex,hash_hex")
            }
            guard let b = BlockHeader.bytes(fromHex: String(f[1]).trimmingCharacters(in: .whitespacesAndNewlines)), b.count == 80 else {
                throw HeaderError.malformedRow(file: path, line: i + 1, column: 2, reason: "header_hex is not 160 hex digits")
            }
            out.append((h, b, String(f[2]).trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        return out
    }

    /// Single-thread compressions per second, two ways: chained 16 KiB messages (like `openssl speed`, latency-bound)
    /// and the calibration loop of independent single compressions (throughput-bound). The limit is the larger.
    static func compressionRates(kernel: HashKernel, seconds: Double) -> (chained: Double, independent: Double) {
        let buf = [UInt8](repeating: 0x5a, count: 64 * 256)
        var state = SHA256.initialState
        var blocks = 0
        var start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        buf.withUnsafeBufferPointer { p in
            repeat {
                for _ in 0..<16 { SHA256.compress(&state, p.baseAddress!, blocks: 256, kernel: kernel) }
                blocks += 16 * 256
                elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            } while elapsed < seconds / 2
        }
        precondition(state != SHA256.initialState)
        let chained = Double(blocks) / elapsed
        var n = 0
        var sink: UInt32 = 0
        let step = kernel == .shaNI ? 1 << 20 : 1 << 14
        start = DispatchTime.now().uptimeNanoseconds
        repeat {
            sink ^= SHA256.calibrationLoop(count: step, kernel: kernel)
            n += step
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < seconds / 2
        precondition(sink != 1 || n > 0)
        return (chained, Double(n) / elapsed)
    }

    /// Nonce-scan rate: every thread scans its own nonce range in chunks until the deadline; total hashes / wall time.
    static func scanRate(header: [UInt8], kernel: HashKernel, threads: Int, seconds: Double) throws -> Double {
        let scanner = try NonceScanner(header: header, kernel: kernel)
        let chunk: UInt64 = kernel == .shaNI ? 1 << 18 : 1 << 15
        let target = UInt256(1)   // essentially never hit; keeps the comparison in the loop
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + UInt64(seconds * 1e9)
        var counts = [UInt64](repeating: 0, count: threads)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: threads) { i in
            var n: UInt64 = 0
            var nonce = UInt32(truncatingIfNeeded: UInt64(i) << 28)
            repeat {
                n += scanner.scan(start: nonce, count: chunk, target: target).hashes
                nonce &+= UInt32(chunk)
            } while DispatchTime.now().uptimeNanoseconds < deadline
            lock.lock(); counts[i] = n; lock.unlock()
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Double(counts.reduce(0, +)) / elapsed
    }

    static func cpuModel() -> String {
        if let s = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = s.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let colon = line.firstIndex(of: ":") {
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return "unknown"
    }

    /// Compares with the ASIC catalog (`manufacturer,model,release_date,hashrate_ths,power_w,efficiency_j_th,source`).
    static func catalogComparison(path: String, rate: Double, watts: Double?) -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return ["ASIC catalog \(path) absent: comparison skipped (run `hashsec benchmark` first)"]
        }
        let lines = text.split(separator: "\n").map(String.init)
        guard let head = lines.first?.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }),
              let iMan = head.firstIndex(of: "manufacturer"), let iModel = head.firstIndex(of: "model"),
              let iTH = head.firstIndex(of: "hashrate_ths"), let iEff = head.firstIndex(of: "efficiency_j_th") else {
            return ["ASIC catalog \(path) lacks the expected columns: comparison skipped"]
        }
        var asics: [(name: String, ths: Double, jth: Double)] = []
        for l in lines.dropFirst() {
            let f = l.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count > max(iTH, iEff), let th = Double(f[iTH]), let e = Double(f[iEff]), th > 0, e > 0 else { continue }
            asics.append(("\(f[iMan]) \(f[iModel])", th, e))
        }
        guard !asics.isEmpty else { return ["ASIC catalog \(path) has no usable rows: comparison skipped"] }
        let ths = rate / 1e12
        let bestAsic = asics.min { $0.jth < $1.jth }!
        let fastest = asics.max { $0.ths < $1.ths }!
        var out = ["ASIC catalog (\(asics.count) models): this machine = \(String(format: "%.3g", ths)) TH/s"]
        out.append("  fastest: \(fastest.name) \(fastest.ths) TH/s = \(String(format: "%.3g", fastest.ths / ths))x this machine")
        if let w = watts {
            let jth = w / ths
            out.append("  most efficient: \(bestAsic.name) \(bestAsic.jth) J/TH = \(String(format: "%.3g", jth / bestAsic.jth))x less energy per hash than this machine")
        } else {
            out.append("  most efficient: \(bestAsic.name) \(bestAsic.jth) J/TH (pass --watts to compare)")
        }
        return out
    }
}
