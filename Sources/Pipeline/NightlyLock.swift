import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `fcntl(F_SETLK)` write lock on a file (flock-style advisory lock). The kernel releases it when the
/// process exits for any reason, SIGKILL included, so a crashed run never blocks the next one.
public final class NightlyLock {
    public let path: String
    private var fd: Int32

    /// Takes the lock without waiting; throws `PipelineError.locked` (exit 75) when another process holds it.
    /// The holder's pid and run id are written into the file for the message.
    public init(path: String, owner: String) throws {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw PipelineError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        var fl = flock()
        fl.l_type = Int16(F_WRLCK); fl.l_whence = Int16(SEEK_SET); fl.l_start = 0; fl.l_len = 0
        if fcntl(fd, F_SETLK, &fl) != 0 {
            let err = errno
            var buf = [UInt8](repeating: 0, count: 512)
            let n = pread(fd, &buf, buf.count, 0)
            let holder = n > 0 ? String(decoding: buf[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "unknown holder"
            close(fd); fd = -1
            if err == EAGAIN || err == EACCES { throw PipelineError.locked(path: path, holder: holder) }
            throw PipelineError.cannotWrite(path: path, reason: String(cString: strerror(err)))
        }
        let text = "pid \(getpid()) run \(owner)\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    /// Releases the lock (also done by `deinit` and by process exit).
    public func release() {
        guard fd >= 0 else { return }
        _ = ftruncate(fd, 0)
        close(fd); fd = -1
    }

    deinit { release() }
}
