import Foundation
import Logging

/// swift-log handler writing one JSON object per line: `{"level","message","metadata","stage","ts"}` (keys sorted).
/// `stage` comes from the `stage` metadata key. Writes are serialised by a lock; the sink is stderr or an appended file.
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
            guard let h = FileHandle(forWritingAtPath: path) else { throw PipelineError.cannotWrite(path: path, reason: "cannot open the log file") }
            h.seekToEndOfFile()
            return Sink(handle: h)
        }

        func write(_ line: String) {
            lock.lock(); defer { lock.unlock() }
            beforeWrite?()
            handle.write(Data((line + "\n").utf8))
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
        var obj: [String: Any] = ["ts": Self.timestamp(), "level": level.rawValue, "stage": stage, "message": message.description]
        obj["metadata"] = md.mapValues { Self.plain($0) }
        guard let data = try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        sink.write(String(decoding: data, as: UTF8.self))
    }

    static func plain(_ v: Logger.Metadata.Value) -> Any {
        switch v {
        case .string(let s): return s
        case .stringConvertible(let c): return c.description
        case .array(let a): return a.map(plain)
        case .dictionary(let d): return d.mapValues(plain)
        }
    }

    /// ISO 8601 UTC with milliseconds.
    static func timestamp() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: Date())
    }
}

/// One-line progress bar per stage, drawn on stderr only when stderr is a terminal (`isatty(2)`); never in logs.
public final class NightlyProgress {
    let enabled: Bool
    let total: Int
    private var current = 0
    private var stage = ""

    public init(stages: Int, enabled: Bool = isatty(2) != 0) { self.total = stages; self.enabled = enabled }

    /// Starts stage `name` (1-based position `index`).
    public func begin(_ name: String, index: Int) {
        current = index; stage = name
        draw(done: false)
    }

    public func end() { draw(done: true); if enabled { FileHandle.standardError.write(Data("\n".utf8)) } }

    /// Clears the current progress line (before a log line is written to the same terminal).
    public func clear() { if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }

    /// Replaces the progress line with `text` (e.g. the backtest's origins done and ETA); nothing when not a terminal.
    public func line(_ text: String) { if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8)) } }

    func draw(done: Bool) {
        guard enabled else { return }
        let width = 24
        let filled = (done ? current : current - 1) * width / max(1, total)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let label = "\(stage)\(done ? " ✓" : "…")".padding(toLength: 16, withPad: " ", startingAt: 0)
        line("[\(current)/\(total)] \(label) \(bar)")
    }
}
