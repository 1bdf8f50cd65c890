/// Staking-leverage terms (SPEC §8). Owned by the Structures work; see Sources/Structures/README.md.
public struct LeverageSpec: Equatable, Sendable {
    public init() {}
}
