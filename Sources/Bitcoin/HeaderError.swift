import Diagnostics
/// Why a header (or a chain of headers) was rejected.
public enum HeaderError: Error, CustomStringConvertible, Equatable {
    case wrongLength(height: Int?, count: Int)
    case invalidHex(height: Int?)
    case invalidBits(height: Int, bits: UInt32)
    case proofOfWork(height: Int, hash: String, target: String)
    case hashMismatch(height: Int, expected: String, computed: String)
    case brokenLink(height: Int, expected: String, got: String)
    case heightSequence(expected: Int, got: Int)
    case bitsChangedInsideEpoch(height: Int, expected: UInt32, got: UInt32)
    case retargetMismatch(height: Int, expected: UInt32, got: UInt32)
    /// The header at a checkpoint height is not the real chain's block there (`Checkpoints`).
    case checkpointMismatch(height: Int, expected: String, got: String)
    /// The header's nBits is not the real chain's for its height's epoch (`Checkpoints`).
    case checkpointBits(height: Int, expected: UInt32, got: UInt32)
    /// A malformed row of a header file: `file:line: column: reason`.
    case malformedRow(file: String, line: Int, column: Int, reason: String)

    private static func h(_ height: Int?) -> String { height.map { "height \($0): " } ?? "" }
    private static func bitsHex(_ b: UInt32) -> String { let s = String(b, radix: 16); return "0x" + String(repeating: "0", count: 8 - s.count) + s }

    public var description: String {
        switch self {
        case let .wrongLength(height, count): return "\(Self.h(height))header is not 80 bytes (got \(count))"
        case let .invalidHex(height): return "\(Self.h(height))header is not valid hex"
        case let .invalidBits(height, bits): return "height \(height): nBits \(Self.bitsHex(bits)) is not a valid target"
        case let .proofOfWork(height, hash, target): return "height \(height): proof of work fails: hash \(hash) > target \(target)"
        case let .hashMismatch(height, expected, computed):
            return "height \(height): block hash mismatch: file says \(expected), header hashes to \(computed)"
        case let .brokenLink(height, expected, got):
            return "height \(height): previous-hash link broken: expected \(expected), got \(got)"
        case let .heightSequence(expected, got): return "height sequence broken: expected \(expected), got \(got)"
        case let .bitsChangedInsideEpoch(height, expected, got):
            return "height \(height): nBits changed inside an epoch: expected \(Self.bitsHex(expected)), got \(Self.bitsHex(got))"
        case let .retargetMismatch(height, expected, got):
            return "retarget mismatch at height \(height): expected nBits \(Self.bitsHex(expected)), got \(Self.bitsHex(got))"
        case let .checkpointMismatch(height, expected, got):
            return "height \(height): contradicts the embedded checkpoint: the real block at this height is \(expected), this header hashes to "
                + "\(got) (heights shifted or relabelled?)"
        case let .checkpointBits(height, expected, got):
            return "height \(height): nBits \(Self.bitsHex(got)) contradicts the embedded checkpoint nBits \(Self.bitsHex(expected)) of epoch "
                + "\(height / Consensus.epochLength) (heights shifted or relabelled?)"
        case let .malformedRow(file, line, column, reason): return "\(file):\(line): column \(column): \(reason)"
        }
    }
}

extension HeaderError: CategorizedError {
    /// Every header problem rejects the input: 65.
    public var category: ErrorCategory { .dataRejected }
}
