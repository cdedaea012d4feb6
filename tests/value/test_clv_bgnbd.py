"""BG/NBD expectations against the hypergeometric formulas evaluated in 60-digit arithmetic.

Reference: Fader, Hardie & Lee (2005), Marketing Science 24(2), eq. (9) and the numerator of
eq. (10): (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
(x = T = 0 for E[X(t)]), here with mpmath's hyp2f1, over parameters from 0.02 to 50 (including
a + b + x < 1, where the 2F1 turns negative, a > 1 + r + x, where the other Euler form is
needed, and integer C - A - B near z = 1, where scipy 1.17's hyp2f1 fails), x up to 300, T and t
up to 600.
"""

from __future__ import annotations

import mpmath
import numpy as np

from kamreport.value.bgnbd import _increment


def _reference(r: float, alpha: float, a: float, b: float, x: float, big_t: float, t: float) -> float:
    with mpmath.workdps(60):
        r, alpha, a, b, x, big_t, t = (mpmath.mpf(float(v)) for v in (r, alpha, a, b, x, big_t, t))
        if a == 1:  # the limit a -> 1
            a += mpmath.mpf(10) ** -30
        z = t / (alpha + big_t + t)
        ratio = ((alpha + big_t) / (alpha + big_t + t)) ** (r + x)
        return float((a + b + x - 1) / (a - 1) * (1 - ratio * mpmath.hyp2f1(r + x, b + x, a + b + x - 1, z)))


def test_increment_matches_high_precision_hypergeometric() -> None:
    rng = np.random.default_rng(7)
    cases = []
    for _ in range(300):
        r, alpha, a, b = np.exp(rng.uniform(np.log(0.02), np.log(50.0), 4))
        x = float(rng.choice([0, 0, 1, 2, 5, 20, 80, 300]))
        big_t = float(np.exp(rng.uniform(np.log(0.01), np.log(600.0))))
        if x == 0 and rng.random() < 0.5:
            big_t = 0.0  # a new customer: E[X(t)]
        t = float(np.exp(rng.uniform(np.log(0.1), np.log(600.0))))
        cases.append((r, alpha, a, b, x, big_t, t))
    # C - A - B an integer with z > 0.9, where scipy's hyp2f1 returns inf or wrong digits (two
    # found by hypothesis), and a = 1, the removable singularity
    cases += [(24.0, 0.125, 32.0, 42.0, 0.0, 0.25, 4.0), (30.0, 1.0, 2.0, 50.0, 59.0, 1.0, 20.0),
              (5.0, 1.0, 2.0, 3.0, 0.0, 0.0, 30.0), (1.5, 2.0, 0.5, 2.0, 3.0, 10.0, 200.0),
              (2.0, 1.0, 1.0 + 3e-8, 3.0, 4.0, 1.0, 60.0), (0.5, 4.0, 1.0, 2.0, 1.0, 5.0, 10.0)]
    got = [float(_increment({"r": r, "alpha": al, "a": a, "b": b}, np.array(t), np.array(x), np.array(bt)))
           for r, al, a, b, x, bt, t in cases]
    want = [_reference(*case) for case in cases]
    np.testing.assert_allclose(got, want, rtol=1e-9)
