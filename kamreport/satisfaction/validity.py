"""Discriminant validity and collinearity of a PLS path model: HTMT, Fornell–Larcker, VIF.

Every statistic here is a function of the item correlation matrix the PLS fit used (after its
missing-data rule: mean replacement, or pairwise correlations) or of the construct score
correlations. HTMT works on stacks of correlation matrices ``(B, p, p)``, so the bootstrap
interval re-uses the fit's own resample indices (``pls.bootstrap.indices``) and is reproducible.

References
----------
Henseler, Ringle & Sarstedt (2015), "A new criterion for assessing discriminant validity in
variance-based structural equation modeling", *J. Acad. Marketing Science* 43(1), 115–135.
Fornell & Larcker (1981), *J. Marketing Research* 18(1), 39–50.
Hair, Hult, Ringle & Sarstedt (2022), *A Primer on PLS-SEM*, 3rd ed., ch. 4 (HTMT, Fornell–
Larcker), ch. 5 (indicator VIF of formative blocks), ch. 6 (structural VIF).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamreport.errors import InputError
from kamreport.satisfaction import bootstrap as boot
from kamreport.satisfaction.pls import PlsResult
from kamreport.satisfaction.spec import ModelSpec

#: Relative tolerance when checking that ``data`` is the data ``pls`` was fitted on.
SAME_DATA_RTOL = 1e-9
def standardized_items(data: pd.DataFrame, spec: ModelSpec, pls: PlsResult) -> np.ndarray:
    """The model's items standardized as ``pls`` standardized them, shape (n, p).

    With ``pls.missing == "mean"`` missing cells become 0 (the item mean, as in the fit); with
    ``"pairwise"`` they stay NaN (correlations then use pairwise-complete rows, as in the fit).
    Raises InputError when ``data`` is not the data ``pls`` was fitted on (row count, row
    index or item means differ: the bootstrap indices refer to its rows) or ``pls`` was fitted
    with another model.
    """
    if pls.spec != spec:
        raise InputError("pls was fitted with another model than spec; pass the fit of this spec "
                         "or leave pls=None")
    spec.validate_data(data.columns)
    x = data[list(spec.items)].to_numpy(dtype=np.float64, na_value=np.nan)
    means, sds = pls.item_means.to_numpy(), pls.item_sds.to_numpy()
    with np.errstate(all="ignore"):
        same = len(x) == pls.n and data.index.equals(pls.scores.index)
        if same:
            w = np.ones(len(x)) if pls.case_weights is None else pls.case_weights.to_numpy()
            present = ~np.isnan(x)
            observed = (np.where(present, x, 0.0) * w[:, None]).sum(0) / (present * w[:, None]).sum(0)
            same = np.allclose(observed, means, rtol=SAME_DATA_RTOL, atol=1e-12)
    if not same:
        raise InputError(f"data ({len(x)} rows) is not the data pls was fitted on ({pls.n} rows; "
                         "other row index or item means); pass the same data frame or refit with fit_pls")
    z = (x - means) / sds
    return np.nan_to_num(z) if pls.missing == "mean" else z


def item_correlations(z: np.ndarray, case_weights: np.ndarray | None = None) -> np.ndarray:
    """(p, p) item correlation matrix of standardized items (pairwise where NaN; weighted when
    ``case_weights`` (n,) are given, as a weighted PLS fit)."""
    w = np.ones(len(z)) if case_weights is None else np.asarray(case_weights, dtype=np.float64)
    return boot.weighted_correlations(z, w[None])[0][0]


def _blocks(spec: ModelSpec) -> list[np.ndarray]:
    items = list(spec.items)
    return [np.array([items.index(i) for i in c.items]) for c in spec.constructs]


def htmt_stack(corr: np.ndarray, spec: ModelSpec, *, absolute: bool = True) -> np.ndarray:
    """HTMT of every construct pair for each correlation matrix of a stack.

    Parameters
    ----------
    corr : (B, p, p) item correlation matrices (items in ``spec.items`` order).
    spec : the model.
    absolute : average absolute correlations (seminr, SmartPLS 4; protects against items that
        correlate negatively); ``False`` averages the raw correlations as in Henseler et al.
        (2015). The two agree when all item correlations are positive.

    Returns
    -------
    (B, K, K) symmetric, NaN on the diagonal. A single-item block's monotrait correlation is
    taken as 1 (seminr, SmartPLS).

    Examples
    --------
    >>> from kamreport.satisfaction.spec import ModelSpec
    >>> spec = ModelSpec.from_text("A =~ a1 + a2\\nB =~ b1 + b2\\nB ~ A")
    >>> r = np.full((4, 4), 0.3) + np.diag([0.7] * 4)
    >>> r[0, 1] = r[1, 0] = r[2, 3] = r[3, 2] = 0.6
    >>> round(float(htmt_stack(r[None], spec)[0, 0, 1]), 6)  # 0.3 / sqrt(0.6 * 0.6)
    0.5
    """
    r = np.abs(corr) if absolute else corr
    mask = np.zeros((len(spec.items), len(spec.constructs)))
    for j, blk in enumerate(_blocks(spec)):
        mask[blk, j] = 1.0
    k = mask.sum(axis=0)
    sums = mask.T @ r @ mask  # (B, K, K) sums of the correlations between / within blocks
    diag = np.diagonal(r, axis1=1, axis2=2) @ mask
    with np.errstate(divide="ignore", invalid="ignore"):
        within = np.diagonal(sums, axis1=1, axis2=2)
        mono = np.where(k > 1, (within - diag) / (k * (k - 1)), 1.0)
        out = sums / np.outer(k, k) / np.sqrt(mono[:, :, None] * mono[:, None, :])
    out = 0.5 * (out + np.swapaxes(out, 1, 2))  # exactly symmetric (matmul rounding differs)
    idx = np.arange(len(k))
    out[:, idx, idx] = np.nan
    return out


def htmt_table(corr: np.ndarray, spec: ModelSpec, *, absolute: bool = True) -> pd.DataFrame:
    """Constructs x constructs HTMT matrix (symmetric, NaN diagonal) of one correlation matrix.

    Formative (mode B) constructs get NaN rows and columns: HTMT assumes reflective blocks
    (Hair et al. 2022, ch. 5: formative blocks are assessed by VIF and weights instead).
    """
    values = htmt_stack(corr[None], spec, absolute=absolute)[0]
    mode_b = [j for j, c in enumerate(spec.constructs) if c.mode == "B"]
    values[mode_b, :] = np.nan
    values[:, mode_b] = np.nan
    return pd.DataFrame(values, index=list(spec.names), columns=list(spec.names))


def htmt_intervals(z: np.ndarray, spec: ModelSpec, draws: boot.BootstrapDraws,
                   htmt: pd.DataFrame, *, absolute: bool = True) -> pd.DataFrame:
    """Percentile bootstrap intervals of HTMT from the fit's own resamples.

    Each resample's item correlations come from the same rows (or clusters) the PLS bootstrap
    drew (``draws.indices``, with the fit's case weights), so the interval is reproducible from
    the fit's seed. Resamples with a
    non-finite HTMT (e.g. an item constant in the resample) are left out. Level: ``1 −
    draws.alpha`` (two-sided), quantiles by linear interpolation (R type 7, as seminr).

    Returns
    -------
    Long DataFrame, one row per pair of reflective constructs (upper triangle in model
    order): construct_a, construct_b, pair ("A~B"), htmt, ci_low, ci_high, n_resamples.
    """
    def statistic(counts: np.ndarray, rows: slice) -> dict[str, np.ndarray]:
        return {"htmt": htmt_stack(boot.weighted_correlations(z, counts)[0], spec,
                                   absolute=absolute)}

    stack = draws.map(statistic)["htmt"]
    names = list(spec.names)
    levels = np.array([draws.alpha / 2, 1 - draws.alpha / 2])
    rows = []
    for i, a in enumerate(names):
        for j in range(i + 1, len(names)):
            estimate = float(htmt.iloc[i, j])
            if not np.isfinite(estimate):
                continue
            d = stack[:, i, j]
            d = d[np.isfinite(d)]
            lo_q, hi_q = np.quantile(d, levels) if d.size else (np.nan, np.nan)  # R type 7
            rows.append({"construct_a": a, "construct_b": names[j], "pair": f"{a}~{names[j]}",
                         "htmt": estimate, "ci_low": float(lo_q), "ci_high": float(hi_q),
                         "n_resamples": int(d.size)})
    return pd.DataFrame(rows, columns=["construct_a", "construct_b", "pair", "htmt", "ci_low",
                                       "ci_high", "n_resamples"])


def fornell_larcker(construct_correlations: pd.DataFrame, ave: pd.Series) -> pd.DataFrame:
    """Fornell–Larcker matrix: sqrt(AVE) on the diagonal, construct score correlations off it.

    The criterion holds for a construct when its sqrt(AVE) exceeds its absolute correlation with
    every other construct. Mode B constructs have AVE NaN, so a NaN diagonal.

    Examples
    --------
    >>> r = pd.DataFrame([[1, .5], [.5, 1]], index=["A", "B"], columns=["A", "B"], dtype=float)
    >>> fornell_larcker(r, pd.Series({"A": .64, "B": .81})).to_numpy().tolist()
    [[0.8, 0.5], [0.5, 0.9]]
    """
    out = construct_correlations.astype(np.float64).copy()
    values = out.to_numpy(copy=True)
    np.fill_diagonal(values, np.sqrt(ave.reindex(out.index).to_numpy(dtype=np.float64)))
    return pd.DataFrame(values, index=out.index, columns=out.columns)


def _vif(corr: np.ndarray) -> np.ndarray:
    """Diagonal of the inverse correlation matrix: VIF of each variable on the others."""
    if corr.shape[0] == 1:
        return np.ones(1)
    return np.diag(np.linalg.inv(corr))


def vif_table(corr: np.ndarray, spec: ModelSpec, pls: PlsResult) -> pd.DataFrame:
    """VIFs of formative items and of the predictors of each endogenous construct.

    Item VIFs (``kind="item"``) are computed for mode B blocks only, from the item
    correlations; structural VIFs (``kind="structural"``) from the construct score
    correlations of each endogenous construct's predecessors. A lone predictor (or a
    single-item formative block) has VIF 1 (seminr reports NaN for a lone predictor).

    Returns
    -------
    Long DataFrame: kind, construct (the block, or the endogenous construct), variable (the
    item, or the predecessor), vif.
    """
    rows = []
    items = list(spec.items)
    for c in spec.constructs:
        if c.mode == "B":
            pos = [items.index(i) for i in c.items]
            rows += [("item", c.name, item, float(v))
                     for item, v in zip(c.items, _vif(corr[np.ix_(pos, pos)]))]
    r = pls.construct_correlations
    for target in spec.endogenous:
        preds = list(spec.predecessors(target))
        rows += [("structural", target, pred, float(v))
                 for pred, v in zip(preds, _vif(r.loc[preds, preds].to_numpy(dtype=np.float64)))]
    return pd.DataFrame(rows, columns=["kind", "construct", "variable", "vif"])
