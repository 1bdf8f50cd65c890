import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 (an ephemeral port), in-process, for download tests: it serves fixed bodies and
/// misbehaves on purpose. Routes:
/// - `/file/NAME`: 200 with `files[NAME]` (404 when absent); `/status/N`: that status with a short body.
/// - `/stall`: reads the request and never answers.
/// - `/drip`: headers with `Content-Length: 1000`, then one byte every `dripInterval` seconds.
/// - `/truncate`: `Content-Length: 1000`, 100 bytes, then the connection is closed.
/// - `/loop-a` ⇄ `/loop-b`: 302 redirects to each other; `/redirect/NAME`: 302 to `/file/NAME`.
/// `stop()` closes the listening socket and every open connection (so stalled clients see the end).
public final class LocalHTTPServer: @unchecked Sendable {
    public private(set) var port: Int = 0
    public var files: [String: Data] = [:]
    public var dripInterval: Double = 2
    private var listener: Int32 = -1
    private let lock = NSLock()
    private var clients: Set<Int32> = []
    private var stopped = false
    /// Requests seen (paths), in order.
    public private(set) var requests: [String] = []

    public init(files: [String: Data] = [:]) throws {
        self.files = files
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw NSError(domain: "LocalHTTPServer", code: Int(errno)) }
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0, listen(listener, 16) == 0 else { close(listener); throw NSError(domain: "LocalHTTPServer", code: Int(errno)) }
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &len) } }
        port = Int(UInt16(bigEndian: bound.sin_port))
        let t = Thread { [weak self] in self?.acceptLoop() }
        t.start()
    }

    deinit { stop() }

    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    public func stop() {
        lock.lock()
        let wasStopped = stopped
        stopped = true
        let open = clients
        clients.removeAll()
        lock.unlock()
        guard !wasStopped else { return }
        shutdown(listener, Int32(SHUT_RDWR)); close(listener)
        for c in open { shutdown(c, Int32(SHUT_RDWR)); close(c) }
    }

    private var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }

    private func acceptLoop() {
        while !isStopped {
            let c = accept(listener, nil, nil)
            if c < 0 { if isStopped { return }; continue }
            lock.lock(); clients.insert(c); lock.unlock()
            let t = Thread { [weak self] in self?.handle(c) }
            t.start()
        }
    }

    private func send(_ c: Int32, _ bytes: [UInt8]) -> Bool {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(c, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            off += n
        }
        return true
    }

    private func finish(_ c: Int32) {
        lock.lock()
        let mine = clients.remove(c) != nil
        lock.unlock()
        if mine { shutdown(c, Int32(SHUT_RDWR)); close(c) }
    }

    private func handle(_ c: Int32) {
        defer { finish(c) }
        var req = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 4096)
        while !req.containsHeaderEnd {
            let n = recv(c, &buf, buf.count, 0)
            if n <= 0 { return }
            req += buf[0..<n]
            if req.count > 65536 { return }
        }
        let line = String(decoding: req.prefix { $0 != 0x0D }, as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count >= 2 else { return }
        let path = String(parts[1])
        lock.lock(); requests.append(path); lock.unlock()
        func respond(_ status: Int, _ reason: String, _ body: Data, extra: String = "") {
            let head = "HTTP/1.1 \(status) \(reason)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\(extra)\r\n"
            _ = send(c, Array(head.utf8) + [UInt8](body))
        }
        switch path {
        case "/stall":
            while !isStopped { usleep(50_000) }
        case "/drip":
            guard send(c, Array("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n".utf8)) else { return }
            var sent = 0
            while !isStopped, sent < 1000 {
                var waited = 0.0
                while !isStopped, waited < dripInterval { usleep(50_000); waited += 0.05 }
                if isStopped || !send(c, [UInt8(ascii: "1")]) { return }
                sent += 1
            }
        case "/truncate":
            _ = send(c, Array("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n".utf8) + [UInt8](repeating: 0x31, count: 100))
        case "/loop-a": respond(302, "Found", Data(), extra: "Location: /loop-b\r\n")
        case "/loop-b": respond(302, "Found", Data(), extra: "Location: /loop-a\r\n")
        default:
            if path.hasPrefix("/file/"), let body = files[String(path.dropFirst(6))] {
                respond(200, "OK", body)
            } else if path.hasPrefix("/redirect/") {
                respond(302, "Found", Data(), extra: "Location: /file/\(path.dropFirst(10))\r\n")
            } else if path.hasPrefix("/status/"), let s = Int(path.dropFirst(8)) {
                respond(s, "Status", Data("status \(s)\n".utf8))
            } else {
                respond(404, "Not Found", Data("not found\n".utf8))
            }
        }
    }
}

private extension Array where Element == UInt8 {
    var containsHeaderEnd: Bool {
        guard count >= 4 else { return false }
        for i in 0...(count - 4) where self[i] == 0x0D && self[i + 1] == 0x0A && self[i + 2] == 0x0D && self[i + 3] == 0x0A { return true }
        return false
    }
}
