/* Counter-based random draws for the Monte Carlo shocks (Domain.CounterStream, Simulate.PathGenerator.fillShocks).
   Draw n of a stream (key, γ) is mix64(key + (n+1)·γ), SplitMix64's output function at position n, so a path's 3·days
   normals are generated many at a time in vector registers. Normals use the 128-layer ziggurat of Simulate.Ziggurat:
   the accept test (≈ 98.8 % of draws) is vectorised; a rejected draw n is finished in scalar code with its own
   sequential SplitMix64 generator started at mix64(fkey + (n+1)·fγ) (wedge test with one glibc exp, tail with glibc log),
   so every normal is a function of (stream, n) only. Integer and exactly rounded steps only: every CPU variant gives
   the same bits. */
#pragma clang fp contract(off)
#include "variants.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#define INLINE static inline __attribute__((always_inline))
#define CHUNK 255   /* a multiple of 3: whole days of (Z1, Z2, Z3) */
static const double ZIG_R = 3.442619855899;

INLINE uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
INLINE double unit(uint64_t bits) { return ((double)(bits >> 11) + 0.5) * 0x1.0p-53; }
INLINE double centred(uint64_t bits) { return 2.0 * (((double)(bits >> 11) + 0.5) * 0x1.0p-53) - 1.0; }
/* (double)(bits >> 11) without a 64-bit integer conversion (AVX2 has none: clang converts lane by lane in scalar code):
   x = bits >> 11 < 2^53 is hi·2^32 + lo, and (2^84 + hi·2^32) − 2^84 and (2^52 + lo) − 2^52, built by or-ing hi and lo
   into the mantissas, are exact, as is their sum (x is a double): the same value as the conversion, in vector registers. */
INLINE double u53(uint64_t bits) {
    uint64_t x = bits >> 11;
    double dhi, dlo;
    uint64_t h = 0x4530000000000000ULL | (x >> 32), l = 0x4330000000000000ULL | (x & 0xffffffffULL);
    memcpy(&dhi, &h, 8); memcpy(&dlo, &l, 8);
    return (dhi - 0x1.0p84) + (dlo - 0x1.0p52);
}
INLINE double centred_avx2(uint64_t bits) { return 2.0 * ((u53(bits) + 0.5) * 0x1.0p-53) - 1.0; }
INLINE double unit_avx2(uint64_t bits) { return (u53(bits) + 0.5) * 0x1.0p-53; }
/* The portable and AVX-512 builds convert directly (SSE2's scalar cvtsi2sd; AVX-512DQ's vcvtuqq2pd). */
#define centred_portable centred
#define centred_avx512 centred
#define unit_portable unit
#define unit_avx512 unit

typedef struct { uint64_t state, gamma; } seq_rng;
INLINE uint64_t seq_next(seq_rng *g) { g->state += g->gamma; return mix64(g->state); }

/* The ziggurat after the first draw `bits` of normal n failed the fast test. */
static double finish(uint64_t bits, uint64_t fkey, uint64_t fgamma, uint64_t n, const double *xs, const double *rs,
                     const double *fs) {
    seq_rng g = { mix64(fkey + (n + 1) * fgamma), fgamma };
    for (;;) {
        int i = (int)(bits & 0x7f);
        double u = centred(bits);
        if (fabs(u) < rs[i]) return u * xs[i];
        if (i == 0) {
            double a, b;
            do { a = log(unit(seq_next(&g))) / ZIG_R; b = log(unit(seq_next(&g))); } while (-2.0 * b < a * a);
            return u < 0 ? a - ZIG_R : ZIG_R - a;
        }
        /* Wedge: accept xx when a uniform height between the layer's edges f(x_{i+1}) and f(x_i) lies under f(xx),
           f(x) = exp(−x²/2) (Marsaglia & Tsang: one exp per test, the edges from the table fs). */
        double xx = u * xs[i];
        if (fs[i + 1] + unit(seq_next(&g)) * (fs[i] - fs[i + 1]) < exp(-0.5 * xx * xx)) return xx;
        bits = seq_next(&g);
    }
}

/* Correlated shock triple: zc_j = Σ_k z_k·Lᵀ[k][j] as fma(z2, Lᵀ[2][j], fma(z1, Lᵀ[1][j], z0·Lᵀ[0][j])), the bits
   OpenBLAS's dgemm gives on every FMA machine (Haswell, Zen and SkylakeX kernels accumulate k = 0, 1, 2 with FMA:
   checked on 1.3·10⁶ triples; its SandyBridge kernel without FMA rounds differently), so a run no longer depends on
   the BLAS build or the CPU it runs on. */
