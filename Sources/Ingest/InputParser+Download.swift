import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension InputParser {
    /// Largest download accepted (bytes); a server that sends more is cut off (the real Coin Metrics file is 2.4 MB).
    public static let maxDownloadBytes = 512 << 20
    /// Redirects followed before a download is refused.
    public static let maxRedirects = 10

    /// Downloads `url` (http or https) to a new file in `dir`, streaming the body to disk.
    ///
    /// - `timeout` is the **total** deadline in seconds (connection, headers and the whole body): a server that stalls
    ///   or drips a byte every few seconds is cancelled when it expires.
    /// - Refused with a clear reason (`IngestError.download`, exit 66): HTTP status ≠ 2xx, a redirect loop (a URL seen
    ///   twice) or more than `maxRedirects` redirects, a body shorter than its `Content-Length` (truncated), more than
    ///   `maxDownloadBytes`, connection errors (refused, host not found, TLS, connection lost), the deadline.
    /// - On every failure the partial file is removed; nothing else is written (no URLSession download temp files).
    public static func download(_ urlString: String, into dir: URL, timeout: TimeInterval = IngestOptions.defaultDownloadTimeout) throws -> URL {
        guard let url = URL(string: urlString), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw IngestError.download(url: urlString, reason: "not a valid http(s) URL")
        }
        guard timeout.isFinite, timeout > 0 else { throw IngestError.download(url: urlString, reason: "the download timeout must be positive") }
        let dest = dir.appendingPathComponent("download-\(UUID().uuidString).csv")
        guard FileManager.default.createFile(atPath: dest.path, contents: nil), let handle = try? FileHandle(forWritingTo: dest) else {
            throw IngestError.download(url: urlString, reason: "cannot create a temporary file in \(dir.path)")
        }
        let receiver = DownloadReceiver(handle: handle, start: url)
        let config = URLSessionConfiguration.ephemeral
        // URLSession's own timeouts only back up the total deadline below (which names itself in the message).
        config.timeoutIntervalForRequest = timeout + 30
        config.timeoutIntervalForResource = timeout + 30
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: config, delegate: receiver, delegateQueue: queue)
        let task = session.dataTask(with: url)
        task.resume()
        let finished = receiver.done.wait(timeout: .now() + timeout) == .success
        if !finished {
            receiver.fail("timed out after \(seconds(timeout)) (the total download deadline: raise it with --download-timeout, "
                          + "or download_timeout_seconds in the nightly configuration)")
            task.cancel()
            _ = receiver.done.wait(timeout: .now() + 5)
        }
        session.invalidateAndCancel()
        let failure = receiver.result()
        try? handle.close()
        if let failure {
            try? FileManager.default.removeItem(at: dest)
            throw IngestError.download(url: urlString, reason: failure)
        }
        return dest
    }

    static func seconds(_ t: TimeInterval) -> String { t == t.rounded() ? "\(Int(t)) s" : String(format: "%.1f s", t) }

    /// A readable reason for a URLSession error (never "NSURLErrorDomain error -1001").
    static func describe(_ error: Error) -> String {
        guard let e = error as? URLError else { return "\(error.localizedDescription)" }
        switch e.code {
        case .timedOut: return "timed out (the server sent nothing for too long)"
        case .cannotConnectToHost: return "cannot connect to the server (connection refused?)"
        case .cannotFindHost, .dnsLookupFailed: return "host not found"
        case .notConnectedToInternet: return "no network connection"
        case .networkConnectionLost: return "the connection was closed before the download finished (truncated)"
        case .httpTooManyRedirects: return "too many redirects (a redirect loop?)"
        case .redirectToNonExistentLocation: return "redirect without a location"
        case .badServerResponse, .cannotParseResponse: return "the server's response is not valid HTTP"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid,
             .serverCertificateHasUnknownRoot, .clientCertificateRejected, .clientCertificateRequired:
            return "TLS connection failed (\(e.code == .secureConnectionFailed ? "handshake" : "certificate"))"
        case .cancelled: return "cancelled"
        case .dataLengthExceedsMaximum: return "the body is larger than allowed"
        case .unsupportedURL: return "unsupported URL"
        default: return "network error \(e.code.rawValue)"
        }
    }
}

