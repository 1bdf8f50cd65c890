/* Vector exp/log for hashsec. Plain C loops compiled three times (portable, AVX2+FMA, AVX-512) through per-function
   target attributes, with runtime dispatch on cpuid: no -march build flags. fp contraction is off, and every fused
   multiply-add is an explicit fma(), so the variants agree to the bit (fma is exactly rounded everywhere). */
#pragma clang fp contract(off)
#include "variants.h"
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>

#define INLINE static inline __attribute__((always_inline))

INLINE uint64_t bits(double x) { uint64_t u; memcpy(&u, &x, 8); return u; }
INLINE double fbits(uint64_t u) { double x; memcpy(&x, &u, 8); return x; }

/* Round-to-integer shifter: for |k| < 2^51, bits(k + SHIFT) = bits(SHIFT) + k. */
static const double SHIFT = 0x1.8p52;
static const double LN2HI = 6.93147180369123816490e-01;   /* 0x3fe62e42fee00000: low 21 bits zero */
static const double LN2LO = 1.90821492927058770002e-10;

/* exp(x) = 2^k · e^r, k = round(x/ln2), r = x − k·ln2 (two-part ln2, so r is exact to ~2^-60), |r| ≤ ln2/2.
   e^r by its Taylor series to r^13 (truncation < 4.2e-18 relative), with fma (see below). 2^k is applied as 2^k1·2^k2
   (k1 = ⌊k/2⌋) so results that are subnormal or overflow round once, like a correctly scaled product. */
INLINE double exp_body(double x) {
    double xc = x > 710.0 ? 710.0 : x;
    xc = xc < -746.0 ? -746.0 : xc;                 /* NaN passes through both */
    double t = xc * 0x1.71547652b82fep0 + SHIFT;    /* log2(e) */
    double kd = t - SHIFT;
    double r = fma(-kd, LN2HI, xc);
    r = fma(-kd, LN2LO, r);
    /* e^r = 1 + r·(1 + r·(1/2 + r·h(r))), h = Σ_{j=0..10} r^j/(j+3)! by Estrin's scheme: depth 7 instead of Horner's 13
       (the day kernel's few exponentials per call are latency-bound); the last three steps stay Horner for accuracy. */
    double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    double a0 = fma(r, 1.0 / 24.0, 1.0 / 6.0), a1 = fma(r, 1.0 / 720.0, 1.0 / 120.0);
    double a2 = fma(r, 1.0 / 40320.0, 1.0 / 5040.0), a3 = fma(r, 1.0 / 3628800.0, 1.0 / 362880.0);
    double a4 = fma(r, 1.0 / 479001600.0, 1.0 / 39916800.0), a5 = 1.0 / 6227020800.0;
    double b0 = fma(a1, r2, a0), b1 = fma(a3, r2, a2), b2 = fma(a5, r2, a4);
    double h = fma(b2, r8, fma(b1, r4, b0));
    double p = fma(fma(fma(h, r, 0.5), r, 1.0), r, 1.0);
    double k1d = floor(kd * 0.5), k2d = kd - k1d;
    int64_t k1 = (int64_t)(bits(k1d + SHIFT) - bits(SHIFT));
    int64_t k2 = (int64_t)(bits(k2d + SHIFT) - bits(SHIFT));
    double s1 = fbits((uint64_t)(k1 + 1023) << 52), s2 = fbits((uint64_t)(k2 + 1023) << 52);
    double y = (p * s1) * s2;
    return x != x ? x : y;                          /* NaN in → that NaN out (not a sign-flipped one) */
}

/* log(x) = k·ln2 + log(1+f), x = 2^k·(1+f), 1+f ∈ [√2/2, √2). With s = f/(2+f), hfsq = f²/2:
   log(1+f) = f − hfsq + s·(hfsq + R(s²)), R the degree-7 minimax polynomial of fdlibm's e_log.c (error < 2^-58.45). */
