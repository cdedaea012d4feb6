"""MLR: Huber-White standard errors and the Yuan-Bentler scaled test, as lavaan's ``"MLR"``.

The ML estimates stay; what changes is the uncertainty, robust to non-normal (e.g. Likert)
items:

- standard errors from the sandwich ``A^-1 B A^-1`` with ``A`` the observed information and
  ``B = sum_i s_i s_i'`` the outer product of the casewise scores (Huber 1967; White 1982);
- the scaling factor ``c = [tr(A1^-1 B1) - tr(A0^-1 B0)] / df`` (Yuan & Bentler 2000, in the
  form Mplus and lavaan's ``"yuan.bentler.mplus"`` compute it): ``A1``, ``B1`` the observed and
  first-order information of the saturated moments at their estimate (unstructured),
  ``A0`` the model's observed information, ``B0 = Delta' B1 Delta`` with ``Delta = d moments /
  d theta`` and ``B1`` at the implied moments; ``chi2_scaled = chi2 / c``;
- the robust indices of Brosseau-Liard, Savalei & Li (2012) and Brosseau-Liard & Savalei (2014),
  lavaan's ``rmsea.robust``, ``cfi.robust``, ``tli.robust``: ``RMSEA = sqrt(max(chi2 - c df, 0)
  / (N df))``, CFI and TLI with ``chi2 - c df`` and the baseline's ``chi2_B - c_B df_B`` in place of
  ``chi2 - df`` (``c_B``: the same factor for the independence model).

With missing answers (FIML) the moments are per pattern: the casewise scores and the
information come from each respondent's observed items, ``A1``/``B1`` are evaluated at the EM
estimate (lavaan's ``estimator = "MLR", missing = "ml"``: standard errors and scaled chi2 as
lavaan); the robust CFI/TLI/RMSEA are then lavaan's FIML-corrected ones
(:mod:`kamreport.satisfaction.cb_fimlc`, Zhang & Savalei 2023).

References
----------
Yuan & Bentler (2000), "Three likelihood-based methods for mean and covariance structure
analysis with nonnormal missing data", *Sociological Methodology* 30, 165-200. Savalei (2010),
*Structural Equation Modeling* 17(2). Brosseau-Liard, Savalei & Li (2012), *Multivariate
Behavioral Research* 47(6); Brosseau-Liard & Savalei (2014), *MBR* 49(5).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from kamreport.satisfaction.cb_fimlc import corrected_indices
from kamreport.satisfaction.cb_moments import summed_trace_products
from kamreport.satisfaction.cb_optim import Discrepancy


@dataclass(frozen=True)
class Robust:
    """Sandwich standard errors (free parameters) and the robust fit entries."""

    std_errors: np.ndarray
    fit: dict[str, float]


def moment_parts(z: np.ndarray, sigma: np.ndarray, mu: np.ndarray, means: bool,
                 information: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Casewise scores of the saturated moments (rows x moments) at ``sigma, mu``, and their
    observed information (the Hessian of ``-logL``) there, summed over the rows.

    Moments: ``vech(Sigma)`` (lower triangle, row by row) and, with ``means``, ``mu``; without,
    the means are the sample means. Rows with missing answers contribute their observed items.
    With ``information=False`` the information is not computed (zeros). Per row, with ``e = x - mu``, ``u = Sigma^-1 e``: score ``-1/2 [tr(Sigma^-1 D) - u' D u]
    + u' m``; Hessian ``1/2 [-tr(S^-1 Di S^-1 Dj) + 2 tr(S^-1 Di S^-1 e e' S^-1 Dj)] +
    mi' S^-1 mj + (mi' S^-1 Dj u + transposed)`` (S = Sigma).
    """
    n, p = z.shape
    rows, cols = np.tril_indices(p)
    n_cov = len(rows)
    q = n_cov + (p if means else 0)
    scores = np.zeros((n, q))
    observed = ~np.isnan(z)
    patterns, inverse = np.unique(observed, axis=0, return_inverse=True)
    # per pattern, padded to p x p with zeros where it does not observe: Sigma_o^-1, the weight
    # -m/2 Sigma_o^-1 + Sigma_o^-1 e'e Sigma_o^-1 of the information, and u summed over its rows
    inverses, weights = np.zeros((len(patterns), p, p)), np.zeros((len(patterns), p, p))
    u_sums, counts = np.zeros((len(patterns), p)), np.zeros(len(patterns))
    twice = 2.0 - (rows == cols)
    for k, pattern in enumerate(patterns):
        o = np.flatnonzero(pattern)
        members = np.flatnonzero(np.ravel(inverse) == k)
        position = np.full(p, -1)
        position[o] = np.arange(len(o))
        used = np.flatnonzero(pattern[rows] & pattern[cols])  # covariance moments observed
        ra, ca = position[rows[used]], position[cols[used]]
        inv = np.linalg.inv(sigma[np.ix_(o, o)])
        e = z[np.ix_(members, o)] - (mu[o] if means else z[:, o].mean(axis=0))
        u = e @ inv
        scores[np.ix_(members, used)] = -0.5 * twice[used] * (inv[ra, ca] - u[:, ra] * u[:, ca])
        if means:
            scores[np.ix_(members, n_cov + o)] = u
        if information:
            grid = np.ix_(o, o)
            inverses[k][grid] = inv
            weights[k][grid] = -0.5 * len(members) * inv + inv @ (e.T @ e) @ inv
            u_sums[k, o] = u.sum(axis=0)
            counts[k] = len(members)
    info = np.zeros((q, q))
    if not information:
        return scores, info
    info[:n_cov, :n_cov] = summed_trace_products(inverses, weights, rows, cols)
    if means:
        diagonal = (rows == cols).astype(float)
        mixed = (inverses.reshape(len(patterns), -1).T @ u_sums).reshape(p, p, p)  # [x, a, b]
        cross = (mixed[:, rows, cols] + mixed[:, cols, rows]) / (1 + diagonal)
        info[n_cov:, :n_cov] = cross
        info[:n_cov, n_cov:] = cross.T
        info[n_cov:, n_cov:] = np.tensordot(counts, inverses, axes=1)
    return scores, info


