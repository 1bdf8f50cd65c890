/* Histogram kernels for the Monte Carlo's per-day quantiles (Simulate's DayHistograms / HistogramBatch).
   Integer-only, so every variant gives the same bins; the bin loop is compiled per ISA like vecmath.c. */
#include "variants.h"
#include <stdint.h>
#include <string.h>

#define INLINE static inline __attribute__((always_inline))

/* DayHistograms.bin: 0 for x ≤ 0, NaN or below 2^eMin; the last bin ((eMax−eMin)·32 + 1) at or above 2^eMax;
   otherwise 1 + (e − eMin)·32 + the top 5 mantissa bits (32 bins per octave).
   In 32-bit lanes (8 per AVX2 register instead of 4), from x's high word h: for x > 0, h >> 15 is
   (e + 1023)·32 + those 5 bits, so b = (h >> 15) − ((eMin + 1023)·32 − 1) is the formula above; e ≥ eMax ⇔ b ≥ top
   and e < eMin ⇔ b < 1, so clamping b to [0, top] is the two range rules; x ≤ 0 or NaN give 0 (the test x > 0.0). The same bins as the 64-bit formula for every
   double (tested against DayHistograms.bin). */
INLINE uint16_t bin_body(double x, uint32_t hi, int32_t k, int32_t top) {
    int32_t b = (int32_t)(hi >> 15) - k;
    b = b > top ? top : b;
    b = b < 0 ? 0 : b;
    return (uint16_t)(x > 0.0 ? b : 0);
}

#define DEFINE_BINS(SUFFIX, ATTR) \
    ATTR static void bins_##SUFFIX(const double *x, long n, int eMin, int eMax, uint16_t *out, long tileStride) { \
        const int32_t k = (eMin + 1023) * 32 - 1, top = (eMax - eMin) * 32 + 1; \
        for (long t0 = 0; t0 < n; t0 += HASHSEC_HIST_TILE) { \
            long m = n - t0 < HASHSEC_HIST_TILE ? n - t0 : HASHSEC_HIST_TILE; \
            const double *xs = x + t0; uint16_t *o = out + (t0 / HASHSEC_HIST_TILE) * tileStride; \
            _Pragma("clang loop vectorize(enable)") \
            for (long i = 0; i < m; i++) { \
                uint64_t u; memcpy(&u, xs + i, 8); \
                o[i] = bin_body(xs[i], (uint32_t)(u >> 32), k, top); \
            } \
        } \
    }

HASHSEC_DEFINE_VARIANTS(DEFINE_BINS)

void hashsec_hist_bins(const double *x, long n, int eMin, int eMax, uint16_t *out, long tileStride) {
    HASHSEC_CALL(hashsec_variant_fast(), bins, x, n, eMin, eMax, out, tileStride);
}

/* Smallest and largest index among the first m of each of n slots of a tile (vectorised). */
#define DEFINE_RANGE(SUFFIX, ATTR) \
ATTR static void range_##SUFFIX(const uint16_t *restrict src, long n, long m, long *lo, long *hi) { \
    uint16_t mn = 0xFFFF, mx = 0; \
    if (m == HASHSEC_HIST_TILE) { \
        for (long i = 0; i < n * HASHSEC_HIST_TILE; i++) { uint16_t v = src[i]; mn = v < mn ? v : mn; mx = v > mx ? v : mx; } \
    } else { \
        for (long j = 0; j < n; j++) for (long i = 0; i < m; i++) { \
            uint16_t v = src[j * HASHSEC_HIST_TILE + i]; mn = v < mn ? v : mn; mx = v > mx ? v : mx; } \
    } \
    *lo = mn; *hi = mx; \
}
HASHSEC_DEFINE_VARIANTS(DEFINE_RANGE)
static void tile_range(const uint16_t *src, long n, long m, long *lo, long *hi) {
    HASHSEC_CALL(hashsec_variant_fast(), range, src, n, m, lo, hi);
}

void hashsec_hist_flush(const uint16_t *pending, long n, long days, long batch, uint32_t *counts, long bins, uint16_t *local) {
    const long T = HASHSEC_HIST_TILE;
    uint16_t *h[4] = { local, local + bins, local + 2 * bins, local + 3 * bins };
    for (long t0 = 0; t0 < days; t0 += T) {
        const uint16_t *src = pending + (t0 / T) * batch * T;   /* this tile: [slot][TILE] */
        long m = days - t0 < T ? days - t0 : T;
        long lo, hi;
        tile_range(src, n, m, &lo, &hi);   /* every day of the tile merges only this bin range */
        /* Four days at a time: one 8-byte load gives a slot's bins for days dt..dt+3, each counted into its own
           sub-histogram (L1-resident), so increments to one bin by consecutive slots are spread apart. */
        for (long dt = 0; dt < m; dt += 4) {
            long k = m - dt < 4 ? m - dt : 4;
            if (k == 4) {
                /* One base pointer (the four sub-histograms are `bins` apart): the loop keeps everything in registers. */
                uint16_t *h0 = local;
                const uint64_t b1 = (uint64_t)bins, b2 = 2 * (uint64_t)bins, b3 = 3 * (uint64_t)bins;
                const uint16_t *s = src + dt;
                for (long j = 0; j < n; j++, s += T) {
                    uint64_t w; __builtin_memcpy(&w, s, 8);
                    h0[w & 0xFFFF]++; h0[((w >> 16) & 0xFFFF) + b1]++; h0[((w >> 32) & 0xFFFF) + b2]++; h0[(w >> 48) + b3]++;
                }
            } else {
                for (long q = 0; q < k; q++) for (long j = 0; j < n; j++) h[q][src[j * T + dt + q]]++;
            }
            for (long q = 0; q < k; q++) {
                uint32_t *row = counts + (t0 + dt + q) * bins;
                uint16_t *hq = h[q];
                for (long b = lo; b <= hi; b++) { row[b] += hq[b]; hq[b] = 0; }
            }
        }
    }
}