/// URLSession delegate streaming a body to a file handle; every field is touched only on the session's serial delegate
/// queue, except through the locked `fail`/`result`.
final class DownloadReceiver: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    private let handle: FileHandle
    private let lock = NSLock()
    private var failure: String?
    private var bytes = 0
    private var expected: Int64 = -1
    private var visited: [URL]
    private var signalled = false

    init(handle: FileHandle, start: URL) { self.handle = handle; visited = [start] }

    /// Records the first failure (later ones are consequences).
    func fail(_ reason: String) {
        lock.lock(); if failure == nil { failure = reason }; lock.unlock()
    }

    func result() -> String? { lock.lock(); defer { lock.unlock() }; return failure }

    private func finish() {
        lock.lock(); let first = !signalled; signalled = true; lock.unlock()
        if first { done.signal() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        guard let next = request.url else { fail("redirect without a location"); completionHandler(nil); return }
        if visited.contains(next) {
            let chain = (visited + [next]).map { $0.path.isEmpty ? $0.absoluteString : $0.path }.joined(separator: " → ")
            fail("redirect loop (\(chain))")
            completionHandler(nil); task.cancel(); return
        }
        visited.append(next)
        if visited.count > InputParser.maxRedirects + 1 {
            fail("more than \(InputParser.maxRedirects) redirects")
            completionHandler(nil); task.cancel(); return
        }
        completionHandler(request)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        guard let http = response as? HTTPURLResponse else { fail("no HTTP response"); completionHandler(.cancel); return }
        guard (200..<300).contains(http.statusCode) else {
            fail("HTTP \(http.statusCode) \(HTTPURLResponse.localizedString(forStatusCode: http.statusCode))")
            completionHandler(.cancel); return
        }
        expected = http.expectedContentLength
        if expected > Int64(InputParser.maxDownloadBytes) {
            fail("the server announces \(expected) bytes, more than the \(InputParser.maxDownloadBytes) allowed")
            completionHandler(.cancel); return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard result() == nil else { return }
        bytes += data.count
        if bytes > InputParser.maxDownloadBytes {
            fail("more than \(InputParser.maxDownloadBytes) bytes"); dataTask.cancel(); return
        }
        do { try handle.write(contentsOf: data) } catch {
            fail("cannot write the download to disk: \(error.localizedDescription)"); dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if expected >= 0, Int64(bytes) < expected, result() == nil {
            fail("truncated: received \(bytes) of the \(expected) bytes announced (Content-Length); the connection closed early")
        } else if let error { fail(InputParser.describe(error)) } else if expected >= 0, Int64(bytes) != expected {
            fail("received \(bytes) bytes, not the \(expected) announced (Content-Length)")
        }
        finish()
    }
}

extension InputParser {
    /// Downloads the URLs among `inputs` (into a temporary folder, removed after) and parses every input; throws if any is
    /// rejected, listing all rejected files (`IngestError.rejectedFiles`), so nothing is stored unless every file is good.
    public static func parseAll(_ inputs: [String], options: IngestOptions) throws -> [ParsedFile] {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("hashsec-ingest-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: tmp) }
        var parsed: [ParsedFile] = []
        var rejected: [IngestError] = []
        for input in inputs {
            do {
                var path = input
                if input.hasPrefix("http://") || input.hasPrefix("https://") {
                    try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
                    path = try download(input, into: tmp, timeout: options.downloadTimeout).path
                }
                parsed.append(try parse(path: path, options: options, name: input))
            } catch let e as IngestError {
                guard case .rejected = e else { throw e }
                rejected.append(e)
            }
        }
        if rejected.count == 1 { throw rejected[0] }
        if rejected.count > 1 { throw IngestError.rejectedFiles(rejected) }
        return parsed
    }
}
