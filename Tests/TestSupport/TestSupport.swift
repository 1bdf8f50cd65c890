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

    /// The debug `hashsec` binary the test command builds (CLI-level tests skip when it is absent).
    public static let hashsecBinary: URL = repositoryRoot.appendingPathComponent(".build/debug/hashsec")

    /// Result of running the binary: exit status (the negated signal number when a signal ended it), stdout, stderr.
    public struct Run { public var status: Int32; public var stdout: String; public var stderr: String }

    /// Runs `hashsec args` in `dir` and waits; `env` entries are added to (or, with a nil value, removed from) this
    /// process's environment.
    public static func hashsec(_ args: [String], in dir: URL, env: [String: String?] = [:]) throws -> Run {
        let p = Process()
        p.executableURL = hashsecBinary
        p.arguments = args
        p.currentDirectoryURL = dir
        var e = ProcessInfo.processInfo.environment
        for (k, v) in env { e[k] = v }
        p.environment = e
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        // Read both pipes while the process runs (a full pipe would block it).
        var o = Data(), r = Data()
        let g = DispatchGroup()
        g.enter(); DispatchQueue.global().async { o = out.fileHandleForReading.readDataToEndOfFile(); g.leave() }
        r = err.fileHandleForReading.readDataToEndOfFile()
        g.wait()
        p.waitUntilExit()
        let status = p.terminationReason == .uncaughtSignal ? -p.terminationStatus : p.terminationStatus
        return Run(status: status, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: r, as: UTF8.self))
    }

    /// A fresh empty temporary directory.
    public static func temporaryDirectory(_ label: String = "hashsec") throws -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }
}
