import Foundation

/// Helpers shared by the test targets.
public enum TestSupport {
    /// The repository root (the directory holding Package.swift), found from this source file.
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `../shared/datasets` beside the repository (real, licensed data: read in place, never copied).
    public static let sharedDatasets: URL = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/datasets")

    /// Path of a shared dataset file, or nil when it is absent (tests then skip with a clear message).
    public static func sharedDataset(_ name: String) -> URL? {
        let u = sharedDatasets.appendingPathComponent(name)
        return FileManager.default.fileExists(atPath: u.path) ? u : nil
    }

    /// A fresh empty temporary directory.
    public static func temporaryDirectory(_ label: String = "hashsec") throws -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }
}
