"""ACSI-style 0–100 index scores per construct and segment, wave-over-wave change, and IPMA.

Index method (Fornell et al. 1996; Ringle & Sarstedt 2016, steps 1–2). Each item is rescaled to
0–100 with its scale, ``y = 100·(x − min)/(max − min)``. The item's weight on that scale is its
unstandardized outer weight, ``u = w · (max − min) / sd`` (the PLS weight ``w`` of the
standardized item divided by the SD of the rescaled item), and the weights of a block are
rescaled to sum to 1. A respondent's index of a construct is ``Σ u·y / Σ u`` over the block's
items: with one common scale, the ACSI "weighted mean of the raw items with weights ``w / sd``
summing to 1, mapped to 0–100". Part of a block answered: the weighted mean of the answered
items (weights renormalized); none answered: left out for that construct and counted in
``n_excluded``. The index of a group is the mean of its respondents' indices.

References
----------
Fornell, Johnson, Anderson, Cha & Bryant (1996), "The American Customer Satisfaction Index:
nature, purpose, and findings", *J. Marketing* 60(4), 7–18; Anderson & Fornell (2000),
"Foundations of the American Customer Satisfaction Index", *Total Quality Management* 11(7),
869–882; Ringle & Sarstedt (2016), "Gain more insight from your PLS-SEM results: the
importance-performance map analysis", *Industrial Management & Data Systems* 116(9), 1865–1886.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from kamreport.data.schemas import Codebook
from kamreport.errors import InputError
from kamreport.satisfaction import bootstrap as boot
from kamreport.satisfaction.pls import PlsResult
from kamreport.satisfaction.spec import ModelSpec
from kamreport.satisfaction.validity import resample_block, standardized_items

ScaleArg = tuple[float, float] | Mapping[str, tuple[float, float]] | Codebook | None
WeightsArg = Literal["pls", "equal"]
QUADRANTS = ("concentrate here", "keep up", "low priority", "possible overkill")


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
    ``1/k``. Warns when a weight is negative (IPMA and the index then mix directions; Ringle &
    Sarstedt require non-negative weights) and raises InputError when a block's weights sum
    to zero or less.
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
    if (rw < 0).any():
        warnings.warn(f"negative outer weight(s) for {', '.join(np.array(items)[rw < 0])}: the 0-100 "
                      "index mixes directions (recode the items or drop them)", stacklevel=2)
    return pd.Series(rw, index=items, name="weight")


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


def _t_interval(values: np.ndarray, ci: float) -> dict[str, float]:
    n = values.size
    mean = float(values.mean()) if n else np.nan
    se = float(values.std(ddof=1) / np.sqrt(n)) if n > 1 else np.nan
    half = float(stats.t.ppf((1 + ci) / 2, n - 1)) * se if n > 1 else np.nan
    return {"n": n, "index": mean, "std_error": se, "ci_low": mean - half, "ci_high": mean + half}


def _groups(data: pd.DataFrame, by: str | Sequence[str] | None) -> tuple[list[str], list[tuple]]:
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    lost = [k for k in keys if k not in data.columns]
    if lost:
        raise InputError(f"segment column(s) {', '.join(lost)} not in the data; pass by= a column name")
    if not keys:
        return keys, [((), np.arange(len(data)))]
    grouped = data.groupby(keys, dropna=True, sort=True, observed=True).indices
    return keys, [(k if isinstance(k, tuple) else (k,), pos) for k, pos in grouped.items()]


def index_scores(data: pd.DataFrame, spec: ModelSpec, pls: PlsResult, *,
                 by: str | Sequence[str] | None = None, scale: ScaleArg = DEFAULT_SCALE, ci: float = 0.95,
                 weights: WeightsArg = "pls") -> pd.DataFrame:
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

    Returns
    -------
    One row per (segment and) construct: the ``by`` columns, construct, n (respondents with an
    index), n_excluded (block entirely unanswered), index, std_error, ci_low, ci_high (t
    interval, df n − 1, of the respondent-level indices). When ``pls.bootstrap`` exists, ``by``
    is None and ``data`` is the fitted data, also boot_std_error, boot_ci_low, boot_ci_high:
    percentile intervals over the fit's own resamples of respondents, each with that resample's
    weights and item SDs (so weight uncertainty is included).

    References
    ----------
    Fornell et al. (1996), *J. Marketing* 60(4), 7–18; Anderson & Fornell (2000), *TQM* 11(7).

    Examples
    --------
    >>> index_scores(mobi, ecsi(), fit_pls(mobi, ecsi()), scale=(1, 10))   # doctest: +SKIP
    """
    if not 0 < ci < 1:
        raise InputError(f"ci={ci!r} must be between 0 and 1 (0.95 for 95 % intervals)")
    values = respondent_index(data, spec, pls, scale=scale, weights=weights)
    keys, groups = _groups(data, by)
    rows = []
    for key, pos in groups:
        for name in spec.names:
            v = values[name].to_numpy()[pos]
            ok = v[~np.isnan(v)]
            rows.append({**dict(zip(keys, key)), "construct": name, "n_excluded": v.size - ok.size,
                         **_t_interval(ok, ci)})
    cols = [*keys, "construct", "n", "n_excluded", "index", "std_error", "ci_low", "ci_high"]
    out = pd.DataFrame(rows)[cols]
    if by is None and pls.bootstrap is not None and _is_fitted_data(data, pls):
        out = out.assign(**_bootstrap_index(data, spec, pls, scale, weights, ci))
    return out


