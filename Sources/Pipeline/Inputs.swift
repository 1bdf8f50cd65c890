import Bitcoin
import Config
import Domain
import FileIO
import Foundation
import Store

/// The input files of a job, each read once (resolve, then run): the bytes for the SHA-256 in manifests and shard
/// headers, the parsed value for the run. Reads go through `InputFiles` (a counting reader in tests).
package enum JobInputs {
    /// Hex SHA-256 of bytes.
    package static func sha256(_ d: Data) -> String { SHA256.hex(SHA256.hash([UInt8](d))) }
    package static func sha256(_ s: String) -> String { sha256(Data(s.utf8)) }

    /// A deal file: its text, SHA-256 and parsed deal (the miner resolved through `catalog` when given, else the catalog
    /// found beside the deal, read once per deal).
    package struct DealInput: Sendable {
        package var path: String, text: String, sha256: String, deal: Deal
        package init(path: String, text: String, sha256: String, deal: Deal) {
            self.path = path; self.text = text; self.sha256 = sha256; self.deal = deal
        }
        /// The file name as messages give it.
        package var file: String { (path as NSString).lastPathComponent }
    }

    package static func deal(_ path: String, catalog: AsicCatalog? = nil, files: InputFiles) throws -> DealInput {
        let resolver = MinerResolver(dealPath: path, catalogPath: catalog == nil ? RepositoryData.resolve("datasets/asic-catalog.csv") : nil,
                                     catalog: catalog, files: files)
        let (text, deal) = try DealFile.read(path: path, resolver: resolver, files: files)
        return DealInput(path: path, text: text, sha256: sha256(text), deal: deal)
    }

    /// A scenario file: its text, SHA-256 and scenarios.
    package struct ScenarioInput: Sendable {
        package var path: String, text: String, sha256: String, scenarios: [Scenario]
    }

    package static let defaultScenarios = "datasets/scenarios/default.yaml"

    package static func scenarios(_ requested: String?, files: InputFiles) throws -> ScenarioInput {
        let path = requested ?? RepositoryData.resolve(defaultScenarios)
        let text = try YAMLNode.readText(path: path, files: files)
        return ScenarioInput(path: path, text: text, sha256: sha256(text), scenarios: try ScenarioFile.parse(text: text, file: path))
    }

    /// The ASIC catalog (`datasets/asic-catalog.csv` unless given), read once.
    package static func catalog(_ requested: String = "datasets/asic-catalog.csv", files: InputFiles) throws -> AsicCatalog {
        try catalogWithHash(requested, files: files).catalog
    }

    /// The ASIC catalog and the SHA-256 of its bytes (the supply fit records it), read once.
    package typealias HashedCatalog = (catalog: AsicCatalog, sha256: String)

    package static func catalogWithHash(_ requested: String = "datasets/asic-catalog.csv", files: InputFiles = DiskFiles.shared) throws
        -> HashedCatalog {
        let path = RepositoryData.resolve(requested)
        guard let data = files.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw PipelineError.inputMissing(path: path, reason: "ASIC catalog not found or unreadable (use --catalog)")
        }
        return (try AsicCatalog(csvText: text, fileName: path), sha256(data))
    }

    /// Opens the store at `path` (`quick_check`ed first, as `HistoryStore(path:)` by default), noted by `files` as one stream of `path` (a counting reader counts the opens: the nightly
    /// opens its store once and holds it).
    package static func openStore(_ path: String, verify: Bool = true, files: InputFiles) throws -> HistoryStore {
        files.willStream(path)
        return try HistoryStore(path: path, verify: verify)
    }

    /// One store handle per job run (issue 13 item 3): opened on first use through `openStore` (a run that never reads
    /// the store does not open it, a missing one is not created), then shared by every resolver of the run (calibration,
    /// curve, replay history). The nightly wraps the store it already holds.
    package final class StoreHandle {
        package let path: String
        let files: InputFiles
        private var store: HistoryStore?
        package init(_ path: String, files: InputFiles = DiskFiles.shared) { self.path = path; self.files = files }
        package init(open store: HistoryStore) { path = store.path; files = DiskFiles.shared; self.store = store }
        /// The store is open or its file exists.
        package var exists: Bool { store != nil || FileManager.default.fileExists(atPath: path) }
        package func open() throws -> HistoryStore {
            if let s = store { return s }
            let s = try JobInputs.openStore(path, files: files)
            store = s
            return s
        }
    }

    /// A file's bytes, or `PipelineError.inputMissing`.
    package static func bytes(_ path: String, files: InputFiles) throws -> Data {
        guard let d = files.contents(atPath: path) else { throw PipelineError.inputMissing(path: path, reason: "cannot read file") }
        return d
    }
}
