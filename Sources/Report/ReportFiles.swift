import FileIO
import Foundation

/// Reading a run folder's typed JSON files (the writers' types, decoded with exact numbers).
enum ReportFiles {
    /// The file decoded as `T`; nil when it does not exist; a file that is not a `T` is `ReportError.malformed`.
    static func read<T: Decodable>(_ type: T.Type, _ url: URL) throws -> T? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        do { return try JSONText.decode(T.self, from: data) } catch {
            throw ReportError.malformed(file: url.path, line: 1, column: "json", reason: "not a \(T.self) file: \(error)")
        }
    }
}
