import Foundation

/// How jobs read their input files: every read of a deal, scenario set, configuration, catalog, calibration or history
/// file goes through one of these, so a test can count them (`CountingFiles`: the nightly reads each input file once).
public protocol InputFiles: AnyObject, Sendable {
    /// The file's bytes, nil when it does not exist or cannot be read.
    func contents(atPath path: String) -> Data?
    /// Called by a reader that streams the file itself (the ingest CSV reader) when it opens `path`.
    func willStream(_ path: String)
}

/// The file system.
public final class DiskFiles: InputFiles {
    public static let shared = DiskFiles()
    public init() {}
    public func contents(atPath path: String) -> Data? { FileManager.default.contents(atPath: path) }
    public func willStream(_ path: String) {}
}

/// Counts the reads of each file (by its standardized absolute path) on top of another `InputFiles`.
public final class CountingFiles: InputFiles, @unchecked Sendable {
    let base: InputFiles
    private var counts: [String: Int] = [:]
    private let lock = NSLock()

    public init(_ base: InputFiles = DiskFiles.shared) { self.base = base }

    public func contents(atPath path: String) -> Data? {
        note(path)
        return base.contents(atPath: path)
    }

    public func willStream(_ path: String) {
        note(path)
        base.willStream(path)
    }

    /// Reads so far, by standardized absolute path.
    public var reads: [String: Int] { lock.lock(); defer { lock.unlock() }; return counts }

    /// Reads of one file.
    public func reads(of path: String) -> Int { reads[Self.key(path)] ?? 0 }

    static func key(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }

    private func note(_ path: String) {
        let k = Self.key(path)
        lock.lock(); counts[k, default: 0] += 1; lock.unlock()
    }
}
