/* Vector exp/log for hashsec. Plain C loops compiled three times (portable, AVX2+FMA, AVX-512) through per-function
   target attributes, with runtime dispatch on cpuid: no -march build flags. fp contraction is off, and every fused
   multiply-add is an explicit fma(), so the variants agree to the bit (fma is exactly rounded everywhere). */
#pragma clang fp contract(off)
#include "ckernels.h"
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
   e^r by its Taylor series to r^13 (truncation < 4.2e-18 relative), Horner with fma. 2^k is applied as 2^k1·2^k2
   (k1 = ⌊k/2⌋) so results that are subnormal or overflow round once, like a correctly scaled product. */
INLINE double exp_body(double x) {
    double xc = x > 710.0 ? 710.0 : x;
    xc = xc < -746.0 ? -746.0 : xc;                 /* NaN passes through both */
    double t = xc * 0x1.71547652b82fep0 + SHIFT;    /* log2(e) */
    double kd = t - SHIFT;
    double r = fma(-kd, LN2HI, xc);
    r = fma(-kd, LN2LO, r);
    double p = 1.0 / 6227020800.0;                  /* 1/13! */
    p = fma(p, r, 1.0 / 479001600.0);
    p = fma(p, r, 1.0 / 39916800.0);
    p = fma(p, r, 1.0 / 3628800.0);
    p = fma(p, r, 1.0 / 362880.0);
    p = fma(p, r, 1.0 / 40320.0);
    p = fma(p, r, 1.0 / 5040.0);
    p = fma(p, r, 1.0 / 720.0);
    p = fma(p, r, 1.0 / 120.0);
    p = fma(p, r, 1.0 / 24.0);
    p = fma(p, r, 1.0 / 6.0);
    p = fma(p, r, 0.5);
    p = fma(p, r, 1.0);
    p = fma(p, r, 1.0);
    double k1d = floor(kd * 0.5), k2d = kd - k1d;
    int64_t k1 = (int64_t)(bits(k1d + SHIFT) - bits(SHIFT));
    int64_t k2 = (int64_t)(bits(k2d + SHIFT) - bits(SHIFT));
    double s1 = fbits((uint64_t)(k1 + 1023) << 52), s2 = fbits((uint64_t)(k2 + 1023) << 52);
    return (p * s1) * s2;
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
DEFINE_VARIANT(avx2, __attribute__((target("avx2,fma"))))
DEFINE_VARIANT(avx512, __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma"))))
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
    int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1, avx512dq = (b >> 17) & 1, avx512vl = (b >> 31) & 1;
    if (!avx2) return 0;
    if (avx512f && avx512dq && avx512vl && (xcr0 & 0xe6) == 0xe6) return 2;
    return 1;
}
#else
static int detect(void) { return 0; }
#endif

static int variant_cap(int v) {
    const char *env = getenv("HASHSEC_VECMATH");
    if (!env) return v;
    if (strcmp(env, "portable") == 0) return 0;
    if (strcmp(env, "avx2") == 0) return v < 1 ? v : 1;
    return v;
}

/* cpuid is slow (it traps in a VM): detect once; racing first calls compute the same value. */
static int detected = -1, chosen = -1;
int hashsec_vecmath_supported(void) {
    int v = __atomic_load_n(&detected, __ATOMIC_ACQUIRE);
    if (v < 0) { v = detect(); __atomic_store_n(&detected, v, __ATOMIC_RELEASE); }
    return v;
}
int hashsec_vecmath_variant(void) {
    int v = __atomic_load_n(&chosen, __ATOMIC_ACQUIRE);
    if (v < 0) { v = variant_cap(hashsec_vecmath_supported()); __atomic_store_n(&chosen, v, __ATOMIC_RELEASE); }
    return v;
}

int hashsec_vexp_variant(int variant, const double *x, double *y, long n) {
    if (variant < 0 || variant > hashsec_vecmath_supported()) return -1;
#if defined(__x86_64__)
    if (variant == 2) { vexp_avx512(x, y, n); return 0; }
    if (variant == 1) { vexp_avx2(x, y, n); return 0; }
#endif
    vexp_portable(x, y, n);
    return 0;
}

int hashsec_vlog_variant(int variant, const double *x, double *y, long n) {
    if (variant < 0 || variant > hashsec_vecmath_supported()) return -1;
#if defined(__x86_64__)
    if (variant == 2) { vlog_avx512(x, y, n); return 0; }
    if (variant == 1) { vlog_avx2(x, y, n); return 0; }
#endif
    vlog_portable(x, y, n);
    return 0;
}

void hashsec_vexp(const double *x, double *y, long n) { (void)hashsec_vexp_variant(hashsec_vecmath_variant(), x, y, n); }
void hashsec_vlog(const double *x, double *y, long n) { (void)hashsec_vlog_variant(hashsec_vecmath_variant(), x, y, n); }
