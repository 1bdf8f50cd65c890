import Foundation
import Results

/// What the report found in a run folder: a nightly run (`deals/<deal>/...`) or a single `simulate --out` folder.
public struct RunFolder {
    public let url: URL
    /// Deal folders (name, url), sorted by name. A single simulate folder is one deal named after `summary.json`'s `deal`.
    public let deals: [(name: String, url: URL)]
    /// True when the folder itself is a simulate output (no `deals/`).
    public let isSingleDeal: Bool

    public init(_ url: URL) throws {
        self.url = url
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue else {
            throw ReportError.notARunFolder(path: url.path, reason: "no such directory")
        }
        let dealsDir = url.appendingPathComponent("deals")
        if let names = try? FileManager.default.contentsOfDirectory(atPath: dealsDir.path) {
            deals = names.filter { !$0.hasPrefix(".") }.sorted().map { ($0, dealsDir.appendingPathComponent($0)) }
                .filter { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: $0.1.path, isDirectory: &d) && d.boolValue }
            isSingleDeal = false
        } else if FileManager.default.fileExists(atPath: url.appendingPathComponent("hashprice_quantiles.csv").path)
                    || FileManager.default.fileExists(atPath: url.appendingPathComponent("pv_histogram.csv").path) {
            let s = try ReportFiles.read(RunSummary.self, url.appendingPathComponent("summary.json"))
            deals = [(s?.run.deal ?? url.lastPathComponent, url)]
            isSingleDeal = true
        } else {
            deals = []
            isSingleDeal = false
        }
        let known = ["benchmark.csv", "calibration.csv", "calibration.json", "summary.json", "manifest.json", "changes.csv", "stress.csv"]
        if deals.isEmpty && !known.contains(where: { FileManager.default.fileExists(atPath: url.appendingPathComponent($0).path) }) {
            throw ReportError.notARunFolder(path: url.path, reason: "none of benchmark.csv, calibration.json, deals/, summary.json, hashprice_quantiles.csv found")
        }
    }

    /// Run id: manifest `run_id`, else the folder name.
    public func runID() throws -> String {
        (try ReportFiles.read(RunManifest<AnyParameters>.self, url.appendingPathComponent("manifest.json"))?.runID) ?? url.lastPathComponent
    }
}
