"""Means of survey indices under a sampling design: case weights and clusters (accounts).

A weighted mean ``m = Σ w v / Σ w`` has the linearized (sandwich) standard error
``sqrt(G / (G − 1) · Σ_g (Σ_{i∈g} w_i (v_i − m))²) / Σ w``, the inner sum over the rows of a
cluster g (each row its own cluster without clusters, G = n): with equal weights and no
clusters it is the familiar ``s / sqrt(n)``. Intervals use t with G − 1 degrees of freedom.
The difference of two wave means sums each cluster's influence over both waves, so an account
answering in both waves counts once. Unweighted, unclustered changes use Welch's test.

References
----------
Cameron & Miller (2015), "A practitioner's guide to cluster-robust inference", *J. Human
Resources* 50(2), 317–372; Lumley (2010), *Complex Surveys*, ch. 2; Welch (1947),
*Biometrika* 34, 28–35.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kamreport.errors import InputError

if TYPE_CHECKING:
    from kamreport.satisfaction.pls import PlsResult


def _stats():
    """scipy.stats, imported when a test is computed (1 s that checking a model does not need)."""
    from scipy import stats

    return stats


def design_arrays(data: pd.DataFrame, pls: PlsResult, cluster: str | None,
            case_weights: str | None) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(row weights or None, cluster codes or None): given columns, else those of the fit."""
    if case_weights is None and pls.case_weights is not None:
        case_weights = str(pls.case_weights.name)
    if cluster is None and pls.cluster is not None and pls.cluster.name in data.columns:
        cluster = str(pls.cluster.name)
    w = codes = None
    for kind, column in (("weights", case_weights), ("cluster", cluster)):
        if column is not None and column not in data.columns:
            raise InputError(f"{kind} column {column!r} not in the data; pass "
                             f"{'case_weights' if kind == 'weights' else 'cluster'}= a column "
                             "of data (or refit without it)")
    if case_weights is not None:
        w = pd.to_numeric(data[case_weights], errors="coerce").to_numpy(np.float64, na_value=np.nan)
        if not (np.isfinite(w) & (w >= 0)).all():
            raise InputError(f"weights column {case_weights!r} has missing, negative or non-numeric "
                             "values; fix them or drop those rows")
    if cluster is not None:
        if data[cluster].isna().any():
            raise InputError(f"cluster column {cluster!r} has empty cells; fill or drop those rows")
        codes = pd.factorize(data[cluster], sort=True)[0]
    return w, codes


def mean_interval(values: np.ndarray, w: np.ndarray | None, codes: np.ndarray | None,
              ci: float) -> dict[str, float]:
    """Mean (weighted), its SE (cluster-robust with clusters) and t interval (df n-1 or G-1)."""
    n = values.size
    if w is None and codes is None:
        mean = float(values.mean()) if n else np.nan
        se = float(values.std(ddof=1) / np.sqrt(n)) if n > 1 else np.nan
        units = n
    else:
        w = np.ones(n) if w is None else w
        total = w.sum()
        mean = float(w @ values / total) if total > 0 else np.nan
        r = w * (values - mean)
        if codes is not None:
            r = np.bincount(codes, weights=r)[np.unique(codes)]
        units = r.size
        se = float(np.sqrt(units / (units - 1) * (r @ r)) / total) if units > 1 else np.nan
    half = float(_stats().t.ppf((1 + ci) / 2, units - 1)) * se if units > 1 else np.nan
    out = {"n": n, "index": mean, "std_error": se, "ci_low": mean - half, "ci_high": mean + half}
    return out if codes is None else {**out, "n_clusters": units}


def change_interval(v: np.ndarray, sel: list[np.ndarray], w: np.ndarray | None,
                   codes: np.ndarray | None, ci: float) -> dict[str, float]:
    """Weighted change after − before; linearized SE (cluster-robust with ``codes``)."""
    w = np.ones(v.size) if w is None else w
    means, infl, se2, units = [], np.zeros(v.size), [], []
    for sign, s in zip((-1.0, 1.0), sel):
        total = w[s].sum()
        m = w[s] @ v[s] / total if total > 0 else np.nan
        r = np.where(s, w * (np.nan_to_num(v) - m), 0.0) / total if total > 0 else np.zeros(v.size)
        means.append(m)
        infl += sign * r
        units.append(s.sum() if codes is None else np.unique(codes[s]).size)
        se2.append(units[-1] / (units[-1] - 1) * (r @ r) if units[-1] > 1 else np.nan)
    change = means[1] - means[0]
    if codes is None:
        se = np.sqrt(se2[0] + se2[1])
        df = (se2[0] + se2[1]) ** 2 / (se2[0] ** 2 / (units[0] - 1) + se2[1] ** 2 / (units[1] - 1))
    else:
        r = np.bincount(codes[sel[0] | sel[1]], weights=infl[sel[0] | sel[1]])
        g = np.unique(codes[sel[0] | sel[1]]).size
        se = np.sqrt(g / (g - 1) * (r @ r)) if g > 1 else np.nan
        df = g - 1.0
    with np.errstate(invalid="ignore", divide="ignore"):
        t = change / se
        half = _stats().t.ppf((1 + ci) / 2, df) * se
    return {"index_before": means[0], "index_after": means[1], "change": change, "std_error": se,
            "df": df, "t": t, "p_value": 2 * _stats().t.sf(abs(t), df), "ci_low": change - half,
            "ci_high": change + half}


def welch(after: np.ndarray, before: np.ndarray, ci: float) -> dict[str, float]:
    if after.size < 2 or before.size < 2:  # no variance estimate: only the change, if any
        change = after.mean() - before.mean() if after.size and before.size else np.nan
        return {"change": change, **dict.fromkeys(("std_error", "df", "t", "p_value", "ci_low",
                                                   "ci_high"), np.nan)}
    res = _stats().ttest_ind(after, before, equal_var=False)
    interval = res.confidence_interval(confidence_level=ci)
    se = np.sqrt(after.var(ddof=1) / after.size + before.var(ddof=1) / before.size)
    return {"change": after.mean() - before.mean(), "std_error": se, "df": float(res.df),
            "t": float(res.statistic), "p_value": float(res.pvalue),
            "ci_low": float(interval.low), "ci_high": float(interval.high)}
