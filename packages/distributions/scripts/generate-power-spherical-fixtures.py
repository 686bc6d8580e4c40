#!/usr/bin/env python3
"""Regenerate the golden values of the Power Spherical distribution and its special functions.

Usage (from packages/distributions):  python3 scripts/generate-power-spherical-fixtures.py

src/special/__fixtures__/power-spherical.json (mpmath, 40 digits, checked against 60):
  - digamma psi(x) (the float64 `digamma`);
  - psi(x + b) - psi(x) and psi'(x) - psi'(x + b) at float32-rounded x = b + kappa (the float32
    tensor differences);
  - dX/dalpha of a Gamma(alpha, 1) draw X at fixed CDF (the implicit reparameterisation
    gradient, Figurnov et al. 2018): -(dP(alpha, x)/dalpha) / f(x; alpha), at the quantiles
    x = P^{-1}(q; alpha) (scipy), with dP/dalpha by mpmath's numerical differentiation of the
    regularised incomplete gamma function;
  - the Power Spherical log-normaliser, entropy, KL to the uniform distribution on the sphere and
    its kappa-derivative, E[log((1 + t)/2)] and E[t], for d in 2..4096 and kappa in 0..1e6
    (float32-rounded kappa). The KL is computed twice, as log|S^{d-1}| - H (the definition) and as
    D(beta + kappa) - D(beta) - kappa (psi(alpha + beta) - psi(alpha)) with
    D(x) = log Gamma(x + beta) - log Gamma(x), and the two must agree to 1e-30.

src/__fixtures__/power-spherical-golden.json:
  - log-densities at float32 inputs (dense random vectors for small d, and (t, sqrt(1 - t^2), 0,
    ...) against mu = +-e1 for every d), evaluated in mpmath on the exact float32 values;
  - reference CDFs of u = 1 - mu^T x for the KS tests, for d in {2, 3, 10, 100, 1000} and kappa in
    {0, 0.5, 10, 1000, 1e5}: since (1 + t)/2 ~ Beta(alpha, beta), u/2 = 1 - (1 + t)/2 ~
    Beta(beta, alpha) and P(U <= u) = I_{u/2}(beta, alpha). At ~400 approximate quantiles
    (scipy's betaincinv) the CDF is scipy's betainc (float64), checked against mpmath's
    regularised incomplete beta to 1e-12 on every tenth point and against the d = 3 closed form
    1 - (1 - u/2)^(1 + kappa) on every point.
"""
import json
import os

import mpmath as mp
import numpy as np
from scipy.special import betainc, betaincinv, gammaincinv

HERE = os.path.dirname(os.path.abspath(__file__))
SPECIAL_OUT = os.path.join(HERE, '..', 'src', 'special', '__fixtures__')
OUT = os.path.join(HERE, '..', 'src', '__fixtures__')
mp.mp.dps = 40


def f32(x):
    return float(np.float32(x))


def num(x):
    """A float64 from an mpf (17 significant digits)."""
    return float(mp.nstr(x, 17))


def checked(f, *args, rel=mp.mpf('1e-28')):
    """f(*args) at 40 digits, after checking that the 60-digit value agrees to `rel`."""
    with mp.workdps(40):
        lo = f(*[mp.mpf(a) for a in args])
    with mp.workdps(60):
        hi = f(*[mp.mpf(a) for a in args])
    if abs(lo - hi) > rel * abs(hi) + mp.mpf('1e-35'):
        raise AssertionError(f'{f.__name__}{args}: {lo} vs {hi}')
    return lo


# ----- special functions ----------------------------------------------------------------------

def digamma_difference(x, b):
    return mp.digamma(x + b) - mp.digamma(x)


def trigamma_difference(x, b):
    return mp.psi(1, x) - mp.psi(1, x + b)


def gamma_shape_derivative(a, x):
    """dX/dalpha at fixed P(alpha, X) for X ~ Gamma(alpha, 1)."""
    dp = mp.diff(lambda s: mp.gammainc(s, 0, x, regularized=True), a)
    log_f = (a - 1) * mp.log(x) - x - mp.loggamma(a)
    return -dp / mp.exp(log_f)


def log_sphere_area(d):
    return mp.log(2) + d / 2 * mp.log(mp.pi) - mp.loggamma(d / 2)


