"""Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, JMR), by maximum likelihood.

A customer's transaction values are Gamma(p, nu) (shape p, rate nu) around a customer-specific
mean p / nu, and nu ~ Gamma(q, v) (shape q, rate v) across customers. The model is fitted to the
mean value m of the x >= 1 repeat purchases of each repeat customer; the likelihood of m
(Fader & Hardie 2013, note 025, eq. 1a), written once in :func:`loglik`, is

    ln f(m | p, q, v, x) = ln G(px+q) - ln G(px) - ln G(q) + q ln v + (px-1) ln m + px ln x
                           - (px+q) ln(v + x m).

It assumes that spend is independent of the purchase process; check this with the correlation
of ``frequency`` and ``monetary_value`` among repeat customers before using it for CLV.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.special import digamma, gammaln

from kamreport.errors import InputError
from kamreport.value.mle import FitResult, check_options, maximize, start_values
from kamreport.value.patterns import (
    Prediction,
    collapse,
    label,
    offending_rows,
    validate_summary,
)

PARAMS = ("p", "q", "v")


def loglik(
    theta: np.ndarray, data: tuple[np.ndarray, ...], gradient: bool = True
) -> tuple[np.ndarray, np.ndarray | None]:
    """Gamma-Gamma log-likelihood per customer (pattern) and its gradient in ``(p, q, v)``.

    Parameters
    ----------
    theta : ndarray
        ``(p, q, v)``, all > 0.
    data : (x, m)
        Repeat purchases (>= 1) and their mean value (> 0).
    gradient : bool
        Also return the derivatives, shape ``(3, n)``.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves for
    customer base analysis. *Journal of Marketing Research* 42(4), 415-430.
    Fader & Hardie (2013), "The Gamma-Gamma model of monetary value", note 025, eq. (1a).
    """
    p, q, v = (float(t) for t in theta)
    x, m = data
    xi = x.astype(np.intp)                     # terms in x alone: tabulated, then gathered
    k = np.arange(int(xi.max()) + 1, dtype=np.float64)
    k[0] = 1.0                                 # x >= 1 here: entry 0 is never gathered
    pk = p * k
    log_k = np.log(k)
    px = p * x
    log_vxm = np.log(v + x * m)
    log_m = np.log(m)
    by_x = gammaln(pk + q) - gammaln(pk) - gammaln(q) + pk * log_k
    ll = by_x[xi] + q * np.log(v) + (px - 1.0) * log_m - (px + q) * log_vxm
    if not gradient:
        return ll, None
    psi = digamma(pk + q)
    grad = np.empty((3, x.size))
    grad[0] = x * ((psi - digamma(pk) + log_k)[xi] + log_m - log_vxm)
    grad[1] = (psi - digamma(q))[xi] + np.log(v) - log_vxm
    grad[2] = q / v - (px + q) / (v + x * m)
    return ll, grad


@dataclass(frozen=True, eq=False)
class GammaGammaFit(FitResult):
    """A fitted Gamma-Gamma spend model.

    Attributes
    ----------
    params : dict
        ``p``, ``q``, ``v`` (v in the currency of ``monetary_value``; FHL 2005 call it gamma).
    std_errors, covariance, log_likelihood, converged, iterations, penalizer
        As in :class:`~kamreport.value.bgnbd.BgNbdFit`.
    n_customers : int
        Repeat customers fitted (frequency > 0).
    n_patterns : int
        Their distinct ``(x, m)``.
    history : (Series, Series)
        The fitted summary's ``frequency`` and ``monetary_value`` (default customers of
        :meth:`conditional_expected_spend`).
    mean_spend : float
        Population mean spend per transaction, p v / (q - 1) (infinite if q <= 1).
    """


    model: ClassVar[str] = "Gamma-Gamma"

    @property
    def mean_spend(self) -> float:
        p, q, v = (self.params[k] for k in PARAMS)
        return p * v / (q - 1.0) if q > 1.0 else float("inf")

    def conditional_expected_spend(
        self, frequency: ArrayLike | None = None, monetary_value: ArrayLike | None = None
    ) -> Prediction:
        """E[M | x, m] = p (v + x m) / (p x + q - 1) (note 025, eq. 5), vectorised.

        A weighted mean of the population mean p v / (q - 1) and the customer's own mean m,
        with weight p x / (p x + q - 1) on m; customers with x = 0 get the population mean.
        Defaults to every customer of the fitted summary (a Series on its index).

        Raises
        ------
        InputError
            Only some of the two arguments given.
        """
        p, q, v = (self.params[k] for k in PARAMS)
        if frequency is None and monetary_value is None:
            x = self.history[0].to_numpy(np.float64)
            m = self.history[1].to_numpy(np.float64)
            index: pd.Index | None = self.history[0].index
        elif frequency is None or monetary_value is None:
            raise InputError(
                "conditional_expected_spend: pass both frequency and monetary_value, or neither"
            )
        else:
            index = next((a.index for a in (frequency, monetary_value) if isinstance(a, pd.Series)), None)
            x, m = np.broadcast_arrays(
                np.asarray(frequency, np.float64), np.asarray(monetary_value, np.float64)
            )
        m = np.where(x > 0, m, 0.0)
        with np.errstate(divide="ignore"):
            out = p * (v + x * m) / (p * x + q - 1.0)
        return label(np.asarray(out, dtype=np.float64), index, "expected_spend")


def fit_gamma_gamma(
    summary: pd.DataFrame,
    *,
    penalizer: float = 0.0,
    initial: dict[str, float] | None = None,
    tol: float = 1e-8,
    max_iter: int = 1000,
) -> GammaGammaFit:
    """Fit the Gamma-Gamma spend model to the repeat customers (frequency > 0).

    Same optimizer as :func:`~kamreport.value.bgnbd.fit_bgnbd`. ``monetary_value`` is rescaled
    internally by its mean over the repeat customers (v is reported in the original currency);
    the penalty ``penalizer * (p^2 + q^2 + v^2)`` applies to the rescaled parameters.

    Parameters
    ----------
    summary : DataFrame
        Per customer ``frequency`` and ``monetary_value`` (mean value of the repeat purchases).
    penalizer, initial, tol, max_iter
        As for :func:`~kamreport.value.bgnbd.fit_bgnbd`; ``initial`` takes ``p, q, v``.

    Returns
    -------
    GammaGammaFit

    Raises
    ------
    InputError
        Bad summary, no repeat customer, or a repeat customer with ``monetary_value`` <= 0.
    ConvergenceError
        As for :func:`~kamreport.value.bgnbd.fit_bgnbd`.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves for
    customer base analysis. *Journal of Marketing Research* 42(4), 415-430: on the 946 CDNOW
    repeat customers p = 6.25, q = 3.74, gamma (= v) = 15.44.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamreport.value import customer_summary
    >>> tx = pd.read_csv("../shared/reference/cdnow/CDNOW_sample.txt", sep=r"\\s+", header=None,
    ...                  names=["master_id", "customer_id", "date", "cds", "amount"])
    >>> tx["date"] = pd.to_datetime(tx["date"].astype(str))
    >>> summary = customer_summary(tx, observation_end="1997-09-30", holdout_end="1998-06-30")
    >>> gg = fit_gamma_gamma(summary)
    >>> {k: round(v, 2) for k, v in gg.params.items()}
    {'p': 6.25, 'q': 3.74, 'v': 15.44}
    >>> gg.conditional_expected_spend().round(2).head(2).tolist()
    [24.65, 18.91]
    """
    check_options(penalizer, tol, max_iter, model="fit_gamma_gamma")
    cols = validate_summary(summary, ("frequency", "monetary_value"), model="fit_gamma_gamma")
    x, m = cols["frequency"], cols["monetary_value"]
    repeat = x > 0
    if not repeat.any():
        raise InputError(
            f"fit_gamma_gamma: none of the {x.size} customers has a repeat purchase "
            "(frequency > 0); the spend model is fitted to repeat customers only"
        )
    bad = repeat & (m <= 0)
    if bad.any():
        raise InputError(
            f"fit_gamma_gamma: column 'monetary_value' is <= 0 for {int(bad.sum())} repeat "
            f"customers ({offending_rows(summary.index, bad)}); the model needs positive spend - drop them"
        )
    scale = float(m[repeat].mean())
    (ux, um), weights = collapse(x[repeat], m[repeat])
    theta0 = start_values(initial, PARAMS, (1.0, 2.0, scale), model="fit_gamma_gamma")
    theta0[2] /= scale
    res = maximize(
        loglik, (ux, um / scale), weights, theta0, PARAMS,
        model="fit_gamma_gamma", penalizer=penalizer, tol=tol, max_iter=max_iter,
    )
    units = np.array([1.0, 1.0, scale])
    theta = res.theta * units
    cov = res.covariance * np.outer(units, units)
    ll = float(weights @ loglik(theta, (ux, um), False)[0])
    return GammaGammaFit(
        params=dict(zip(PARAMS, map(float, theta), strict=True)),
        std_errors=dict(zip(PARAMS, map(float, np.sqrt(np.diag(cov))), strict=True)),
        covariance=pd.DataFrame(cov, index=list(PARAMS), columns=list(PARAMS)),
        log_likelihood=ll,
        n_customers=int(repeat.sum()),
        n_patterns=int(ux.size),
        converged=True,
        iterations=res.iterations,
        penalizer=float(penalizer),
        history=(summary["frequency"], summary["monetary_value"]),
    )
