import Foundation

/// `simulate --sensitivities` (branch sens): refused with `--shard` (exit 64, nothing written); a positive control.
extension HostileCases {
    static let sensitivities: [C] = [
        sim("sensitivities: positive control", ["--sensitivities"], exit: 0),
        sim("sensitivities: with --shard 0/2", ["--sensitivities", "--shard", "0/2"],
            says: "--sensitivities cannot be combined with --shard").checking(wroteNothing),
    ]
}
