import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The built debug `hashsec` binary (`swift build --build-tests` leaves it in `.build/debug/`), for CLI-level tests:
/// one place that configures and runs it. `HASHSEC_BIN=/path/to/hashsec` runs the tests against another build
/// (e.g. an older release, to see which hostile cases it fails).
public enum HashsecBinary {
    public static var url: URL {
        if let p = ProcessInfo.processInfo.environment["HASHSEC_BIN"], !p.isEmpty { return URL(fileURLWithPath: p) }
        return TestSupport.repositoryRoot.appendingPathComponent(".build/debug/hashsec")
    }
    public static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: url.path) }

    /// A configured process, not started: `args` in `dir`, the test's environment without `HASHSEC_TEST_PAUSE_AT` (and
    /// the `unset` variables) plus `env`, stdin from /dev/null, stdout and stderr to the returned pipes.
    public static func process(_ args: [String], in dir: URL, env: [String: String] = [:], unset: [String] = []) -> (Process, Pipe, Pipe) {
        let p = Process()
        p.executableURL = url
        p.arguments = args
        p.currentDirectoryURL = dir
        var e = ProcessInfo.processInfo.environment
        e.removeValue(forKey: "HASHSEC_TEST_PAUSE_AT")
        for k in unset { e.removeValue(forKey: k) }
        for (k, v) in env { e[k] = v }
        p.environment = e
        p.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        return (p, out, err)
    }

    public struct Outcome {
        public var status: Int32
        /// True when the process was ended by a signal (`status` is then the signal number).
        public var signalled: Bool
        public var stdout: String
        public var stderr: String
        /// True when the watchdog killed it.
        public var timedOut: Bool
        public var seconds: Double
    }

    /// Runs to completion (both pipes drained concurrently); SIGKILLed after `timeout` seconds.
    public static func run(_ args: [String], in dir: URL, env: [String: String] = [:], unset: [String] = [],
                           timeout: Double = 600) throws -> Outcome {
        let (p, out, err) = process(args, in: dir, env: env, unset: unset)
        var outData = Data(), errData = Data()
        let group = DispatchGroup()
        group.enter(); DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter(); DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let t0 = Date()
        try p.run()
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { p.waitUntilExit(); finished.signal() }
        var timedOut = false
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(p.processIdentifier, SIGKILL)
            finished.wait()
        }
        group.wait()
        return Outcome(status: p.terminationStatus, signalled: p.terminationReason == .uncaughtSignal,
                       stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self),
                       timedOut: timedOut, seconds: Date().timeIntervalSince(t0))
    }
}
