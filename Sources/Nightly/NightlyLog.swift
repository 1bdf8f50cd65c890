import FileIO
import Foundation
import Logging
import Pipeline

/// swift-log handler writing one JSON object per line: `{"level","message","metadata","stage","ts"}` (keys sorted, the
/// one JSON writer's line form). `stage` comes from the `stage` metadata key. Writes are serialised by a lock; the sink
/// is stderr or an appended file.
public struct JSONLinesLogHandler: LogHandler {
    public final class Sink: @unchecked Sendable {
        let handle: FileHandle
        let lock = NSLock()
        /// Called before each line is written (the progress display clears its line).
        var beforeWrite: (() -> Void)?
        public init(handle: FileHandle) { self.handle = handle }

        /// Appends to `path` (created when missing).
        public static func file(_ path: String) throws -> Sink {
            if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
            guard let h = FileHandle(forWritingAtPath: path) else { throw OutputError.cannotWrite(path: path, reason: "cannot open the log file") }
            h.seekToEndOfFile()
            return Sink(handle: h)
        }

        func write(_ line: String) {
            lock.lock(); defer { lock.unlock() }
            beforeWrite?()
            handle.write(Data((line + "\n").utf8))
        }
    }

    /// One log line.
    struct Line: Encodable {
        var ts: String, level: String, stage: String, message: String
        var metadata: [String: Value]
    }

    /// A metadata value as JSON: a string, or arrays and objects of them.
    enum Value: Encodable {
        case string(String), array([Value]), object([String: Value])
        init(_ v: Logger.Metadata.Value) {
            switch v {
            case .string(let s): self = .string(s)
            case .stringConvertible(let c): self = .string(c.description)
            case .array(let a): self = .array(a.map(Value.init))
            case .dictionary(let d): self = .object(d.mapValues(Value.init))
            }
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .string(let s): try c.encode(s)
            case .array(let a): try c.encode(a)
            case .object(let o): try c.encode(o)
            }
        }
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let sink: Sink

    public init(sink: Sink) { self.sink = sink }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String,
                    file: String, function: String, line: UInt) {
        var md = metadata
        if let extra { md.merge(extra) { $1 } }
        let stage = md.removeValue(forKey: "stage").map { "\($0)" } ?? ""
        let l = Line(ts: Self.timestamp(), level: level.rawValue, stage: stage, message: message.description, metadata: md.mapValues(Value.init))
        guard let text = try? JSONText.line(l) else { return }
        sink.write(text)
    }

    /// ISO 8601 UTC with milliseconds.
    static func timestamp() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: Date())
    }
}
