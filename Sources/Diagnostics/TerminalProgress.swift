import Foundation

/// One-line progress bar of a run's stages on stderr, drawn only when stderr is a terminal (`isatty(2)`); never in logs.
/// The nightly's stages observe through it (`Nightly`'s `NightlyObserver` conformance), the backtest draws its origins
/// done and ETA with `line(_:)`: a command for one job does not import another job's module for it.
public final class TerminalProgress {
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
