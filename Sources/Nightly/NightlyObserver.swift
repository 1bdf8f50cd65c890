import Diagnostics
import Foundation
import Logging
import Pipeline

/// Watches a nightly run's stages. The terminal's progress bar is one; a test injects another to pause at a stage (and
/// be killed there) or to fail it. Production code has no test hooks: observers are passed in `NightlyJob.Options`.
public protocol NightlyObserver: AnyObject {
    /// Before stage `index` (1-based) of `total` starts (`log` is the run's log); throwing fails the stage.
    func stageWillBegin(_ name: String, index: Int, of total: Int, log: Logger) throws
    func stageDidEnd(_ name: String, seconds: Double)
    func stageDidFail(_ name: String, error: Error)
}

extension NightlyObserver {
    public func stageWillBegin(_ name: String, index: Int, of total: Int, log: Logger) throws {}
    public func stageDidEnd(_ name: String, seconds: Double) {}
    public func stageDidFail(_ name: String, error: Error) {}
}

/// The terminal's progress bar (`Diagnostics.TerminalProgress`) watching the stages.
extension TerminalProgress: NightlyObserver {
    public func stageWillBegin(_ name: String, index: Int, of total: Int, log: Logger) { begin(name, index: index) }
    public func stageDidEnd(_ name: String, seconds: Double) { end() }
    public func stageDidFail(_ name: String, error: Error) { clear() }
}

/// Pauses before one stage for a number of seconds, logging "pausing for a test" first: the crash and lock tests start a
/// nightly in a child process, wait for the line, and kill it or race it there. The CLI installs it only when
/// `HASHSEC_TEST_PAUSE_AT` names a stage (`HASHSEC_TEST_PAUSE_SECONDS`, default 30); the job itself has no test hook.
public final class NightlyPause: NightlyObserver {
    public let stage: String
    public let seconds: Double
    public init(stage: String, seconds: Double) { self.stage = stage; self.seconds = seconds }

    /// The pause the environment asks for, if any.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> NightlyPause? {
        guard let s = env["HASHSEC_TEST_PAUSE_AT"], !s.isEmpty else { return nil }
        let secs = env["HASHSEC_TEST_PAUSE_SECONDS"].flatMap(Double.init).flatMap { $0.isFinite && $0 >= 0 ? $0 : nil } ?? 30
        return NightlyPause(stage: s, seconds: secs)
    }

    public func stageWillBegin(_ name: String, index: Int, of total: Int, log: Logger) {
        guard name == stage else { return }
        log.notice("pausing for a test", metadata: ["stage": .string(name), "seconds": .stringConvertible(seconds)])
        Thread.sleep(forTimeInterval: seconds)
    }
}