INLINE double log_body(double x) {
    int sub = x < 0x1p-1022;
    double xs = sub ? x * 0x1p54 : x;
    uint64_t u = bits(xs);
    int64_t e = (int64_t)((u >> 52) & 0x7ff) - 1023 - (sub ? 54 : 0);
    double m = fbits((u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
    int big = m > 0x1.6a09e667f3bcdp0;              /* √2 */
    m = big ? m * 0.5 : m;
    e += big;
    double ke = fbits(bits(SHIFT) + (uint64_t)e) - SHIFT;
    double f = m - 1.0;
    double s = f / (2.0 + f);
    double z = s * s;
    double R = 1.479819860511658591e-01;
    R = fma(R, z, 1.531383769920937332e-01);
    R = fma(R, z, 1.818357216161805012e-01);
    R = fma(R, z, 2.222219843214978396e-01);
    R = fma(R, z, 2.857142874366239149e-01);
    R = fma(R, z, 3.999999999940941908e-01);
    R = fma(R, z, 6.666666666666735130e-01);
    R = R * z;
    double hfsq = 0.5 * f * f;
    double y = ke * LN2HI - ((hfsq - (s * (hfsq + R) + ke * LN2LO)) - f);
    /* Special values: 0 → −inf, negative or NaN → NaN, +inf → +inf. */
    y = x == 0.0 ? -INFINITY : y;
    y = x < 0.0 ? NAN : y;
    y = x == INFINITY ? INFINITY : y;
    y = x != x ? x : y;
    return y;
}

/* Element-wise, so y == x is safe: assume_safety stops clang from falling back to the scalar loop for in-place calls. */
#define DEFINE_VARIANT(SUFFIX, ATTR) \
    ATTR static void vexp_##SUFFIX(const double *x, double *y, long n) { \
        _Pragma("clang loop vectorize(assume_safety)") for (long i = 0; i < n; i++) y[i] = exp_body(x[i]); } \
    ATTR static void vlog_##SUFFIX(const double *x, double *y, long n) { \
        _Pragma("clang loop vectorize(assume_safety)") for (long i = 0; i < n; i++) y[i] = log_body(x[i]); }

DEFINE_VARIANT(portable, )
#if defined(__x86_64__)
DEFINE_VARIANT(avx2, HASHSEC_TARGET_AVX2)

/* AVX-512: the same operations in the same order on 8 lanes, with two instructions the other builds lack:
   exp's 2^k by VSCALEFPD (one rounding of p·2^k, as (p·2^k1)·2^k2 above) and log's exponent/mantissa split by
   VGETEXPPD/VGETMANTPD (exact, subnormals included, as the bit manipulation above). Bit-identical to exp_body/log_body. */
