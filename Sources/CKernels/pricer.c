/* The element-wise part of a token's daily cash flows (Simulate.TokenPricer.price), vectorised along the days:
       gross₀ = (feeFactor·deg_t)·hp_t,  power₀ = base power at the day's price (stress override from a day on)
       off    = economic ∧ gross₀·S_t < power₀          (curtailment: machines off, no revenue, no power)
       cost   = (off ? 0 : power₀) + hosting,   net = (off ? 0 : gross₀) − cost/S_t
   The sequential rest (deficits carried, payouts, totals, payback, termination) stays in Swift. The division per day
   was the scalar loop's throughput limit; here it runs 4–8 at a time. No contraction: every variant gives the same bits. */
#pragma clang fp contract(off)
#include "variants.h"

#define DEFINE_TERMS(SUFFIX, ATTR) \
ATTR static long terms_##SUFFIX(long n, const double *restrict S, const double *restrict hp, const double *restrict deg, \
        double feeFactor, double normalPower, double overridePower, long overrideFrom, double hosting, int economic, \
        double *restrict gross, double *restrict cost, double *restrict net) { \
    long curtailed = 0; \
    _Pragma("clang loop vectorize(enable)") \
    for (long i = 0; i < n; i++) { \
        double s = S[i]; \
        double g0 = feeFactor * deg[i] * hp[i]; \
        double p0 = i >= overrideFrom ? overridePower : normalPower; \
        int off = economic && g0 * s < p0; \
        double g = off ? 0.0 : g0, c = (off ? 0.0 : p0) + hosting; \
        gross[i] = g; cost[i] = c; net[i] = g - c / s; \
        curtailed += off; \
    } \
    return curtailed; \
}
HASHSEC_DEFINE_VARIANTS(DEFINE_TERMS)

long hashsec_token_terms(long n, const double *S, const double *hp, const double *deg, double feeFactor, double normalPower,
                         double overridePower, long overrideFrom, double hosting, int economic,
                         double *gross, double *cost, double *net) {
    return HASHSEC_CALL(hashsec_vecmath_variant(), terms, n, S, hp, deg, feeFactor, normalPower, overridePower, overrideFrom, hosting,
                        economic, gross, cost, net);
}

/* The chain clock's fast path for one day of a block (Simulate.PathGenerator.evolve), vectorised across paths: a path
   whose day reaches no boundary (found = H·perHash < boundary − height) advances its height and gets
   hashprice = (10¹⁵·perHash)·(subsidy + F) BTC/PH/day and hpU = hashprice·S; the others are flagged for the caller. */
#define DEFINE_CLOCK(SUFFIX, ATTR) \
ATTR static long clock_##SUFFIX(long n, const double *restrict S, const double *restrict H, const double *restrict F, \
        const double *restrict perHash, const double *restrict subsidy, double *restrict height, const double *restrict boundary, \
        double *restrict hpB, double *restrict hpU, unsigned char *restrict slow) { \
    long count = 0; \
    _Pragma("clang loop vectorize(enable)") \
    for (long p = 0; p < n; p++) { \
        double found = H[p] * perHash[p], h = height[p]; \
        int fast = found < boundary[p] - h; \
        double hp = 1e15 * perHash[p] * (subsidy[p] + F[p]); \
        height[p] = fast ? h + found : h; \
        hpB[p] = hp; hpU[p] = hp * S[p]; slow[p] = (unsigned char)!fast; count += !fast; \
    } \
    return count; \
}
HASHSEC_DEFINE_VARIANTS(DEFINE_CLOCK)

long hashsec_clock_day(long n, const double *S, const double *H, const double *F, const double *perHash, const double *subsidy,
                       double *height, const double *boundary, double *hpB, double *hpU, unsigned char *slow) {
    return HASHSEC_CALL(hashsec_vecmath_variant(), clock, n, S, H, F, perHash, subsidy, height, boundary, hpB, hpU, slow);
}
