import Domain

extension DealFile {
    /// Parses the `structure:` mapping (SPEC §8). Placeholder until the Structures work replaces this file:
    /// accepts any mapping and returns an empty structure.
    static func parseStructure(_ node: YAMLNode) throws -> StructureSpec {
        guard node.node.mapping != nil else { throw node.error("expected a mapping of keys") }
        return StructureSpec(tranches: [], steps: [])
    }
}
