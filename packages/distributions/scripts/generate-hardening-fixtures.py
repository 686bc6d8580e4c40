#!/usr/bin/env python3
"""Regenerate the golden values of the numerics-hardening tests (issue 13, item 9) with mpmath.

Usage (from packages/distributions):  python3 scripts/generate-hardening-fixtures.py

Writes
- src/__fixtures__/gaussian-kl-golden.json: per-dimension KL(N(m1, s1^2) || N(m2, s2^2)) at
  near-equal scales (s1 = s2 (1 + eps), eps from 1e-1 down to 1e-7), at ordinary values and at
  extremes (scales 1e-30 and 1e30), on the float32-rounded inputs the tests build;
- src/special/__fixtures__/vmf-huge-kappa.json: log C_d, A_d, 1 - A_d, KL to the uniform, the
  entropy, log C_d + kappa and log I_{d/2-1} for d in {2, 3, 50, 1000} and kappa in
  {1e6, 1e10, 1e20, 1e30, 1e38}, at the double kappa (for the float64 functions) and at the
  float32-rounded kappa (for the tensor versions);
- src/special/__fixtures__/vmf-accuracy.json: the same quantities on the grid d in
  {2, 3, 10, 50, 1000} x kappa in {0, 1, 10, 1e3, 1e5} (the float32 accuracy the TSDoc states),
  and reference quantiles of the angle theta = acos(mu^T z) at 11 levels u on that grid (the
  inverse-CDF sampler's accuracy), as t = 1 - cos(theta) with its relative precision.

Every value is computed at 120 significant digits (Gaussian KLs: 200) and checked against the
same computation at 80 (150; quantiles: 90 against 75, to 1e-16)
(quantiles: the d = 3 ones also against the closed form t = -log(1 - u (1 - e^{-2 kappa}))/kappa),
and written with 20 significant digits as a string.
"""
import json
import os

import mpmath as mp
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT_FIXTURES = os.path.join(HERE, '..', 'src', '__fixtures__')
SPECIAL_FIXTURES = os.path.join(HERE, '..', 'src', 'special', '__fixtures__')
DIGITS = 20
MAXTERMS = 10**6


def f32(x):
    return float(np.float32(x))


def s(value):
    if value == 0:
        return '0'
    if mp.isinf(value):
        return 'Infinity' if value > 0 else '-Infinity'
    return mp.nstr(value, DIGITS, strip_zeros=False)


def checked(f, *args, rel=mp.mpf('1e-25'), dps=(40, 60)):
    """f(*args) at dps[1] digits, after checking that the dps[0]-digit value agrees to `rel`."""
    with mp.workdps(dps[0]):
        lo = f(*[mp.mpf(a) for a in args])
    with mp.workdps(dps[1]):
        hi = f(*[mp.mpf(a) for a in args])
    if hi != 0 and abs(lo - hi) > rel * abs(hi):
        raise AssertionError(f'{f.__name__}{args}: {lo} vs {hi}')
    return hi


# ----- Gaussian KL ----------------------------------------------------------------------------

def gaussian_kl(m1, s1, m2, s2):
    """log(s2/s1) + (s1^2 + (m1 - m2)^2) / (2 s2^2) - 1/2, exactly (mpmath)."""
    return mp.log(s2 / s1) + (s1 * s1 + (m1 - m2) ** 2) / (2 * s2 * s2) - mp.mpf(1) / 2


def gaussian_rows():
    cases = []
    for s2 in [1.0, 0.37, 3.3, 1e-20, 1e20]:
        for eps in [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7]:
            for sign in [1, -1]:
                for dm in [0.0, 1e-3]:
                    cases.append(('near-equal', 0.0 + dm * s2, s2 * (1 + sign * eps), 0.0, s2))
    for m1, s1, m2, s2 in [
        (0.0, 1.0, 0.0, 1.0), (0.5, 0.3, -1.2, 2.0), (3.0, 7.0, 1.0, 0.1), (-2.0, 0.01, 0.0, 1.0),
        (0.0, 4.0, 0.0, 1.0), (1e3, 1.0, 0.0, 1.0), (0.0, 0.5, 0.0, 1.0), (0.0, 2.0, 0.0, 1.0),
    ]:
        cases.append(('ordinary', m1, s1, m2, s2))
    for s1 in [1e-30, 1e30]:
        for s2 in [1.0, 1e-30, 1e30]:
            cases.append(('extreme', 0.0, s1, 0.0, s2))
            cases.append(('extreme', 1.0, s1, 0.0, s2))
    rows = []
    for kind, m1, s1, m2, s2 in cases:
        m1, s1, m2, s2 = f32(m1), f32(s1), f32(m2), f32(s2)
        # The defining form cancels up to ~1e-61 against 1/2: 150 digits, checked at 200.
        kl = checked(gaussian_kl, m1, s1, m2, s2, rel=mp.mpf('1e-20'), dps=(150, 200))
        rows.append({'kind': kind, 'm1': m1, 's1': s1, 'm2': m2, 's2': s2, 'kl': s(kl)})
    return rows


