#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// One output file: its name (relative to the directory it is written into) and its bytes.
public struct OutputFile: Sendable, Equatable {
    public var name: String
    public var data: Data
    public init(_ name: String, data: Data) { self.name = name; self.data = data }
    public init(_ name: String, _ text: String) { self.name = name; self.data = Data(text.utf8) }
    public var text: String { String(decoding: data, as: UTF8.self) }
}

/// The one way hashsec writes a file (SPEC §9: "written aside, then renamed"): every byte goes to a temporary sibling
/// (`.<name>.tmp-<pid>-<n>`), which `rename(2)` moves over the destination, so a reader sees the old file or the new
/// one, never a partial one, and a failure leaves the destination as it was (the temporary is removed).
///
/// `durable: true` also `fsync`s each file before its rename and the directory after it, for what must survive a power
/// loss once the command has said it is done (the nightly's published folder, shard results that another machine merges,
/// `latest`); otherwise the kernel's write-back order is enough.
public enum OutputWriter {
    /// Writes one file atomically. The directory must exist (a typo in `--out` is refused, not created).
    public static func write(_ data: Data, to path: String, durable: Bool = false) throws {
        try write([(path, data)], durable: durable)
    }

    public static func write(_ text: String, to path: String, durable: Bool = false) throws {
        try write(Data(text.utf8), to: path, durable: durable)
    }

    /// Writes several files (each into an existing directory) all or nothing: every file is written aside first, then
    /// they are renamed into place in order; if any write fails, no destination changes.
    public static func write(_ files: [(path: String, data: Data)], durable: Bool = false) throws {
        var pending: [(tmp: String, dest: String)] = []
        defer { for p in pending { unlink(p.tmp) } }
        for (path, data) in files {
            let dir = (path as NSString).deletingLastPathComponent
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir.isEmpty ? "." : dir, isDirectory: &isDir), isDir.boolValue else {
                throw OutputError.cannotWrite(path: path, reason: "directory \(dir) does not exist")
            }
            let tmp = temporaryName(for: path)
            pending.append((tmp, path))
            try writeFile(data, to: tmp, durable: durable)
        }
        for p in pending {
            guard rename(p.tmp, p.dest) == 0 else { throw OutputError.cannotWrite(path: p.dest, reason: String(cString: strerror(errno))) }
            if durable { syncDirectory(of: p.dest) }
        }
        pending.removeAll()
    }

    /// Writes `files` into `dir`. A new directory is built whole beside its destination and renamed into place (its
    /// parents are created); an existing one has only these files replaced, each written aside first and all renamed
    /// after every write succeeded, so other files in it (e.g. a shard's siblings) are kept.
    public static func writeDirectory(_ files: [OutputFile], to dir: String, durable: Bool = false) throws {
        let fm = FileManager.default
        let dest = URL(fileURLWithPath: dir)
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: dest.path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw OutputError.cannotWrite(path: dir, reason: "exists and is not a directory") }
            try write(files.map { (dest.appendingPathComponent($0.name).path, $0.data) }, durable: durable)
            return
        }
        let parent = dest.deletingLastPathComponent()
        do { try fm.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
            throw OutputError.cannotWrite(path: parent.path, reason: "\(error.localizedDescription)")
        }
        let tmp = temporaryName(for: dest.path)
        defer { try? fm.removeItem(atPath: tmp) }
        do { try fm.createDirectory(atPath: tmp, withIntermediateDirectories: false) } catch {
            throw OutputError.cannotWrite(path: dir, reason: "\(error.localizedDescription)")
        }
        for f in files {
            let target = (tmp as NSString).appendingPathComponent(f.name)
            let sub = (target as NSString).deletingLastPathComponent
            if sub != tmp {
                do { try fm.createDirectory(atPath: sub, withIntermediateDirectories: true) } catch {
                    throw OutputError.cannotWrite(path: (dir as NSString).appendingPathComponent(f.name), reason: "\(error.localizedDescription)")
                }
            }
            try writeFile(f.data, to: target, durable: durable)
        }
        if durable { syncTree(tmp) }
        guard rename(tmp, dest.path) == 0 else { throw OutputError.cannotWrite(path: dir, reason: String(cString: strerror(errno))) }
        if durable { syncDirectory(of: dest.path) }
    }

    /// Renames a finished directory (or file) into place: the atomic step of a publication.
    public static func move(_ from: String, to: String, durable: Bool = true) throws {
        if durable { syncTree(from) }
        guard rename(from, to) == 0 else { throw OutputError.cannotWrite(path: to, reason: "rename failed: \(String(cString: strerror(errno)))") }
        if durable { syncDirectory(of: to) }
    }

    /// Points the symlink `link` at `target` atomically (a fresh link beside it, renamed over the old one).
    public static func replaceSymlink(_ link: String, target: String, durable: Bool = true) throws {
        let tmp = temporaryName(for: link)
        unlink(tmp)
        guard symlink(target, tmp) == 0 else { throw OutputError.cannotWrite(path: tmp, reason: "symlink failed: \(String(cString: strerror(errno)))") }
        guard rename(tmp, link) == 0 else {
            let e = String(cString: strerror(errno)); unlink(tmp)
            throw OutputError.cannotWrite(path: link, reason: "rename failed: \(e)")
        }
        if durable { syncDirectory(of: link) }
    }

    /// Temporary names start with `.`, end with `.tmp-<pid>-<n>`: unique per process and call, invisible to `ls`.
    public static func temporaryName(for path: String) -> String {
        let dir = (path as NSString).deletingLastPathComponent, base = (path as NSString).lastPathComponent
        let n = counter.next()
        return (dir.isEmpty ? "" : dir + "/") + ".\(base).tmp-\(getpid())-\(n)"
    }

    /// Whether `name` is one of the temporaries above (for cleaning up after a crash).
    public static func isTemporary(_ name: String) -> Bool { name.hasPrefix(".") && name.contains(".tmp-") }

    static func writeFile(_ data: Data, to path: String, durable: Bool) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        var ok = true, reason = ""
        data.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
            var off = 0
            while off < buf.count {
                let n = systemWrite(fd, buf.baseAddress! + off, buf.count - off)
                if n < 0 { if errno == EINTR { continue }; ok = false; reason = String(cString: strerror(errno)); return }
                off += n
            }
        }
        if ok && durable && fsync(fd) != 0 { ok = false; reason = "fsync: " + String(cString: strerror(errno)) }
        if close(fd) != 0 && ok { ok = false; reason = "close: " + String(cString: strerror(errno)) }
        guard ok else { unlink(path); throw OutputError.cannotWrite(path: path, reason: reason) }
    }

    /// `fsync` of the directory holding `path`, so its new entry survives a power loss.
    static func syncDirectory(of path: String) {
        let dir = (path as NSString).deletingLastPathComponent
        let fd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
    }

    /// `fsync` of every file and directory under `root` (before it is renamed into place).
    static func syncTree(_ root: String) {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDir) else { return }
        if isDir.boolValue, let e = FileManager.default.enumerator(atPath: root) {
            while let rel = e.nextObject() as? String {
                let fd = open((root as NSString).appendingPathComponent(rel), O_RDONLY | O_CLOEXEC)
                if fd >= 0 { fsync(fd); close(fd) }
            }
        }
        let fd = open(root, O_RDONLY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
    }

    private final class Counter: @unchecked Sendable {
        private var n = 0
        private let lock = NSLock()
        func next() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
    }
    private static let counter = Counter()
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#else
private let systemWrite = Darwin.write
#endif