def _is_fitted_data(data: pd.DataFrame, pls: PlsResult) -> bool:
    try:
        standardized_items(data, pls.spec, pls)  # raises unless rows, index and item means match
    except InputError:
        return False
    return True


def _bootstrap_index(data: pd.DataFrame, spec: ModelSpec, pls: PlsResult, scale: ScaleArg,
                     weights: WeightsArg, ci: float) -> dict[str, np.ndarray]:
    draws = pls.bootstrap
    bounds = item_scale(data, spec, scale)
    span = (bounds["max"] - bounds["min"]).to_numpy()
    rw, _ = _rescaled(draws.draws["weights"], draws.draws["item_sds"], span, spec, weights)
    y = _rescaled_items(data, spec, bounds)
    n, k = len(data), len(spec.constructs)
    means = np.full((draws.n_resamples, k), np.nan)
    step = resample_block(n)
    for lo in range(0, draws.n_resamples, step):
        hi = min(lo + step, draws.n_resamples)
        counts = boot.counts_from_indices(draws.indices[lo:hi], n)  # (b, n)
        start = 0
        for j, c in enumerate(spec.constructs):
            blk = slice(start, start + len(c.items))
            idx = _block_index(y[:, blk], rw[lo:hi, blk])  # (n, b)
            valid = ~np.isnan(idx)
            with np.errstate(invalid="ignore", divide="ignore"):
                means[lo:hi, j] = ((counts.T * np.where(valid, idx, 0.0)).sum(axis=0)
                                   / (counts.T * valid).sum(axis=0))
            start += len(c.items)
    means = means[np.isfinite(means).all(axis=1)]
    lo_q, hi_q = np.quantile(means, [(1 - ci) / 2, (1 + ci) / 2], axis=0)  # R type 7
    return {"boot_std_error": means.std(axis=0, ddof=1), "boot_ci_low": lo_q, "boot_ci_high": hi_q}