# ----- von Mises-Fisher -------------------------------------------------------------------------

def besseli(v, x):
    return mp.besseli(v, x, maxterms=MAXTERMS)


def log_sphere(d):
    return mp.log(2) + d / 2 * mp.log(mp.pi) - mp.loggamma(d / 2)


def mean_resultant(d, k):
    if k == 0:
        return mp.mpf(0)
    return besseli(d / 2, k) / besseli(d / 2 - 1, k)


def one_minus_mean_resultant(d, k):
    if k == 0:
        return mp.mpf(1)
    return (besseli(d / 2 - 1, k) - besseli(d / 2, k)) / besseli(d / 2 - 1, k)


def log_bessel_i(d, k):
    return mp.log(besseli(d / 2 - 1, k))


def log_normalizer(d, k):
    if k == 0:
        return -log_sphere(d)
    v = d / 2 - 1
    return v * mp.log(k) - d / 2 * mp.log(2 * mp.pi) - mp.log(besseli(v, k))


def log_normalizer_plus_kappa(d, k):
    return log_normalizer(d, k) + k


def kl_to_uniform(d, k):
    return k * mean_resultant(d, k) + log_normalizer(d, k) + log_sphere(d)


def entropy(d, k):
    return -k * mean_resultant(d, k) - log_normalizer(d, k)


VMF_FUNCTIONS = {
    'logNormalizer': log_normalizer,
    'logNormalizerPlusKappa': log_normalizer_plus_kappa,
    'meanResultantLength': mean_resultant,
    'oneMinusMeanResultantLength': one_minus_mean_resultant,
    'klToUniform': kl_to_uniform,
    'entropy': entropy,
    'logBesselI': log_bessel_i,
}


def vmf_row(d, k):
    # KL and entropy at kappa = 1e38 cancel 38 digits: 80 digits leave 42, checked at 120.
    row = {'dim': d, 'kappa': k}
    for name, f in VMF_FUNCTIONS.items():
        if name == 'logBesselI' and k == 0:
            row[name] = s(mp.mpf(0) if d == 2 else mp.mpf('-inf'))
            continue
        row[name] = s(checked(lambda dd, kk, f=f: f(dd, kk), d, k, rel=mp.mpf('1e-22'),
                              dps=(80, 120)))
    return row


def huge_kappa_rows():
    rows = []
    for d in [2, 3, 50, 1000]:
        for k in [1e6, 1e10, 1e20, 1e30, 1e38]:
            rows.append({**vmf_row(d, k), 'precision': 'float64'})
            rows.append({**vmf_row(d, f32(k)), 'precision': 'float32'})
    return rows


ACCURACY_DIMS = [2, 3, 10, 50, 1000]
ACCURACY_KAPPAS = [0.0, 1.0, 10.0, 1e3, 1e5]
QUANTILE_LEVELS = [1e-6, 1e-3, 0.05, 0.25, 0.5, 0.75, 0.95, 0.999, 0.999999, 1e-10, 1 - 1e-9]


def angle_density(d, k, theta):
    """Unnormalised density of theta = acos(mu^T z): exp(-2 k sin^2(theta/2)) sin(theta)^(d-2)."""
    half = mp.sin(theta / 2)
    value = mp.exp(-2 * k * half * half)
    return value if d == 2 else value * mp.sin(theta) ** (d - 2)


