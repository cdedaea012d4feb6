"""Customer delivered value (Kotler): total customer value minus total customer cost.

Each component (product, service, personnel, image value; monetary, time, energy, psychic cost)
is scored per respondent as the mean of its answered items on the declared scale, rescaled to
0-100: ``100 · (mean - min) / (max - min)``. Total value and total cost are the weighted means
of their components (equal weights by default) over the components the respondent has; the
delivered value is ``total_value - total_cost`` (points, -100..100) and the delivered-value
ratio ``total_value / total_cost`` (NaN when the cost is 0).

Missing answers: a component uses the items answered (NaN when none); a total uses the
components present, its weights rescaled to sum to 1 (NaN when none).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from kamreport.errors import InputError

Components = Mapping[str, Sequence[str]]
TOTALS = ("total_value", "total_cost", "delivered_value", "ratio")


@dataclass(frozen=True)
class DeliveredValueResult:
    """Customer delivered value of one survey.

    Attributes
    ----------
    respondents : DataFrame
        Per respondent (the survey's index): ``value_<c>`` and ``cost_<c>`` component scores
        (0-100), total_value, total_cost, delivered_value, ratio (+ the account / segment column).
    accounts : DataFrame or None
        Per account (index): n_respondents, the mean of every score, ``ci_low_delivered`` /
        ``ci_high_delivered``; ratio is the account's mean total value / mean total cost.
    segments : DataFrame or None
        Long form, one row per segment and measure: n, mean, sd, ci_low, ci_high (t-based). For
        ``ratio`` the mean is the ratio of the segment's mean value to its mean cost, without CI.
    overall : DataFrame
        The same as ``segments`` for all respondents (index: measure).
    value_components, cost_components : tuple of str
    weights : dict
        The weights used, ``{"value": {...}, "cost": {...}}``.
    scale : (min, max)
    confidence : float
    """

    respondents: pd.DataFrame
    overall: pd.DataFrame
    accounts: pd.DataFrame | None
    segments: pd.DataFrame | None
    value_components: tuple[str, ...]
    cost_components: tuple[str, ...]
    weights: dict
    scale: tuple[float, float]
    confidence: float = 0.95
    missing: str = "available items per component; available components per total (weights rescaled)"

    @property
    def measures(self) -> list[str]:
        """Column names of the component scores and totals, value components first."""
        return (
            [f"value_{c}" for c in self.value_components]
            + [f"cost_{c}" for c in self.cost_components]
            + list(TOTALS)
        )


def _weights(components: Components, weights: Mapping[str, float] | None, side: str) -> dict[str, float]:
    if not components:
        raise InputError(f"delivered_value: no {side} components given; pass {{component: [items]}}")
    if weights is None:
        return {c: 1 / len(components) for c in components}
    if set(weights) != set(components):
        raise InputError(
            f"delivered_value: {side} weights name {sorted(weights)} but the components are "
            f"{sorted(components)}; give one weight per component"
        )
    w = {c: float(weights[c]) for c in components}
    if any(v < 0 for v in w.values()) or abs(sum(w.values()) - 1) > 1e-9:
        raise InputError(f"delivered_value: {side} weights must be non-negative and sum to 1; got {w}")
    return w


def _component_scores(
    survey: pd.DataFrame, components: Components, scale: tuple[float, float], prefix: str
) -> pd.DataFrame:
    lo, hi = scale
    out = {}
    for comp, items in components.items():
        if not items:
            raise InputError(f"delivered_value: component {comp!r} has no items; list at least one")
        for col in items:
            if col not in survey.columns:
                raise InputError(
                    f"delivered_value: column {col!r} ({prefix} {comp!r}) is not in the survey; "
                    "check the codebook's delivered_value block"
                )
            if not pd.api.types.is_numeric_dtype(survey[col]):
                raise InputError(
                    f"delivered_value: column {col!r} is not numeric; recode its answers as numbers"
                )
            bad = survey.index[(survey[col] < lo) | (survey[col] > hi)]
            if len(bad):
                raise InputError(
                    f"delivered_value: column {col!r} has values outside the scale {scale} in rows "
                    f"{list(bad[:5])}; declare missing codes or fix the scale"
                )
        out[f"{prefix}_{comp}"] = 100 * (survey[list(items)].mean(axis=1) - lo) / (hi - lo)
    return pd.DataFrame(out, index=survey.index)


def _weighted(scores: pd.DataFrame, weights: Mapping[str, float], prefix: str) -> pd.Series:
    w = pd.Series({f"{prefix}_{c}": v for c, v in weights.items()})
    present = scores[w.index].notna()
    total_w = present.mul(w, axis=1).sum(axis=1)
    total = scores[w.index].fillna(0).mul(w, axis=1).sum(axis=1) / total_w.where(total_w > 0)
    return total


def _ratio(value: pd.Series | float, cost: pd.Series | float):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.asarray(value, dtype=np.float64) / np.asarray(cost, dtype=np.float64)
    r = np.where(np.isfinite(r), r, np.nan)
    return pd.Series(r, index=value.index) if isinstance(value, pd.Series) else float(r)


def mean_ci(values: pd.Series, confidence: float = 0.95) -> dict:
    """n, mean, sd and the t-based CI ``mean ± t(n-1) · sd / sqrt(n)`` of the non-missing values.

    Examples
    --------
    >>> mean_ci(pd.Series([10.0, 20.0, 30.0, None]))["ci_low"].round(4)
    np.float64(-4.8414)
    """
    v = values.dropna().to_numpy(np.float64)
    n = len(v)
    out = {
        "n": n,
        "mean": float(v.mean()) if n else np.nan,
        "sd": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
    }
    if n >= 2:
        sd = v.std(ddof=1)
        half = stats.t.ppf(0.5 + confidence / 2, n - 1) * sd / np.sqrt(n)
        out.update(sd=float(sd), ci_low=out["mean"] - half, ci_high=out["mean"] + half)
    return out


def _summary(scores: pd.DataFrame, measures: list[str], confidence: float) -> pd.DataFrame:
    rows = {m: mean_ci(scores[m], confidence) for m in measures if m != "ratio"}
    rows["ratio"] = {
        "n": int(scores["ratio"].notna().sum()),
        "mean": _ratio(scores["total_value"].mean(), scores["total_cost"].mean()),
        "sd": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
    }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("measure")


def delivered_value(
    survey: pd.DataFrame,
    value: Components,
    cost: Components,
    *,
    scale: tuple[float, float] = (1, 7),
    value_weights: Mapping[str, float] | None = None,
    cost_weights: Mapping[str, float] | None = None,
    account: str | None = None,
    segment: str | None = None,
    confidence: float = 0.95,
) -> DeliveredValueResult:
    """Customer delivered value (顾客让渡价值) per respondent, account and segment.

    Parameters
    ----------
    survey : DataFrame
        One row per respondent.
    value, cost : mapping
        component -> [item columns], e.g. ``{"product": ["DV_PV1", "DV_PV2"], ...}`` and
        ``{"monetary": [...], "time": [...], "energy": [...], "psychic": [...]}``. A cost item
        is answered as "how much it costs me" (higher = more cost).
    scale : (min, max)
        The answer scale of the items.
    value_weights, cost_weights : mapping, optional
        Weights of the components (non-negative, summing to 1); equal by default.
    account, segment : str, optional
        Columns of ``survey``: the results per account and per segment.
    confidence : float
        Level of the t-based confidence intervals.

    Returns
    -------
    DeliveredValueResult

    References
    ----------
    Kotler, P. & Keller, K. L. Marketing Management (customer delivered value: total customer
    value - total customer cost; delivered-value ratio).

    Examples
    --------
    >>> df = pd.DataFrame({"pv": [7, 4], "sv": [5, 4], "mc": [1, 4], "tc": [3, 4]})
    >>> r = delivered_value(df, {"product": ["pv"], "service": ["sv"]}, {"monetary": ["mc"], "time": ["tc"]})
    >>> r.respondents[["total_value", "total_cost", "delivered_value"]].round(2).values.tolist()
    [[83.33, 16.67, 66.67], [50.0, 50.0, 0.0]]
    """
    lo, hi = float(scale[0]), float(scale[1])
    if not hi > lo:
        raise InputError(f"delivered_value: scale max must be above min; got {scale!r}")
    if not 0 < confidence < 1:
        raise InputError(f"delivered_value: confidence must be between 0 and 1; got {confidence!r}")
    for col in (account, segment):
        if col is not None and col not in survey.columns:
            raise InputError(f"delivered_value: column {col!r} is not in the survey; pass one of its columns")
    w_value = _weights(value, value_weights, "value")
    w_cost = _weights(cost, cost_weights, "cost")
    scores = pd.concat(
        [
            _component_scores(survey, value, (lo, hi), "value"),
            _component_scores(survey, cost, (lo, hi), "cost"),
        ],
        axis=1,
    )
    scores["total_value"] = _weighted(scores, w_value, "value")
    scores["total_cost"] = _weighted(scores, w_cost, "cost")
    scores["delivered_value"] = scores["total_value"] - scores["total_cost"]
    scores["ratio"] = _ratio(scores["total_value"], scores["total_cost"])
    result_kw = dict(
        value_components=tuple(value),
        cost_components=tuple(cost),
        weights={"value": w_value, "cost": w_cost},
        scale=(lo, hi),
        confidence=confidence,
    )
    measures = list(scores.columns)
    overall = _summary(scores, measures, confidence)
    accounts = segments = None
    if account is not None:
        scores[account] = survey[account]
        groups = scores.groupby(account, sort=True, observed=True)
        accounts = groups[measures].mean()
        accounts["ratio"] = _ratio(accounts["total_value"], accounts["total_cost"])
        accounts.insert(0, "n_respondents", groups.size())
        cis = {k: mean_ci(g["delivered_value"], confidence) for k, g in groups}
        accounts["ci_low_delivered"] = pd.Series({k: v["ci_low"] for k, v in cis.items()})
        accounts["ci_high_delivered"] = pd.Series({k: v["ci_high"] for k, v in cis.items()})
    if segment is not None:
        scores[segment] = survey[segment]
        parts = [
            _summary(g, measures, confidence).reset_index().assign(segment=k)
            for k, g in scores.groupby(segment, sort=True, observed=True)
        ]
        segments = pd.concat(parts, ignore_index=True)
        segments = segments[["segment", "measure", "n", "mean", "sd", "ci_low", "ci_high"]]
    return DeliveredValueResult(
        respondents=scores, overall=overall, accounts=accounts, segments=segments, **result_kw
    )
