/// One verified block, as the summary reports it.
public struct HeaderBlockInfo: Equatable, Sendable {
    public var height: Int
    public var time: UInt32
    /// Median of the timestamps of this block and up to 10 before it (Core's `GetMedianTimePast`; fewer at the start
    /// of a run or after a gap). Coin Metrics buckets blocks by the UTC day of this value.
    public var medianTimePast: UInt32
    public var bits: UInt32
    /// `T_max / target(bits)`.
    public var difficulty: Double
    /// Displayed (byte-reversed) hash hex.
    public var hashHex: String
}

/// One difficulty epoch (heights `2016·index ..< 2016·(index+1)`) as far as it was seen.
public struct HeaderEpochInfo: Equatable, Sendable {
    public enum Retarget: String, Sendable { case verified, unverifiable, genesis }
    public var index: Int
    public var firstHeightSeen: Int
    public var lastHeightSeen: Int
    public var blocksSeen: Int
    public var bits: UInt32
    public var difficulty: Double
    /// How the epoch's opening nBits was checked (only meaningful when its first block was seen).
    public var retarget: Retarget?
}

/// What a run of `HeaderChainVerifier.append` calls established.
public struct HeaderChainSummary: Equatable, Sendable {
    public var count = 0
    public var firstHeight: Int?
    public var lastHeight: Int?
    /// Epoch boundaries whose nBits was recomputed exactly from the previous epoch's first and last timestamps.
    public var retargetsVerified = 0
    /// Headers at checkpoint heights whose hash matched the embedded checkpoint (`Checkpoints`).
    public var checkpointsMatched = 0
    /// Epoch boundaries seen without the data needed to recompute them (reported, never silently accepted).
    public var retargetsUnverifiable = 0
    public var unverifiableRetargetHeights: [Int] = []
    public var blocks: [HeaderBlockInfo] = []
    public var epochs: [HeaderEpochInfo] = []
}

/// Streaming verifier of a sequence of block headers in increasing height order.
///
/// For each header: length 80; proof of work `SHA256d(header) ≤ target(nBits)` (hash read as a little-endian
/// 256-bit number; nBits must be a valid positive target ≤ powLimit); the claimed hash if given; the link
/// `prevHash == hash(previous)` and height `previous + 1`; nBits unchanged inside an epoch; and at every height
/// `h ≡ 0 (mod 2016)` the exact retarget `Consensus.nextBits(lastBits, firstTime, lastTime)` when both the previous
/// epoch's first header and header `h − 1` were seen (otherwise counted in `retargetsUnverifiable`); and, with
/// `checkpoints` (the default), the embedded mainnet `Checkpoints`: the epoch's nBits at every height of the table and
/// the block hash at every checkpoint height.
/// A rejected header leaves the verifier unchanged.
public struct HeaderChainVerifier {
    /// When true, heights may jump forward (e.g. a file of epoch boundaries): links, the inside-epoch nBits rule and
    /// retargets are checked only where the needed neighbours are present. Default false: heights must be consecutive.
    public let allowGaps: Bool
    /// Kernel used for the header hashes.
    public let kernel: HashKernel
    /// Check headers against the embedded mainnet checkpoints (default true).
    public let checkpoints: Bool

    private var last: (height: Int, hash: [UInt8], time: UInt32, bits: UInt32)?
    private var recentTimes: [UInt32] = []
    private var epochFirstTime: [Int: UInt32] = [:]
    private var result = HeaderChainSummary()

    public init() { self.init(allowGaps: false) }
    public init(allowGaps: Bool, kernel: HashKernel = .best, checkpoints: Bool = true) {
        self.allowGaps = allowGaps; self.kernel = kernel; self.checkpoints = checkpoints
    }

    public var summary: HeaderChainSummary { result }

