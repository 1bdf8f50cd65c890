/// Securitization waterfall terms (SPEC §8). Owned by the Structures work; see Sources/Structures/README.md.
public struct StructureSpec: Equatable, Sendable {
    public init() {}
}
