import Domain
import FileIO
import Foundation

/// Resolves `miner.model` (ASIC catalog CSV) and `miner.profile` (MinerProfile JSON) into an efficiency, J/TH.
/// Relative paths are taken from the deal file's directory; the catalog defaults to the first
/// `datasets/asic-catalog.csv` found in the deal's directory or its parents.
public struct MinerResolver {
    public var baseDirectory: String
    public var catalogPath: String?
    /// A catalog already read (the nightly reads it once for every deal); nil: read `findCatalog()` when a model is named.
    public var catalog: AsicCatalog?
    /// The efficiency a shard recorded (`merge` rebuilds the deal from its text without the catalog or profile).
    public var recordedEfficiency: Double?
    public var files: InputFiles

    public init(baseDirectory: String, catalogPath: String? = nil, catalog: AsicCatalog? = nil, files: InputFiles = DiskFiles.shared) {
        self.baseDirectory = baseDirectory; self.catalogPath = catalogPath; self.catalog = catalog; self.files = files
    }

    /// The resolver of the deal file at `path` (relative paths from its directory).
    public init(dealPath path: String, catalogPath: String? = nil, catalog: AsicCatalog? = nil, files: InputFiles = DiskFiles.shared) {
        let dir = (path as NSString).deletingLastPathComponent
        self.init(baseDirectory: dir.isEmpty ? "." : dir, catalogPath: catalogPath, catalog: catalog, files: files)
    }

    /// Resolves every model or profile to `efficiencyJTH` (what the deal resolved to when its shard ran).
    public static func recorded(efficiencyJTH: Double) -> MinerResolver {
        var r = MinerResolver(baseDirectory: ".")
        r.recordedEfficiency = efficiencyJTH
        return r
    }

    func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : (baseDirectory as NSString).appendingPathComponent(p) }

    /// The catalog file used: explicit, else `datasets/asic-catalog.csv` (or `asic-catalog.csv`) in the deal's directory or above.
    public func findCatalog() -> String? {
        if let c = catalogPath { return c }
        var dir = (baseDirectory as NSString).standardizingPath
        if !dir.hasPrefix("/") { dir = (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(dir) }
        for _ in 0..<8 {
            for cand in ["asic-catalog.csv", "datasets/asic-catalog.csv"] {
                let p = (dir as NSString).appendingPathComponent(cand)
                if FileManager.default.fileExists(atPath: p) { return p }
            }
            let up = (dir as NSString).deletingLastPathComponent
            if up == dir { break }
            dir = up
        }
        return nil
    }

    public func efficiency(model: String, node: YAMLNode) throws -> Double {
        if let e = recordedEfficiency { return e }
        let catalog: AsicCatalog
        if let c = self.catalog { catalog = c } else {
            guard let path = findCatalog(), let data = files.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw node.error("ASIC catalog (datasets/asic-catalog.csv) not found; give efficiency_j_th")
            }
            do { catalog = try AsicCatalog(csvText: text, fileName: (path as NSString).lastPathComponent) } catch {
                throw node.error("ASIC catalog unreadable: \(error)")
            }
        }
        guard let m = catalog.lookup(model: model) else { throw node.error("model '\(model)' is not in the ASIC catalog") }
        return m.efficiencyJTH
    }

    public func efficiency(profile: String, node: YAMLNode) throws -> Double {
        if let e = recordedEfficiency { return e }
        let p = resolve(profile)
        guard let data = files.contents(atPath: p) else { throw node.error("profile file \(p) not found") }
        let prof: MinerProfile
        do { prof = try JSONDecoder().decode(MinerProfile.self, from: data) } catch { throw node.error("profile \(p) is not a miner profile: \(error)") }
        guard let e = prof.efficiencyJTH, e.isFinite, e > 0 else { throw node.error("profile \(p) has no efficiency (no watts measured); give efficiency_j_th") }
        return e
    }
}
