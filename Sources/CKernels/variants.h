/* Internal to CKernels: one kernel body, three builds, one dispatch.
   HASHSEC_DEFINE_VARIANTS(DEFINE) expands DEFINE(suffix, attribute) for the portable build and, on x86-64, for
   `avx2,fma` and AVX-512; HASHSEC_CALL(v, name, args…) calls name_avx512 / name_avx2 / name_portable for variant
   v = 2 / 1 / 0 (hashsec_vecmath_variant()). Kernels use explicit fma() and no contraction, so all builds agree. */
#ifndef HASHSEC_CKERNELS_VARIANTS_H
#define HASHSEC_CKERNELS_VARIANTS_H
#include "ckernels.h"

#if defined(__x86_64__)
#define HASHSEC_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define HASHSEC_TARGET_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")))
#define HASHSEC_DEFINE_VARIANTS(DEFINE) DEFINE(portable, ) DEFINE(avx2, HASHSEC_TARGET_AVX2) DEFINE(avx512, HASHSEC_TARGET_AVX512)
#define HASHSEC_CALL(v, NAME, ...) \
    ((v) == 2 ? NAME##_avx512(__VA_ARGS__) : (v) == 1 ? NAME##_avx2(__VA_ARGS__) : NAME##_portable(__VA_ARGS__))
#else
#define HASHSEC_DEFINE_VARIANTS(DEFINE) DEFINE(portable, )
#define HASHSEC_CALL(v, NAME, ...) ((void)(v), NAME##_portable(__VA_ARGS__))
#endif

/* The variant in use, read inline by the kernels' entry points (a call per kernel call cost ≈ 1 % of a run's
   instructions): hashsec_vecmath_variant() chooses it once and stores it here. */
extern int hashsec_variant_chosen;
static inline __attribute__((always_inline)) int hashsec_variant_fast(void) {
    int v = __atomic_load_n(&hashsec_variant_chosen, __ATOMIC_ACQUIRE);
    return v >= 0 ? v : hashsec_vecmath_variant();
}

#endif
