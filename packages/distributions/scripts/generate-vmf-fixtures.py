#!/usr/bin/env python3
"""Regenerate the golden values of src/__fixtures__/{distributions-golden,vmf-t-cdf}.json.

Usage (from packages/distributions):  python3 scripts/generate-vmf-fixtures.py

distributions-golden.json: log-densities, entropies, KL divergences, A_d(kappa) and A_d'(kappa)
for the contract and vMF tests, computed with mpmath at 40 digits on the float32-rounded inputs
the tests build (so the only error left in a test is its own float32 arithmetic).

vmf-t-cdf.json: reference CDFs of t = 1 - mu^T z for the KS tests, for d in {2, 3, 10, 100, 1000}
and kappa in {0, 0.5, 10, 1000, 1e5}: at ~400 values of t that follow the mass (approximate
quantiles from a fine float64 grid in numpy), G(t) = P(T <= t) =
∫_0^t e^{-kappa x} (x (2 - x))^((d-3)/2) dx / Z by adaptive QUADPACK quadrature (scipy, relative
error 1e-13, with the algebraic endpoint weight for the singularity of d = 2). The total is
checked against the closed form Z = e^{-kappa} sqrt(pi) Gamma((d-1)/2) (2/kappa)^(d/2 - 1)
I_{d/2-1}(kappa) (mpmath) to 1e-10, and d = 3 against (1 - e^{-kappa t}) / (1 - e^{-2 kappa}).
"""
import json
import os

import mpmath as mp
import numpy as np
from scipy.integrate import quad

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'src', '__fixtures__')
mp.mp.dps = 40


def f32(x):
    return float(np.float32(x))


def num(x):
    return float(mp.nstr(x, 17)) if mp.isfinite(x) else None


# ----- vMF reference functions --------------------------------------------------------------

def log_sphere_area(d):
    d = mp.mpf(d)
    return mp.log(2) + d / 2 * mp.log(mp.pi) - mp.loggamma(d / 2)


def besseli(v, x):
    return mp.besseli(v, x, maxterms=10**6)


def log_c(d, k):
    """log C_d(kappa) = (d/2-1) log k - (d/2) log(2 pi) - log I_{d/2-1}(k); -log|S| at k = 0."""
    if k == 0:
        return -log_sphere_area(d)
    d = mp.mpf(d)
    k = mp.mpf(k)
    return (d / 2 - 1) * mp.log(k) - d / 2 * mp.log(2 * mp.pi) - mp.log(besseli(d / 2 - 1, k))


def mean_resultant(d, k):
    if k == 0:
        return mp.mpf(0)
    d = mp.mpf(d)
    k = mp.mpf(k)
    return besseli(d / 2, k) / besseli(d / 2 - 1, k)


def mean_resultant_derivative(d, k):
    """A'(k) = 1 - A^2 - (d-1) A / k  (= 1/d at k = 0)."""
    if k == 0:
        return 1 / mp.mpf(d)
    a = mean_resultant(d, k)
    return 1 - a * a - (d - 1) * a / mp.mpf(k)


def vmf_entropy(d, k):
    return -mp.mpf(k) * mean_resultant(d, k) - log_c(d, k)


def vmf_kl_uniform(d, k):
    return mp.mpf(k) * mean_resultant(d, k) + log_c(d, k) + log_sphere_area(d)


def unit32(v):
    v = np.asarray(v, dtype=np.float64)
    return [f32(x) for x in v / np.linalg.norm(v)]


# ----- golden values ------------------------------------------------------------------------

