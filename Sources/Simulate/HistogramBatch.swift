import CKernels
import Statistics

/// Per-worker accumulation of the four daily histograms of a `DailyQuantileSet`, batched for cache locality.
///
/// A worker's counts are `days × bins` per series (≈ 7–9 MB each, ≈ 33 MB for four): far larger than L2. Incrementing
/// them path by path touches a new cache line (and page) on nearly every path-day, since a path's bin changes almost
/// daily. Instead each path's bin indices are first written into a `UInt16` buffer tiled by 32 days
/// (`[series][day / 32][slot][day % 32]`, `slot` < `batch`: one path's tile is one cache line, written whole), and
/// `flush()` then adds a whole batch day by day: the `batch` increments of one day land in that day's contiguous row of
/// counts (the paths' spread is a few hundred bins, ≈ 1 KB), so each counts line is fetched once per batch instead of
/// once per path. Counts are integers, so the result is exactly the same whatever the batching, thread or shard.
final class HistogramBatch {
    static let series = 4
    static let tile = Int(HASHSEC_HIST_TILE)
    let days: Int, batch: Int, tiles: Int
    let bins: (Int, Int, Int, Int)
    let ranges: [(eMin: Int, eMax: Int)]
    /// Day-major counts (`[day·bins + bin]`), the layout of `DayHistograms.counts`.
    let counts: [UnsafeMutablePointer<UInt32>]
    /// Pending bin indices, `[((series·tiles + day/32)·batch + slot)·32 + day%32]`.
    let pending: UnsafeMutablePointer<UInt16>
    /// Four zeroed sub-histograms for `flush` (left zeroed by it).
    let local: UnsafeMutablePointer<UInt16>
    private(set) var filled = 0

    init(days: Int, batch: Int) {
        self.days = days; self.batch = batch
        tiles = (days + HistogramBatch.tile - 1) / HistogramBatch.tile
        let all = DailyQuantileSet(days: 0).all   // the four grids (bins, eMin, eMax)
        precondition(all.count == HistogramBatch.series && all.allSatisfy { $0.bins <= Int(UInt16.max) } && batch <= Int(UInt16.max))
        bins = (all[0].bins, all[1].bins, all[2].bins, all[3].bins)
        ranges = all.map { ($0.eMin, $0.eMax) }
        counts = all.map { h in
            let c = UnsafeMutablePointer<UInt32>.allocate(capacity: max(days * h.bins, 1))
            c.initialize(repeating: 0, count: max(days * h.bins, 1))
            return c
        }
        pending = .allocate(capacity: max(HistogramBatch.series * tiles * HistogramBatch.tile * batch, 1))
        let widest = all.map(\.bins).max()!
        local = .allocate(capacity: 4 * widest)
        local.initialize(repeating: 0, count: 4 * widest)
    }

    deinit { for c in counts { c.deallocate() }; pending.deallocate(); local.deallocate() }

    /// Reserves `n` consecutive slots (flushing first when they do not fit) and returns the first.
    func reserve(_ n: Int) -> Int {
        precondition(n <= batch)
        if filled + n > batch { flush() }
        let s = filled
        filled += n
        return s
    }

    /// Pointer to the pending bin indices of `series` and `slot`, days 0..<32; day `t` is at `+ (t/32)·tileStride + t%32`.
    @inline(__always) func row(series k: Int, slot: Int) -> UnsafeMutablePointer<UInt16> {
        pending + ((k * tiles) * batch + slot) * HistogramBatch.tile
    }
    /// Distance between consecutive 32-day tiles of one slot.
    var tileStride: Int { batch * HistogramBatch.tile }

    /// Writes the bins of `values[0..<days]` for `series` into `slot` (`hashsec_hist_bins`, vectorised).
    @inline(__always) func record(series k: Int, slot: Int, values: UnsafePointer<Double>) {
        let r = ranges[k]
        hashsec_hist_bins(values, days, Int32(r.eMin), Int32(r.eMax), row(series: k, slot: slot), tileStride)
    }

    /// Adds the pending batch to the counts (`hashsec_hist_flush`).
    ///
    /// Early days (and narrow series) put most paths in a handful of bins, so incrementing the counts directly would
    /// chain each increment on the previous one to the same address. Each day's indices are therefore counted into
    /// interleaved `UInt16` sub-histograms (L1-resident; `batch` ≤ 65,535), and only the tile's touched bin range is then
    /// added to the day's row of counts and cleared.
    func flush() {
        guard filled > 0 else { return }
        let nb = [bins.0, bins.1, bins.2, bins.3]
        for k in 0..<HistogramBatch.series {
            hashsec_hist_flush(row(series: k, slot: 0), filled, days, batch, counts[k], nb[k], local)
        }
        filled = 0
    }

    /// Flushes and returns the histograms.
    func result() -> DailyQuantileSet {
        flush()
        var set = DailyQuantileSet(days: days)
        func copy(_ k: Int, _ h: inout DayHistograms) {
            h.counts = Array(UnsafeBufferPointer(start: counts[k], count: days * h.bins))
        }
        copy(0, &set.hashpriceUSD); copy(1, &set.priceUSD); copy(2, &set.payoutUSD); copy(3, &set.cumulativeBTC)
        return set
    }
}
