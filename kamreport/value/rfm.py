"""RFM scores and segments, the customer pyramid, tier profiles and tier migration.

All functions take the per-customer table of :func:`kamreport.value.customer_summary` (or any
frame with the named columns, indexed by customer) and return pandas objects with that index.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamreport.errors import InputError
from kamreport.value.tiers import DEFAULT_TIERS, check_tiers

#: the pyramid of the teaching texts (客户金字塔): VIP ~1%, key ~4%, ordinary ~15%, small ~80%

#: (R high, F high, M high) -> segment; the eight RFM classes of Chinese CRM practice
RFM_SEGMENTS: dict[tuple[bool, bool, bool], str] = {
    (True, True, True): "important value",          # 重要价值客户
    (True, False, True): "important development",   # 重要发展客户
    (False, True, True): "important retention",     # 重要保持客户
    (False, False, True): "important win-back",     # 重要挽留客户
    (True, True, False): "general value",           # 一般价值客户
    (True, False, False): "general development",    # 一般发展客户
    (False, True, False): "general retention",      # 一般保持客户
    (False, False, False): "general win-back",      # 一般挽留客户
}


def _column(summary: pd.DataFrame, col: str, role: str) -> pd.Series:
    if col not in summary.columns:
        raise InputError(f"summary: column {col!r} ({role}) not found; available: "
                         f"{', '.join(map(str, summary.columns))}; fix: pass {role}='<one of these>'")
    values = pd.to_numeric(summary[col], errors="coerce").astype("float64")
    if values.isna().any():
        raise InputError(f"summary: column {col!r} has {int(values.isna().sum())} missing or "
                         "non-numeric values; fix: fill or drop those customers first")
    return values


def quantile_score(values: pd.Series, bins: int = 5) -> pd.Series:
    """Scores 1..bins by rank, higher value -> higher score; ties share the lower score.

    score = 1 + floor(bins * (rank_min - 1) / n), with rank_min the rank of the value among n
    (1 = smallest) where tied values all take the smallest of their ranks. Distinct values fill
    the bins in equal numbers (up to rounding); tied values never straddle two scores.
    """
    n = len(values)
    rank = values.rank(method="min").to_numpy(dtype="float64")
    return pd.Series((np.floor(bins * (rank - 1) / max(n, 1)) + 1).astype("int64"),
                     index=values.index)


def rfm_scores(summary: pd.DataFrame, *, bins: int = 5, recency_col: str | None = None,
               frequency_col: str = "frequency", monetary_col: str = "total_revenue",
               ) -> pd.DataFrame:
    """Quantile R, F, M scores (1..bins, higher = better), the RFM cell and a segment label.

    Parameters
    ----------
    summary : DataFrame
        Per customer, e.g. from ``customer_summary``.
    bins : int
        Number of score levels (>= 2); 5 gives quintile scores.
    recency_col : str, optional
        Time since the last purchase (lower = better). Default ``T - recency`` from the summary
        (observation_end - last purchase day, in its ``freq`` units).
    frequency_col, monetary_col : str
        Higher = better. Defaults: repeat purchase days and net revenue.

    Returns
    -------
    DataFrame
        ``r_score``, ``f_score``, ``m_score`` (int), ``rfm_score`` (their sum), ``rfm_cell``
        (e.g. "545"; "10-3-7" when bins > 9) and ``segment``: a dimension is *high* when its
        score > (bins + 1) / 2 (scores 4-5 of 5); the (R, F, M) high/low pattern names one of the
        eight classes in :data:`RFM_SEGMENTS`. Scores: see :func:`quantile_score`.

    References
    ----------
    Hughes, A. M. (1994). Strategic Database Marketing (RFM quintiles); 客户数据库的要素
    (RFM 模型): 最近一次消费、消费频率、消费金额 (method text 004).

    Examples
    --------
    >>> s = pd.DataFrame({"T": [10., 10, 10], "recency": [9., 2, 0], "frequency": [3, 1, 0],
    ...                   "total_revenue": [90., 20, 5]})
    >>> rfm_scores(s, bins=3)["rfm_cell"].tolist()
    ['333', '222', '111']
    """
    if not isinstance(bins, (int, np.integer)) or bins < 2:
        raise InputError(f"bins={bins!r} is not an integer >= 2; fix: pass bins=5")
    if recency_col is None:
        since_last = _column(summary, "T", "recency_col") - _column(summary, "recency",
                                                                     "recency_col")
    else:
        since_last = _column(summary, recency_col, "recency_col")
    r = quantile_score(-since_last, bins)
    f = quantile_score(_column(summary, frequency_col, "frequency_col"), bins)
    m = quantile_score(_column(summary, monetary_col, "monetary_col"), bins)
    sep = "" if bins <= 9 else "-"
    cell = r.astype(str) + sep + f.astype(str) + sep + m.astype(str)
    middle = (bins + 1) / 2
    segment = [RFM_SEGMENTS[key] for key in zip(r > middle, f > middle, m > middle)]
    return pd.DataFrame({"r_score": r, "f_score": f, "m_score": m, "rfm_score": r + f + m,
                         "rfm_cell": cell, "segment": segment}, index=summary.index)


def _ties_up(values: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Give every customer the best (lowest) tier code reached by any customer of equal value."""
    best = pd.Series(codes).groupby(values).transform("min")
    return best.to_numpy()


