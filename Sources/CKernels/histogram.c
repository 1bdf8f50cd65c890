/* Histogram kernels for the Monte Carlo's per-day quantiles (Simulate's DayHistograms / HistogramBatch).
   Integer-only, so every variant gives the same bins; the bin loop is compiled per ISA like vecmath.c. */
#include "ckernels.h"
#include <stdint.h>
#include <string.h>

#define INLINE static inline __attribute__((always_inline))

/* DayHistograms.bin: 0 for x ≤ 0, NaN or below 2^eMin; the last bin ((eMax−eMin)·32 + 1) at or above 2^eMax;
   otherwise 1 + (e − eMin)·32 + the top 5 mantissa bits (32 bins per octave). */
INLINE uint16_t bin_body(double x, int64_t eMin, int64_t eMax) {
    uint64_t u; memcpy(&u, &x, 8);
    int64_t e = (int64_t)((u >> 52) & 0x7ff) - 1023;
    int64_t b = 1 + (e - eMin) * 32 + (int64_t)((u >> 47) & 31);
    b = e >= eMax ? (eMax - eMin) * 32 + 1 : b;
    b = e < eMin ? 0 : b;
    b = x > 0.0 ? b : 0;
    return (uint16_t)b;
}

#define DEFINE_BINS(SUFFIX, ATTR) \
    ATTR static void bins_##SUFFIX(const double *x, long n, int eMin, int eMax, uint16_t *out, long tileStride) { \
        for (long t0 = 0; t0 < n; t0 += HASHSEC_HIST_TILE) { \
            long m = n - t0 < HASHSEC_HIST_TILE ? n - t0 : HASHSEC_HIST_TILE; \
            const double *xs = x + t0; uint16_t *o = out + (t0 / HASHSEC_HIST_TILE) * tileStride; \
            for (long i = 0; i < m; i++) o[i] = bin_body(xs[i], eMin, eMax); \
        } \
    }

DEFINE_BINS(portable, )
#if defined(__x86_64__)
DEFINE_BINS(avx2, __attribute__((target("avx2"))))
DEFINE_BINS(avx512, __attribute__((target("avx512f,avx512bw,avx512vl,avx2"))))
#endif

void hashsec_hist_bins(const double *x, long n, int eMin, int eMax, uint16_t *out, long tileStride) {
#if defined(__x86_64__)
    int v = hashsec_vecmath_variant();
    if (v == 2) { bins_avx512(x, n, eMin, eMax, out, tileStride); return; }
    if (v == 1) { bins_avx2(x, n, eMin, eMax, out, tileStride); return; }
#endif
    bins_portable(x, n, eMin, eMax, out, tileStride);
}

void hashsec_hist_flush(const uint16_t *pending, long n, long days, long batch, uint32_t *counts, long bins, uint16_t *local) {
    const long T = HASHSEC_HIST_TILE;
    uint16_t *l0 = local, *l1 = local + bins, *l2 = local + 2 * bins, *l3 = local + 3 * bins;
    for (long t0 = 0; t0 < days; t0 += T) {
        const uint16_t *src = pending + (t0 / T) * batch * T;   /* this tile: [slot][TILE] */
        long m = days - t0 < T ? days - t0 : T;
        for (long dt = 0; dt < m; dt++) {
            uint32_t *row = counts + (t0 + dt) * bins;
            long lo = bins, hi = -1, j = 0;
            /* Four interleaved sub-histograms: no increment waits on the previous one to the same bin. */
            for (; j + 4 <= n; j += 4) {
                long a = src[j * T + dt], b = src[(j + 1) * T + dt], c = src[(j + 2) * T + dt], d = src[(j + 3) * T + dt];
                l0[a]++; l1[b]++; l2[c]++; l3[d]++;
                long mn = a < b ? a : b, mn2 = c < d ? c : d, mx = a > b ? a : b, mx2 = c > d ? c : d;
                mn = mn < mn2 ? mn : mn2; mx = mx > mx2 ? mx : mx2;
                lo = mn < lo ? mn : lo; hi = mx > hi ? mx : hi;
            }
            for (; j < n; j++) {
                long a = src[j * T + dt];
                l0[a]++; lo = a < lo ? a : lo; hi = a > hi ? a : hi;
            }
            /* The next days' rows are touched over about the same bins: fetch them while this one is merged. */
            if (t0 + dt + 2 < days) {
                const uint32_t *ahead = counts + (t0 + dt + 2) * bins;
                for (long b = lo; b <= hi + 16; b += 16) __builtin_prefetch(ahead + b, 1, 1);
            }
            for (long b = lo; b <= hi; b++) {
                row[b] += (uint32_t)l0[b] + l1[b] + l2[b] + l3[b];
                l0[b] = 0; l1[b] = 0; l2[b] = 0; l3[b] = 0;
            }
        }
    }
}
