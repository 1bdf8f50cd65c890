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
    return HASHSEC_CALL(hashsec_variant_fast(), terms, n, S, hp, deg, feeFactor, normalPower, overridePower, overrideFrom, hosting,
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
    return HASHSEC_CALL(hashsec_variant_fast(), clock, n, S, H, F, perHash, subsidy, height, boundary, hpB, hpU, slow);
}

/* The token's sequential pass (Simulate.TokenPricer.price; see ckernels.h): deficits carried or floored, the run of
   deficit days and termination, a payout suspension and its release, the totals and the discounted PV, in day order
   (the same additions in the same order as the Swift loop it replaced). The common case (no suspension, no whole-fleet
   outage, no state output) runs a loop instantiated per (carry, cumulative) with integer selects instead of branches
   (near breakeven the deficit test flips unpredictably); the general case keeps every test. */
#include <limits.h>
#define INLINE_PASS static inline __attribute__((always_inline))
/* The day's payout from its net BTC: with `carry` the net minus the BTC owed (the shortfall owed on), else net floored at 0. */
INLINE_PASS double payout(double nt, double *owed, int carry) {
    if (carry) {
        const double bal = nt - *owed;
        *owed = bal >= 0 ? 0.0 : -bal;
        return bal >= 0 ? bal : 0.0;
    }
    return nt > 0 ? nt : 0.0;
}
/* One day of the fast pass: the payout, the deficit run (only when the token can terminate: `term`), the stores and
   the running sums, in the general pass's order. */
#define PASS_DAY(I) \
        const long t = (I) + 1; \
        const double s = S[I], nt = net[I]; \
        double pay = payout(nt, &owed, carry); \
        if (term) { \
            const long deficit = (long)(nt < 0) | (economic & (long)(gross[I] == 0)); \
            run = (run + 1) & -deficit; \
        } \
        const double payUSD = pay * s; \
        net[I] = pay; netUSD[I] = payUSD; \
        btc += pay; usd += payUSD; pv += payUSD * discount[I]; tw += (double)t * payUSD; \
        if (cum) cumulative[I] = btc;
INLINE_PASS void token_pass_fast(const hashsec_token_pass_in *in, const double *restrict S, const double *restrict gross,
                                 double *restrict net, double *restrict netUSD, const double *restrict discount,
                                 double *restrict cumulative, hashsec_token_pass_out *out, const int carry, const int cum,
                                 const int term) {
    const long n = in->days, termN = in->terminateAfter;
    const long economic = in->economic != 0, canPayBack = in->canPayBack != 0;
    const double priceToken = in->priceToken;
    double pv = 0, btc = 0, usd = 0, tw = 0, owed = 0;
    long payback = 0, run = 0, last = n;
    int terminated = 0;
    long i = 0;
    /* Until the payback day (the first with paid USD ≥ the price), testing for it; then without the test. */
    for (; i < n; i++) {
        PASS_DAY(i)
        const int paid = canPayBack && usd >= priceToken;
        if (paid) payback = t;
        if (term && __builtin_expect(run >= termN, 0)) { terminated = 1; last = t; goto done; }
        if (paid) { i++; break; }
    }
    for (; i < n; i++) {
        PASS_DAY(i)
        if (term && __builtin_expect(run >= termN, 0)) { terminated = 1; last = t; break; }
    }
done:
    out->pv = pv; out->btc = btc; out->usd = usd; out->weightedUSD = tw; out->owed = owed; out->withheld = 0;
    out->payback = payback; out->last = last; out->terminated = terminated;
}
#undef PASS_DAY

static void token_pass_general(const hashsec_token_pass_in *in, const double *restrict S, const double *restrict gross,
                               double *restrict net, double *restrict netUSD, const double *restrict discount,
                               double *restrict cumulative, double *restrict state, hashsec_token_pass_out *out) {
    const long n = in->days, termN = in->terminateAfter, fullLo = in->fullOutageFrom, fullHi = in->fullOutageTo;
    const long susLo = in->suspendFrom, susHi = in->suspendTo, release = in->release;
    const int carry = in->carry, economic = in->economic, releaseOnEnd = in->releaseOnEnd, canPayBack = in->canPayBack;
    const double priceToken = in->priceToken;
    double pv = 0, btc = 0, usd = 0, tw = 0, owed = 0, withheld = 0;
    long payback = 0, run = 0, last = n;
    int terminated = 0;
    for (long i = 0; i < n; i++) {
        const long t = i + 1;
        const double s = S[i], nt = net[i];
        double pay = payout(nt, &owed, carry);
        const int down = i >= fullLo && i < fullHi;
        const int deficit = nt < 0 || (economic && gross[i] == 0 && !down);
        run = deficit ? run + 1 : 0;
        if (i >= susLo && i < susHi) { withheld += pay; pay = 0; }
        const int ends = run >= termN;
        if (i == release || (ends && releaseOnEnd)) { pay += withheld; withheld = 0; }
        const double payUSD = pay * s;
        net[i] = pay; netUSD[i] = payUSD;
        btc += pay; usd += payUSD; pv += payUSD * discount[i]; tw += (double)t * payUSD;
        if (cumulative) cumulative[i] = btc;
        if (state) { state[3 * i] = owed; state[3 * i + 1] = (double)run; state[3 * i + 2] = withheld; }
        payback = payback == 0 && canPayBack && usd >= priceToken ? t : payback;
        if (ends) { terminated = 1; last = t; break; }
    }
    out->pv = pv; out->btc = btc; out->usd = usd; out->weightedUSD = tw; out->owed = owed; out->withheld = withheld;
    out->payback = payback; out->last = last; out->terminated = terminated;
}

void hashsec_token_pass(const hashsec_token_pass_in *in, const double *S, const double *gross, double *net, double *netUSD,
                        const double *discount, double *cumulative, double *state, hashsec_token_pass_out *out) {
    int general = state != 0 || in->suspendFrom < in->suspendTo || in->release >= 0 || in->fullOutageFrom < in->fullOutageTo;
    if (general) { token_pass_general(in, S, gross, net, netUSD, discount, cumulative, state, out); return; }
    /* Instantiated per (carry, cumulative, can terminate): the common cases keep no test they do not need. */
    const int term = in->terminateAfter != LONG_MAX;
    const int k = (in->carry ? 4 : 0) | (cumulative ? 2 : 0) | term;
    switch (k) {
    case 0: token_pass_fast(in, S, gross, net, netUSD, discount, 0, out, 0, 0, 0); break;
    case 1: token_pass_fast(in, S, gross, net, netUSD, discount, 0, out, 0, 0, 1); break;
    case 2: token_pass_fast(in, S, gross, net, netUSD, discount, cumulative, out, 0, 1, 0); break;
    case 3: token_pass_fast(in, S, gross, net, netUSD, discount, cumulative, out, 0, 1, 1); break;
    case 4: token_pass_fast(in, S, gross, net, netUSD, discount, 0, out, 1, 0, 0); break;
    case 5: token_pass_fast(in, S, gross, net, netUSD, discount, 0, out, 1, 0, 1); break;
    case 6: token_pass_fast(in, S, gross, net, netUSD, discount, cumulative, out, 1, 1, 0); break;
    default: token_pass_fast(in, S, gross, net, netUSD, discount, cumulative, out, 1, 1, 1); break;
    }
}
