import Foundation

/// Watches a nightly run's stages. The terminal's progress bar is one; a test injects another to pause at a stage (and
/// be killed there) or to fail it. Production code has no test hooks: observers are passed in `NightlyJob.Options`.
public protocol NightlyObserver: AnyObject {
    /// Before stage `index` (1-based) of `total` starts; throwing fails the stage.
    func stageWillBegin(_ name: String, index: Int, of total: Int) throws
    func stageDidEnd(_ name: String, seconds: Double)
    func stageDidFail(_ name: String, error: Error)
}

extension NightlyObserver {
    public func stageWillBegin(_ name: String, index: Int, of total: Int) throws {}
    public func stageDidEnd(_ name: String, seconds: Double) {}
    public func stageDidFail(_ name: String, error: Error) {}
}

/// One-line progress bar per stage, drawn on stderr only when stderr is a terminal (`isatty(2)`); never in logs.
public final class NightlyProgress: NightlyObserver {
    let enabled: Bool
    let total: Int
    private var current = 0
    private var stage = ""

    public init(stages: Int, enabled: Bool = isatty(2) != 0) { self.total = stages; self.enabled = enabled }

    public func stageWillBegin(_ name: String, index: Int, of total: Int) { begin(name, index: index) }
    public func stageDidEnd(_ name: String, seconds: Double) { end() }
    public func stageDidFail(_ name: String, error: Error) { clear() }

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
