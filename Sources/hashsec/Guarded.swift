import ArgumentParser
import Foundation
import LinearAlgebra

/// Runs a command body, printing any error as `hashsec: error: ...` and exiting with its mapped code. A `HASHSEC_KERNEL`
/// this CPU cannot run (or an unknown one) is refused first, whatever the command (exit 64).
func guarded(_ body: () throws -> Void) throws {
    do { try KernelVariant.checkEnvironment(); try body() } catch let e as ExitCode { throw e } catch let e as CleanExit { throw e } catch {
        let status = exitStatus(for: error)
        var stderr = StandardError()
        print("hashsec: error: \(error)", to: &stderr)
        throw ExitCode(status.exitCode)
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        var s = string
        s.withUTF8 { buf in _ = fwrite(buf.baseAddress, 1, buf.count, stderr) }
    }
}