INLINE void correlate3(double z0, double z1, double z2, const double *restrict lt, double *restrict out) {
    out[0] = fma(z2, lt[6], fma(z1, lt[3], z0 * lt[0]));
    out[1] = fma(z2, lt[7], fma(z1, lt[4], z0 * lt[1]));
    out[2] = fma(z2, lt[8], fma(z1, lt[5], z0 * lt[2]));
}
/* The same triple stored with component stride cs; with mirror also negated at +1 (an antithetic partner's shocks:
   −(z·Lᵀ) = (−z)·Lᵀ exactly). */
INLINE void correlate3_to(double z0, double z1, double z2, const double *restrict lt, double *restrict out, long cs, int mirror) {
    double c[3];
    correlate3(z0, z1, z2, lt, c);
    out[0] = c[0]; out[cs] = c[1]; out[2 * cs] = c[2];
    if (mirror) { out[1] = -c[0]; out[cs + 1] = -c[1]; out[2 * cs + 1] = -c[2]; }
}

/* The ziggurat's fast test for draws base, base+γ, … (m of them): o = u·x[i], the raw bits, and rej = 1 where the
   draw must be finished (finish). The portable and AVX-512 builds vectorise the plain loop; AVX2 has no 64-bit
   multiply, convert or gather that clang would use, so its build spells the same operations in intrinsics
   (4 lanes: the counter by vector addition, mix64's multiplications as 32×32-bit products, the table loads as gathers). */
#define DEFINE_DRAWS(SUFFIX, ATTR) \
ATTR INLINE void draws_##SUFFIX(uint64_t base, uint64_t gamma, long m, const double *restrict xs, const double *restrict rs, \
                                double *restrict o, uint64_t *restrict bits, unsigned char *restrict rej) { \
    _Pragma("clang loop vectorize(enable)") \
    for (long i = 0; i < m; i++) { \
        uint64_t r = mix64(base); base += gamma; \
        int64_t idx = (int64_t)(r & 0x7f); \
        double u = centred_##SUFFIX(r); \
        rej[i] = fabs(u) < rs[idx] ? 0 : 1; \
        o[i] = u * xs[idx]; bits[i] = r; \
    } \
}
DEFINE_DRAWS(portable, )
#if defined(__x86_64__)
DEFINE_DRAWS(avx512, HASHSEC_TARGET_AVX512)
#include <immintrin.h>
/* x·c mod 2⁶⁴ per lane from 32-bit products: lo(x)·lo(c) + ((hi(x)·lo(c) + lo(x)·hi(c)) << 32). */
HASHSEC_TARGET_AVX2 INLINE __m256i mul64c(__m256i x, __m256i clo, __m256i chi) {
    __m256i xhi = _mm256_srli_epi64(x, 32);
    __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(xhi, clo), _mm256_mul_epu32(x, chi));
    return _mm256_add_epi64(_mm256_mul_epu32(x, clo), _mm256_slli_epi64(cross, 32));
}
HASHSEC_TARGET_AVX2 INLINE void draws_avx2(uint64_t base, uint64_t gamma, long m, const double *restrict xs, const double *restrict rs,
                                           double *restrict o, uint64_t *restrict bits, unsigned char *restrict rej) {
    /* rej bytes for a 4-bit mask of rejected lanes. */
    static const uint32_t expand[16] = { 0x00000000, 0x00000001, 0x00000100, 0x00000101, 0x00010000, 0x00010001, 0x00010100,
                                         0x00010101, 0x01000000, 0x01000001, 0x01000100, 0x01000101, 0x01010000, 0x01010001,
                                         0x01010100, 0x01010101 };
    const __m256i m1lo = _mm256_set1_epi64x(0x1CE4E5B9LL), m1hi = _mm256_set1_epi64x(0xBF58476DLL);
    const __m256i m2lo = _mm256_set1_epi64x(0x133111EBLL), m2hi = _mm256_set1_epi64x(0x94D049BBLL);
    const __m256i step = _mm256_set1_epi64x((long long)(4 * gamma)), low7 = _mm256_set1_epi64x(0x7f);
    const __m256i hiExp = _mm256_set1_epi64x(0x4530000000000000LL), loExp = _mm256_set1_epi64x(0x4330000000000000LL);
    const __m256i low32 = _mm256_set1_epi64x(0xffffffffLL);
    const __m256d p84 = _mm256_set1_pd(0x1.0p84), p52 = _mm256_set1_pd(0x1.0p52), half = _mm256_set1_pd(0.5);
    const __m256d ulp = _mm256_set1_pd(0x1.0p-53), two = _mm256_set1_pd(2.0), one = _mm256_set1_pd(1.0);
    const __m256d absMask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
    __m256i c = _mm256_set_epi64x((long long)(base + 3 * gamma), (long long)(base + 2 * gamma), (long long)(base + gamma),
                                  (long long)base);
    long i = 0;
    for (; i + 4 <= m; i += 4) {
        __m256i z = c;
        c = _mm256_add_epi64(c, step);
        z = mul64c(_mm256_xor_si256(z, _mm256_srli_epi64(z, 30)), m1lo, m1hi);
        z = mul64c(_mm256_xor_si256(z, _mm256_srli_epi64(z, 27)), m2lo, m2hi);
        __m256i r = _mm256_xor_si256(z, _mm256_srli_epi64(z, 31));
        /* u53: (2⁸⁴ + hi·2³²) − 2⁸⁴ + (2⁵² + lo) − 2⁵² of x = r >> 11, exactly as u53() */
        __m256i x = _mm256_srli_epi64(r, 11);
        __m256d dhi = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(hiExp, _mm256_srli_epi64(x, 32))), p84);
        __m256d dlo = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(loExp, _mm256_and_si256(x, low32))), p52);
        __m256d u = _mm256_sub_pd(_mm256_mul_pd(two, _mm256_mul_pd(_mm256_add_pd(_mm256_add_pd(dhi, dlo), half), ulp)), one);
        __m256i idx = _mm256_and_si256(r, low7);
        __m256d ri = _mm256_i64gather_pd(rs, idx, 8), xi = _mm256_i64gather_pd(xs, idx, 8);
        __m256d ok = _mm256_cmp_pd(_mm256_and_pd(u, absMask), ri, _CMP_LT_OQ);
        uint32_t e = expand[~_mm256_movemask_pd(ok) & 0xf];
        __builtin_memcpy(rej + i, &e, 4);
        _mm256_storeu_pd(o + i, _mm256_mul_pd(u, xi));
        _mm256_storeu_si256((__m256i *)(bits + i), r);
    }
    base += (uint64_t)i * gamma;
    for (; i < m; i++) {
        uint64_t r = mix64(base); base += gamma;
        int64_t idx = (int64_t)(r & 0x7f);
        double u = centred_avx2(r);
        rej[i] = fabs(u) < rs[idx] ? 0 : 1;
        o[i] = u * xs[idx]; bits[i] = r;
    }
}
#endif