def pyramid(summary: pd.DataFrame, by: str = "total_revenue",
            tiers: Mapping[str, float] | None = None, *,
            thresholds: Mapping[str, float] | None = None, tol: float = 1e-9) -> pd.Series:
    """Customer pyramid (客户金字塔): tier per customer, by shares of customers or thresholds.

    Parameters
    ----------
    summary : DataFrame
        Per customer.
    by : str
        Value column that ranks customers (higher = upper tier).
    tiers : mapping name -> share, top-down
        Shares of customers (positive, summing to 1 within ``tol``); default
        :data:`DEFAULT_TIERS`. Customers are ranked by ``by`` (descending); tier k ends at
        position round(n * cumulative share) (halves up).
    thresholds : mapping name -> minimum value, top-down, strictly decreasing
        Instead of shares: a customer joins the first tier whose minimum its value reaches;
        customers below the last minimum get no tier (NA).
    tol : float
        Tolerance of the sum-to-one check of ``tiers``.

    Returns
    -------
    Series
        Categorical named ``tier``, categories top-down (sorting puts the top tier first).
        Ties at a cut go up: customers of equal value share the upper tier, so a tier can hold
        more than its share (``tier_profile`` shows the realised shares).

    References
    ----------
    Method text 004, 4.2 客户金字塔结构 and text 002 (VIP ~1%, key ~4%, ordinary ~15%, small ~80%);
    Zeithaml, Rust & Lemon (2001), "The customer pyramid", California Management Review 43(4).

    Examples
    --------
    >>> s = pd.DataFrame({"total_revenue": [100., 50, 50, 10, 5]})
    >>> pyramid(s, tiers={"top": .2, "rest": .8}).tolist()
    ['top', 'rest', 'rest', 'rest', 'rest']
    """
    values = _column(summary, by, "by").to_numpy()
    if thresholds is not None:
        names, mins = list(thresholds), np.asarray(list(thresholds.values()), dtype="float64")
        if len(mins) == 0 or np.isnan(mins).any() or (np.diff(mins) >= 0).any():
            raise InputError(f"thresholds {dict(thresholds)} are not strictly decreasing "
                             "top-down; fix: e.g. thresholds={'VIP': 1e6, 'Key': 1e5, 'Small': 0}")
        codes = np.full(len(values), -1)
        for k in range(len(mins) - 1, -1, -1):
            codes[values >= mins[k]] = k
    else:
        tiers = check_tiers(DEFAULT_TIERS if tiers is None else tiers, tol)
        names, shares = list(tiers), np.asarray(list(tiers.values()), dtype="float64")
        n = len(values)
        ends = np.floor(n * np.cumsum(shares) + 0.5).astype("int64")
        ends[-1] = n
        order = np.argsort(-values, kind="stable")
        codes = np.empty(n, dtype="int64")
        codes[order] = np.searchsorted(ends, np.arange(n), side="right")
        codes = _ties_up(values, codes)
    labels = pd.Categorical.from_codes(codes, categories=names, ordered=True)
    return pd.Series(labels, index=summary.index, name="tier")