def angle_breakpoints(d, k):
    """Points that split [0, pi] into pieces on which the density is smooth and not too peaked."""
    nu = d - 2
    if nu == 0:
        mode = mp.mpf(0)
    elif k == 0:
        mode = mp.pi / 2
    else:
        r = mp.sqrt(nu * nu + 4 * k * k)
        mode = mp.acos(2 * k / (nu + r))
    width = 1 / mp.sqrt(k + nu + 1)
    pts = {mp.mpf(0), mp.pi}
    for j in range(-80, 81):
        p = mode + j * width / 4
        if 0 < p < mp.pi:
            pts.add(p)
    return sorted(pts)


def quantiles(d, k, levels):
    """theta with P(Theta <= theta) = u for each u in levels, by safeguarded Newton on Gauss-Legendre."""
    pts = angle_breakpoints(d, k)
    g = lambda th: angle_density(d, k, th)
    # Gauss-Legendre: tanh-sinh's error estimate misjudges these peaked pieces (1e-11 at 45 digits).
    pieces = [mp.quad(g, [pts[i], pts[i + 1]], method='gauss-legendre') for i in range(len(pts) - 1)]
    z = mp.fsum(pieces)
    cum = [mp.mpf(0)]
    for p in pieces:
        cum.append(cum[-1] + p)
    out = []
    for u in levels:
        target = mp.mpf(u) * z
        i = max(j for j in range(len(pts) - 1) if cum[j] <= target)
        a, b = pts[i], pts[i + 1]
        x = a + (b - a) * (target - cum[i]) / pieces[i]
        for _ in range(200):
            f = cum[i] + mp.quad(g, [pts[i], x], method='gauss-legendre') - target
            if f == 0:
                break
            if f < 0:
                a = x
            else:
                b = x
            step = x - f / g(x)
            nxt = step if a < step < b else (a + b) / 2
            if abs(nxt - x) <= mp.mpf(10) ** (-mp.mp.dps + 8) * abs(x):
                x = nxt
                break
            x = nxt
        out.append(x)
    return out


def t_of(theta):
    half = mp.sin(theta / 2)
    return 2 * half * half


def quantile_rows():
    rows = []
    for d in ACCURACY_DIMS:
        for k in ACCURACY_KAPPAS:
            with mp.workdps(75):
                lo = [t_of(th) for th in quantiles(d, k, QUANTILE_LEVELS)]
            with mp.workdps(90):
                hi = [t_of(th) for th in quantiles(d, k, QUANTILE_LEVELS)]
                for u, tl, th in zip(QUANTILE_LEVELS, lo, hi):
                    if abs(tl - th) > mp.mpf('1e-16') * th:
                        raise AssertionError(f'quantile d={d} k={k} u={u}: {tl} vs {th}')
                    if d == 3:
                        kk = mp.mpf(k)
                        closed = (2 * mp.mpf(u) if k == 0
                                  else -mp.log1p(-mp.mpf(u) * -mp.expm1(-2 * kk)) / kk)
                        if abs(closed - th) > mp.mpf('1e-25') * th:
                            raise AssertionError(f'd=3 k={k} u={u}: {th} vs closed form {closed}')
                    rows.append({'dim': d, 'kappa': k, 'u': u, 't': s(th)})
    return rows


def accuracy_rows():
    return [vmf_row(d, k) for d in ACCURACY_DIMS for k in ACCURACY_KAPPAS]


def write(directory, name, rows, meta=None):
    path = os.path.join(directory, name)
    with open(path, 'w') as f:
        json.dump({'generator': 'scripts/generate-hardening-fixtures.py', **(meta or {}),
                   'rows': rows}, f, indent=1)
        f.write('\n')
    print('wrote', path, len(rows), 'rows')


def main():
    write(ROOT_FIXTURES, 'gaussian-kl-golden.json', gaussian_rows(),
          {'note': 'per-dimension KL(N(m1, s1^2) || N(m2, s2^2)) at float32 inputs, mpmath 200 digits'})
    write(SPECIAL_FIXTURES, 'vmf-huge-kappa.json', huge_kappa_rows(),
          {'note': 'vMF quantities at huge kappa, mpmath 120 digits; precision: float64 = the '
                   'double kappa, float32 = the float32-rounded kappa'})
    write(SPECIAL_FIXTURES, 'vmf-accuracy.json', accuracy_rows(),
          {'note': 'vMF quantities on the accuracy grid, mpmath 120 digits',
           'quantiles': quantile_rows()})


if __name__ == '__main__':
    main()
