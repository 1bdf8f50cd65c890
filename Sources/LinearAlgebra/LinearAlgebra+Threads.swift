import CBLAS

/// Sets OpenBLAS to one thread exactly once per process (hashsec parallelises paths itself;
/// the BLAS calls it makes are small). Every public entry point calls this.
enum BLASThreads {
    static let configured: Bool = {
        openblas_set_num_threads(1)
        return true
    }()

    @inline(__always) static func ensure() { _ = configured }
}
