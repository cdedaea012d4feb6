"""Robust CFI, TLI and RMSEA of an MLR fit with missing answers (FIML-corrected), as lavaan.

With incomplete data lavaan 0.6 does not plug the Yuan-Bentler factor into the complete-data
formulas: it evaluates the model's chi2 as if the EM estimate (``S~``, ``m~``) were complete
data, ``T3 = N F_ML(Sigma(theta), mu(theta); S~, m~)`` at the FIML estimate, with its own
scaling factor (FIML-C, version "V3")

    ``c3 = tr(U Wm^-1 Wc Wm^-1 U Gamma) / df``,  ``U = Wm - Wm Delta E^-1 Delta' Wm``,
    ``Gamma = Wm^-1 Jm Wm^-1``,

with ``Wm`` / ``Jm`` the observed / first-order information of the saturated model with the
missing data at the EM estimate, ``Wc`` the complete-data information at ``S~, m~``,
``Delta = d moments / d theta`` and ``E = Delta' Wm Delta`` (lavaan's ``observed.information =
"h1"``; all per respondent). The same
for the independence model gives ``T3_B``, ``c3_B``; then ``RMSEA = sqrt(max(T3 - c3 df, 0) / (N
df))`` and CFI, TLI with ``T3 - c3 df`` and ``T3_B - c3_B df_B``.

References
----------
Zhang & Savalei (2023), "New computational approaches to obtaining robust RMSEA and CFI with
missing data", *Structural Equation Modeling*; lavaan 0.6.14 ``lav_fit_fiml_corrected``.
"""

from __future__ import annotations

import numpy as np

from kamreport.satisfaction.cb_moments import trace_products


def _complete_information(cov: np.ndarray) -> np.ndarray:
    """Per-respondent information of (vech Sigma, mu) for complete normal data at ``cov``."""
    p = len(cov)
    rows, cols = np.tril_indices(p)
    diagonal = (rows == cols).astype(float)
    inv = np.linalg.inv(cov)
    n_cov = len(rows)
    out = np.zeros((n_cov + p, n_cov + p))
    out[:n_cov, :n_cov] = 0.5 * trace_products(inv, inv, diagonal, diagonal, rows, cols, rows,
                                               cols)
    out[n_cov:, n_cov:] = inv
    return out


def _complete_f(sigma: np.ndarray, mu: np.ndarray, cov: np.ndarray, mean: np.ndarray) -> float:
    """F_ML with means of the moments ``sigma, mu`` against the complete-data ``cov, mean``."""
    d = mean - mu
    inv = np.linalg.inv(sigma)
    return float(np.linalg.slogdet(sigma)[1] + np.trace(cov @ inv) + d @ inv @ d
                 - np.linalg.slogdet(cov)[1] - len(cov))


def corrected_indices(z: np.ndarray, h1_cov: np.ndarray, h1_mean: np.ndarray,
                      h1_parts: tuple[np.ndarray, np.ndarray],
                      model: tuple[np.ndarray, np.ndarray, np.ndarray, float],
                      baseline: tuple[np.ndarray, np.ndarray, np.ndarray, float]
                      ) -> dict[str, float]:
    """FIML-corrected robust RMSEA, CFI and TLI (see the module docstring).

    Parameters
    ----------
    z : the data (NaN = missing). h1_cov, h1_mean : the EM saturated estimate.
    h1_parts : casewise scores and observed information of the saturated moments there
        (:func:`~kamreport.satisfaction.cb_robust.moment_parts`).
    model : (Sigma, mu, Delta, df) at the FIML estimate.
    baseline : (Sigma_B, mu_B, Delta_B, df_B) of the independence model at its estimate.

    Returns
    -------
    dict
        rmsea_robust, cfi_robust, tli_robust, chi2_corrected, scaling_factor_corrected.
    """
    n = len(z)
    scores, observed = h1_parts
    wm, jm = observed / n, scores.T @ scores / n
    wc = _complete_information(h1_cov)
    wmi = np.linalg.inv(wm)
    gamma = wmi @ jm @ wmi

    def factor(delta: np.ndarray, df: float) -> float:
        # lavaan sets observed.information = "h1" here: E = Delta' Wm Delta
        u = wm - wm @ delta @ np.linalg.solve(delta.T @ wm @ delta, delta.T @ wm)
        return float(np.trace(u @ wmi @ wc @ wmi @ u @ gamma)) / df

    sigma, mu, delta, df = model
    t3 = n * _complete_f(sigma, mu, h1_cov, h1_mean)
    c3 = factor(delta, df)
    base_sigma, base_mu, base_delta, base_df = baseline
    t3_base = n * _complete_f(base_sigma, base_mu, h1_cov, h1_mean)
    c3_base = factor(base_delta, base_df)
    excess, base_excess = t3 - c3 * df, t3_base - c3_base * base_df
    denominator = max(excess, base_excess, 0.0)
    return {"rmsea_robust": float(np.sqrt(max(excess, 0.0) / (n * df))),
            "cfi_robust": 1.0 if denominator <= 0 else 1.0 - max(excess, 0.0) / denominator,
            "tli_robust": 1.0 - (excess / df) / (base_excess / base_df),
            "chi2_corrected": float(t3), "scaling_factor_corrected": float(c3)}
