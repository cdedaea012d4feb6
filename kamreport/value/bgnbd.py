"""BG/NBD model of repeat buying (Fader, Hardie & Lee 2005), fitted by maximum likelihood.

Customer i buys at a Poisson rate lambda ~ Gamma(r, alpha) (shape r, rate alpha) and, after each
repeat purchase, drops out for good with probability p ~ Beta(a, b). Data per customer: x
repeat purchase days, t_x the time of the last one and T the time observed, both counted from the
first purchase (:func:`kamreport.value.customer_summary`).

The log-likelihood (FHL 2005, eq. 6 and section 7), written once in :func:`loglik`, is

    ln L = ln G(r+x) - ln G(r) + r ln alpha + ln B(a, b+x) - ln B(a, b)
           + ln[ (alpha+T)^-(r+x) + 1{x>0} a/(b+x-1) (alpha+t_x)^-(r+x) ]

with the last term taken by ``logaddexp``; its gradient is analytic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from kamreport.errors import InputError
from kamreport.value.mle import FitResult, check_options, maximize, start_values
from kamreport.value.patterns import (
    Prediction,
    broadcast_history,
    collapse,
    label,
    offending_rows,
    validate_summary,
)

PARAMS = ("r", "alpha", "a", "b")


def loglik(
    theta: np.ndarray, data: tuple[np.ndarray, ...], gradient: bool = True
) -> tuple[np.ndarray, np.ndarray | None]:
    """BG/NBD log-likelihood per customer (pattern) and its gradient in ``(r, alpha, a, b)``.

    Parameters
    ----------
    theta : ndarray
        ``(r, alpha, a, b)``, all > 0.
    data : (x, t_x, T)
        Repeat purchases, recency and age, float64 arrays of one length.
    gradient : bool
        Also return the derivatives, shape ``(4, n)``.

    Returns
    -------
    (ndarray, ndarray or None)

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). Counting your customers the easy way: an
    alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275-284, eq. (6).
    Fader, Hardie & Lee (2008), "Computing P(alive) using the BG/NBD model", note 021.
    """
    r, alpha, a, b = (float(v) for v in theta)
    x, tx, big_t = data
    # Terms in x alone are tabulated over 0..max(x) and gathered: x takes few values, and the
    # special functions are most of the cost (10^5 patterns: ~30 ms -> ~5 ms per evaluation).
    xi = x.astype(np.intp)
    k = np.arange(int(xi.max()) + 1, dtype=np.float64)
    rx = r + x
    repeat = x > 0
    b1 = b + np.maximum(k, 1.0) - 1.0          # b + x - 1, kept > 0 where x == 0 (term unused)
    log_at = np.log(alpha + big_t)
    log_ax = np.log(alpha + tx)
    l1 = -rx * log_at
    l2 = np.where(repeat, (np.log(a) - np.log(b1))[xi] - rx * log_ax, -np.inf)
    lse = np.logaddexp(l1, l2)
    by_x = gammaln(r + k) - gammaln(r) + betaln(a, b + k) - betaln(a, b)
    ll = by_x[xi] + r * np.log(alpha) + lse
    if not gradient:
        return ll, None
    w2 = np.exp(l2 - lse)                      # share of the "dropped out at t_x" branch
    w1 = np.exp(l1 - lse)
    psi_abx = digamma(a + b + k)
    psi_ab = digamma(a + b)
    grad = np.empty((4, x.size))
    grad[0] = (digamma(r + k) - digamma(r))[xi] + np.log(alpha) - w1 * log_at - w2 * log_ax
    grad[1] = r / alpha - rx * (w1 / (alpha + big_t) + w2 / (alpha + tx))
    grad[2] = (psi_ab - psi_abx)[xi] + w2 / a
    grad[3] = (digamma(b + k) - digamma(b) + psi_ab - psi_abx)[xi] - w2 / b1[xi]
    return ll, grad


def _one_minus(
    r: float, alpha: float, a: np.ndarray | float, b: float, t: np.ndarray, x: np.ndarray, big_t: np.ndarray
) -> np.ndarray:
    """1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z), z = t/(alpha+T+t).

    The 2F1 is evaluated in the one of its two Euler forms, 2F1(A, B; C; z) =
    (1-z)^(C-A-B) 2F1(C-A, C-B; C; z), whose C - A - B is positive, so it stays bounded as z -> 1
    and its parameters do not grow with x where that would overflow (lifetimes switches forms only
    on overflow). Then 1 - (1-z)^power 2F1 goes through expm1 where the 2F1 is positive (it can be
    negative when a + b + x < 1).
    """
    z = t / (alpha + big_t + t)
    c = a + b + x - 1.0
    log1m_z = np.log1p(-z)
    direct = a - 1.0 - r - x > 0  # C - A - B of the direct form
    power = np.where(direct, r + x, a - 1.0)
    hyp = np.where(direct, hyp2f1(r + x, b + x, c, z), hyp2f1(a + b - 1.0 - r, a - 1.0, c, z))
    with np.errstate(invalid="ignore", divide="ignore"):
        via_log = -np.expm1(power * log1m_z + np.log(hyp))
    return np.where(hyp > 0, via_log, 1.0 - np.exp(power * log1m_z) * hyp)


def _increment(params: dict[str, float], t: np.ndarray, x: np.ndarray, big_t: np.ndarray) -> np.ndarray:
    """(a+b+x-1)/(a-1) * _one_minus(...): FHL (2005) eq. (9) (x = T = 0), numerator of eq. (10).

    scipy's hyp2f1 (Cephes) is wrong for z > 0.9 when C - A - B is an integer (it returns inf or
    loses up to all digits, scipy 1.17); there the value is interpolated linearly in a between the
    two points where C - A - B lies 1e-7 either side of that integer (error ~1e-13). Within 5e-6
    of a = 1, a removable singularity, it is interpolated between a = 1 -+ 1e-5 (error ~1e-10);
    likewise within 5e-6 of a + b + x = 1 (the 2F1's c = 0, where c * 2F1 stays finite), between
    b -+ 1e-5.
    """
    r, alpha, a, b = (params[k] for k in PARAMS)
    t, x, big_t = (np.asarray(v, dtype=np.float64) for v in np.broadcast_arrays(t, x, big_t))
    if abs(a - 1.0) < 0.5e-5:  # (1 - ...) / (a - 1) loses ~1e-16 / |a - 1| relative
        lo, hi = dict(params, a=1.0 - 1e-5), dict(params, a=1.0 + 1e-5)
        w = (a - lo["a"]) / (hi["a"] - lo["a"])
        return (1.0 - w) * _increment(lo, t, x, big_t) + w * _increment(hi, t, x, big_t)
    at_c0 = np.abs(a + b + x - 1.0) < 0.5e-5
    if at_c0.any():
        out = np.empty(np.broadcast(t, x).shape)
        sub = [v[at_c0] for v in (t, x, big_t)]
        out[at_c0] = 0.5 * (_increment(dict(params, b=b - 1e-5), *sub) + _increment(dict(params, b=b + 1e-5), *sub))
        if (~at_c0).any():
            out[~at_c0] = _increment(params, t[~at_c0], x[~at_c0], big_t[~at_c0])
        return out
    step = 1e-7
    out = (a + b + x - 1.0) / (a - 1.0) * _one_minus(r, alpha, a, b, t, x, big_t)
    slope = np.where(a - 1.0 - r - x > 0, 1.0, -1.0)  # d(C-A-B)/da of the form used
    gap = np.where(slope > 0, a - 1.0 - r - x, r + x + 1.0 - a)
    gap = gap - np.round(gap)
    near = (np.abs(gap) < step) & (t / (alpha + big_t + t) > 0.85)
    if near.any():
        ts, xs, bts = t[near], x[near], big_t[near]
        a_lo = a + (-step - gap[near]) / slope[near]
        a_hi = a + (step - gap[near]) / slope[near]
        f_lo = (a_lo + b + xs - 1.0) / (a_lo - 1.0) * _one_minus(r, alpha, a_lo, b, ts, xs, bts)
        f_hi = (a_hi + b + xs - 1.0) / (a_hi - 1.0) * _one_minus(r, alpha, a_hi, b, ts, xs, bts)
        out = np.array(out)
        out[near] = f_lo + (a - a_lo) * (f_hi - f_lo) / (a_hi - a_lo)
    return out


def _row_weights(weights: ArrayLike | None, summary: pd.DataFrame) -> np.ndarray:
    """The customers each summary row stands for: 1 each, or ``weights`` checked."""
    if weights is None:
        return np.ones(len(summary))
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (len(summary),):
        raise InputError(f"fit_bgnbd: weights has shape {w.shape}, not one per summary row ({len(summary)}); "
                         "pass the n_customers column of the patterns")
    bad = ~np.isfinite(w) | (w < 0) | (w != np.floor(w))
    if bad.any():
        raise InputError(f"fit_bgnbd: weights are not whole numbers >= 0 in {int(bad.sum())} rows "
                         f"({offending_rows(summary.index, bad)}); they count customers")
    return w


@dataclass(frozen=True, eq=False)
class BgNbdFit(FitResult):
    """A fitted BG/NBD model.

    Attributes
    ----------
    params : dict
        ``r``, ``alpha`` (in the summary's time unit), ``a``, ``b``.
    std_errors : dict
        Standard errors, from the inverse observed information (Hessian of the log-likelihood
        in the original parameters at the optimum).
    covariance : DataFrame
        The asymptotic covariance matrix of the estimates.
    log_likelihood : float
        Maximised log-likelihood (in the summary's time unit, as FHL 2005 report it).
    n_customers, n_patterns : int
        Customers fitted and their distinct ``(x, t_x, T)`` patterns.
    converged : bool
        Always True (a fit that does not converge raises ConvergenceError).
    iterations : int
        Optimizer iterations (L-BFGS-B plus Newton polish).
    penalizer : float
        The L2 penalty used (0 = maximum likelihood).
    history : (Series, Series, Series)
        The fitted summary's ``frequency``, ``recency`` and ``T``: the default customers of the
        prediction methods.
    """


    model: ClassVar[str] = "BG/NBD"

    def expected_purchases(self, t: ArrayLike) -> Prediction:
        """E[X(t)]: expected repeat purchases of a new customer in (0, t] (FHL 2005, eq. 9).

        Examples
        --------
        With the CDNOW parameters of :func:`fit_bgnbd` (r .243, alpha 4.414, a .793, b 2.426):

        >>> fit = BgNbdFit.__new__(BgNbdFit)
        >>> object.__setattr__(fit, "params", {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259})
        >>> round(fit.expected_purchases(39.0), 3)
        1.195
        """
        t_arr = np.asarray(t, dtype=np.float64)
        zero = np.zeros_like(t_arr)
        return label(_increment(self.params, t_arr, zero, zero), None, "expected_purchases")

    def p_alive(
        self,
        frequency: ArrayLike | None = None,
        recency: ArrayLike | None = None,
        T: ArrayLike | None = None,
    ) -> Prediction:
        """P(alive | x, t_x, T) (Fader, Hardie & Lee 2008, note 021); 1 where x == 0.

        Vectorised; without arguments it is computed for every customer of the fitted summary
        (a Series on its index).
        """
        (x, tx, big_t), index = broadcast_history(self.history, frequency, recency, T, model="p_alive")
        r, alpha, a, b = (self.params[k] for k in PARAMS)
        log_odds = np.log(a) - np.log(b + np.maximum(x, 1.0) - 1.0) + (r + x) * (
            np.log(alpha + big_t) - np.log(alpha + tx)
        )
        return label(np.where(x > 0, expit(-log_odds), 1.0), index, "p_alive")

    def conditional_expected_purchases(
        self,
        t: ArrayLike,
        frequency: ArrayLike | None = None,
        recency: ArrayLike | None = None,
        T: ArrayLike | None = None,
    ) -> Prediction:
        """E[Y(t) | x, t_x, T]: expected repeat purchases in (T, T+t] (FHL 2005, eq. 10).

        Vectorised over customers (and ``t``); defaults to the fitted summary's customers.
        """
        (x, tx, big_t), index = broadcast_history(
            self.history, frequency, recency, T, model="conditional_expected_purchases"
        )
        t_arr = np.asarray(t, dtype=np.float64)
        alive = np.asarray(self.p_alive(x, tx, big_t), dtype=np.float64)
        out = _increment(self.params, t_arr, x, big_t) * alive
        return label(np.asarray(out), index, "conditional_expected_purchases")


def fit_bgnbd(
    summary: pd.DataFrame,
    *,
    penalizer: float = 0.0,
    initial: dict[str, float] | None = None,
    tol: float = 1e-8,
    max_iter: int = 1000,
    weights: ArrayLike | None = None,
) -> BgNbdFit:
    """Fit the BG/NBD model by maximum likelihood.

    Customers are collapsed onto their distinct ``(x, t_x, T)``; the log-likelihood is maximised
    on log-parameters with L-BFGS-B and its analytic gradient, then polished by Newton steps.
    Time is rescaled internally so that the largest T is 1 (as lifetimes 0.11 does); the reported
    ``alpha`` and log-likelihood are in the summary's own unit.

    Parameters
    ----------
    summary : DataFrame
        Per customer ``frequency``, ``recency``, ``T`` (see :func:`customer_summary`).
    penalizer : float, default 0
        L2 penalty ``penalizer * (r^2 + alpha^2 + a^2 + b^2)`` on the internally rescaled
        parameters, added to the mean negative log-likelihood (lifetimes' ``penalizer_coef``).
    initial : dict, optional
        Start values ``r, alpha, a, b`` (alpha in the summary's unit); default all 1 (rescaled).
    tol : float, default 1e-8
        Largest absolute gradient of the mean negative log-likelihood in the log-parameters.
    max_iter : int, default 1000
        Cap on optimizer iterations.
    weights : array-like, optional
        How many customers each row stands for (e.g. the ``n_customers`` of pattern counts
        collapsed in the engine, :func:`kamreport.value.scoring.customer_patterns`): whole
        numbers >= 0, one per row; default 1 each. ``n_customers`` is then their sum.

    Returns
    -------
    BgNbdFit

    Raises
    ------
    InputError
        Bad summary, or no customer with a repeat purchase (the model is not identified).
    ConvergenceError
        No convergence, a parameter at its bound, or no proper maximum.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). Counting your customers the easy way: an
    alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275-284. On CDNOW (2,357
    customers, 39 weeks): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4.

    Examples
    --------
    The CDNOW sample (the repository beside ``shared/``), as the paper fits it:

    >>> import pandas as pd
    >>> from kamreport.value import customer_summary
    >>> tx = pd.read_csv("../shared/reference/cdnow/CDNOW_sample.txt", sep=r"\\s+", header=None,
    ...                  names=["master_id", "customer_id", "date", "cds", "amount"])
    >>> tx["date"] = pd.to_datetime(tx["date"].astype(str))
    >>> summary = customer_summary(tx, observation_end="1997-09-30", holdout_end="1998-06-30")
    >>> fit = fit_bgnbd(summary)
    >>> {k: round(v, 3) for k, v in fit.params.items()}
    {'r': 0.243, 'alpha': 4.414, 'a': 0.793, 'b': 2.426}
    >>> fit.p_alive().round(3).head(2).tolist()   # customers 1 and 2
    [0.727, 0.212]
    """
    check_options(penalizer, tol, max_iter, model="fit_bgnbd")
    cols = validate_summary(summary, ("frequency", "recency", "T"), model="fit_bgnbd")
    x, tx, big_t = cols["frequency"], cols["recency"], cols["T"]
    counts = _row_weights(weights, summary)
    if not (x[counts > 0] > 0).any():
        raise InputError(
            f"fit_bgnbd: all {int(counts.sum())} customers have frequency 0, so purchase and dropout rates "
            "cannot be told apart; use a longer observation period or more customers"
        )
    scale = float(big_t.max()) if big_t.max() > 0 else 1.0
    (ux, utx, ut), n_of, codes = collapse(x, tx, big_t, return_inverse=True)
    weights = n_of if weights is None else np.bincount(codes, weights=counts, minlength=n_of.size)
    theta0 = start_values(initial, PARAMS, (1.0, scale, 1.0, 1.0), model="fit_bgnbd")
    theta0[1] /= scale
    res = maximize(
        loglik, (ux, utx / scale, ut / scale), weights, theta0, PARAMS,
        model="fit_bgnbd", penalizer=penalizer, tol=tol, max_iter=max_iter,
    )
    units = np.array([1.0, scale, 1.0, 1.0])
    theta = res.theta * units
    cov = res.covariance * np.outer(units, units)
    ll = float(weights @ loglik(theta, (ux, utx, ut), False)[0])
    params = dict(zip(PARAMS, map(float, theta), strict=True))
    return BgNbdFit(
        params=params,
        std_errors=dict(zip(PARAMS, map(float, np.sqrt(np.diag(cov))), strict=True)),
        covariance=pd.DataFrame(cov, index=list(PARAMS), columns=list(PARAMS)),
        log_likelihood=ll,
        n_customers=int(counts.sum()),
        n_patterns=int(ux.size),
        converged=True,
        iterations=res.iterations,
        penalizer=float(penalizer),
        history=(summary["frequency"], summary["recency"], summary["T"]),
    )
