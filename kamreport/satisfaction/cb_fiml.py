"""Full-information ML (FIML) with missing answers: pattern blocks, the EM saturated model, fit.

Respondents with missing answers stay in the likelihood: each missing-data pattern is a block of
:class:`~kamreport.satisfaction.cb_optim.Block` whose rows contribute the normal likelihood of
the items they answered (casewise ML, Arbuckle 1996), so the model needs a mean structure (an
intercept per item). The fit indices compare it, as lavaan's ``missing = "ml"`` does, with

- H1, the saturated model (free means and covariances) fitted to the same incomplete data by
  EM (Dempster, Laird & Rubin 1977): ``chi2 = -2 (logL_H0 - logL_H1)``;
- the baseline, the independence model (free means and variances) whose FIML estimates are each
  item's available-case mean and variance;
- SRMR on the EM covariance and means (lavaan's ``srmr`` with a mean structure: the mean
  residuals over ``sqrt(s_jj)`` join the covariance residuals, averaged over ``p(p+1)/2 + p``).

References
----------
Arbuckle (1996), "Full information estimation in the presence of incomplete data", in Marcoulides
& Schumacker (eds.), *Advanced structural equation modeling*, 243-277. Dempster, Laird & Rubin
(1977), *JRSS B* 39(1). Enders (2010), *Applied missing data analysis*, ch. 4-5.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kamreport.satisfaction.cb_optim import Block
from kamreport.satisfaction.fitindices import chi2_indices, likelihood_measures


@dataclass(frozen=True)
class Saturated:
    """The EM estimate of the saturated model (H1) on incomplete data.

    Attributes
    ----------
    mean, cov : the ML mean and covariance (divided by N). m2ll : ``sum_b n_b [log|Sigma_b| +
        tr(Sigma_b^-1 C_b)]`` at them, i.e. ``-2 logL`` without the ``2 pi`` terms.
    logl : the log-likelihood. iterations : EM iterations. converged : change below tolerance.
    """

    mean: np.ndarray
    cov: np.ndarray
    m2ll: float
    logl: float
    iterations: int
    converged: bool


def pattern_blocks(z: np.ndarray, group: int = 0) -> tuple[Block, ...]:
    """One block per missing-data pattern of ``z`` (rows x items, NaN = missing).

    Examples
    --------
    >>> blocks = pattern_blocks(np.array([[1.0, 2.0], [3.0, np.nan], [2.0, 1.0]]))
    >>> [(b.index.tolist(), b.n) for b in blocks]
    [([0, 1], 2.0), ([0], 1.0)]
    """
    observed = ~np.isnan(z)
    patterns, inverse = np.unique(observed, axis=0, return_inverse=True)
    order = np.argsort([-patterns[i].sum() for i in range(len(patterns))], kind="stable")
    out = []
    for i in order:
        index = np.flatnonzero(patterns[i])
        if not len(index):
            continue
        rows = z[np.ravel(inverse) == i][:, index]
        mean = rows.mean(axis=0)
        centred = rows - mean
        out.append(Block(group, index, float(len(rows)), mean, centred.T @ centred / len(rows)))
    return tuple(out)


def m2ll(blocks: tuple[Block, ...], mean: np.ndarray, cov: np.ndarray) -> float:
    """``sum_b n_b [log|Sigma_b| + tr(Sigma_b^-1 (S_b + d_b d_b'))]`` at ``mean, cov``."""
    total = 0.0
    for b in blocks:
        sigma = cov[b.grid]
        d = b.mean - mean[b.index]
        _, logdet = np.linalg.slogdet(sigma)
        total += b.n * (logdet + np.trace(np.linalg.solve(sigma, b.cov + np.outer(d, d))))
    return float(total)


def saturated(z: np.ndarray, tol: float = 1e-12, max_iter: int = 10_000) -> Saturated:
    """EM estimate of the unrestricted mean and covariance of incomplete normal data.

    Parameters
    ----------
    z : rows x items, NaN for a missing answer (a row answers at least one item).
    tol : stop when no mean or covariance entry changes by more than ``tol``.
    max_iter : iteration cap.

    Returns
    -------
    Saturated

    Examples
    --------
    >>> h1 = saturated(np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 3.0], [4.0, np.nan]]))
    >>> h1.mean.round(4).tolist()
    [2.5, 2.25]
    """
    blocks = pattern_blocks(z)
    n, p = z.shape
    mean = np.nanmean(z, axis=0)
    cov = np.diag(np.nanvar(z, axis=0))
    plan = []  # per pattern: observed, missing and their index grids
    for b in blocks:
        o, m = b.index, np.setdiff1d(np.arange(p), b.index)
        plan.append((b, o, m, b.grid, np.ix_(m, o), np.ix_(o, m), np.ix_(m, m)))
    converged, iteration = False, 0
    for iteration in range(1, max_iter + 1):
        first, second = np.zeros(p), np.zeros((p, p))
        for b, o, m, oo, mo, om, mm in plan:
            filled_mean = np.empty(p)
            filled_mean[o] = b.mean
            part = np.zeros((p, p))
            part[oo] = b.cov
            if len(m):
                coef = np.linalg.solve(cov[oo], cov[om]).T  # Sigma_mo Sigma_oo^-1
                filled_mean[m] = mean[m] + coef @ (b.mean - mean[o])
                part[mo] = coef @ b.cov
                part[om] = part[mo].T
                part[mm] = coef @ b.cov @ coef.T + cov[mm] - coef @ cov[om]
            first += b.n * filled_mean
            second += b.n * (part + np.outer(filled_mean, filled_mean))
        new_mean = first / n
        new_cov = second / n - np.outer(new_mean, new_mean)
        change = max(np.max(np.abs(new_mean - mean)), np.max(np.abs(new_cov - cov)))
        mean, cov = new_mean, new_cov
        if change < tol:
            converged = True
            break
    value = m2ll(blocks, mean, cov)
    cells = sum(b.n * len(b.index) for b in blocks)
    return Saturated(mean, cov, value, -(value + cells * np.log(2 * np.pi)) / 2, iteration,
                     converged)


def fit_measures_fiml(z: np.ndarray, h1: Saturated, implied: np.ndarray, mean: np.ndarray,
                      f: float, n_params: int, sd: np.ndarray) -> dict[str, float]:
    """lavaan's ``fitMeasures()`` of a FIML fit (see the module docstring).

    Parameters
    ----------
    z : the standardized data the model was fitted to (NaN = missing). h1 : its EM saturated
        model. implied, mean : the model's implied covariance and mean (standardized units).
    f : the fitted discrepancy ``-2 (logL_H0 - logL_H1) / N``. n_params : free parameters
        (intercepts included). sd : the items' SDs (back to the data's units for logL).

    Returns
    -------
    dict
        the keys of :func:`~kamreport.satisfaction.fitindices.fit_measures`, plus
        ``em_iterations`` and ``em_converged``.
    """
    n, p = z.shape
    answered = (~np.isnan(z)).sum(axis=0)
    shift = float(answered @ np.log(sd))  # log-likelihood of the standardized data differs
    chi2 = max(n * f, 0.0)
    baseline_m2ll = float(answered @ (np.log(np.nanvar(z, axis=0)) + 1.0))
    baseline_chi2 = baseline_m2ll - h1.m2ll
    df = p * (p + 1) // 2 + p - n_params
    unrestricted = h1.logl - shift
    residual = (h1.cov - implied) / np.sqrt(np.outer(np.diag(h1.cov), np.diag(h1.cov)))
    mean_residual = (h1.mean - mean) / np.sqrt(np.diag(h1.cov))
    squares = np.sum(residual[np.tril_indices(p)] ** 2) + np.sum(mean_residual**2)
    return {**chi2_indices(chi2, df, baseline_chi2, p * (p - 1) // 2, n),
            "srmr": float(np.sqrt(squares / (p * (p + 1) / 2 + p))),
            **likelihood_measures(unrestricted - chi2 / 2, n_params, n),
            "f_ml": float(f), "unrestricted_logl": float(unrestricted),
            "em_iterations": float(h1.iterations), "em_converged": float(h1.converged)}
