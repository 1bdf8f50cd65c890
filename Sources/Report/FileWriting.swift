import Foundation

/// Writes `data` to `url` through a temporary sibling file and `rename(2)`, so readers never see a partial file.
func writeAtomically(_ data: Data, to url: URL) throws {
    let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
    do {
        try data.write(to: tmp)
        if rename(tmp.path, url.path) != 0 { throw ReportError.cannotWrite(path: url.path, reason: String(cString: strerror(errno))) }
    } catch let e as ReportError { try? FileManager.default.removeItem(at: tmp); throw e } catch {
        try? FileManager.default.removeItem(at: tmp)
        throw ReportError.cannotWrite(path: url.path, reason: "\(error)")
    }
}

/// Reads a JSON object file; nil when absent.
func readJSONObject(_ url: URL) throws -> [String: Any]? {
    guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
    guard let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw ReportError.malformed(file: url.path, line: 1, column: "json", reason: "not a JSON object")
    }
    return obj
}
