import Foundation
import Statistics
import Structures

/// `partial.bin`: little-endian binary of a shard. Layout: magic "HSPR0005", firstPath, count, days (Int64 each);
/// pv, btc, usd, irr (count Float64 each); payback, curtailed (count Int32 each); terminated (count UInt8);
/// then the four DayHistograms (eMin, eMax as Int64, then days·bins UInt32); then the structure record widths
/// (waterfall, leverage, sweep as Int64) and the records (count·width Float64 each); then the halving-day counts
/// (days UInt32); then the curve record width (Int64) and the curve records (count·width Float64); then the collateral
/// mark's fit rows (count as Int64, then `MarkFitRow.width` Float64 each).
extension PartialResult {
    static let magic = Array("HSPR0005".utf8)

    public func encoded() -> Data {
        var d = Data(PartialResult.magic)
        func i64(_ v: Int) { var x = Int64(v).littleEndian; withUnsafeBytes(of: &x) { d.append(contentsOf: $0) } }
        func f64s(_ a: [Double]) { for v in a { var x = v.bitPattern.littleEndian; withUnsafeBytes(of: &x) { d.append(contentsOf: $0) } } }
        func i32s(_ a: [Int32]) { for v in a { var x = v.littleEndian; withUnsafeBytes(of: &x) { d.append(contentsOf: $0) } } }
        let days = daily.hashpriceUSD.days
        i64(firstPath); i64(count); i64(days)
        f64s(pvUSD); f64s(btcTotal); f64s(usdTotal); f64s(irr); i32s(paybackDay); i32s(daysCurtailed); d.append(contentsOf: terminated)
        for h in daily.all {
            i64(h.eMin); i64(h.eMax)
            for c in h.counts { var x = c.littleEndian; withUnsafeBytes(of: &x) { d.append(contentsOf: $0) } }
        }
        i64(waterfallWidth); i64(leverageWidth); i64(sweepWidth)
        f64s(waterfall); f64s(leverage); f64s(sweep)
        for c in halvingDayCounts { var x = c.littleEndian; withUnsafeBytes(of: &x) { d.append(contentsOf: $0) } }
        i64(curveWidth); f64s(curve)
        i64(markFit.count)
        for row in markFit { f64s(row.flat) }
        return d
    }

    public init(encoded d: Data) throws {
        let b = [UInt8](d)
        var pos = 0
        func need(_ n: Int) throws { if pos + n > b.count { throw SimulateError.badShard("partial.bin truncated") } }
        func u64() throws -> UInt64 {
            try need(8); var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(b[pos + k]) << (8 * UInt64(k)) }
            pos += 8; return v
        }
        func u32() throws -> UInt32 {
            try need(4); var v: UInt32 = 0
            for k in 0..<4 { v |= UInt32(b[pos + k]) << (8 * UInt32(k)) }
            pos += 4; return v
        }
        try need(8)
        guard Array(b[0..<8]) == PartialResult.magic else { throw SimulateError.badShard("not a hashsec partial.bin") }
        pos = 8
        let first = Int(Int64(bitPattern: try u64())), n = Int(Int64(bitPattern: try u64())), days = Int(Int64(bitPattern: try u64()))
        guard n >= 0, days >= 0, n < 1 << 32, days < 1 << 20 else { throw SimulateError.badShard("bad header") }
        // Nothing is allocated beyond what the file holds: a header announcing more paths or days than its bytes is refused.
        try need(n * 41)
        self.init(firstPath: first, count: n, days: 0)
        for i in 0..<n { pvUSD[i] = Double(bitPattern: try u64()) }
        for i in 0..<n { btcTotal[i] = Double(bitPattern: try u64()) }
        for i in 0..<n { usdTotal[i] = Double(bitPattern: try u64()) }
        for i in 0..<n { irr[i] = Double(bitPattern: try u64()) }
        for i in 0..<n { paybackDay[i] = Int32(bitPattern: try u32()) }
        for i in 0..<n { daysCurtailed[i] = Int32(bitPattern: try u32()) }
        try need(n); terminated = Array(b[pos..<(pos + n)]); pos += n
        var hs: [DayHistograms] = []
        for _ in 0..<4 {
            let eMin = Int(Int64(bitPattern: try u64())), eMax = Int(Int64(bitPattern: try u64()))
            guard eMin < eMax, eMax - eMin < 200 else { throw SimulateError.badShard("bad histogram range") }
            try need(days * ((eMax - eMin) * DayHistograms.binsPerOctave + 2) * 4)
            var h = DayHistograms(days: days, eMin: eMin, eMax: eMax)
            for i in 0..<h.counts.count { h.counts[i] = try u32() }
            hs.append(h)
        }
        let ww = Int(Int64(bitPattern: try u64())), lw = Int(Int64(bitPattern: try u64())), sw = Int(Int64(bitPattern: try u64()))
        guard (0..<100_000).contains(ww), (0..<100_000).contains(lw), (0..<100_000).contains(sw) else {
            throw SimulateError.badShard("bad structure record widths")
        }
        try need(8 * n * (ww + lw + sw))
        waterfallWidth = ww; leverageWidth = lw; sweepWidth = sw
        waterfall = try (0..<(n * ww)).map { _ in Double(bitPattern: try u64()) }
        leverage = try (0..<(n * lw)).map { _ in Double(bitPattern: try u64()) }
        sweep = try (0..<(n * sw)).map { _ in Double(bitPattern: try u64()) }
        try need(4 * days)
        halvingDayCounts = try (0..<days).map { _ in try u32() }
        let cw = Int(Int64(bitPattern: try u64()))
        guard (0..<100_000).contains(cw) else { throw SimulateError.badShard("bad curve record width") }
        try need(8 * n * cw)
        curveWidth = cw
        curve = try (0..<(n * cw)).map { _ in Double(bitPattern: try u64()) }
        let rows = Int(Int64(bitPattern: try u64()))
        guard (0..<100_000).contains(rows) else { throw SimulateError.badShard("bad mark fit row count") }
        try need(8 * rows * MarkFitRow.width)
        markFit = try (0..<rows).map { _ in
            MarkFitRow(flat: try (0..<MarkFitRow.width).map { _ in Double(bitPattern: try u64()) }[...])
        }
        guard pos == b.count else { throw SimulateError.badShard("trailing bytes in partial.bin") }
        daily.hashpriceUSD = hs[0]; daily.priceUSD = hs[1]; daily.payoutUSD = hs[2]; daily.cumulativeBTC = hs[3]
    }
}
