#!/usr/bin/env python3
"""Vectorized numpy version of the hashsec Monte Carlo model, for the `hashsec perf simulate` comparison.

Same model and sizes as PerfSimulate (reference synthetic calibration, S21-class token): Merton price with Poisson
jumps, lagged hash-rate response, mean-reverting log fee, correlated shocks (Cholesky), expected blocks with
retargets (clamped, per path) and halvings, token cash flows with economic curtailment, PV, per-day quantiles.
Simplification in numpy's favour: retargets/halvings are applied at day granularity (no intra-day split), and IRR is
not computed. Usage: python3 scripts/bench_numpy.py [paths] [days]
"""
import sys, time, resource
import numpy as np

def run(paths=100_000, days=1095, chunk=20_000, seed=1):
    rng = np.random.default_rng(seed)
    mu, sig, lam, muJ, sJ = 0.0008, 0.03, 0.02, -0.02, 0.08
    a, b, c, sH, lag = -0.0068, 0.002, 0.0, 0.02, 30
    kap, m, sF = 0.05, np.log(0.1), 0.15
    L = np.linalg.cholesky(np.array([[1, 0.1, 0.2], [0.1, 1, 0], [0.2, 0, 1.0]]))
    S0, H0, F0, height0, elapsed = 16_500.0, 2.6e20, 0.1, 765_000, 5.0
    D0 = H0 * 600 / 2**32
    hp0 = np.log(1e15 * 86400 / (D0 * 2**32) * (6.25 + F0) * S0)
    h, eff, p, up, pool, mgmt, host, r = 1.0, 17.5, 0.055, 0.95, 0.02, 0.05, 0.002, 0.15
    t = np.arange(1, days + 1)
    deg = (1 - 0.03) ** (t / 365); disc = (1 + r) ** (-t / 365)
    power = h * eff * 24 / 1000 * p * up
    pv_all = []
    hp_hist = []
    for start in range(0, paths, chunk):
        n = min(chunk, paths - start)
        lnS = np.full(n, np.log(S0)); lnH = np.full(n, np.log(H0)); x = np.full(n, np.log(F0))
        D = np.full(n, D0); hgt = np.full(n, float(height0)); ep_start = np.full(n, -elapsed * 86400)
        lnhp = np.full((lag + 1 + days, n), hp0)
        pv = np.zeros(n)
        hp_days = np.empty((days, n))
        for d in range(days):
            z = rng.standard_normal((n, 3)) @ L.T
            N = rng.poisson(lam, n)
            jumps = N * muJ + np.sqrt(N) * sJ * rng.standard_normal(n)
            lnS += mu - sig**2 / 2 + sig * z[:, 0] + jumps
            lnH += a + b * lnhp[d] + c * d + sH * z[:, 1]
            x += kap * (m - x) + sF * z[:, 2]
            S, H, F = np.exp(lnS), np.exp(lnH), np.exp(x)
            blocks = 86400 * H / (D * 2**32)
            sub = 50.0 / 2 ** np.floor((hgt + 1) / 210_000)
            rev = blocks * (sub + F)
            new = hgt + blocks
            cross = np.floor((new + 1) / 2016) > np.floor((hgt + 1) / 2016)
            tnow = (d + 1) * 86400.0
            actual = np.clip(tnow - ep_start, 302_400, 4_838_400)
            D = np.where(cross, np.maximum(1, D * 1_209_600 / actual), D)
            ep_start = np.where(cross, tnow, ep_start)
            hgt = new
            hpB = 1e15 / H * rev
            lnhp[lag + 1 + d] = np.log(hpB * S)
            hp_days[d] = hpB * S
            gross = h * deg[d] * up * hpB / 1000 * (1 - pool) * (1 - mgmt)
            on = gross * S >= power
            net = np.where(on, gross - (power + host) / S, -host / S)
            pay = np.maximum(net, 0)
            pv += pay * S * disc[d]
        pv_all.append(pv)
        hp_hist.append(hp_days)
    pv = np.concatenate(pv_all)
    q = np.quantile(np.concatenate(hp_hist, axis=1), [0.05, 0.25, 0.5, 0.75, 0.95], axis=1)
    return pv.mean(), q

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help"):
        print(__doc__); sys.exit(0)
    paths = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    days = int(sys.argv[2]) if len(sys.argv) > 2 else 1095
    t0 = time.time()
    pv, q = run(paths, days)
    dt = time.time() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"numpy: {paths} paths x {days} days in {dt:.2f} s wall, {paths*days/dt:.3g} path-days/s, peak RSS {rss:.0f} MB, pv mean {pv:.4f}")
