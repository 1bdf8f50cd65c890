import Foundation
import GRDB

/// Inputs the cases are built from: a consistent synthetic history (every SPEC §2 rule holds, a halving included),
/// a valid deal, a valid nightly configuration, and transformations of the real files (read in place).
enum HostileFixtures {
    static let tidyHeader = "date,price_usd,block_count,hash_rate_ths,difficulty_mean,fees_btc,issuance_btc,height_end"

    /// Exact subsidy of blocks `a...b`, BTC (50 halved every 210,000 blocks).
    static func issuance(_ a: Int, _ b: Int) -> Double {
        guard b >= a else { return 0 }
        return (a...b).reduce(0.0) { $0 + 50 / pow(2, Double($1 / 210_000)) }
    }

    struct Row { var date: String; var price: Double; var blocks: Int; var difficulty: Double; var fees: Double; var height: Int }

    /// 800 days from 2023-01-01 (heights 770,000 + …, across the 840,000 halving), deterministic.
    static let rows: [Row] = {
        var out: [Row] = []
        var state: UInt64 = 12345
        func u() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) / 9007199254740992 }
        var price = 17000.0, difficulty = 3.5e13, height = 770_000
        let f = DateFormatter(); f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(identifier: "UTC"); f.dateFormat = "yyyy-MM-dd"
        let start = Date(timeIntervalSince1970: 1_672_531_200)  // 2023-01-01
        for i in 0..<800 {
            price *= exp(0.03 * (u() - 0.5))
            if i % 14 == 0 { difficulty *= 1 + 0.04 * (u() - 0.3) }
            let blocks = 130 + Int(u() * 30)
            height += blocks
            out.append(Row(date: f.string(from: start.addingTimeInterval(Double(i) * 86400)), price: price, blocks: blocks,
                           difficulty: difficulty, fees: 5 + 20 * u(), height: height))
        }
        return out
    }()

    static func line(_ r: Row) -> String {
        let ths = Double(r.blocks) * r.difficulty * 4294967296.0 / 86400 / 1e12
        return "\(r.date),\(r.price),\(r.blocks),\(ths),\(r.difficulty),\(r.fees),\(issuance(r.height - r.blocks + 1, r.height)),\(r.height)"
    }

    static let history: String = ([tidyHeader] + rows.map(line)).joined(separator: "\n") + "\n"

    /// A tidy file of the day after the history (a valid new row), with one column replaced by `value`.
    static func nextDay(_ column: String? = nil, _ value: String = "") -> String {
        let last = rows.last!
        var r = last
        r.date = "2025-03-11"; r.blocks = 144; r.height = last.height + 144
        var cells = line(r).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        if let column, let i = tidyHeader.split(separator: ",").map(String.init).firstIndex(of: column) { cells[i] = value }
        return tidyHeader + "\n" + cells.joined(separator: ",") + "\n"
    }

    static let coinMetricsHeader = "time,BlkCnt,FeeTotNtv,HashRate,IssTotNtv,PriceUSD"

    /// A Coin Metrics-format day with one value replaced.
    static func coinMetrics(_ column: String? = nil, _ value: String = "") -> String {
        let ths = 144 * 5e13 * 4294967296.0 / 86400 / 1e12
        var cells = ["2024-01-10", "144", "12.5", "\(ths)", "900", "45000"]
        if let column, let i = coinMetricsHeader.split(separator: ",").map(String.init).firstIndex(of: column) { cells[i] = value }
        return coinMetricsHeader + "\n" + cells.joined(separator: ",") + "\n"
    }

    static let deal = """
    name: hostile
    token:
      count: 10000
      hashrate_th: 0.1
      term_days: 365
      price_usd: 4.50
    miner:
      efficiency_j_th: 17.5
    operations:
      power_usd_kwh: 0.055
    valuation:
      discount_rate: 0.1
    """

    static func nightly(_ extra: String = "", inputs: String = "  - path: history.csv\n    format: tidy") -> String {
        """
        db: h.sqlite
        inputs:
        \(inputs)
        today: data
        deals: []
        paths: 4
        seed: 1
        reports_dir: reports
        \(extra)
        """
    }

    // MARK: real files (read in place by `.real`)

    /// Header rows of a real header file with every height moved by `shift`.
    static func shiftedHeaders(_ shift: Int) -> (Data) -> Data {
        { data in
            let text = String(decoding: data, as: UTF8.self)
            var lines = text.split(separator: "\n").map(String.init)
            for i in 1..<lines.count {
                var f = lines[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                f[0] = String(Int(f[0])! + shift)
                lines[i] = f.joined(separator: ",")
            }
            return Data((lines.joined(separator: "\n") + "\n").utf8)
        }
    }

    /// The first `n` lines of a real file.
    static func head(_ n: Int) -> (Data) -> Data {
        { data in Data((String(decoding: data, as: UTF8.self).split(separator: "\n").prefix(n).joined(separator: "\n") + "\n").utf8) }
    }

    /// Header rows with one header's hex changed at `char` (0-based within the 160 hex digits) of data line `row`.
    static func flippedHeader(row: Int, char: Int, dropHash: Bool) -> (Data) -> Data {
        { data in
            var lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
            if dropHash { lines = lines.map { $0.split(separator: ",").prefix(2).joined(separator: ",") } }
            var f = lines[row].split(separator: ",").map(String.init)
            var hex = Array(f[1].utf8)
            hex[char] = hex[char] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
            f[1] = String(decoding: hex, as: UTF8.self)
            lines[row] = f.joined(separator: ",")
            return Data((lines.prefix(3000).joined(separator: "\n") + "\n").utf8)
        }
    }

    // MARK: store damage

    /// 512 fixed pseudo-random bytes written at `offset`.
    static func damage(at offset: UInt64 = 8192) -> (String) throws -> Void {
        { path in
            var s: UInt64 = 0xBADC0DE
            let bytes = (0..<512).map { _ -> UInt8 in s = s &* 6364136223846793005 &+ 1442695040888963407; return UInt8(truncatingIfNeeded: s >> 33) }
            let h = try FileHandle(forUpdating: URL(fileURLWithPath: path))
            try h.seek(toOffset: offset); try h.write(contentsOf: Data(bytes)); try h.close()
        }
    }

    static func sql(_ statements: String) -> (String) throws -> Void {
        { path in try DatabaseQueue(path: path).write { try $0.execute(sql: statements) } }
    }

    static func truncate(to size: UInt64) -> (String) throws -> Void {
        { path in let h = try FileHandle(forUpdating: URL(fileURLWithPath: path)); try h.truncate(atOffset: size); try h.close() }
    }

    static func replace(with bytes: [UInt8]) -> (String) throws -> Void {
        { path in try Data(bytes).write(to: URL(fileURLWithPath: path)) }
    }
}