def golden():
    rng = np.random.default_rng(20240611)
    out = {'diagonalNormal': [], 'standardNormal': [], 'vonMisesFisher': [], 'hypersphericalUniform': [],
           'vmfFunctions': []}
    # DiagonalNormal / StandardNormal: sum_j -1/2 (log 2 pi + 2 log s + ((x - m)/s)^2)
    for d in (1, 3, 5):
        for scale_exp in (-3, 0, 2):
            loc = [f32(x) for x in rng.normal(size=d) * 3]
            scale = [f32(x) for x in np.exp(rng.normal(size=d) * 0.5 + scale_exp)]
            value = [f32(m + s * e) for m, s, e in zip(loc, scale, rng.normal(size=d) * 2)]
            lp = mp.fsum(-(mp.log(2 * mp.pi) + 2 * mp.log(mp.mpf(s)) + ((mp.mpf(x) - mp.mpf(m)) / mp.mpf(s)) ** 2) / 2
                         for m, s, x in zip(loc, scale, value))
            out['diagonalNormal'].append({'loc': loc, 'scale': scale, 'value': value, 'logProb': num(lp)})
    for d in (1, 2, 8):
        value = [f32(x) for x in rng.normal(size=d) * 2]
        lp = mp.fsum(-(mp.log(2 * mp.pi) + mp.mpf(x) ** 2) / 2 for x in value)
        out['standardNormal'].append({'dim': d, 'value': value, 'logProb': num(lp)})
    # HypersphericalUniform
    for d in (2, 3, 4, 5, 16, 64, 1000, 4096):
        out['hypersphericalUniform'].append({'dim': d, 'logProb': num(-log_sphere_area(d)),
                                             'entropy': num(log_sphere_area(d))})
    # VonMisesFisher log-densities: dense random vectors for small d, sparse (+-e1, (w, s, 0, ...))
    # for every d including 4096.
    for d in (2, 3, 5, 16, 64):
        for k in (0.0, 1e-8, 0.5, 7.5, 300.0):
            mu = unit32(rng.normal(size=d))
            z = unit32(np.asarray(mu) * k / 10 + rng.normal(size=d))
            dot = mp.fsum(mp.mpf(a) * mp.mpf(b) for a, b in zip(mu, z))
            lp = log_c(d, f32(k)) + mp.mpf(f32(k)) * dot
            out['vonMisesFisher'].append({'dim': d, 'kappa': f32(k), 'mu': mu, 'z': z, 'logProb': num(lp)})
    for d in (2, 3, 4096):
        for k in (0.0, 1e-8, 1.0, 1e3, 1e6):
            for sign in (1.0, -1.0):
                for w in (0.999999, 0.3, -0.9):
                    w32 = f32(sign * w)
                    s32 = f32(np.sqrt(1 - float(w32) ** 2))
                    mu_sparse = [[0, sign]]
                    z_sparse = [[0, w32], [1, s32]]
                    lp = log_c(d, f32(k)) + mp.mpf(f32(k)) * mp.mpf(sign) * mp.mpf(w32)
                    out['vonMisesFisher'].append({'dim': d, 'kappa': f32(k), 'muSparse': mu_sparse,
                                                  'zSparse': z_sparse, 'logProb': num(lp)})
    # A_d, A_d', log C_d, entropy, KL to uniform
    for d in (2, 3, 4, 5, 10, 16, 64, 100, 256, 1000, 1024, 4096):
        for k in (0.0, 1e-8, 1e-3, 0.5, 1.0, 5.0, 10.0, 50.0, 100.0, 1e3, 1e4, 1e5, 1e6):
            k32 = f32(k)
            out['vmfFunctions'].append({
                'dim': d, 'kappa': k32,
                'meanResultantLength': num(mean_resultant(d, k32)),
                'meanResultantLengthDerivative': num(mean_resultant_derivative(d, k32)),
                'logNormalizer': num(log_c(d, k32)),
                'entropy': num(vmf_entropy(d, k32)),
                'klToUniform': num(vmf_kl_uniform(d, k32)),
            })
    return out


# ----- reference CDFs of t = 1 - w ------------------------------------------------------------

def approx_t_quantiles(d, k, levels):
    theta = np.linspace(0, np.pi, 400001)
    with np.errstate(divide='ignore'):
        logp = -2 * k * np.sin(theta / 2) ** 2 + ((d - 2) * np.log(np.sin(theta)) if d > 2 else 0)
    logp = np.where(np.isfinite(logp), logp, -np.inf)
    p = np.exp(logp - logp.max())
    cdf = np.concatenate([[0], np.cumsum((p[1:] + p[:-1]) / 2)])
    cdf /= cdf[-1]
    th = np.interp(levels, cdf, theta)
    t = 2 * np.sin(th / 2) ** 2
    return np.unique(t[(t > 0) & (t < 2)])