def ps_log_normalizer(d, k):
    """log C(kappa, d) = (alpha + beta) log 2 + beta log pi + log Gamma(alpha) - log Gamma(alpha + beta)."""
    b = (d - 1) / 2
    a = b + k
    return (a + b) * mp.log(2) + b * mp.log(mp.pi) + mp.loggamma(a) - mp.loggamma(a + b)


def ps_mean_log_half_one_plus_t(d, k):
    """E[log((1 + t)/2)] = psi(alpha) - psi(alpha + beta), since (1 + t)/2 ~ Beta(alpha, beta)."""
    b = (d - 1) / 2
    a = b + k
    return mp.digamma(a) - mp.digamma(a + b)


def ps_entropy(d, k):
    return ps_log_normalizer(d, k) - k * (mp.log(2) + ps_mean_log_half_one_plus_t(d, k))


def ps_kl_definition(d, k):
    return log_sphere_area(d) - ps_entropy(d, k)


def ps_kl_differences(d, k):
    b = (d - 1) / 2
    a = b + k

    def lg_diff(x):
        return mp.loggamma(x + b) - mp.loggamma(x)

    return lg_diff(a) - lg_diff(b) - k * (mp.digamma(a + b) - mp.digamma(a))


def ps_kl_derivative(d, k):
    """d KL / d kappa = kappa (psi'(alpha) - psi'(alpha + beta))."""
    b = (d - 1) / 2
    return k * trigamma_difference(b + k, b)


DIGAMMA_X = [
    1e-10, 1e-3, 0.1, 0.5, 1.0, 1.4616321449683622, 1.5, 2.0, 2.5, 5.0, 9.99, 10.0, 10.01, 20.0,
    100.0, 1e4, 1e6, 1e10, 1e100,
]
DIFFERENCE_B = [0.5, 1.0, 1.5, 2.0, 4.5, 7.5, 8.0, 49.5, 499.5, 2047.5]
KAPPAS = [0.0, 1e-8, 1e-4, 1e-2, 0.5, 1.0, 7.5, 10.0, 100.0, 1000.0, 1e4, 1e5, 1e6]
GAMMA_ALPHA = [0.5, 1.0, 1.5, 2.5, 10.0, 100.0, 1000.0, 9999.0, 1e4, 1e5, 1e6]
GAMMA_Q = [1e-8, 1e-3, 0.1, 0.5, 0.9, 0.999, 1 - 1e-8]
PS_DIMS = [2, 3, 4, 5, 10, 16, 17, 18, 64, 100, 1000, 4096]


def special_fixture():
    out = {'digamma': [], 'differences': [], 'gammaShapeDerivative': [], 'powerSpherical': []}
    for x in DIGAMMA_X:
        out['digamma'].append({'x': x, 'digamma': num(checked(mp.digamma, x))})
    for b in DIFFERENCE_B:
        for k in KAPPAS:
            x = f32(b + k)
            out['differences'].append({
                'x': x,
                'b': b,
                'digammaDifference': num(checked(digamma_difference, x, b)),
                'trigammaDifference': num(checked(trigamma_difference, x, b)),
            })
    for a in GAMMA_ALPHA:
        for q in GAMMA_Q:
            x = float(gammaincinv(a, q))
            # mp.diff is a numerical derivative: check it to 1e-20 rather than 1e-28.
            d = checked(gamma_shape_derivative, a, x, rel=mp.mpf('1e-20'))
            out['gammaShapeDerivative'].append({'alpha': a, 'q': q, 'x': x, 'derivative': num(d)})
    for d in PS_DIMS:
        for k in KAPPAS:
            k32 = f32(k)
            kl = checked(ps_kl_differences, d, k32)
            kl_def = checked(ps_kl_definition, d, k32)
            if abs(kl - kl_def) > mp.mpf('1e-30') * max(abs(kl), 1):
                raise AssertionError(f'KL({d}, {k32}): {kl} vs {kl_def}')
            out['powerSpherical'].append({
                'dim': d,
                'kappa': k32,
                'logNormalizer': num(checked(ps_log_normalizer, d, k32)),
                'entropy': num(checked(ps_entropy, d, k32)),
                'klToUniform': num(kl),
                'klDerivative': num(checked(ps_kl_derivative, d, k32)),
                'meanLogHalfOnePlusT': num(checked(ps_mean_log_half_one_plus_t, d, k32)),
                'meanResultantLength': num(mp.mpf(k32) / (mp.mpf(k32) + d - 1)),
            })
    return out


