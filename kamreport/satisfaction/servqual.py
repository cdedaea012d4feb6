"""SERVQUAL gap analysis: perception minus expectation per item and per dimension.

Parasuraman, Zeithaml & Berry (1988) measure service quality as the gap between what customers
perceive and what they expected, item by item, grouped into five dimensions (tangibles,
reliability, responsiveness, assurance, empathy). A negative gap means the service falls short.

Missing answers are handled **pairwise per item**: an item's gap uses the respondents who
answered both its expectation and its perception. A respondent's dimension gap is the mean of
the item gaps they have in that dimension (at least one); the unweighted SERVQUAL score of a
respondent is the mean of their dimension gaps. Counts of what was used are in the results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pingouin
from scipy import stats

from kamreport.errors import InputError

#: dimension -> [(expectation column, perception column), ...]
Pairs = Mapping[str, Sequence[tuple[str, str]]]
#: the row name of the unweighted SERVQUAL score in the dimension tables
OVERALL = "overall"
STAT_COLUMNS = [
    "n",
    "expectation",
    "perception",
    "gap",
    "sd",
    "ci_low",
    "ci_high",
    "t",
    "p_value",
    "wilcoxon_w",
    "wilcoxon_p",
]


@dataclass(frozen=True)
class ServqualResult:
    """SERVQUAL gaps of one survey.

    Attributes
    ----------
    items : DataFrame
        One row per item: dimension, item (the perception column), expectation_col, and
        :data:`STAT_COLUMNS` plus ``p_holm`` (Holm-adjusted t-test p-values across all items).
    dimensions : DataFrame
        One row per dimension and a last row :data:`OVERALL` (the unweighted SERVQUAL score):
        the same statistics on respondents' dimension gaps, ``n_items``, and the reliability
        ``alpha_perception`` / ``alpha_gap`` (raw Cronbach's alpha, pingouin, pairwise).
    scores : DataFrame
        Per respondent (the survey's index): one gap column per dimension and ``overall``.
    items_by_segment, dimensions_by_segment : DataFrame or None
        The same tables with a leading ``segment`` column, Holm adjustment within each segment.
    segment : str or None
        The segment column used.
    confidence : float
    missing : str
        The missing-data rule (``"pairwise per item"``).
    """

    items: pd.DataFrame
    dimensions: pd.DataFrame
    scores: pd.DataFrame
    items_by_segment: pd.DataFrame | None = None
    dimensions_by_segment: pd.DataFrame | None = None
    segment: str | None = None
    confidence: float = 0.95
    missing: str = "pairwise per item"
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def score(self) -> float:
        """The unweighted SERVQUAL score: the mean of respondents' mean dimension gaps."""
        return float(self.dimensions.loc[self.dimensions["dimension"] == OVERALL, "gap"].iloc[0])

    @property
    def worst_dimension(self) -> str:
        """The dimension with the most negative mean gap."""
        dims = self.dimensions[self.dimensions["dimension"] != OVERALL]
        return str(dims.loc[dims["gap"].idxmin(), "dimension"])


def holm(p_values: Sequence[float]) -> np.ndarray:
    """Holm (1979) step-down adjusted p-values; NaN stays NaN and does not count.

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03, float("nan")]).round(2).tolist()
    [0.03, 0.06, 0.06, nan]
    """
    p = np.asarray(p_values, dtype=np.float64)
    out = np.full_like(p, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    order = ok[np.argsort(p[ok], kind="stable")]
    m = len(order)
    adjusted = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out[order] = np.minimum(adjusted, 1.0)
    return out


def paired_stats(expectation: pd.Series, perception: pd.Series, confidence: float = 0.95) -> dict:
    """Gap statistics of paired answers: rows where both are present.

    The gap is ``perception - expectation``; its CI is ``mean ± t(n-1) · sd / sqrt(n)``; the
    paired t-test is :func:`scipy.stats.ttest_rel`, the ordinal check the Wilcoxon signed-rank
    test (:func:`scipy.stats.wilcoxon`, zero gaps dropped). Statistics that are not defined
    (n < 2, no spread, all gaps zero) are NaN.

    Examples
    --------
    >>> s = paired_stats(pd.Series([5.0, 6, 7]), pd.Series([4.0, 6, 5]))
    >>> s["n"], s["gap"], round(s["t"], 4)
    (3, -1.0, -1.7321)
    """
    both = pd.concat([expectation, perception], axis=1).dropna()
    e = both.iloc[:, 0].to_numpy(np.float64)
    p = both.iloc[:, 1].to_numpy(np.float64)
    n = len(e)
    gap = p - e
    out = dict.fromkeys(STAT_COLUMNS, np.nan)
    out["n"] = n
    if n == 0:
        return out
    out.update(expectation=float(e.mean()), perception=float(p.mean()), gap=float(gap.mean()))
    if n < 2:
        return out
    sd = gap.std(ddof=1)
    half = stats.t.ppf(0.5 + confidence / 2, n - 1) * sd / np.sqrt(n)
    out.update(sd=float(sd), ci_low=float(gap.mean() - half), ci_high=float(gap.mean() + half))
    if sd > 0:
        test = stats.ttest_rel(p, e)
        out.update(t=float(test.statistic), p_value=float(test.pvalue))
    if np.any(gap != 0):
        test = stats.wilcoxon(p, e)
        out.update(wilcoxon_w=float(test.statistic), wilcoxon_p=float(test.pvalue))
    return out


def _check(survey: pd.DataFrame, pairs: Pairs, scale: tuple[float, float] | None) -> None:
    if not pairs:
        raise InputError("servqual: no dimensions given; pass {dimension: [(expectation, perception), ...]}")
    for dim, items in pairs.items():
        if not items:
            raise InputError(f"servqual: dimension {dim!r} has no item pairs; give at least one")
        for pair in items:
            for col in pair:
                if col not in survey.columns:
                    raise InputError(
                        f"servqual: column {col!r} (dimension {dim!r}) is not in the survey; "
                        "check the codebook's servqual block"
                    )
                if not pd.api.types.is_numeric_dtype(survey[col]):
                    raise InputError(
                        f"servqual: column {col!r} is not numeric; recode its answers as numbers"
                    )
                if scale is not None:
                    bad = survey.index[(survey[col] < scale[0]) | (survey[col] > scale[1])]
                    if len(bad):
                        raise InputError(
                            f"servqual: column {col!r} has values outside the scale {scale} in rows "
                            f"{list(bad[:5])}; declare missing codes or fix the scale"
                        )


def _alpha(frame: pd.DataFrame) -> float:
    """Raw Cronbach's alpha (pingouin, pairwise); NaN for fewer than two items or respondents."""
    frame = frame.dropna(how="all")
    if frame.shape[1] < 2 or len(frame) < 2 or (frame.var(ddof=1) == 0).any():
        return np.nan
    with np.errstate(divide="ignore", invalid="ignore"):  # no variance of the total: alpha undefined
        alpha = float(pingouin.cronbach_alpha(data=frame, nan_policy="pairwise")[0])
    return alpha if np.isfinite(alpha) else np.nan


def _tables(survey: pd.DataFrame, pairs: Pairs, confidence: float) -> tuple[pd.DataFrame, ...]:
    item_rows, dim_rows = [], []
    gaps, dim_e, dim_p = {}, {}, {}
    for dim, items in pairs.items():
        item_gap = pd.DataFrame({p: survey[p] - survey[e] for e, p in items})
        for e, p in items:
            item_rows.append(
                {
                    "dimension": dim,
                    "item": p,
                    "expectation_col": e,
                    **paired_stats(survey[e], survey[p], confidence),
                }
            )
        # expectation and perception masked to the answered pairs, so that P - E is the mean gap
        mask = item_gap.notna().to_numpy()
        e_vals = survey[[e for e, _ in items]].where(mask)
        p_vals = survey[[p for _, p in items]].where(mask)
        dim_e[dim] = e_vals.mean(axis=1)
        dim_p[dim] = p_vals.mean(axis=1)
        gaps[dim] = item_gap.mean(axis=1)
        perception = survey[[p for _, p in items]]
        dim_rows.append(
            {
                "dimension": dim,
                **paired_stats(dim_e[dim], dim_p[dim], confidence),
                "n_items": len(items),
                "alpha_perception": _alpha(perception),
                "alpha_gap": _alpha(item_gap),
            }
        )
    scores = pd.DataFrame(gaps, index=survey.index)
    scores[OVERALL] = scores.mean(axis=1)
    overall_e = pd.DataFrame(dim_e).mean(axis=1)
    overall_p = pd.DataFrame(dim_p).mean(axis=1)
    # the overall E and P average the same dimensions per respondent, so P - E is the score
    dim_rows.append(
        {
            "dimension": OVERALL,
            **paired_stats(overall_e, overall_p, confidence),
            "n_items": sum(len(v) for v in pairs.values()),
            "alpha_perception": np.nan,
            "alpha_gap": np.nan,
        }
    )
    items_t = pd.DataFrame(item_rows)
    items_t["p_holm"] = holm(items_t["p_value"])
    return items_t, pd.DataFrame(dim_rows), scores


def servqual_gaps(
    survey: pd.DataFrame,
    pairs: Pairs,
    *,
    segment: str | None = None,
    scale: tuple[float, float] | None = None,
    confidence: float = 0.95,
) -> ServqualResult:
    """SERVQUAL gaps (perception - expectation) per item, dimension and segment.

    Parameters
    ----------
    survey : DataFrame
        One row per respondent.
    pairs : mapping
        dimension -> [(expectation column, perception column), ...].
    segment : str, optional
        A column of ``survey``: the tables are also computed within each of its values.
    scale : (min, max), optional
        The answer scale; answers outside it raise :class:`~kamreport.errors.InputError`.
    confidence : float
        Level of the t-based confidence intervals.

    Returns
    -------
    ServqualResult

    References
    ----------
    Parasuraman, A., Zeithaml, V. A. & Berry, L. L. (1988). SERVQUAL: a multiple-item scale for
    measuring consumer perceptions of service quality. Journal of Retailing 64(1), 12-40.
    Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scand. J. Statist. 6.

    Examples
    --------
    >>> df = pd.DataFrame({"E1": [6, 7, 6, 5], "P1": [5, 5, 6, 4], "E2": [5, 6, 7, 6], "P2": [5, 6, 5, 5]})
    >>> r = servqual_gaps(df, {"reliability": [("E1", "P1")], "empathy": [("E2", "P2")]})
    >>> r.items[["item", "gap"]].to_dict("list")
    {'item': ['P1', 'P2'], 'gap': [-1.0, -0.75]}
    >>> r.score, r.worst_dimension
    (-0.875, 'reliability')
    """
    _check(survey, pairs, scale)
    if not 0 < confidence < 1:
        raise InputError(f"servqual: confidence must be between 0 and 1; got {confidence!r}")
    items_t, dims_t, scores = _tables(survey, pairs, confidence)
    items_s = dims_s = None
    if segment is not None:
        if segment not in survey.columns:
            raise InputError(
                f"servqual: segment column {segment!r} is not in the survey; pass one of its columns"
            )
        parts_i, parts_d = [], []
        for value, part in survey.groupby(segment, sort=True, observed=True):
            i, d, _ = _tables(part, pairs, confidence)
            parts_i.append(i.assign(segment=value))
            parts_d.append(d.assign(segment=value))
        items_s = pd.concat(parts_i, ignore_index=True)
        dims_s = pd.concat(parts_d, ignore_index=True)
        items_s = items_s[["segment", *items_t.columns]]
        dims_s = dims_s[["segment", *dims_t.columns]]
    return ServqualResult(
        items=items_t,
        dimensions=dims_t,
        scores=scores,
        items_by_segment=items_s,
        dimensions_by_segment=dims_s,
        segment=segment,
        confidence=confidence,
    )
