# Sourced by scripts: runtime environment for hashsec.
# OpenBLAS runs ~1.7x faster with the SkylakeX kernels on AVX-512 machines; only set it when the CPU has avx512f.
if grep -q avx512f /proc/cpuinfo 2>/dev/null; then export OPENBLAS_CORETYPE=SkylakeX; fi
# hashsec parallelises paths itself; BLAS calls are small and single-threaded.
export OPENBLAS_NUM_THREADS=1
