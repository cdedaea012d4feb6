"""MICOM: measurement invariance of composites across groups (Henseler, Ringle & Sarstedt 2016).

Before group path coefficients are compared (:func:`~kamreport.satisfaction.mga.pls_mga`), the
composites must mean the same thing in every group. For each pair of groups and each construct:

1. Configural invariance: the same model, items and PLS settings in every group, and every
   item varies in every group (otherwise :class:`~kamreport.errors.InputError`). Checked by
   construction and reported per group.
2. Compositional invariance: c = correlation of the pair's pooled (standardized) data weighted
   with group 1's and with group 2's outer weights. Under invariance c is close to 1; the group
   labels are shuffled ``n`` times and both groups re-estimated; p = (1 + #{c* <= c}) / (n + 1)
   and the ``alpha`` quantile of c* are reported; invariant when p >= alpha.
3. Equal composite means and variances: scores from the pooled fit of the pair (standardized
   on the pair), mean difference (group 1 - 2) and log variance ratio log(var_1 / var_2); the
   same shuffles give their permutation distributions; two-sided p = (1 + #{|d*| >= |d|}) /
   (n + 1); equal when p >= alpha (the permutation interval is reported too).

Verdict per construct: "no" (step 2 fails), "partial" (step 2 holds, a mean or a variance
differs: compare paths, not pooled scores) or "full" (all hold: pooling the groups is fine).

(The module is not called ``micom``: a submodule named like the function it holds would replace
that function on the package once imported.)
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Literal

import numpy as np
import pandas as pd

from kamreport.satisfaction.bootstrap import quantile_linear
from kamreport.satisfaction.mga import check_settings, fit_groups, group_data, permute
from kamreport.satisfaction.plsalgorithm import Structure, Weighting
from kamreport.satisfaction.spec import ModelSpec

Invariance = Literal["no", "partial", "full"]


@dataclass(frozen=True, eq=False)
class MicomResult:
    """MICOM steps 1-3 per pair of groups and construct.

    ``configural``: group, n, n_items, configural (step 1). ``compositional``: group_1,
    group_2, construct, c, c_quantile (the ``alpha`` quantile of the shuffled c), p_value,
    invariant (step 2). ``means`` / ``variances``: group_1, group_2, construct, difference
    (mean difference / log variance ratio, group 1 vs 2, of the pooled scores), ci_low,
    ci_high (permutation quantiles alpha/2, 1 - alpha/2), p_value, equal (step 3).
    ``verdict``: group_1, group_2, construct, invariance ("no" / "partial" / "full").
    ``failed``: shuffles whose fits gave no finite weights (left out).
    """

    configural: pd.DataFrame
    compositional: pd.DataFrame
    means: pd.DataFrame
    variances: pd.DataFrame
    verdict: pd.DataFrame
    n_permutations: int
    seed: int | None
    alpha: float
    dropped: int
    failed: int


def micom(
    df: pd.DataFrame,
    spec: ModelSpec,
    group: str,
    n: int = 5000,
    seed: int | None = 1,
    *,
    alpha: float = 0.05,
    min_group: int | None = None,
    weighting: Weighting = "path",
    tol: float = 1e-7,
    max_iter: int = 300,
    n_jobs: int = -1,
) -> MicomResult:
    """Measurement invariance of composites (MICOM steps 1-3) between the groups in ``group``.

    Parameters
    ----------
    df : one row per respondent: the model's items and the ``group`` column.
    spec : the model.
    group : column naming each respondent's group (rows where it is missing are left out).
    n : permutations per pair of groups (5000).
    seed : seed of ``numpy.random.default_rng`` for the shuffles.
    alpha : level of the tests (0.05).
    min_group : smallest group size accepted (default: items of the largest block + 1).
    weighting, tol, max_iter : PLS settings (as :func:`~kamreport.satisfaction.pls.fit_pls`).
    n_jobs : worker threads for the shuffles (-1: all cores; results do not depend on it).

    Returns
    -------
    MicomResult

    References
    ----------
    Henseler, Ringle & Sarstedt (2016), "Testing measurement invariance of composites using
    partial least squares", *International Marketing Review* 33(3), 405-431.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=300)
    >>> h = 0.6 * f + rng.normal(size=300)
    >>> df = pd.DataFrame({"x1": f + rng.normal(size=300), "x2": f + rng.normal(size=300),
    ...                    "y1": h + rng.normal(size=300), "y2": h + rng.normal(size=300),
    ...                    "wave": np.repeat([2024, 2025], 150)})
    >>> df.loc[df.wave == 2025, ["y1", "y2"]] += 1.0  # satisfaction rose in 2025
    >>> spec = ModelSpec.from_text("X =~ x1 + x2; Y =~ y1 + y2; Y ~ X")
    >>> m = micom(df, spec, group="wave", n=999)
    >>> m.verdict.invariance.tolist(), bool(m.means.equal.iloc[1])
    (['full', 'partial'], False)
    """
    check_settings(n, alpha)
    data = group_data(df, spec, group, min_group)
    st = Structure.of(spec)
    settings = (st, weighting, tol, max_iter)
    names = list(spec.names)
    rng = np.random.default_rng(seed)
    tables: dict[str, list[pd.DataFrame]] = {"compositional": [], "means": [], "variances": []}
    failed = 0
    for a, b in combinations(range(len(data.levels)), 2):
        union = np.concatenate([data.rows(a), data.rows(b)])
        z = data.z[union]
        z = (z - z.mean(axis=0)) / z.std(axis=0, ddof=1)
        n_a = len(data.rows(a))
        counts = np.zeros((3, len(z)))
        counts[0, :n_a], counts[1, n_a:], counts[2] = 1.0, 1.0, 1.0  # group 1, group 2, pair
        fits = fit_groups(z, counts, *settings)
        out = permute(z, n_a, n, rng, *settings, n_jobs, keys=("weights",))
        ok = np.isfinite(out["weights_1"]).all(axis=1) & np.isfinite(out["weights_2"]).all(axis=1)
        failed += int((~ok).sum())
        block = fits["correlations"][2] * (st.mask @ st.mask.T)  # within-block correlations
        c = _composite_correlation(fits["weights"][None, 0], fits["weights"][None, 1], block, st)
        c_perm = _composite_correlation(out["weights_1"][ok], out["weights_2"][ok], block, st)
        pair = {"group_1": data.levels[a], "group_2": data.levels[b], "construct": names}
        tables["compositional"].append(pd.DataFrame({
            **pair, "c": c[0], "c_quantile": quantile_linear(c_perm, np.full(len(names), alpha)),
            "p_value": (1 + (c_perm <= c + 1e-12).sum(axis=0)) / (ok.sum() + 1)}))
        eta = z @ (fits["weights"][2][:, None] * st.mask)
        eta = (eta - eta.mean(axis=0)) / eta.std(axis=0, ddof=1)
        first = out["first"][ok].astype(np.float64)
        observed = np.zeros((1, len(z)))
        observed[0, :n_a] = 1.0
        for key, stat in (("means", _mean_difference), ("variances", _log_variance_ratio)):
            d, d_perm = stat(observed, eta)[0], stat(first, eta)
            tables[key].append(pd.DataFrame({
                **pair, "difference": d,
                "ci_low": quantile_linear(d_perm, np.full(len(names), alpha / 2)),
                "ci_high": quantile_linear(d_perm, np.full(len(names), 1 - alpha / 2)),
                "p_value": (1 + (np.abs(d_perm) >= np.abs(d) - 1e-12).sum(axis=0))
                / (ok.sum() + 1)}))
    comp, means, variances = (pd.concat(tables[k], ignore_index=True)
                              for k in ("compositional", "means", "variances"))
    comp["invariant"] = comp.p_value >= alpha
    means["equal"] = means.p_value >= alpha
    variances["equal"] = variances.p_value >= alpha
    verdict = comp[["group_1", "group_2", "construct"]].copy()
    verdict["invariance"] = np.where(~comp.invariant, "no",
                                     np.where(means.equal & variances.equal, "full", "partial"))
    configural = pd.DataFrame({"group": list(data.levels),
                               "n": [len(data.rows(g)) for g in range(len(data.levels))],
                               "n_items": len(spec.items), "configural": True})
    return MicomResult(configural, comp, means, variances, verdict, n, seed, alpha, data.dropped,
                       failed)


def _composite_correlation(w1: np.ndarray, w2: np.ndarray, block: np.ndarray,
                           st: Structure) -> np.ndarray:
    """(B, K) correlations of the composites weighted by w1 and by w2 (rows), data ``block``."""
    s1, s2 = w1 @ block, w2 @ block
    cov = (s1 * w2) @ st.mask
    return cov / np.sqrt(((s1 * w1) @ st.mask) * ((s2 * w2) @ st.mask))


def _mean_difference(first: np.ndarray, eta: np.ndarray) -> np.ndarray:
    """(B, K) mean of group 1 minus group 2 (rows of ``first``: 1 = group 1)."""
    n1 = first.sum(axis=1, keepdims=True)
    return first @ eta / n1 - (1 - first) @ eta / (len(eta) - n1)


def _log_variance_ratio(first: np.ndarray, eta: np.ndarray) -> np.ndarray:
    """(B, K) log(var_1 / var_2), variances with ddof 1."""
    out = []
    for ind in (first, 1 - first):
        k = ind.sum(axis=1, keepdims=True)
        mean = ind @ eta / k
        out.append((ind @ eta**2 - k * mean**2) / (k - 1))
    return np.log(out[0] / out[1])
