#ifndef HASHSEC_CKERNELS_H
#define HASHSEC_CKERNELS_H
#include <stddef.h>
#include <stdint.h>

/* Element-wise exp and log over arrays of doubles for the Monte Carlo hot path (see README.md).
   Every variant (AVX-512, AVX2+FMA, portable) evaluates the same operations in the same order with fused multiply-adds
   (fma), so all give bit-identical results on every x86-64 CPU; in-place calls (y == x) are allowed.
   exp: |error| < 1 ulp over the whole range; exp(x) = +inf for x > 709.78, 0 below −745.13, NaN in → NaN out.
   log: |error| < 1 ulp; log(0) = −inf, log(x < 0) = NaN, log(+inf) = +inf, subnormal inputs handled. */
void hashsec_vexp(const double *x, double *y, long n);
void hashsec_vlog(const double *x, double *y, long n);

/* The variant in use: 0 portable, 1 AVX2+FMA, 2 AVX-512, chosen once: HASHSEC_KERNEL=portable|avx2|avx512 in the
   environment when this CPU has it, else the best this CPU has (callers refuse an unknown or unavailable request
   before running: LinearAlgebra.KernelVariant). */
int hashsec_vecmath_variant(void);
/* The best variant this CPU supports (cpuid/xgetbv; ignores HASHSEC_KERNEL). */
int hashsec_vecmath_supported(void);
/* A variant's name → 0/1/2; −1 for NULL or "", −2 for any other string. */
int hashsec_kernel_parse(const char *name);
/* The *_variant functions below run one variant explicitly (tests compare variants bit for bit): 0, or −1 when this
   CPU lacks it. */
int hashsec_vexp_variant(int variant, const double *x, double *y, long n);
int hashsec_vlog_variant(int variant, const double *x, double *y, long n);

/* IRR polynomial: f = Σ_{t=1..n} c[t−1]·v^t and df = Σ t·c[t−1]·v^(t−1) (16 interleaved Horner chains). */
void hashsec_flows_poly(const double *c, long n, double v, double *f, double *df);
int hashsec_flows_poly_variant(int variant, const double *c, long n, double v, double *f, double *df);

/* Counter-based draws (Domain.CounterStream): draw n of stream (key, γ) is mix64(key + (n+1)·γ).
   Normals first … first+count−1 (128-layer ziggurat; a rejected draw n continues with the sequential SplitMix64
   generator started at mix64(fkey + (n+1)·fγ)), stored by triples: normal first+i at out[(i/3)·tripleStride + i%3]
   (tripleStride 3: contiguous); and uniforms in (0, 1) from draws first … first+count−1.
   xs: the 129 layer abscissae, rs: the 128 ratios, fs: exp(−xs²/2) (Simulate.Ziggurat). Bit-identical in every variant. */
void hashsec_counter_normals(uint64_t key, uint64_t gamma, uint64_t fkey, uint64_t fgamma, uint64_t first, long count,
                             double *out, long tripleStride, const double *xs, const double *rs, const double *fs);
int hashsec_counter_normals_variant(int variant, uint64_t key, uint64_t gamma, uint64_t fkey, uint64_t fgamma, uint64_t first,
                                    long count, double *out, long tripleStride, const double *xs, const double *rs, const double *fs);

/* The same normals with each whole triple correlated on the way out: (z0, z1, z2) → zc_j = fma(z2, lt[6+j],
   fma(z1, lt[3+j], z0·lt[j])) for lt = Lᵀ (3×3 row-major): the row (z0 z1 z2)·Lᵀ with the bits of OpenBLAS's dgemm on
   FMA machines (lt NULL: as hashsec_counter_normals). A count that is not a multiple of 3 stores its last partial triple
   uncorrelated. */
void hashsec_counter_normals_correlated(uint64_t key, uint64_t gamma, uint64_t fkey, uint64_t fgamma, uint64_t first, long count,
                                        double *out, long tripleStride, const double *xs, const double *rs, const double *fs,
                                        const double *lt);
int hashsec_counter_normals_correlated_variant(int variant, uint64_t key, uint64_t gamma, uint64_t fkey, uint64_t fgamma,
                                               uint64_t first, long count, double *out, long tripleStride, const double *xs,
                                               const double *rs, const double *fs, const double *lt);
/* zc = z·Lᵀ for `rows` rows of 3 (the correlation of iid shock triples, same bits as the fused form above). */
void hashsec_correlate3(long rows, const double *z, const double *lt, double *zc);
int hashsec_correlate3_variant(int variant, long rows, const double *z, const double *lt, double *zc);

/* Per-path parameters of one day (arrays of n, indexed by path; a parameter draw makes them differ between paths). */
typedef struct hashsec_day_lanes {
    const double *drift, *sigma, *hashA, *hashB, *hashC, *hashSigma, *kappa, *feeM, *feeSigma;
} hashsec_day_lanes;