#include <immintrin.h>
#define V(c) _mm512_set1_pd(c)
HASHSEC_TARGET_AVX512 static inline __m512d exp8(__m512d x) {
    __m512d xc = _mm512_min_pd(V(710.0), x);       /* 710 < x ? 710 : x (NaN: x) */
    xc = _mm512_max_pd(V(-746.0), xc);             /* −746 > xc ? −746 : xc */
    __m512d t = _mm512_add_pd(_mm512_mul_pd(xc, V(0x1.71547652b82fep0)), V(SHIFT));
    __m512d kd = _mm512_sub_pd(t, V(SHIFT));
    __m512d r = _mm512_fnmadd_pd(kd, V(LN2HI), xc);
    r = _mm512_fnmadd_pd(kd, V(LN2LO), r);
    __m512d r2 = _mm512_mul_pd(r, r), r4 = _mm512_mul_pd(r2, r2), r8 = _mm512_mul_pd(r4, r4);
    __m512d a0 = _mm512_fmadd_pd(r, V(1.0 / 24.0), V(1.0 / 6.0)), a1 = _mm512_fmadd_pd(r, V(1.0 / 720.0), V(1.0 / 120.0));
    __m512d a2 = _mm512_fmadd_pd(r, V(1.0 / 40320.0), V(1.0 / 5040.0)), a3 = _mm512_fmadd_pd(r, V(1.0 / 3628800.0), V(1.0 / 362880.0));
    __m512d a4 = _mm512_fmadd_pd(r, V(1.0 / 479001600.0), V(1.0 / 39916800.0)), a5 = V(1.0 / 6227020800.0);
    __m512d b0 = _mm512_fmadd_pd(a1, r2, a0), b1 = _mm512_fmadd_pd(a3, r2, a2), b2 = _mm512_fmadd_pd(a5, r2, a4);
    __m512d h = _mm512_fmadd_pd(b2, r8, _mm512_fmadd_pd(b1, r4, b0));
    __m512d p = _mm512_fmadd_pd(_mm512_fmadd_pd(_mm512_fmadd_pd(h, r, V(0.5)), r, V(1.0)), r, V(1.0));
    __m512d y = _mm512_scalef_pd(p, kd);
    return _mm512_mask_mov_pd(y, _mm512_cmp_pd_mask(x, x, _CMP_UNORD_Q), x);
}
HASHSEC_TARGET_AVX512 static inline __m512d log8(__m512d x) {
    __m512d ke = _mm512_getexp_pd(x);
    __m512d m = _mm512_getmant_pd(x, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_zero);
    __mmask8 big = _mm512_cmp_pd_mask(m, V(0x1.6a09e667f3bcdp0), _CMP_GT_OQ);
    m = _mm512_mask_mul_pd(m, big, m, V(0.5));
    ke = _mm512_mask_add_pd(ke, big, ke, V(1.0));
    __m512d f = _mm512_sub_pd(m, V(1.0));
    __m512d s = _mm512_div_pd(f, _mm512_add_pd(V(2.0), f));
    __m512d z = _mm512_mul_pd(s, s);
    __m512d R = V(1.479819860511658591e-01);
    R = _mm512_fmadd_pd(R, z, V(1.531383769920937332e-01));
    R = _mm512_fmadd_pd(R, z, V(1.818357216161805012e-01));
    R = _mm512_fmadd_pd(R, z, V(2.222219843214978396e-01));
    R = _mm512_fmadd_pd(R, z, V(2.857142874366239149e-01));
    R = _mm512_fmadd_pd(R, z, V(3.999999999940941908e-01));
    R = _mm512_fmadd_pd(R, z, V(6.666666666666735130e-01));
    R = _mm512_mul_pd(R, z);
    __m512d hfsq = _mm512_mul_pd(_mm512_mul_pd(V(0.5), f), f);
    __m512d inner = _mm512_add_pd(_mm512_mul_pd(s, _mm512_add_pd(hfsq, R)), _mm512_mul_pd(ke, V(LN2LO)));
    __m512d y = _mm512_sub_pd(_mm512_mul_pd(ke, V(LN2HI)), _mm512_sub_pd(_mm512_sub_pd(hfsq, inner), f));
    y = _mm512_mask_mov_pd(y, _mm512_cmp_pd_mask(x, V(0.0), _CMP_EQ_OQ), V(-INFINITY));
    y = _mm512_mask_mov_pd(y, _mm512_cmp_pd_mask(x, V(0.0), _CMP_LT_OQ), V(NAN));
    y = _mm512_mask_mov_pd(y, _mm512_cmp_pd_mask(x, V(INFINITY), _CMP_EQ_OQ), V(INFINITY));
    y = _mm512_mask_mov_pd(y, _mm512_cmp_pd_mask(x, x, _CMP_UNORD_Q), x);
    return y;
}
HASHSEC_TARGET_AVX512 static void vexp_avx512(const double *x, double *y, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm512_storeu_pd(y + i, exp8(_mm512_loadu_pd(x + i)));
    if (i < n) {
        __mmask8 k = (__mmask8)((1u << (n - i)) - 1);
        _mm512_mask_storeu_pd(y + i, k, exp8(_mm512_maskz_loadu_pd(k, x + i)));
    }
}
HASHSEC_TARGET_AVX512 static void vlog_avx512(const double *x, double *y, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm512_storeu_pd(y + i, log8(_mm512_loadu_pd(x + i)));
    if (i < n) {
        __mmask8 k = (__mmask8)((1u << (n - i)) - 1);
        _mm512_mask_storeu_pd(y + i, k, log8(_mm512_mask_loadu_pd(V(1.0), k, x + i)));
    }
}
#undef V
#include <cpuid.h>
static uint64_t xgetbv0(void) { uint32_t a, d; __asm__ volatile("xgetbv" : "=a"(a), "=d"(d) : "c"(0)); return ((uint64_t)d << 32) | a; }
static int detect(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int fma3 = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    if (!(fma3 && osxsave && avx) || __get_cpuid_max(0, 0) < 7) return 0;
    uint64_t xcr0 = xgetbv0();
    if ((xcr0 & 6) != 6) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1, avx512dq = (b >> 17) & 1, avx512bw = (b >> 30) & 1, avx512vl = (b >> 31) & 1;
    if (!avx2) return 0;
    if (avx512f && avx512dq && avx512bw && avx512vl && (xcr0 & 0xe6) == 0xe6) return 2;
    return 1;
}
#else
static int detect(void) { return 0; }
#endif

