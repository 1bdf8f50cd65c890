import ArgumentParser
import Models
import Foundation
import Pipeline
import Bitcoin
import Ingest
import Store
import Domain
import Benchmark
import Calibrate
import Config
import Simulate
import Structures
import Report
import Backtest
import LinearAlgebra

/// Every exit code of `hashsec`, in one place (documented in README.md → "Exit codes").
enum ExitStatus: Int32, CaseIterable {
    case success = 0
    /// An unexpected failure (a bug): please report it.
    case internalError = 70
    /// Bad command-line usage (swift-argument-parser's own code), or a run too large for the memory limit
    /// (`HASHSEC_MEMORY_LIMIT`, default half the physical memory): the message gives the estimate.
    case usage = 64
    /// Input data rejected: a parse, validation or proof-of-work error in a file; nothing was stored.
    case dataRejected = 65
    /// An input file or directory does not exist or cannot be read.
    case inputMissing = 66
    /// The store lacks data the command needs (e.g. no history before `--as-of`, a calibration window with gaps).
    case insufficientData = 67
    /// An output could not be written (also: the nightly lock path is a symlink, FIFO, directory or hard link).
    case cannotWrite = 73
    /// The SQLite store could not be opened, migrated or written.
    case storeError = 74
    /// Another nightly run holds the lock.
    case locked = 75
    /// The nightly data-quality gate failed (stale or invalid data).
    case qualityGate = 76
    /// `merge` was given shards that do not belong to one run, or an incomplete set.
    case shardMismatch = 77
    /// A deal, scenario or nightly YAML file is invalid.
    case configInvalid = 78
    /// A self-verification failed (e.g. the hash kernel does not reproduce real block hashes).
    case verificationFailed = 79
    /// `backtest --require`: a check on the scores failed (the outputs were written).
    case requirementsFailed = 80
}

/// Maps a thrown error to its exit status. Every module's error enum is listed here, nowhere else.
func exitStatus(for error: Error) -> ExitStatus {
    switch error {
    case let e as PipelineError:
        switch e {
        case .locked: return .locked
        case .unsafeLock: return .cannotWrite
        case .qualityGate: return .qualityGate
        case .insufficientData: return .insufficientData
        case .inputMissing: return .inputMissing
        case .cannotWrite: return .cannotWrite
        case .shardMismatch: return .shardMismatch
        case .invalidConfiguration: return .configInvalid
        }
    // Each module adds its error enum here (one place for every exit code).
    case is HashSelfCheckError: return .verificationFailed
    case is HeaderError: return .dataRejected
    case let e as IngestError:
        switch e {
        case .rejected, .rejectedFiles: return .dataRejected
        case .fileMissing, .download: return .inputMissing
        }
    case let e as StoreError:
        if case .implausible = e { return .dataRejected }
        return .storeError
    case is AsicCatalogError: return .dataRejected
    case let e as BenchmarkError:
        switch e {
        case .invalidPowerPrice: return .usage
        case .noUsableDays, .noUSDHashprice: return .insufficientData
        }
    case let e as CalibrateError:
        switch e {
        case .insufficientData, .noSupplyResponse: return .insufficientData
        case .invalidWindow, .invalidOption: return .usage
        }
    case let e as ModelsError:
        switch e {
        case .insufficientData: return .insufficientData
        case .invalidSettings: return .configInvalid
        }
    case let e as ConfigError: return e.kind == .missing ? .inputMissing : .configInvalid
    case let e as ReportError:
        switch e {
        case .notARunFolder: return .inputMissing
        case .malformed: return .dataRejected
        case .cannotWrite: return .cannotWrite
        case .template: return .internalError
        }
    case is StructuresError: return .configInvalid
    case is StressError: return .insufficientData
    case let e as SimulateError:
        switch e {
        case .invalidSettings: return .configInvalid
        case .badShard: return .shardMismatch
        case .insufficientMemory, .invalidMemoryLimit: return .usage
        case .forwardCurve: return .insufficientData
        }
    case let e as BacktestError:
        switch e {
        case .invalidSpecification: return .usage
        case .requirementsFailed: return .requirementsFailed
        }
    case let e as LinearAlgebraError:
        if case .unavailableKernel = e { return .usage }   // HASHSEC_KERNEL: unknown or not on this CPU
        return .internalError
    case is ValidationError: return .usage
    default:
        return .internalError
    }
}

/// Runs a command body, printing any error as `hashsec: error: ...` and exiting with its mapped code. A `HASHSEC_KERNEL`
/// this CPU cannot run (or an unknown one) is refused first, whatever the command (exit 64).
func guarded(_ body: () throws -> Void) throws {
    do { try KernelVariant.checkEnvironment(); try body() } catch let e as ExitCode { throw e } catch let e as CleanExit { throw e } catch {
        let status = exitStatus(for: error)
        var stderr = StandardError()
        print("hashsec: error: \(error)", to: &stderr)
        throw ExitCode(status.rawValue)
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        var s = string
        s.withUTF8 { buf in _ = fwrite(buf.baseAddress, 1, buf.count, stderr) }
    }
}