/* One day of PathGenerator.evolve for n paths (diffusion and regime price steps, no stress overlay), vectorised across
   paths, with path p's parameters from lane p:
       lnS += drift + σ·z1 + jump,  lnH += a + b·lagged + c·trendDay + σ_H·z2,  x += κ(m − x) + σ_F·z3
   (z: the day's correlated shocks, [path][3], or with `pairs` [pair][3] where pair u drives paths 2u (+z) and 2u+1 (−z); lagged: per path, or NULL for the common value `laggedAll`; useLagged = 0 drops the term),
   then S, H, F = exp(lnS, lnH, x) with hashsec_vexp's function (same bits). */
void hashsec_evolve_day(long n, int pairs, const double *z, const double *jump, const double *lagged, double laggedAll, int useLagged,
                        double trendDay, const hashsec_day_lanes *lanes,
                        double *lnS, double *lnH, double *lnF, double *S, double *H, double *F);
/* The same in a given variant (0 portable, 1 AVX2, 2 AVX-512); −1 when this CPU lacks it (tests). */
int hashsec_evolve_day_variant(int variant, long n, int pairs, const double *z, const double *jump, const double *lagged, double laggedAll,
                               int useLagged, double trendDay, const hashsec_day_lanes *lanes,
                               double *lnS, double *lnH, double *lnF, double *S, double *H, double *F);
void hashsec_counter_uniforms(uint64_t key, uint64_t gamma, uint64_t first, long count, double *out);

/* Token cash flows, the element-wise part (Simulate.TokenPricer), for token days i < n (S, hp, deg: that day's price,
   hashprice BTC/PH/day and degradation factor): gross[i], cost[i] and net[i] = gross − cost/S after economic
   curtailment (power0 = overridePower from index overrideFrom on). Returns the number of curtailed days. */
long hashsec_token_terms(long n, const double *S, const double *hp, const double *deg, double feeFactor, double normalPower,
                         double overridePower, long overrideFrom, double hosting, int economic,
                         double *gross, double *cost, double *net);

/* Chain clock fast path for one day of n paths (Simulate.PathGenerator.evolve): where found = H·perHash < boundary −
   height, height += found, hpB = (1e15·perHash)·(subsidy + F), hpU = hpB·S and slow = 0; elsewhere slow = 1, height
   unchanged and hpB/hpU to be replaced by the caller. Returns the number of slow paths. */
long hashsec_clock_day(long n, const double *S, const double *H, const double *F, const double *perHash, const double *subsidy,
                       double *height, const double *boundary, double *hpB, double *hpU, unsigned char *slow);

/* A token's sequential pass over days i < days (Simulate.TokenPricer.price), after hashsec_token_terms: net[i] (in: the
   day's net BTC) becomes the payout — net floored at 0, or with `carry` net minus the BTC owed (the shortfall owed on);
   a deficit day (net < 0, or with `economic` gross == 0 outside the whole-fleet outage [fullOutageFrom, fullOutageTo))
   extends the run, and a run ≥ terminateAfter ends the token after that day; payouts on [suspendFrom, suspendTo) are
   withheld and paid with day `release` (−1: none) or, with releaseOnEnd, on the last day. netUSD[i] = payout·S[i];
   PV = Σ netUSD[i]·discount[i] (discount[i]: the factor of token day i + 1); cumulative (may be NULL): running paid BTC;
   state (may be NULL): owed, run, withheld after each day (3 per day). payback: first token day (1-based) with paid USD
   ≥ priceToken (canPayBack), else 0; last: the number of days paid (the end day when terminated). */
typedef struct hashsec_token_pass_in {
    long days, terminateAfter, fullOutageFrom, fullOutageTo, suspendFrom, suspendTo, release;
    int carry, economic, releaseOnEnd, canPayBack;
    double priceToken;
} hashsec_token_pass_in;
typedef struct hashsec_token_pass_out {
    double pv, btc, usd, owed, withheld;
    long payback, last;
    int terminated;
} hashsec_token_pass_out;
void hashsec_token_pass(const hashsec_token_pass_in *in, const double *S, const double *gross, double *net, double *netUSD,
                        const double *discount, double *cumulative, double *state, hashsec_token_pass_out *out);

/* Daily histograms (Simulate.HistogramBatch). Pending bin indices are tiled by HASHSEC_HIST_TILE days
   ([tile][slot < batch][TILE]: one slot's tile is one cache line): value t of a slot lives at
   (t / TILE)·tileStride + t % TILE from the slot's start. */
#include <stdint.h>
#define HASHSEC_HIST_TILE 32
/* out[tiled t] = bin of x[t] for t < n on the grid 2^eMin..2^eMax, 32 bins per octave (DayHistograms.bin). */
void hashsec_hist_bins(const double *x, long n, int eMin, int eMax, uint16_t *out, long tileStride);
/* Adds the n pending slots of one series (pending: [tile][slot < batch][TILE]) to counts ([day][bins]), day by day.
   local: 4·bins zeroed uint16 scratch, left zeroed; n ≤ 65535. */
void hashsec_hist_flush(const uint16_t *pending, long n, long days, long batch, uint32_t *counts, long bins, uint16_t *local);
#endif
