import ArgumentParser
import Diagnostics

/// Errors become exit codes here and nowhere else: each error type declares its `ErrorCategory` (its raw value is the
/// exit code, listed in README.md → "Exit codes"); ArgumentParser's own validation errors are usage errors (64), and an
/// error that declares no category is a bug (70).
func exitStatus(for error: Error) -> ErrorCategory {
    if error is ValidationError { return .usage }
    return ErrorCategory.of(error)
}