# ----- log-densities --------------------------------------------------------------------------

def unit32(v):
    v = np.asarray(v, dtype=np.float64)
    return [f32(x) for x in v / np.linalg.norm(v)]


def log_prob(d, k, mu, z):
    dot = mp.fsum(mp.mpf(a) * mp.mpf(b) for a, b in zip(mu, z))
    k = mp.mpf(k)
    term = 0 if k == 0 else k * mp.log(1 + dot)
    return term - ps_log_normalizer(d, k)


def log_prob_rows():
    rng = np.random.default_rng(20060443)
    dense = []
    for d in (2, 3, 4, 10):
        for k in (0.0, 1e-8, 0.5, 10.0, 1000.0, 1e5):
            for _ in range(2):
                mu = unit32(rng.normal(size=d))
                # Near mu when kappa is large, so that the density is not astronomically small.
                spread = 1.0 if k < 100 else 1.0 / np.sqrt(k)
                z = unit32(np.asarray(mu) + spread * rng.normal(size=d))
                dense.append({'dim': d, 'kappa': f32(k), 'mu': mu, 'z': z,
                              'logProb': num(log_prob(d, f32(k), mu, z))})
    sparse = []
    for d in (2, 3, 10, 100, 1000, 4096):
        for k in (0.0, 1e-8, 0.5, 10.0, 1000.0, 1e5, 1e6):
            for sign in (1.0, -1.0):
                for t in (0.999999, 0.3, -0.9, -0.999):
                    w32 = f32(sign * t)
                    s32 = f32(np.sqrt(1 - float(w32) ** 2))
                    mu = [sign] + [0.0] * (d - 1)
                    z = [w32, s32] + [0.0] * (d - 2)
                    sparse.append({'dim': d, 'kappa': f32(k), 'muSparse': [[0, sign]],
                                   'zSparse': [[0, w32], [1, s32]],
                                   'logProb': num(log_prob(d, f32(k), mu, z))})
    return dense, sparse


# ----- reference CDFs of u = 1 - t ---------------------------------------------------------------

def u_cdf_table(d, k):
    b = (d - 1) / 2
    a = b + k
    levels = np.concatenate([[1e-6, 1e-5, 1e-4, 1e-3], np.arange(1, 400) / 400,
                             [0.999, 0.9999, 0.99999, 0.999999]])
    us = np.unique([float(f'{2 * float(betaincinv(b, a, q)):.13g}') for q in levels])
    us = us[(us > 0) & (us < 2)]
    cdf = [float(betainc(b, a, u / 2)) for u in us]
    for i, (u, c) in enumerate(zip(us, cdf)):
        if i % 10 == 0:
            ref = mp.betainc(b, a, 0, mp.mpf(u) / 2, regularized=True)
            assert abs(c - ref) <= 1e-12 * max(ref, 1e-300) + 1e-15, (d, k, u, c, ref)
        if d == 3:
            exact = 1 - (1 - mp.mpf(u) / 2) ** (1 + mp.mpf(k))
            assert abs(c - exact) <= 1e-12 * exact + 1e-15, (k, u, c, exact)
    return [float(u) for u in us], [float(f'{c:.13g}') for c in cdf]


def u_cdfs():
    out = []
    for d in (2, 3, 10, 100, 1000):
        for k in (0.0, 0.5, 10.0, 1000.0, 1e5):
            us, cs = u_cdf_table(d, k)
            out.append({'dim': d, 'kappa': k, 'u': us, 'cdf': cs})
    return out


def write(path, data, indent=None):
    with open(path, 'w') as fh:
        json.dump(data, fh, indent=indent, separators=None if indent else (',', ':'))
        fh.write('\n')
    print(f'wrote {os.path.relpath(path)}', flush=True)


def main():
    meta = {'generator': 'scripts/generate-power-spherical-fixtures.py', 'mpmath': mp.__version__,
            'dps': 40, 'agreesAtDps': 60}
    write(os.path.join(SPECIAL_OUT, 'power-spherical.json'), {**meta, **special_fixture()}, indent=1)
    dense, sparse = log_prob_rows()
    write(os.path.join(OUT, 'power-spherical-golden.json'),
          {**meta, 'logProbDense': dense, 'logProbSparse': sparse, 'uCdf': u_cdfs()})


if __name__ == '__main__':
    main()
