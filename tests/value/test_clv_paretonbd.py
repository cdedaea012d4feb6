"""The Pareto/NBD integral term, computed by quadrature, against its closed form in high precision.

Reference: Fader & Hardie (2005), "A note on deriving the Pareto/NBD model and related
expressions" (note 009), eqs. (19)-(20): with c = r + s + x,

    c * I = F(t_x) - F(T),  F(tau) = (M + tau)^-c 2F1(c, b'; c + 1; |alpha - beta| / (M + tau)),

M = max(alpha, beta) and b' = s + 1 if alpha >= beta, else r + x. mpmath evaluates it with 60
significant digits, so the cancellation in the difference does not matter there.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import mpmath
import numpy as np
import pandas as pd
import pytest
from scipy.special import gammaln, hyp2f1

from kamreport.value import customer_summary
from kamreport.value.paretonbd import log_integral, loglik
from kamreport.value.patterns import collapse


def _closed_form_log_integral(
    r: float, alpha: float, s: float, beta: float, x: float, tx: float, big_t: float
) -> float:
    with mpmath.workdps(60):
        r, alpha, s, beta, x, tx, big_t = (mpmath.mpf(v) for v in (r, alpha, s, beta, x, tx, big_t))
        c = r + s + x
        big_m, b_prime = (alpha, s + 1) if alpha >= beta else (beta, r + x)
        d = abs(alpha - beta)

        def f(tau):
            return (big_m + tau) ** (-c) * mpmath.hyp2f1(c, b_prime, c + 1, d / (big_m + tau))

        return float(mpmath.log((f(tx) - f(big_t)) / c))


GRID = [
    case for case in itertools.product(
        [0.05, 0.55, 5.0], [0.01, 1.0, 10.6, 1000.0], [0.05, 0.6, 5.0], [0.01, 11.7, 1000.0],
        [0, 1, 5, 60, 400], [0.0, 0.5, 30.0, 38.9], [1.0, 39.0, 5000.0],
    )
    if case[5] < case[6] and not (case[4] == 0 and case[5] > 0)
][::23]


def test_log_integral_matches_the_hypergeometric_closed_form() -> None:
    """ln I to 1e-10 (absolute) over parameters from 0.01 to 1000 (alpha < beta, alpha > beta),
    x up to 400, t_x from 0 to just below T, T up to 5000 — including steep integrands."""
    got, want = [], []
    for r, alpha, s, beta, x, tx, big_t in GRID:
        value, _ = log_integral(np.array([r, alpha, s, beta]), np.array([tx]), np.array([big_t]),
                                np.array([float(x)]), False)
        got.append(value[0])
        want.append(_closed_form_log_integral(r, alpha, s, beta, x, tx, big_t))
    assert len(GRID) > 150
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-10)


def test_log_integral_edge_cases() -> None:
    """alpha = beta (closed form without 2F1), alpha and beta a hair apart, and t_x = T (I = 0)."""
    r, s, x, tx, big_t = 0.5, 0.7, 3.0, 2.0, 39.0
    for alpha, beta in ((10.0, 10.0), (10.0, 10.0 * (1 + 1e-12)), (10.0 * (1 + 1e-12), 10.0)):
        value, grad = log_integral(np.array([r, alpha, s, beta]), np.array([tx]), np.array([big_t]),
                                   np.array([x]), True)
        k = r + s + x
        exact = np.log(((alpha + tx) ** -k - (alpha + big_t) ** -k) / k)
        assert value[0] == pytest.approx(exact, abs=1e-11)
        assert np.all(np.isfinite(grad))
    value, grad = log_integral(np.array([r, 10.0, s, 12.0]), np.array([big_t]), np.array([big_t]),
                               np.array([x]), True)
    assert value[0] == -np.inf and np.all(grad == 0)


def test_cdnow_log_likelihood_equals_the_closed_form(reference_dir: Path) -> None:
    """Per-customer Pareto/NBD log-likelihood (note 009, eq. 18) on all CDNOW patterns at the
    published estimates equals lifetimes 0.11.3's formula (``_log_A_0`` with scipy's hyp2f1,
    re-implemented here) to 1e-8, and the total is -9595.0 (Fader, Hardie & Lee 2005)."""
    raw = pd.read_csv(reference_dir / "cdnow" / "CDNOW_sample.txt", sep=r"\s+", header=None,
                      names=["master_id", "customer_id", "date", "cds", "amount"])
    raw["date"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
    summary = customer_summary(raw, customer="customer_id", date="date", amount="amount",
                               observation_end="1997-09-30", freq="W")
    (x, tx, big_t), w = collapse(*(summary[c].to_numpy(np.float64) for c in ("frequency", "recency", "T")))
    r, alpha, s, beta = 0.553, 10.578, 0.606, 11.669
    ours, _ = loglik(np.array([r, alpha, s, beta]), (x, tx, big_t), False)

    # lifetimes 0.11.3, ParetoNBDFitter._log_A_0 and _conditional_log_likelihood (alpha < beta)
    c = r + s + x
    z1, z2 = (beta - alpha) / (beta + tx), (beta - alpha) / (beta + big_t)
    p1, p2 = hyp2f1(c, r + x, c + 1, z1), hyp2f1(c, r + x, c + 1, z2)
    q1, q2 = beta + tx, beta + big_t
    with np.errstate(divide="ignore"):  # t_x = T: A_0 = 0
        log_a0 = np.log(p1 * q2**c - p2 * q1**c) - c * np.log(q1 * q2)
    second = np.log(s) + log_a0 - np.log(c)
    theirs = (gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
              + np.logaddexp(-(r + x) * np.log(alpha + big_t) - s * np.log(beta + big_t), second))
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-8)
    assert float(w @ ours) == pytest.approx(-9595.0, abs=0.1)
