import Domain

extension DealFile {
    /// Parses the `leverage:` mapping (SPEC §8). Placeholder until the Structures work replaces this file.
    static func parseLeverage(_ node: YAMLNode) throws -> LeverageSpec {
        guard node.node.mapping != nil else { throw node.error("expected a mapping of keys") }
        return LeverageSpec(ltvInitial: 0, liquidationThreshold: 0, liquidationBonus: 0, closeFactor: 0,
                            borrowAPR: 0, stakingAPY: 0, loops: 0, horizonDays: 0)
    }
}
