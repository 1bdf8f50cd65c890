import Foundation

/// Locates the repository's own data files (`datasets/...`) for commands run from any directory.
public enum RepositoryData {
    /// `relative` as given when it exists (relative to the working directory); otherwise the same path under the
    /// repository that holds the running executable (`<repo>/.build/<config>/hashsec` → `<repo>/relative`); otherwise
    /// `relative` unchanged (the caller reports it as missing).
    public static func resolve(_ relative: String) -> String {
        let fm = FileManager.default
        if relative.hasPrefix("/") || fm.fileExists(atPath: relative) { return relative }
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent(relative)
            if fm.fileExists(atPath: candidate.path) { return candidate.path }
            dir.deleteLastPathComponent()
        }
        return relative
    }
}