/* The one parser of variant names (HASHSEC_KERNEL, LinearAlgebra.KernelVariant). */
int hashsec_kernel_parse(const char *name) {
    if (!name || !*name) return -1;
    if (strcmp(name, "portable") == 0) return 0;
    if (strcmp(name, "avx2") == 0) return 1;
    if (strcmp(name, "avx512") == 0) return 2;
    return -2;
}

/* HASHSEC_KERNEL selects a variant this CPU has; anything else (unset, unknown, a variant the CPU lacks) runs the best
   one: the kernels never execute an instruction the CPU lacks. Callers refuse the bad values first
   (LinearAlgebra.KernelVariant.checkEnvironment: the CLI exits 64). */
static int variant_select(int best) {
    int r = hashsec_kernel_parse(getenv("HASHSEC_KERNEL"));
    return r >= 0 && r <= best ? r : best;
}

/* cpuid is slow (it traps in a VM): detect once; racing first calls compute the same value. */
static int detected = -1;
int hashsec_variant_chosen = -1;   /* variants.h: hashsec_variant_fast() reads it inline */
int hashsec_vecmath_supported(void) {
    int v = __atomic_load_n(&detected, __ATOMIC_ACQUIRE);
    if (v < 0) { v = detect(); __atomic_store_n(&detected, v, __ATOMIC_RELEASE); }
    return v;
}
int hashsec_vecmath_variant(void) {
    int v = __atomic_load_n(&hashsec_variant_chosen, __ATOMIC_ACQUIRE);
    if (v < 0) { v = variant_select(hashsec_vecmath_supported()); __atomic_store_n(&hashsec_variant_chosen, v, __ATOMIC_RELEASE); }
    return v;
}

int hashsec_vexp_variant(int variant, const double *x, double *y, long n) {
    if (variant < 0 || variant > hashsec_vecmath_supported()) return -1;
    HASHSEC_CALL(variant, vexp, x, y, n);
    return 0;
}

int hashsec_vlog_variant(int variant, const double *x, double *y, long n) {
    if (variant < 0 || variant > hashsec_vecmath_supported()) return -1;
    HASHSEC_CALL(variant, vlog, x, y, n);
    return 0;
}

/* One day of the path generator (see ckernels.h). Evaluation order as the Swift code it replaces:
   ((drift + σ·z1) + jump), (((a + b·lagged) + c·trendDay) + σ_H·z2), (κ·(m − x) + σ_F·z3), no contraction. */
#define DAY_STEP(P, Z1, Z2, Z3, LAG) do { \
        double dS = drift[P] + sigma[P] * (Z1) + jump[P]; \
        double dH = hashA[P] + (useLagged ? hashB[P] * (LAG) : 0.0) + hashC[P] * trendDay + hashSigma[P] * (Z2); \
        double dX = kappa[P] * (feeM[P] - lnF[P]) + feeSigma[P] * (Z3); \
        double a = lnS[P] + dS, b = lnH[P] + dH, c = lnF[P] + dX; \
        lnS[P] = a; lnH[P] = b; lnF[P] = c; \
        S[P] = a; H[P] = b; F[P] = c; \
    } while (0)
