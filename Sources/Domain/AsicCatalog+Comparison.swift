import Foundation

extension AsicCatalog {
    /// `bench-hash`'s comparison of a measured machine (`hashesPerSecond`, and its power draw `watts` when known) with the
    /// catalog: the fastest model's TH/s as a multiple of the machine's, and the most efficient model's J/TH against the
    /// machine's `watts / (H/s / 10¹²)`. `path` names the catalog in the lines.
    public func comparison(hashesPerSecond rate: Double, watts: Double?, path: String) -> [String] {
        guard let bestAsic = models.min(by: { $0.efficiencyJTH < $1.efficiencyJTH }),
              let fastest = models.max(by: { $0.hashrateTHs < $1.hashrateTHs }) else {
            return ["ASIC catalog \(path) has no models: comparison skipped"]
        }
        func name(_ m: AsicModel) -> String { "\(m.manufacturer) \(m.model)" }
        let ths = rate / 1e12
        var out = ["ASIC catalog (\(models.count) models): this machine = \(String(format: "%.3g", ths)) TH/s"]
        out.append("  fastest: \(name(fastest)) \(fastest.hashrateTHs) TH/s = \(String(format: "%.3g", fastest.hashrateTHs / ths))x this machine")
        if let w = watts {
            out.append("  most efficient: \(name(bestAsic)) \(bestAsic.efficiencyJTH) J/TH = \(String(format: "%.3g", w / ths / bestAsic.efficiencyJTH))x less energy per hash than this machine")
        } else {
            out.append("  most efficient: \(name(bestAsic)) \(bestAsic.efficiencyJTH) J/TH (pass --watts to compare)")
        }
        return out
    }
}