def t_cdf_table(d, k):
    """G(t_j) at approximate quantiles t_j, by QUADPACK (scipy.integrate.quad, float64) on the
    scaled integrand e^{-kappa x + a log(x (2 - x)) - c}, a = (d-3)/2, c its maximum, with the
    algebraic endpoint weight (x^a, or (2-x)^a) on the pieces that touch t = 0 or t = 2 when a < 0."""
    a = (d - 3) / 2
    mode_t = 0.0 if a <= 0 else (1 - (2 * k / ((d - 3) + np.hypot(d - 3, 2 * k))) if k > 0 else 1.0)
    logf = lambda x: -k * x + (a * np.log(x * (2 - x)) if a != 0 else 0.0)
    c = logf(mode_t) if a > 0 else 0.0
    g = lambda x: np.exp(logf(x) - c) if 0 < x < 2 else (np.exp(-c) if a == 0 else 0.0)
    near0 = lambda x: np.exp(-k * x + a * np.log(2 - x) - c)   # times x^a (weight)
    near2 = lambda x: np.exp(-k * x + a * np.log(x) - c)       # times (2-x)^a (weight)
    if k == 0:
        log_z = float(mp.log(mp.beta(a + 1, a + 1)) + (2 * a + 1) * mp.log(2)) - c
    else:
        log_z = float(-k + mp.log(mp.sqrt(mp.pi)) + mp.loggamma(a + 1) + (a + 0.5) * mp.log(2 / mp.mpf(k))
                      + mp.log(mp.besseli(a + 0.5, k, maxterms=10**6))) - c
    levels = np.concatenate([[1e-6, 1e-5, 1e-4, 1e-3], np.arange(1, 400) / 400, [0.999, 0.9999, 0.99999, 0.999999]])
    # 13 significant digits (a smaller fixture); G is computed at the rounded values.
    ts = np.unique([float(f'{t:.13g}') for t in approx_t_quantiles(d, k, levels)])
    ts = ts[(ts > 0) & (ts < 2)]
    opts = dict(epsabs=0.0, epsrel=1e-13, limit=200)

    def piece(lo, hi):
        if lo == 0 and a < 0:
            val, err = quad(near0, 0.0, hi, weight='alg', wvar=(a, 0.0), **opts)
        elif hi == 2 and a < 0:
            val, err = quad(near2, lo, 2.0, weight='alg', wvar=(0.0, a), **opts)
        else:
            # Breakpoints that cluster at lo: the mass of a long piece sits at its start.
            val, err = quad(g, lo, hi, points=[lo + (hi - lo) * 2.0 ** -j for j in range(1, 30)], **opts)
        assert err <= 1e-10 * val + 1e-12 * np.exp(log_z), (d, k, lo, hi, val, err)
        return val

    # Masses below each t <= 1 (accumulated from 0) and above each t > 1 (from 2).
    low = [t for t in ts if t <= 1]
    high = [t for t in ts if t > 1]
    below = np.cumsum([piece(lo, hi) for lo, hi in zip([0.0] + low[:-1], low)]) if low else np.zeros(0)
    above = np.cumsum([piece(lo, hi) for lo, hi in zip(high[::-1], ([2.0] + high[::-1])[:-1])])[::-1] if high else np.zeros(0)
    middle = piece(low[-1] if low else 0.0, high[0] if high else 2.0)
    total = (below[-1] if low else 0.0) + middle + (above[0] if high else 0.0)
    assert abs(np.log(total) - log_z) < 1e-10, (d, k, np.log(total), log_z)
    values = [b / total for b in below] + [1 - u / total for u in above]
    return [float(t) for t in ts], [float(f'{v:.13g}') for v in values]


def t_cdfs():
    out = []
    for d in (2, 3, 10, 100, 1000):
        for k in (0.0, 0.5, 10.0, 1000.0, 1e5):
            ts, gs = t_cdf_table(d, k)
            if d == 3:
                for t, gv in zip(ts, gs):
                    exact = (1 - mp.exp(-k * mp.mpf(t))) / (1 - mp.exp(-2 * k)) if k > 0 else mp.mpf(t) / 2
                    assert abs(gv - exact) <= 1e-12 * exact, (k, t, gv, exact)
            out.append({'dim': d, 'kappa': k, 't': ts, 'cdf': gs})
            print(f'cdf d={d} kappa={k}: {len(ts)} points', flush=True)
    return out


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'distributions-golden.json'), 'w') as fh:
        json.dump(golden(), fh, indent=None, separators=(',', ':'))
        fh.write('\n')
    print('golden values written', flush=True)
    with open(os.path.join(OUT, 'vmf-t-cdf.json'), 'w') as fh:
        json.dump(t_cdfs(), fh, indent=None, separators=(',', ':'))
        fh.write('\n')