def index_change(data: pd.DataFrame, spec: ModelSpec, pls: PlsResult, wave: str = "wave",
                 before: object = 1, after: object = 2, by: str | Sequence[str] | None = None, *,
                 scale: ScaleArg = DEFAULT_SCALE, ci: float = 0.95, weights: WeightsArg = "pls") -> pd.DataFrame:
    """Wave-over-wave change of the 0–100 index per construct (and segment), Welch t-test.

    Both waves are scored with the same weights (those of ``pls``) and the same scale (given,
    or inferred from all rows of ``data``), so a change is a change in answers only.

    Returns
    -------
    One row per (segment and) construct: the ``by`` columns, construct, n_before, n_after,
    index_before, index_after, change (after − before), std_error (sqrt(s₁²/n₁ + s₂²/n₂)), df
    (Welch–Satterthwaite), t, p_value (two-sided), ci_low, ci_high (Welch t interval at ``ci``).

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
    keys, groups = _groups(data, by)
    in_wave = {label: (data[wave] == label).to_numpy() for label in (before, after)}
    rows = []
    for key, pos in groups:
        for name in spec.names:
            v = values[name].to_numpy()
            a, b = (v[pos][in_wave[label][pos] & ~np.isnan(v[pos])] for label in (before, after))
            row = {**dict(zip(keys, key)), "construct": name, "n_before": a.size, "n_after": b.size,
                   "index_before": a.mean() if a.size else np.nan,
                   "index_after": b.mean() if b.size else np.nan}
            row.update(_welch(b, a, ci))
            rows.append(row)
    return pd.DataFrame(rows)


def _welch(after: np.ndarray, before: np.ndarray, ci: float) -> dict[str, float]:
    if after.size < 2 or before.size < 2:  # no variance estimate: only the change, if any
        change = after.mean() - before.mean() if after.size and before.size else np.nan
        return {"change": change, **dict.fromkeys(("std_error", "df", "t", "p_value", "ci_low",
                                                   "ci_high"), np.nan)}
    res = stats.ttest_ind(after, before, equal_var=False)
    interval = res.confidence_interval(confidence_level=ci)
    se = np.sqrt(after.var(ddof=1) / after.size + before.var(ddof=1) / before.size)
    return {"change": after.mean() - before.mean(), "std_error": se, "df": float(res.df),
            "t": float(res.statistic), "p_value": float(res.pvalue),
            "ci_low": float(interval.low), "ci_high": float(interval.high)}


def ipma(data: pd.DataFrame, spec: ModelSpec, pls: PlsResult, *, target: str = "Satisfaction",
         scale: ScaleArg = DEFAULT_SCALE, level: Literal["construct", "item"] = "construct") -> pd.DataFrame:
    """Importance–performance map analysis of ``target`` (Ringle & Sarstedt 2016).

    Performance is the 0–100 index (mean over ``data``'s respondents, as
    :func:`index_scores`). Importance is the *unstandardized* total effect on ``target`` of
    the rescaled (0–100) latent scores, i.e. the total effect one gets by OLS on the scores
    ``L_j = Σ u·y / Σ u`` (Ringle & Sarstedt, step 3). Because ``L_j = (100 / U_j) · score_j +
    const`` with ``U_j = Σ_i w_i (max_i − min_i) / sd_i`` (the score has variance 1 on the
    fitted data), the unstandardized total effect is the PLS total effect times
    ``U_source / U_target``; the tests check this against the direct regression. Item level:
    importance of an item = its rescaled weight × its construct's unstandardized total effect;
    performance = the item's mean on 0–100.

    Parameters
    ----------
    data, spec, pls : the survey, the model and its PLS fit.
    target : the construct explained (default "Satisfaction"); it needs antecedents.
    scale : see :func:`item_scale`.
    level : "construct" (every construct with a total effect on ``target``) or "item" (their
        items).

    Returns
    -------
    One row per construct (or item): construct (and item, weight), importance,
    importance_std (standardized total effect), performance, quadrant, potential, priority.
    ``quadrant`` relative to the mean importance and mean performance of the rows (ties count
    as high): "concentrate here" (high importance, low performance), "keep up" (high, high),
    "low priority" (low, low), "possible overkill" (low importance, high performance).
    ``potential`` = importance × (100 − performance): points of ``target`` gained if the
    performance rose to 100. ``priority``: 1, 2, ... the "concentrate here" rows first, each
    group by potential, largest first.

    References
    ----------
    Ringle & Sarstedt (2016), *IMDS* 116(9), 1865–1886; Hair, Sarstedt, Ringle & Gudergan
    (2018), *Advanced Issues in PLS-SEM* (IPMA chapter).
    """
    if target not in spec.names:
        raise InputError(f"target {target!r} is not a construct of the model ({', '.join(spec.names)})")
    te = pls.total_effects[pls.total_effects["target"] == target].set_index("source")["estimate"]
    if te.empty:
        raise InputError(f"target {target!r} has no antecedents; choose an endogenous construct "
                         f"({', '.join(spec.endogenous)})")
    if level not in ("construct", "item"):
        raise InputError(f"level={level!r} is not 'construct' or 'item'")
    bounds = item_scale(data, spec, scale)
    rw = rescaled_weights(spec, pls, bounds)
    items, owner = list(spec.items), {i: c.name for c in spec.constructs for i in c.items}
    w = pls.weights.set_index("item")["weight"].reindex(items)
    u = (w * (bounds["max"] - bounds["min"]) / pls.item_sds.reindex(items)).groupby(owner).sum()
    sources = [n for n in spec.names if n in te.index]
    importance = pd.Series({s: te[s] * u[s] / u[target] for s in sources})
    perf = _index_values(data, spec, bounds, rw).mean()
    if level == "construct":
        out = pd.DataFrame({"construct": sources, "importance": importance.to_numpy(),
                            "importance_std": te[sources].to_numpy(),
                            "performance": perf[sources].to_numpy()})
    else:
        y = pd.DataFrame(_rescaled_items(data, spec, bounds), columns=items)
        out = pd.DataFrame([{"construct": s, "item": i, "weight": rw[i],
                             "importance": rw[i] * importance[s],
                             "importance_std": w[i] * te[s],  # d target_z / d item_z
                             "performance": y[i].mean()}
                            for s in sources for i in spec.construct(s).items])
    return _quadrants(out)


def _quadrants(out: pd.DataFrame) -> pd.DataFrame:
    high_i = out["importance"] >= out["importance"].mean()
    high_p = out["performance"] >= out["performance"].mean()
    quadrant = np.select([high_i & ~high_p, high_i & high_p, ~high_i & ~high_p],
                         list(QUADRANTS[:3]), QUADRANTS[3])
    out = out.assign(quadrant=quadrant, potential=out["importance"] * (100 - out["performance"]))
    order = out.assign(_focus=out["quadrant"] != QUADRANTS[0]).sort_values(
        ["_focus", "potential"], ascending=[True, False], kind="stable").index
    priority = pd.Series(np.arange(1, len(out) + 1), index=order)
    return out.assign(priority=priority.reindex(out.index).to_numpy())
