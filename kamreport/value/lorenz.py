"""Concentration of customer value: Lorenz curve, Gini, top-k% shares, ABC classes (80/20 rule)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from kamreport.errors import InputError


@dataclass(frozen=True)
class Concentration:
    """How concentrated a value is across customers.

    Attributes
    ----------
    lorenz : DataFrame
        ``share_customers`` and ``share_value`` from (0, 0) to (1, 1), customers in ascending
        value: the Lorenz curve (all n + 1 points, or ``max_points`` of them evenly spaced).
    gini : float
        Gini coefficient G = sum_i (2i - n - 1) x_(i) / (n sum x) with x ascending: twice the
        area between the diagonal and the piecewise-linear Lorenz curve. Equal values give 0;
        one holder of everything gives (n - 1) / n.
    gini_corrected : float
        Small-sample correction G * n / (n - 1) (the mean absolute difference over distinct
        pairs): one holder gives 1. NaN when n = 1.
    top_shares : Series
        Share of the total held by the top fraction of customers (index: the fraction), read
        from the linearly interpolated Lorenz curve: 1 - L(1 - fraction).
    n : int
        Number of customers.
    total : float
        Sum of the value.
    """

    lorenz: pd.DataFrame
    gini: float
    gini_corrected: float
    top_shares: pd.Series
    n: int
    total: float


def _values(summary: pd.DataFrame, by: str, negative: str) -> np.ndarray:
    if by not in summary.columns:
        raise InputError(f"summary: column {by!r} (by=) not found; available: "
                         f"{', '.join(map(str, summary.columns))}; fix: pass by='<one of these>'")
    x = pd.to_numeric(summary[by], errors="coerce").to_numpy(dtype="float64")
    if np.isnan(x).any():
        raise InputError(f"summary: column {by!r} has {int(np.isnan(x).sum())} missing values; "
                         "fix: fill or drop those customers first")
    if (x < 0).any():
        if negative == "clip":
            x = np.clip(x, 0.0, None)
        else:
            raise InputError(f"summary: column {by!r} has {int((x < 0).sum())} negative values "
                             "(net returns); fix: pass negative='clip' to count them as 0")
    if x.size == 0 or x.sum() <= 0:
        raise InputError(f"summary: column {by!r} sums to 0 over {x.size} customers; "
                         "fix: choose a value column with a positive total")
    return x


def concentration(summary: pd.DataFrame, by: str = "total_revenue",
                  top: Sequence[float] = (0.01, 0.05, 0.2), *, max_points: int | None = 1001,
                  negative: Literal["error", "clip"] = "error") -> Concentration:
    """Lorenz curve, Gini coefficient and top-k% shares of a per-customer value.

    Parameters
    ----------
    summary : DataFrame
        Per customer (e.g. from ``customer_summary``).
    by : str
        Value column (non-negative, positive total).
    top : sequence of float
        Fractions of customers (0 < f <= 1) whose share of the total to report.
    max_points : int or None
        Keep at most this many Lorenz points (evenly spaced, ends included); None keeps n + 1.
        Gini and top shares always use every customer.
    negative : {"error", "clip"}
        Negative values (possible for net revenue): raise, or count them as 0.

    Returns
    -------
    Concentration
        See the class: ``lorenz``, ``gini``, ``gini_corrected``, ``top_shares``, ``n``, ``total``.

    References
    ----------
    Gini (1912); the sorted-data form and the n / (n - 1) correction: Deltas (2003), "The
    small-sample bias of the Gini coefficient", Review of Economics and Statistics 85(1).
    80/20 rule: method text 004, 4.4.

    Examples
    --------
    >>> c = concentration(pd.DataFrame({"total_revenue": [0., 0, 0, 10]}), top=(0.25,))
    >>> round(c.gini, 4), c.top_shares.iloc[0]
    (0.75, np.float64(1.0))
    """
    fractions = np.asarray(top, dtype="float64")
    if fractions.size and ((fractions <= 0) | (fractions > 1) | np.isnan(fractions)).any():
        raise InputError(f"top={tuple(top)} must hold fractions in (0, 1]; fix: e.g. (0.01, 0.2)")
    x = np.sort(_values(summary, by, negative))
    n, total = x.size, float(x.sum())
    rank = np.arange(1, n + 1, dtype="float64")
    gini = float(np.sum((2 * rank - n - 1) * x) / (n * total))
    cum = np.concatenate([[0.0], np.cumsum(x) / total])
    people = np.arange(n + 1, dtype="float64") / n
    shares = 1.0 - np.interp(1.0 - fractions, people, cum)
    keep = np.arange(n + 1)
    if max_points is not None and n + 1 > max_points:
        keep = np.unique(np.round(np.linspace(0, n, max(int(max_points), 2))).astype("int64"))
    lorenz = pd.DataFrame({"share_customers": people[keep], "share_value": cum[keep]})
    return Concentration(
        lorenz=lorenz, gini=gini,
        gini_corrected=gini * n / (n - 1) if n > 1 else float("nan"),
        top_shares=pd.Series(shares, index=pd.Index(fractions, name="top"), name="share"),
        n=n, total=total)


def abc_classes(summary: pd.DataFrame, by: str = "total_revenue",
                cuts: Sequence[float] = (0.8, 0.95), labels: Sequence[str] | None = None,
                *, negative: Literal["error", "clip"] = "error") -> pd.Series:
    """ABC classes by cumulative share of value (Pareto analysis).

    Customers in descending value: a customer is in class A while the share held by the
    customers above it is < ``cuts[0]`` (so A is the smallest top group reaching 80%), B while
    it is < ``cuts[1]``, C after. Customers of equal value share the upper class.

    Parameters
    ----------
    summary : DataFrame
        Per customer.
    by : str
        Value column.
    cuts : sequence of float
        Increasing cumulative shares in (0, 1); k cuts give k + 1 classes.
    labels : sequence of str, optional
        k + 1 class names, top first; default "A", "B", "C", ...
    negative : {"error", "clip"}
        Negative values: raise, or count them as 0.

    Returns
    -------
    Series
        Categorical named ``abc_class`` (categories top first), index of ``summary``.

    Examples
    --------
    >>> abc_classes(pd.DataFrame({"total_revenue": [80., 15, 4, 1]})).tolist()
    ['A', 'B', 'C', 'C']
    """
    bounds = np.asarray(cuts, dtype="float64")
    if bounds.size == 0 or (bounds <= 0).any() or (bounds >= 1).any() or (np.diff(bounds) <= 0).any():
        raise InputError(f"cuts={tuple(cuts)} must increase within (0, 1); fix: e.g. (0.8, 0.95)")
    names = list(labels) if labels is not None else [chr(65 + k) for k in range(bounds.size + 1)]
    if len(names) != bounds.size + 1:
        raise InputError(f"labels {names} must name {bounds.size + 1} classes; fix: pass one "
                         "label more than cuts")
    x = _values(summary, by, negative)
    order = np.argsort(-x, kind="stable")
    before = (np.cumsum(x[order]) - x[order]) / x.sum()
    codes = np.empty(x.size, dtype="int64")
    codes[order] = np.searchsorted(bounds, before, side="right")
    codes = pd.Series(codes).groupby(x).transform("min").to_numpy()  # ties go up
    return pd.Series(pd.Categorical.from_codes(codes, categories=names, ordered=True),
                     index=summary.index, name="abc_class")

