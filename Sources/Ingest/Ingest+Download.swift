import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension Ingest {
    /// Downloads `url` to a file in `dir` with URLSession; HTTP status ≠ 2xx is an error naming the URL.
    public static func download(_ urlString: String, into dir: URL, timeout: TimeInterval = 60) throws -> URL {
        guard let url = URL(string: urlString), url.host != nil else {
            throw IngestError.download(url: urlString, reason: "not a valid URL")
        }
        let dest = dir.appendingPathComponent("download-\(UUID().uuidString).csv")
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = timeout
        config.timeoutIntervalForResource = timeout * 10
        let session = URLSession(configuration: config)
        defer { session.finishTasksAndInvalidate() }
        let done = DispatchSemaphore(value: 0)
        final class Box: @unchecked Sendable { var failure: String? }  // written before `done.signal()`, read after `wait()`
        let box = Box()
        let task = session.downloadTask(with: url) { tmpURL, response, error in
            defer { done.signal() }
            if let error { box.failure = error.localizedDescription; return }
            guard let http = response as? HTTPURLResponse else { box.failure = "no HTTP response"; return }
            guard (200..<300).contains(http.statusCode) else {
                box.failure = "HTTP \(http.statusCode) \(HTTPURLResponse.localizedString(forStatusCode: http.statusCode))"; return
            }
            guard let tmpURL else { box.failure = "no data"; return }
            do { try FileManager.default.moveItem(at: tmpURL, to: dest) } catch {
                box.failure = "cannot save download: \(error.localizedDescription)"
            }
        }
        task.resume()
        done.wait()
        if let failure = box.failure { throw IngestError.download(url: urlString, reason: failure) }
        return dest
    }
}