/* Normals first … first+count−1 of a stream; lt (3×3 row-major Lᵀ) non-NULL correlates each whole triple on the way
   out (correlate3_to: components cs apart, with mirror also negated at +1), NULL stores them as drawn (contiguous). The counter key + (n+1)·γ advances by γ (an addition per lane, not a
   64-bit multiplication: AVX2 has none); rejected draws are found a word (8 flags) at a time. */
#define DEFINE_COUNTER(SUFFIX, ATTR) \
ATTR static void normals_##SUFFIX(uint64_t key, uint64_t gamma, uint64_t fkey, uint64_t fgamma, uint64_t first, long count, \
                                  double *restrict out, long tripleStride, const double *restrict xs, \
                                  const double *restrict rs, const double *restrict fs, const double *restrict lt, \
                                  long cs, int mirror) { \
    uint64_t bits[CHUNK + 1]; unsigned char rej[CHUNK + 1 + 8]; double o[CHUNK + 1]; \
    for (long c0 = 0; c0 < count; c0 += CHUNK) { \
        long m = count - c0 < CHUNK ? count - c0 : CHUNK; \
        uint64_t base = key + (first + (uint64_t)c0 + 1) * gamma; \
        draws_##SUFFIX(base, gamma, m, xs, rs, o, bits, rej); \
        memset(rej + m, 0, 8); \
        for (long w = 0; w < m; w += 8) { \
            uint64_t flags; memcpy(&flags, rej + w, 8); \
            if (!flags) continue; \
            for (long i = w; i < w + 8 && i < m; i++) \
                if (rej[i]) o[i] = finish(bits[i], fkey, fgamma, first + (uint64_t)(c0 + i), xs, rs, fs); \
        } \
        /* Normal c0+i goes to triple (c0+i)/3, element (c0+i)%3 (c0 is a multiple of 3). */ \
        double *dst = out + (c0 / 3) * tripleStride; \
        long i = 0; \
        if (lt) { \
            for (; i + 3 <= m; i += 3, dst += tripleStride) correlate3_to(o[i], o[i + 1], o[i + 2], lt, dst, cs, mirror); \
        } else { \
            for (; i + 3 <= m; i += 3, dst += tripleStride) { dst[0] = o[i]; dst[1] = o[i + 1]; dst[2] = o[i + 2]; } \
        } \
        for (long k = 0; i < m; i++, k++) dst[lt ? k * cs : k] = o[i]; \
    } \
} \
ATTR static void uniforms_##SUFFIX(uint64_t key, uint64_t gamma, uint64_t first, long count, double *restrict out) { \
    uint64_t base = key + (first + 1) * gamma; \
    _Pragma("clang loop vectorize(enable)") \
    for (long i = 0; i < count; i++) { out[i] = unit_##SUFFIX(mix64(base)); base += gamma; } \
} \
ATTR static void correlate_##SUFFIX(long rows, const double *restrict z, const double *restrict lt, double *restrict out, \
                                    long rowStride, long cs, int mirror) { \
    for (long r = 0; r < rows; r++) correlate3_to(z[3 * r], z[3 * r + 1], z[3 * r + 2], lt, out + r * rowStride, cs, mirror); \
}