def tier_profile(summary: pd.DataFrame, tiers: pd.Series, by: str = "total_revenue",
                 ) -> pd.DataFrame:
    """Table per tier (top-down): size, value, order value, frequency, recency.

    Parameters
    ----------
    summary : DataFrame
        Per customer with ``by``, ``total_revenue``, ``n_orders``, ``frequency``, ``recency``
        and ``T`` (as from ``customer_summary``).
    tiers : Series
        Tier per customer (e.g. from :func:`pyramid`), aligned on the index.
    by : str
        The value summed as ``revenue``.

    Returns
    -------
    DataFrame
        Index tier; ``n_customers``, ``share_customers``, ``revenue``, ``share_revenue`` (shares
        of all customers of ``summary``: untiered ones count in the totals only),
        ``mean_order_value`` (tier revenue / tier orders, from ``total_revenue`` and
        ``n_orders``), ``mean_frequency``, ``mean_recency`` (the summary's ``recency``, first to
        last purchase) and ``mean_time_since_last`` (``T - recency``), both in ``freq`` units.

    Examples
    --------
    >>> s = pd.DataFrame({"total_revenue": [90., 10], "n_orders": [3, 1], "frequency": [2, 0],
    ...                   "recency": [5., 0], "T": [8., 3]})
    >>> tier_profile(s, pyramid(s, tiers={"top": .5, "rest": .5}))["share_revenue"].tolist()
    [0.9, 0.1]
    """
    value = _column(summary, by, "by")
    frame = pd.DataFrame({
        "value": value,
        "revenue": _column(summary, "total_revenue", "total_revenue"),
        "orders": _column(summary, "n_orders", "n_orders"),
        "frequency": _column(summary, "frequency", "frequency"),
        "recency": _column(summary, "recency", "recency"),
        "since_last": _column(summary, "T", "T") - summary["recency"].astype("float64"),
        "tier": tiers.reindex(summary.index),
    })
    groups = frame.groupby("tier", observed=False, sort=True)
    out = pd.DataFrame({
        "n_customers": groups.size().astype("int64"),
        "revenue": groups["value"].sum(),
    })
    out["share_customers"] = out["n_customers"] / max(len(frame), 1)
    total = float(value.sum())
    out["share_revenue"] = out["revenue"] / total if total != 0 else np.nan
    orders = groups["orders"].sum()
    out["mean_order_value"] = groups["revenue"].sum() / orders.where(orders > 0)
    for col in ("frequency", "recency", "since_last"):
        name = "mean_time_since_last" if col == "since_last" else f"mean_{col}"
        out[name] = groups[col].mean()
    out.index.name = "tier"
    return out[["n_customers", "share_customers", "revenue", "share_revenue", "mean_order_value",
                "mean_frequency", "mean_recency", "mean_time_since_last"]]


@dataclass(frozen=True)
class TierMigration:
    """Transitions between two tier assignments: ``counts`` and ``shares`` (row shares).

    Rows: tiers before, then "new" (customers only after); columns: tiers after, then "lost"
    (customers only before). Row shares divide each row by its total (0 for an empty row).
    """

    counts: pd.DataFrame
    shares: pd.DataFrame


def _levels(tiers: pd.Series) -> list[str]:
    if isinstance(tiers.dtype, pd.CategoricalDtype):
        return [str(c) for c in tiers.cat.categories]
    return sorted(map(str, tiers.dropna().unique()))


def tier_migration(tiers_before: pd.Series, tiers_after: pd.Series) -> TierMigration:
    """Transition matrix of customers between two periods' tiers, with "new" and "lost".

    Parameters
    ----------
    tiers_before, tiers_after : Series
        Tier per customer (index = customer id) in the earlier and the later period. A customer
        absent (or NA) before is "new"; absent (or NA) after is "lost".

    Returns
    -------
    TierMigration
        ``counts`` (int) and ``shares`` (row shares) with tiers in category order.

    Examples
    --------
    >>> before = pd.Series(["VIP", "Small"], index=[1, 2])
    >>> after = pd.Series(["VIP", "VIP"], index=[1, 3])
    >>> tier_migration(before, after).counts.loc["new", "VIP"]
    np.int64(1)
    """
    rows, cols = _levels(tiers_before) + ["new"], _levels(tiers_after) + ["lost"]
    before = tiers_before.dropna().astype(str)
    after = tiers_after.dropna().astype(str)
    customers = before.index.union(after.index)
    pairs = pd.DataFrame({"before": before.reindex(customers).fillna("new"),
                          "after": after.reindex(customers).fillna("lost")})
    for side, levels in (("before", rows[:-1]), ("after", cols[:-1])):
        if {"new", "lost"} & set(levels):
            raise InputError(f"tiers_{side}: 'new' and 'lost' are reserved for customers entering "
                             "or leaving; fix: rename those tiers")
    counts = pd.crosstab(pairs["before"], pairs["after"]).reindex(
        index=rows, columns=cols, fill_value=0).astype("int64")
    counts.index.name, counts.columns.name = "before", "after"
    totals = counts.sum(axis=1)
    shares = counts.div(totals.where(totals > 0), axis=0).fillna(0.0)
    return TierMigration(counts=counts, shares=shares)
