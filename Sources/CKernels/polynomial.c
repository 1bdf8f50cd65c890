/* Value and derivative of the IRR polynomial (Simulate.TokenPricer.irr), the per-path hot spot of the pricer.
   Sixteen interleaved Horner chains in w = v^16 (t = 16m + r, r = 1..16):
       f(v)  = Σ_r v^r·P_r(w),                                  P_r(w) = Σ_m c_{16m+r}·w^m
       f'(v) = Σ_r [r·v^(r−1)·P_r(w) + 16·v^(r+15)·P_r'(w)]
   so the chains run side by side (one or two vector registers) instead of one long dependent chain. Explicit fma and
   no contraction: every variant gives the same bits. */
#pragma clang fp contract(off)
#include "variants.h"
#include <math.h>

#define K 16
#define INLINE static inline __attribute__((always_inline))

INLINE void poly_body(const double *c, long n, double v, double *f, double *df) {
    double p[K], d[K];
    double w = 1.0;
    for (int i = 0; i < K; i++) w *= v;
    long groups = (n + K - 1) / K;
    /* Top group (may run past n), then full groups without bounds checks. */
    long top = groups - 1;
    for (int r = 0; r < K; r++) { long t = top * K + r; p[r] = t < n ? c[t] : 0.0; d[r] = 0.0; }
    for (long m = top - 1; m >= 0; m--) {
        const double *base = c + m * K;
        for (int r = 0; r < K; r++) { d[r] = fma(d[r], w, p[r]); p[r] = fma(p[r], w, base[r]); }
    }
    double vr = 1.0, s = 0.0, ds = 0.0, vk1 = w / v;   /* v^(K−1) */
    for (int r = 0; r < K; r++) {
        /* term for exponent r+1: v^(r+1)·P, (r+1)·v^r·P + K·v^(r+K)·P' */
        double vnext = vr * v;
        s = fma(vnext, p[r], s);
        ds = fma((double)(r + 1) * vr, p[r], ds);
        ds = fma((double)K * vnext * vk1, d[r], ds);
        vr = vnext;
    }
    *f = s; *df = ds;
}

#define DEFINE_POLY(SUFFIX, ATTR) \
    ATTR static void poly_##SUFFIX(const double *c, long n, double v, double *f, double *df) { poly_body(c, n, v, f, df); }
HASHSEC_DEFINE_VARIANTS(DEFINE_POLY)

void hashsec_flows_poly(const double *c, long n, double v, double *f, double *df) {
    (void)hashsec_flows_poly_variant(hashsec_variant_fast(), c, n, v, f, df);
}

int hashsec_flows_poly_variant(int variant, const double *c, long n, double v, double *f, double *df) {
    if (variant < 0 || variant > hashsec_vecmath_supported()) return -1;
    if (n <= 0) { *f = 0; *df = 0; return 0; }
    HASHSEC_CALL(variant, poly, c, n, v, f, df);
    return 0;
}