    /// Verifies the next header. `claimedHash`, when given, is the 32-byte hash **in display order** (byte-reversed,
    /// as in `hash_hex` columns). Throws `HeaderError`; on error nothing is recorded.
    public mutating func append(height: Int, header: [UInt8], claimedHash: [UInt8]?) throws {
        guard header.count == 80 else { throw HeaderError.wrongLength(height: height, count: header.count) }
        let hdr = try BlockHeader(bytes: header)
        let hash = SHA256.sha256d(header, kernel: kernel)
        let shown = SHA256.hex(hash.reversed())
        let consecutive: Bool
        if let p = last {
            if allowGaps ? height <= p.height : height != p.height + 1 {
                throw HeaderError.heightSequence(expected: p.height + 1, got: height)
            }
            consecutive = height == p.height + 1
            if consecutive && hdr.prevHash != p.hash {
                throw HeaderError.brokenLink(height: height, expected: SHA256.hex(p.hash.reversed()), got: hdr.prevHashHex)
            }
        } else {
            consecutive = false
        }
        let epoch = height / Consensus.epochLength
        var retarget: HeaderEpochInfo.Retarget? = nil
        if height % Consensus.epochLength == 0 {
            if height == 0 {
                retarget = .genesis
            } else if consecutive, let p = last, let first = epochFirstTime[epoch - 1] {
                let expected = Consensus.nextBits(lastBits: p.bits, firstTime: Int64(first), lastTime: Int64(p.time))
                if expected != hdr.bits { throw HeaderError.retargetMismatch(height: height, expected: expected, got: hdr.bits) }
                retarget = .verified
            } else {
                retarget = .unverifiable
            }
        } else if consecutive, let p = last, p.bits != hdr.bits {
            throw HeaderError.bitsChangedInsideEpoch(height: height, expected: p.bits, got: hdr.bits)
        }

        // Context rules first (they name the more specific fault), then the checkpoints, the claimed hash, proof of work.
        var matchedCheckpoint = false
        if checkpoints {
            if let b = Checkpoints.bits(at: height), b != hdr.bits { throw HeaderError.checkpointBits(height: height, expected: b, got: hdr.bits) }
            if let cp = Checkpoints.hash(at: height) {
                guard cp == shown else { throw HeaderError.checkpointMismatch(height: height, expected: cp, got: shown) }
                matchedCheckpoint = true
            }
        }
        if let c = claimedHash, c != Array(hash.reversed()) {
            throw HeaderError.hashMismatch(height: height, expected: SHA256.hex(c), computed: shown)
        }
        guard let target = Consensus.target(bits: hdr.bits) else { throw HeaderError.invalidBits(height: height, bits: hdr.bits) }
        if UInt256(littleEndianBytes: hash) > target {
            throw HeaderError.proofOfWork(height: height, hash: shown, target: target.hex)
        }

        // Accepted: record.
        if !consecutive { recentTimes.removeAll() }
        recentTimes.append(hdr.time)
        if recentTimes.count > 11 { recentTimes.removeFirst(recentTimes.count - 11) }
        let sorted = recentTimes.sorted()
        let mtp = sorted[sorted.count / 2]
        if height % Consensus.epochLength == 0 { epochFirstTime[epoch] = hdr.time }
        epochFirstTime = epochFirstTime.filter { $0.key >= epoch - 1 }
        let difficulty = Consensus.difficulty(bits: hdr.bits)
        switch retarget {
        case .verified?: result.retargetsVerified += 1
        case .unverifiable?: result.retargetsUnverifiable += 1; result.unverifiableRetargetHeights.append(height)
        default: break
        }
        if let i = result.epochs.indices.last, result.epochs[i].index == epoch {
            result.epochs[i].lastHeightSeen = height
            result.epochs[i].blocksSeen += 1
        } else {
            result.epochs.append(HeaderEpochInfo(index: epoch, firstHeightSeen: height, lastHeightSeen: height, blocksSeen: 1,
                                                 bits: hdr.bits, difficulty: difficulty, retarget: retarget))
        }
        result.blocks.append(HeaderBlockInfo(height: height, time: hdr.time, medianTimePast: mtp, bits: hdr.bits,
                                             difficulty: difficulty, hashHex: shown))
        result.count += 1
        if matchedCheckpoint { result.checkpointsMatched += 1 }
        if result.firstHeight == nil { result.firstHeight = height }
        result.lastHeight = height
        last = (height, hash, hdr.time, hdr.bits)
    }
}
