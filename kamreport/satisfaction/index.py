"""ACSI-style 0–100 index scores per construct and segment, and wave-over-wave change.

Index method (Fornell et al. 1996; Ringle & Sarstedt 2016, steps 1–2). Each item is rescaled to
0–100 with its scale, ``y = 100·(x − min)/(max − min)``. The item's weight on that scale is its
unstandardized outer weight, ``u = w · (max − min) / sd`` (the PLS weight ``w`` of the
standardized item divided by the SD of the rescaled item), and the weights of a block are
rescaled to sum to 1. A respondent's index of a construct is ``Σ u·y / Σ u`` over the block's
items: with one common scale, the ACSI "weighted mean of the raw items with weights ``w / sd``
summing to 1, mapped to 0–100". Part of a block answered: the weighted mean of the answered
items (weights renormalized); none answered: left out for that construct and counted in
``n_excluded``. The index of a group is the mean of its respondents' indices (weighted by the
case weights of a weighted fit, or ``case_weights=``).

Clustered samples (several respondents per account): with ``cluster=`` (or a fit bootstrapped
with ``cluster=``) the analytic standard errors are cluster-robust (linearization: the
weighted residuals summed per cluster, factor G/(G − 1), t with G − 1 degrees of freedom) and
the bootstrap intervals come from the fit's cluster resamples. The importance–performance map
is :func:`kamreport.satisfaction.importance.ipma`.

Caveats (e.g. a negative outer weight, which makes an index mix directions) are returned in a
``caveat`` column (None where there is none), never as warnings.

References
----------
Fornell, Johnson, Anderson, Cha & Bryant (1996), "The American Customer Satisfaction Index:
nature, purpose, and findings", *J. Marketing* 60(4), 7–18; Anderson & Fornell (2000),
"Foundations of the American Customer Satisfaction Index", *Total Quality Management* 11(7),
869–882; Ringle & Sarstedt (2016), "Gain more insight from your PLS-SEM results: the
importance-performance map analysis", *Industrial Management & Data Systems* 116(9), 1865–1886.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from kamreport.data.schemas import Codebook
from kamreport.errors import InputError
from kamreport.satisfaction.design import change_interval, design_arrays, mean_interval, welch
from kamreport.satisfaction.pls import PlsResult
from kamreport.satisfaction.spec import ModelSpec
from kamreport.satisfaction.validity import standardized_items

ScaleArg = tuple[float, float] | Mapping[str, tuple[float, float]] | Codebook | None
WeightsArg = Literal["pls", "equal"]


DEFAULT_SCALE = (1, 10)  # the ACSI/ECSI questionnaire's 1–10 answers; pass the codebook's scale


def item_scale(data: pd.DataFrame, spec: ModelSpec, scale: ScaleArg = None) -> pd.DataFrame:
    """The (min, max) answer scale of each model item: DataFrame indexed by item.

    ``scale``: ``(min, max)`` for every item (e.g. ``(1, 10)``); a mapping from item or
    construct name to ``(min, max)`` (an item's own entry wins); a :class:`Codebook` (its
    ``scale``); or None, which infers one common scale from the smallest and largest answer of
    all model items in ``data`` — pass the questionnaire's scale when you can, since a scale
    end nobody chose would shift every index. Raises InputError for an answer off the scale.
    """
    spec.validate_data(data.columns)
    items = list(spec.items)
    text = [i for i in items if not (pd.api.types.is_numeric_dtype(data[i]) or data[i].isna().all())]
    if text:
        raise InputError(f"item column(s) {', '.join(text)} are not numeric; recode the answers "
                         "to numbers (missing codes to empty)")
    x = data[items].to_numpy(dtype=np.float64, na_value=np.nan)
    if isinstance(scale, Codebook):
        scale = (scale.scale.min, scale.scale.max)
    if scale is None:
        if np.isnan(x).all():
            raise InputError("no answers in the model's items; cannot infer the scale, pass scale=")
        scale = (float(np.nanmin(x)), float(np.nanmax(x)))
    if isinstance(scale, Mapping):
        owner = {i: c.name for c in spec.constructs for i in c.items}
        lost = [i for i in items if i not in scale and owner[i] not in scale]
        if lost:
            raise InputError(f"scale has no entry for item(s) {', '.join(lost)}; give (min, max) per "
                             "item or construct")
        bounds = np.array([scale.get(i, scale.get(owner[i])) for i in items], dtype=np.float64)
    else:
        bounds = np.tile(np.asarray(scale, dtype=np.float64), (len(items), 1))
    if bounds.shape != (len(items), 2) or not (bounds[:, 1] > bounds[:, 0]).all():
        raise InputError(f"scale {scale!r} must give (min, max) with max > min, e.g. scale=(1, 10)")
    with np.errstate(invalid="ignore"):
        off = (x < bounds[:, 0]) | (x > bounds[:, 1])
    if off.any():
        r, c = np.argwhere(off)[0]
        raise InputError(f"item {items[c]!r} has answer {x[r, c]:g} (row {data.index[r]!r}) outside its "
                         f"scale {bounds[c, 0]:g}–{bounds[c, 1]:g}; recode it or pass the right scale=")
    return pd.DataFrame(bounds, index=items, columns=["min", "max"])


def _rescaled(weights: np.ndarray, sds: np.ndarray, span: np.ndarray, spec: ModelSpec,
              kind: WeightsArg) -> tuple[np.ndarray, np.ndarray]:
    """Rescaled weights (..., p) summing to 1 per block, and the block sums U (..., K)."""
    u = weights * span / sds if kind == "pls" else np.ones_like(weights)
    rw, total = np.empty_like(u), np.empty((*u.shape[:-1], len(spec.constructs)))
    start = 0
    for j, c in enumerate(spec.constructs):
        blk = slice(start, start + len(c.items))
        total[..., j] = u[..., blk].sum(axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            rw[..., blk] = u[..., blk] / total[..., j, None]
        start += len(c.items)
    return rw, total


def rescaled_weights(spec: ModelSpec, pls: PlsResult, scale: pd.DataFrame,
                     weights: WeightsArg = "pls") -> pd.Series:
    """Each item's weight in its construct's 0–100 index (summing to 1 per construct).

    ``pls``: ``w·(max − min)/sd`` normalized per block (Ringle & Sarstedt 2016); ``equal``:
    ``1/k``. Raises InputError when a block's weights sum to zero or less; negative weights
    (the index then mixes directions; Ringle & Sarstedt require non-negative weights) are
    reported by :func:`weight_caveats`.
    """
    if weights not in ("pls", "equal"):
        raise InputError(f"weights={weights!r} is not 'pls' or 'equal'")
    if pls.spec != spec:
        raise InputError("pls was fitted with another model than spec; pass the fit of this spec")
    items = list(spec.items)
    w = pls.weights.set_index("item")["weight"].reindex(items).to_numpy(dtype=np.float64)
    span = (scale.loc[items, "max"] - scale.loc[items, "min"]).to_numpy(dtype=np.float64)
    rw, total = _rescaled(w, pls.item_sds.reindex(items).to_numpy(), span, spec, weights)
    bad = [c.name for c, t in zip(spec.constructs, total) if not t > 0]
    if bad:
        raise InputError(f"outer weights of {', '.join(bad)} sum to <= 0; recode reverse-worded "
                         "items so that all point the same way")
    return pd.Series(rw, index=items, name="weight")


def weight_caveats(spec: ModelSpec, rw: pd.Series) -> dict[str, str]:
    """Construct -> caveat text for blocks with a negative rescaled weight (else absent).

    Examples
    --------
    >>> spec = ModelSpec.from_text("A =~ a1 + a2; B =~ b1; B ~ A")
    >>> weight_caveats(spec, pd.Series({"a1": 1.2, "a2": -0.2, "b1": 1.0}))["A"][:34]
    'negative outer weight(s) for a2: t'
    """
    out = {}
    for c in spec.constructs:
        neg = [i for i in c.items if rw[i] < 0]
        if neg:
            out[c.name] = (f"negative outer weight(s) for {', '.join(neg)}: the 0-100 index mixes "
                           "directions (recode the items or drop them)")
    return out


def _rescaled_items(data: pd.DataFrame, spec: ModelSpec, scale: pd.DataFrame) -> np.ndarray:
    items = list(spec.items)
    x = data[items].to_numpy(dtype=np.float64, na_value=np.nan)
    return 100 * (x - scale["min"].to_numpy()) / (scale["max"] - scale["min"]).to_numpy()


def _block_index(y: np.ndarray, rw: np.ndarray) -> np.ndarray:
    """Index of each row of ``y`` (n, k) for each weight vector ``rw`` (m, k) -> (n, m)."""
    answered = ~np.isnan(y)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (np.where(answered, y, 0.0) @ rw.T) / (answered @ rw.T)
    return np.where(answered.any(axis=1)[:, None], out, np.nan)


def respondent_index(data: pd.DataFrame, spec: ModelSpec, pls: PlsResult, *,
                     scale: ScaleArg = DEFAULT_SCALE, weights: WeightsArg = "pls") -> pd.DataFrame:
    """0–100 index of every respondent (rows of ``data``) and construct; NaN for empty blocks.

    Parameters as :func:`index_scores`. Example: ``respondent_index(df, spec, fit, scale=(1, 10))``.
    """
    bounds = item_scale(data, spec, scale)
    return _index_values(data, spec, bounds, rescaled_weights(spec, pls, bounds, weights))


def _index_values(data: pd.DataFrame, spec: ModelSpec, bounds: pd.DataFrame,
                  rw: pd.Series) -> pd.DataFrame:
    y, w = _rescaled_items(data, spec, bounds), rw.to_numpy()
    cols, start = {}, 0
    for c in spec.constructs:
        blk = slice(start, start + len(c.items))
        cols[c.name] = _block_index(y[:, blk], w[None, blk])[:, 0]
        start += len(c.items)
    return pd.DataFrame(cols, index=data.index)


def _groups(data: pd.DataFrame, by: str | Sequence[str] | None) -> tuple[list[str], list[tuple]]:
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    lost = [k for k in keys if k not in data.columns]
    if lost:
        raise InputError(f"segment column(s) {', '.join(lost)} not in the data; pass by= a column name")
    if not keys:
        return keys, [((), np.arange(len(data)))]
    grouped = data.groupby(keys, dropna=True, sort=True, observed=True).indices
    return keys, [(k if isinstance(k, tuple) else (k,), pos) for k, pos in grouped.items()]


def _caveats(data: pd.DataFrame, spec: ModelSpec, pls: PlsResult, scale: ScaleArg,
             weights: WeightsArg) -> dict[str, str]:
    return weight_caveats(spec, rescaled_weights(spec, pls, item_scale(data, spec, scale), weights))


def index_scores(data: pd.DataFrame, spec: ModelSpec, pls: PlsResult, *,
                 by: str | Sequence[str] | None = None, scale: ScaleArg = DEFAULT_SCALE, ci: float = 0.95,
                 weights: WeightsArg = "pls", cluster: str | None = None,
                 case_weights: str | None = None) -> pd.DataFrame:
    """0–100 index per construct, overall or per segment, with standard error and intervals.

    Parameters
    ----------
    data : survey rows (the fitted data, or new rows scored with the fit's weights).
    spec, pls : the model and its PLS fit (the weights and item SDs come from the fit).
    by : segment column name(s) (region, industry, tier, wave ...); rows with a missing
        segment value are left out.
    scale : the item answer scale, see :func:`item_scale`; default (1, 10), None infers it from the data.
    ci : confidence level of the intervals.
    weights : "pls" (ACSI, the fit's outer weights) or "equal" (plain mean of the items).
    cluster : column of the cluster (account) of each row: cluster-robust SE, df G − 1, and an
        ``n_clusters`` column; default the fit's ``cluster=`` column when ``data`` has it.
    case_weights : column of case weights for weighted means; default the fit's ``weights=``.

    Returns
    -------
    One row per (segment and) construct: the ``by`` columns, construct, n (respondents with an
    index), n_excluded (block entirely unanswered), index, std_error, ci_low, ci_high (t
    interval, df n − 1, of the respondent-level indices), caveat (None, or e.g. a negative
    weight). When ``pls.bootstrap`` exists, ``by`` is None and ``data`` is the fitted data,
    also boot_std_error, boot_ci_low, boot_ci_high: percentile intervals over the fit's own
    resamples of respondents (or of clusters), each with that resample's weights and item SDs
    (so weight uncertainty is included).

    References
    ----------
    Fornell et al. (1996), *J. Marketing* 60(4), 7–18; Anderson & Fornell (2000), *TQM* 11(7).

    Examples
    --------
    >>> from kamreport.satisfaction.pls import fit_pls
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=200)
    >>> df = pd.DataFrame({c: np.clip(np.round(6 + 1.5 * f + rng.normal(size=200)), 1, 10)
    ...                    for c in ("a1", "a2", "b1", "b2")})
    >>> spec = ModelSpec.from_text("A =~ a1 + a2; B =~ b1 + b2; B ~ A")
    >>> index_scores(df, spec, fit_pls(df, spec), scale=(1, 10))[["construct", "n"]].values.tolist()
    [['A', 200], ['B', 200]]
    """
    if not 0 < ci < 1:
        raise InputError(f"ci={ci!r} must be between 0 and 1 (0.95 for 95 % intervals)")
    values = respondent_index(data, spec, pls, scale=scale, weights=weights)
    w, codes = design_arrays(data, pls, cluster, case_weights)
    keys, groups = _groups(data, by)
    rows = []
    for key, pos in groups:
        for name in spec.names:
            v = values[name].to_numpy()[pos]
            ok = ~np.isnan(v)
            rows.append({**dict(zip(keys, key)), "construct": name, "n_excluded": v.size - ok.sum(),
                         **mean_interval(v[ok], None if w is None else w[pos][ok],
                                     None if codes is None else codes[pos][ok], ci)})
    cols = [*keys, "construct", "n", "n_excluded", "index", "std_error", "ci_low", "ci_high"]
    out = pd.DataFrame(rows)[cols + (["n_clusters"] if codes is not None else [])]
    out["caveat"] = out["construct"].map(_caveats(data, spec, pls, scale, weights)).astype(object)
    out["caveat"] = out["caveat"].where(out["caveat"].notna(), None)
    if by is None and pls.bootstrap is not None and _is_fitted_data(data, pls):
        _check_boot_cluster(pls, data, codes)
        means = _bootstrap_means(data, spec, pls, scale, weights, [np.ones(len(data), bool)], w)
        out = out.assign(**_percentiles(means[:, 0], ci))
    return out


def _is_fitted_data(data: pd.DataFrame, pls: PlsResult) -> bool:
    try:
        standardized_items(data, pls.spec, pls)  # raises unless rows, index and item means match
    except InputError:
        return False
    return True


def _check_boot_cluster(pls: PlsResult, data: pd.DataFrame, codes: np.ndarray | None) -> None:
    draws = pls.bootstrap
    if codes is not None and draws.clusters is None:
        raise InputError("cluster= was given but pls was bootstrapped by rows; refit with "
                         "fit_pls(..., cluster=...) for cluster bootstrap intervals")


def _bootstrap_means(data: pd.DataFrame, spec: ModelSpec, pls: PlsResult, scale: ScaleArg,
                     weights: WeightsArg, masks: list[np.ndarray],
                     case_w: np.ndarray | None) -> np.ndarray:
    """(B, len(masks), K) weighted mean index of the rows in each mask, per resample."""
    draws = pls.bootstrap
    bounds = item_scale(data, spec, scale)
    span = (bounds["max"] - bounds["min"]).to_numpy()
    rw, _ = _rescaled(draws.draws["weights"], draws.draws["item_sds"], span, spec, weights)
    y = _rescaled_items(data, spec, bounds)
    masks_f = np.array(masks, dtype=np.float64)  # (m, n)

    def statistic(counts: np.ndarray, rows: slice) -> dict[str, np.ndarray]:
        out = np.empty((counts.shape[0], len(masks), len(spec.constructs)))
        start = 0
        for j, c in enumerate(spec.constructs):
            blk = slice(start, start + len(c.items))
            idx = _block_index(y[:, blk], rw[rows, blk])  # (n, b)
            valid = ~np.isnan(idx)
            num = (counts.T * np.where(valid, idx, 0.0)).T @ masks_f.T  # (b, m)
            with np.errstate(invalid="ignore", divide="ignore"):
                out[:, :, j] = num / ((counts.T * valid).T @ masks_f.T)
            start += len(c.items)
        return {"means": out}

    return draws.map(statistic, case_weights=case_w)["means"]


def _percentiles(draws: np.ndarray, ci: float) -> dict[str, np.ndarray]:
    draws = draws[np.isfinite(draws).all(axis=1)]
    lo_q, hi_q = np.quantile(draws, [(1 - ci) / 2, (1 + ci) / 2], axis=0)  # R type 7
    return {"boot_std_error": draws.std(axis=0, ddof=1), "boot_ci_low": lo_q, "boot_ci_high": hi_q}


def index_change(data: pd.DataFrame, spec: ModelSpec, pls: PlsResult, wave: str = "wave",
                 before: object = 1, after: object = 2, by: str | Sequence[str] | None = None, *,
                 scale: ScaleArg = DEFAULT_SCALE, ci: float = 0.95, weights: WeightsArg = "pls",
                 cluster: str | None = None, case_weights: str | None = None) -> pd.DataFrame:
    """Wave-over-wave change of the 0–100 index per construct (and segment), Welch t-test.

    Both waves are scored with the same weights (those of ``pls``) and the same scale (given,
    or inferred from all rows of ``data``), so a change is a change in answers only.
    ``cluster`` / ``case_weights`` as :func:`index_scores` (default: the fit's): weighted wave
    means; with clusters the SE of the change is cluster-robust (an account answering in both
    waves counts once, its two waves correlated), df G − 1.

    Returns
    -------
    One row per (segment and) construct: the ``by`` columns, construct, n_before, n_after,
    index_before, index_after, change (after − before), std_error (sqrt(s₁²/n₁ + s₂²/n₂)), df
    (Welch–Satterthwaite), t, p_value (two-sided), ci_low, ci_high (Welch t interval at
    ``ci``), caveat. When ``pls.bootstrap`` exists, ``by`` is None and ``data`` is the fitted
    data, also boot_std_error, boot_ci_low, boot_ci_high of the change over the fit's resamples.

    References
    ----------
    Welch (1947), *Biometrika* 34, 28–35; Anderson & Fornell (2000), *TQM* 11(7).
    """
    if wave not in data.columns:
        raise InputError(f"wave column {wave!r} not in the data; pass wave= the column that holds it")
    for label in (before, after):
        if not (data[wave] == label).any():
            raise InputError(f"no rows with {wave} == {label!r}; waves present: "
                             f"{', '.join(map(str, pd.unique(data[wave].dropna())))}")
    if not 0 < ci < 1:
        raise InputError(f"ci={ci!r} must be between 0 and 1 (0.95 for 95 % intervals)")
    values = respondent_index(data, spec, pls, scale=scale, weights=weights)
    w, codes = design_arrays(data, pls, cluster, case_weights)
    keys, groups = _groups(data, by)
    in_wave = {label: (data[wave] == label).to_numpy() for label in (before, after)}
    rows = []
    for key, pos in groups:
        for name in spec.names:
            v = values[name].to_numpy()[pos]
            sel = [in_wave[label][pos] & ~np.isnan(v) for label in (before, after)]
            a, b = (v[s] for s in sel)
            row = {**dict(zip(keys, key)), "construct": name, "n_before": a.size, "n_after": b.size}
            if w is None and codes is None:
                row.update(index_before=a.mean() if a.size else np.nan,
                           index_after=b.mean() if b.size else np.nan, **welch(b, a, ci))
            else:
                row.update(change_interval(v, sel, None if w is None else w[pos],
                                          None if codes is None else codes[pos], ci))
            rows.append(row)
    out = pd.DataFrame(rows)
    out["caveat"] = out["construct"].map(_caveats(data, spec, pls, scale, weights)).astype(object)
    out["caveat"] = out["caveat"].where(out["caveat"].notna(), None)
    if by is None and pls.bootstrap is not None and _is_fitted_data(data, pls):
        _check_boot_cluster(pls, data, codes)
        means = _bootstrap_means(data, spec, pls, scale, weights, [in_wave[before], in_wave[after]], w)
        out = out.assign(**_percentiles(means[:, 1] - means[:, 0], ci))
    return out
