import Foundation
import Pipeline
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `fcntl(F_SETLK)` write lock on a file (flock-style advisory lock). The kernel releases it when the
/// process exits for any reason, SIGKILL included, so a crashed run never blocks the next one.
///
/// The lock file lives in a folder other people may be able to write (`reports/`), and the nightly often runs as root
/// from cron, so it is opened defensively: `O_NOFOLLOW` (a symlink is refused, its target never opened), `O_CREAT`
/// without `O_TRUNC`, `O_NONBLOCK` (a FIFO cannot hang the run), and the opened descriptor must be a regular file with
/// exactly one link (a hard link to another file is refused). The file is never truncated: the holder writes a
/// fixed-width record (`recordBytes`, space-padded) at offset 0, so the content is always the last holder's.
public final class NightlyLock {
    public let path: String
    private var fd: Int32

    /// Bytes of the holder record written at offset 0 (`pid N run ID`, space-padded, newline-terminated).
    public static let recordBytes = 128

    /// Takes the lock without waiting; throws `PipelineError.locked` (exit 75) when another process holds it and
    /// `PipelineError.unsafeLock` (exit 73) when the path is a symlink, FIFO, directory, device or hard link.
    /// The holder's pid and run id are written into the file for the message.
    public init(path: String, owner: String) throws {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let err = errno
            var st = stat()
            if lstat(path, &st) == 0, let kind = NightlyLock.unsafeKind(st, err: err) {
                throw PipelineError.unsafeLock(path: path, reason: kind)
            }
            throw PipelineError.cannotWrite(path: path, reason: String(cString: strerror(err)))
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let err = errno
            close(fd); fd = -1
            throw PipelineError.cannotWrite(path: path, reason: String(cString: strerror(err)))
        }
        if let kind = NightlyLock.unsafeKind(st, err: 0) {
            close(fd); fd = -1
            throw PipelineError.unsafeLock(path: path, reason: kind)
        }
        var fl = flock()
        fl.l_type = Int16(F_WRLCK); fl.l_whence = Int16(SEEK_SET); fl.l_start = 0; fl.l_len = 0
        if fcntl(fd, F_SETLK, &fl) != 0 {
            let err = errno
            var buf = [UInt8](repeating: 0, count: NightlyLock.recordBytes)
            let n = pread(fd, &buf, buf.count, 0)
            let text = n > 0 ? String(decoding: buf[0..<n], as: UTF8.self) : ""
            let first = text.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            close(fd); fd = -1
            if err == EAGAIN || err == EACCES { throw PipelineError.locked(path: path, holder: first.isEmpty ? "unknown holder" : first) }
            throw PipelineError.cannotWrite(path: path, reason: String(cString: strerror(err)))
        }
        write(record: "pid \(getpid()) run \(owner)")
    }

    /// Why a lock file of this type cannot be used, nil for a regular file with one link.
    static func unsafeKind(_ st: stat, err: Int32) -> String? {
        switch st.st_mode & S_IFMT {
        case S_IFLNK: return "it is a symbolic link (refused: a lock is never opened through a link; remove it)"
        case S_IFDIR: return "it is a directory, not a regular file (remove it)"
        case S_IFIFO: return "it is a FIFO, not a regular file (remove it)"
        case S_IFSOCK: return "it is a socket, not a regular file (remove it)"
        case S_IFCHR, S_IFBLK: return "it is a device, not a regular file (remove it)"
        case S_IFREG:
            if st.st_nlink > 1 { return "it has \(st.st_nlink) hard links (refused: it may be another file's name; remove it)" }
            return nil
        default: return err == ELOOP ? "it is a symbolic link (refused; remove it)" : "it is not a regular file (remove it)"
        }
    }

    /// Overwrites the fixed-width holder record at offset 0 (never truncates).
    private func write(record: String) {
        var bytes = Array(record.utf8.prefix(NightlyLock.recordBytes - 1))
        bytes += [UInt8](repeating: 0x20, count: NightlyLock.recordBytes - 1 - bytes.count) + [0x0A]
        _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    /// Releases the lock (also done by `deinit` and by process exit). The record is blanked, not truncated.
    public func release() {
        guard fd >= 0 else { return }
        write(record: "")
        close(fd); fd = -1
    }

    deinit { release() }
}