HASHSEC_DEFINE_VARIANTS(DEFINE_COUNTER)

int hashsec_counter_normals_variant(int variant, uint64_t key, uint64_t gamma, uint64_t fkey, uint64_t fgamma, uint64_t first,
                                    long count, double *out, long tripleStride, const double *xs, const double *rs, const double *fs) {
    return hashsec_counter_normals_correlated_variant(variant, key, gamma, fkey, fgamma, first, count, out, tripleStride, xs, rs, fs, NULL,
                                                      1, 0);
}

int hashsec_counter_normals_correlated_variant(int variant, uint64_t key, uint64_t gamma, uint64_t fkey, uint64_t fgamma,
                                               uint64_t first, long count, double *out, long tripleStride, const double *xs,
                                               const double *rs, const double *fs, const double *lt, long componentStride,
                                               int mirror) {
    if (variant < 0 || variant > hashsec_vecmath_supported()) return -1;
    HASHSEC_CALL(variant, normals, key, gamma, fkey, fgamma, first, count, out, tripleStride, xs, rs, fs, lt, componentStride, mirror);
    return 0;
}

void hashsec_counter_normals(uint64_t key, uint64_t gamma, uint64_t fkey, uint64_t fgamma, uint64_t first, long count,
                             double *out, long tripleStride, const double *xs, const double *rs, const double *fs) {
    (void)hashsec_counter_normals_correlated_variant(hashsec_variant_fast(), key, gamma, fkey, fgamma, first, count, out, tripleStride,
                                                     xs, rs, fs, NULL, 1, 0);
}

void hashsec_counter_normals_correlated(uint64_t key, uint64_t gamma, uint64_t fkey, uint64_t fgamma, uint64_t first, long count,
                                        double *out, long tripleStride, const double *xs, const double *rs, const double *fs,
                                        const double *lt, long componentStride, int mirror) {
    (void)hashsec_counter_normals_correlated_variant(hashsec_variant_fast(), key, gamma, fkey, fgamma, first, count, out, tripleStride,
                                                     xs, rs, fs, lt, componentStride, mirror);
}

void hashsec_counter_uniforms(uint64_t key, uint64_t gamma, uint64_t first, long count, double *out) {
    HASHSEC_CALL(hashsec_variant_fast(), uniforms, key, gamma, first, count, out);
}

int hashsec_correlate3_variant(int variant, long rows, const double *z, const double *lt, double *out, long rowStride,
                               long componentStride, int mirror) {
    if (variant < 0 || variant > hashsec_vecmath_supported()) return -1;
    HASHSEC_CALL(variant, correlate, rows, z, lt, out, rowStride, componentStride, mirror);
    return 0;
}

void hashsec_correlate3(long rows, const double *z, const double *lt, double *out, long rowStride, long componentStride, int mirror) {
    HASHSEC_CALL(hashsec_variant_fast(), correlate, rows, z, lt, out, rowStride, componentStride, mirror);
}