def _delta(disc: Discrepancy, x: np.ndarray, p: int, means: bool) -> np.ndarray:
    """d moments / d theta (moments x parameters), the moments of :func:`moment_parts`."""
    d_sigma, d_mu = disc.structures[0].derivatives(x)
    rows, cols = np.tril_indices(p)
    parts = [d_sigma[:, rows, cols].T]
    if means:
        parts.append(d_mu.T)
    return np.vstack(parts)


def scaling_factor(h1_trace: float, scores: np.ndarray, delta: np.ndarray,
                   information: np.ndarray, df: float) -> float:
    """Yuan-Bentler (Mplus) scaling factor ``[tr(A1^-1 B1) - tr(A0^-1 B0)] / df``.

    Parameters
    ----------
    h1_trace : ``tr(A1^-1 B1)`` of the saturated model at its estimate.
    scores : casewise scores of the saturated moments at the model-implied moments
        (:func:`moment_parts`). delta : d moments / d theta at the estimate.
    information : the model's observed information A0 (summed over rows).
    df : the model's degrees of freedom.

    Returns
    -------
    float
    """
    case = scores @ delta  # the model's casewise scores
    return (h1_trace - float(np.trace(np.linalg.solve(information, case.T @ case)))) / df


def robust(disc: Discrepancy, x: np.ndarray, z: np.ndarray, observed_information: np.ndarray,
           fit: dict[str, float], h1_cov: np.ndarray, h1_mean: np.ndarray, means: bool) -> Robust:
    """MLR's standard errors and fit entries for a single-group fit (see the module docstring).

    Parameters
    ----------
    disc : the fitted discrepancy. x : the estimate. z : the standardized data it was fitted to.
    observed_information : ``N/2`` times the Hessian of F at ``x``. fit : the ML fit measures.
    h1_cov, h1_mean : the saturated estimate (sample moments; FIML: the EM estimate).
    means : the model has a mean structure (FIML).

    Returns
    -------
    Robust
        ``fit`` holds chi2_scaled, scaling_factor, p_value_scaled, baseline_chi2_scaled,
        baseline_scaling_factor, cfi_robust, tli_robust, rmsea_robust.
    """
    n, p = z.shape
    sigma, mu = disc.structures[0].implied(x)
    delta = _delta(disc, x, p, means)
    scores, _ = moment_parts(z, sigma, mu, means, information=False)
    case_scores = scores @ delta  # casewise scores of the free parameters
    bread = np.linalg.inv(observed_information)
    variance = np.diag(bread @ (case_scores.T @ case_scores) @ bread)
    errors = np.sqrt(np.where(variance >= 0, variance, np.nan))
    df, chi2 = fit["df"], fit["chi2"]
    h1_scores, h1_info = moment_parts(z, h1_cov, h1_mean, means)
    trace = float(np.trace(np.linalg.solve(h1_info, h1_scores.T @ h1_scores)))
    c = (scaling_factor(trace, scores, delta, observed_information, df) if df > 0
         else float("nan"))
    # the baseline: independent items (variances, and means with a mean structure)
    base_sigma = np.diag(np.nanvar(z, axis=0))
    base_mu = np.nanmean(z, axis=0)
    k_base = p + (p if means else 0)
    base_delta = np.zeros((len(delta), k_base))
    rows, cols = np.tril_indices(p)
    diagonal = np.flatnonzero(rows == cols)
    base_delta[diagonal, np.arange(p)] = 1.0
    if means:
        base_delta[len(rows) + np.arange(p), p + np.arange(p)] = 1.0
    base_df, base_chi2 = fit["baseline_df"], fit["baseline_chi2"]
    base_scores, base_info = moment_parts(z, base_sigma, base_mu, means)
    c_base = scaling_factor(trace, base_scores, base_delta, base_delta.T @ base_info @ base_delta,
                            base_df)
    excess, base_excess = chi2 - c * df, base_chi2 - c_base * base_df
    denominator = max(excess, base_excess, 0.0)
    out = {"chi2_scaled": chi2 / c, "scaling_factor": c,
           "p_value_scaled": float(stats.chi2.sf(chi2 / c, df)) if df > 0 else float("nan"),
           "baseline_chi2_scaled": base_chi2 / c_base, "baseline_scaling_factor": c_base,
           "cfi_robust": 1.0 if denominator <= 0 else 1.0 - max(excess, 0.0) / denominator,
           "tli_robust": (1.0 - (excess / df) / (base_excess / base_df)) if df > 0 else 1.0,
           "rmsea_robust": float(np.sqrt(max(excess, 0.0) / (n * df))) if df > 0 else 0.0}
    if means and df > 0:  # with missing data lavaan corrects the robust indices (FIML-C)
        out |= corrected_indices(z, h1_cov, h1_mean, (h1_scores, h1_info),
                                 (sigma, mu, delta, df), (base_sigma, base_mu, base_delta, base_df))
    return Robust(errors, {k: float(v) for k, v in out.items()})