#define DEFINE_DAY(SUFFIX, ATTR) \
ATTR static void day_##SUFFIX(long n, const double *restrict z, long zStride, const double *restrict jump, const double *restrict lagged, \
        double laggedAll, int useLagged, double trendDay, const hashsec_day_lanes *L, \
        double *restrict lnS, double *restrict lnH, double *restrict lnF, double *restrict S, double *restrict H, double *restrict F) { \
    const double *restrict drift = L->drift, *restrict sigma = L->sigma, *restrict hashA = L->hashA, *restrict hashB = L->hashB; \
    const double *restrict hashC = L->hashC, *restrict hashSigma = L->hashSigma, *restrict kappa = L->kappa; \
    const double *restrict feeM = L->feeM, *restrict feeSigma = L->feeSigma; \
    const double *restrict z1 = z, *restrict z2 = z + zStride, *restrict z3 = z + 2 * zStride; \
    /* Contiguous per-path shocks (an antithetic partner's stored negated): plain unit-stride vector loops. */ \
    if (lagged) { \
        _Pragma("clang loop vectorize(enable)") \
        for (long p = 0; p < n; p++) DAY_STEP(p, z1[p], z2[p], z3[p], lagged[p]); \
    } else { \
        _Pragma("clang loop vectorize(enable)") \
        for (long p = 0; p < n; p++) DAY_STEP(p, z1[p], z2[p], z3[p], laggedAll); \
    } \
    /* Then the exponentials, in place, by this build's vexp. */ \
    vexp_##SUFFIX(S, S, n); vexp_##SUFFIX(H, H, n); vexp_##SUFFIX(F, F, n); \
}
HASHSEC_DEFINE_VARIANTS(DEFINE_DAY)

void hashsec_evolve_day(long n, const double *z, long zStride, const double *jump, const double *lagged, double laggedAll, int useLagged,
                        double trendDay, const hashsec_day_lanes *lanes,
                        double *lnS, double *lnH, double *lnF, double *S, double *H, double *F) {
    HASHSEC_CALL(hashsec_variant_fast(), day, n, z, zStride, jump, lagged, laggedAll, useLagged, trendDay, lanes, lnS, lnH, lnF, S, H, F);
}

int hashsec_evolve_day_variant(int variant, long n, const double *z, long zStride, const double *jump, const double *lagged, double laggedAll,
                               int useLagged, double trendDay, const hashsec_day_lanes *lanes,
                               double *lnS, double *lnH, double *lnF, double *S, double *H, double *F) {
    if (variant < 0 || variant > hashsec_vecmath_supported()) return -1;
    HASHSEC_CALL(variant, day, n, z, zStride, jump, lagged, laggedAll, useLagged, trendDay, lanes, lnS, lnH, lnF, S, H, F);
    return 0;
}

/* The end of a path-generator day (see ckernels.h): the day's S, hashprice BTC and USD into the path-major outputs, and
   the day's ln hashprice USD (hashsec_vlog's function; the previous value where the hashprice is not positive). */
#define DEFINE_OUTPUTS(SUFFIX, ATTR) \
ATTR static void outputs_##SUFFIX(long n, long t, long days, const double *restrict S, const double *restrict hpB, \
        const double *restrict hpU, double *restrict outS, double *restrict outB, double *restrict outU, double *restrict lg, \
        double *restrict lnOut, const double *restrict lnPrev, double lnFirst) { \
    for (long p = 0, o = t; p < n; p++, o += days) { outS[o] = S[p]; outB[o] = hpB[p]; outU[o] = hpU[p]; } \
    if (!lnOut) return; \
    vlog_##SUFFIX(hpU, lg, n); \
    if (lnPrev) { \
        _Pragma("clang loop vectorize(enable)") \
        for (long p = 0; p < n; p++) lnOut[p] = hpU[p] > 0 ? lg[p] : lnPrev[p]; \
    } else { \
        _Pragma("clang loop vectorize(enable)") \
        for (long p = 0; p < n; p++) lnOut[p] = hpU[p] > 0 ? lg[p] : lnFirst; \
    } \
}
HASHSEC_DEFINE_VARIANTS(DEFINE_OUTPUTS)

void hashsec_day_outputs(long n, long t, long days, const double *S, const double *hpB, const double *hpU, double *outS, double *outB,
                         double *outU, double *lg, double *lnOut, const double *lnPrev, double lnFirst) {
    HASHSEC_CALL(hashsec_variant_fast(), outputs, n, t, days, S, hpB, hpU, outS, outB, outU, lg, lnOut, lnPrev, lnFirst);
}

void hashsec_vexp(const double *x, double *y, long n) { (void)hashsec_vexp_variant(hashsec_variant_fast(), x, y, n); }
void hashsec_vlog(const double *x, double *y, long n) { (void)hashsec_vlog_variant(hashsec_variant_fast(), x, y, n); }
