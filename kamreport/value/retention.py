"""Retention, churn and repeat purchase of accounts, per calendar period and per acquisition cohort.

An account is *active* in a period when it has a purchase day in it: a customer-day with a row
of amount >= 0, as in :func:`~kamreport.value.customer_summary` and
:func:`~kamreport.value.lifecycle_stage` (a $0 order is a purchase; a day of returns only is
not). Rows with a missing customer, date or amount are left out, rows after ``as_of`` ignored.
Periods are calendar months, quarters or years (``freq`` "M", "Q", "Y"). The last period may be
incomplete (``as_of`` before its end): its ``complete`` flag says so, so that a KPI page can
compare whole periods only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamreport.errors import InputError

#: accepted period codes -> pandas period frequency
PERIODS: dict[str, str] = {"M": "M", "Q": "Q", "Y": "Y"}


def _check_freq(freq: str) -> str:
    if freq not in PERIODS:
        raise InputError(f"freq={freq!r} is not a period; fix: pass one of {', '.join(PERIODS)}")
    return PERIODS[freq]


def purchase_days(transactions: pd.DataFrame, customer: str = "customer_id", date: str = "date",
                  amount: str = "amount", as_of=None) -> tuple[pd.DataFrame, pd.Timestamp]:
    """The purchase days (customer, day) up to ``as_of``, and ``as_of`` (default the last date).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [5., -5., -2.],
    ...                    "date": pd.to_datetime(["2024-01-02", "2024-01-02", "2024-01-03"])})
    >>> days, end = purchase_days(tx)
    >>> days["c"].tolist(), str(end.date())
    (['a'], '2024-01-03')
    """
    lost = [c for c in (customer, date, amount) if c not in transactions.columns]
    if lost:
        raise InputError(f"transactions: column {lost[0]!r} not found; fix: pass customer=, date=, amount= "
                         f"(columns: {', '.join(map(str, transactions.columns))})")
    frame = pd.DataFrame({"c": transactions[customer],
                          "day": pd.to_datetime(transactions[date], errors="coerce").dt.normalize(),
                          "a": pd.to_numeric(transactions[amount], errors="coerce").astype(np.float64)})
    frame = frame.dropna(subset=["c", "day", "a"])
    end = frame["day"].max() if as_of is None else pd.Timestamp(as_of).normalize()
    if pd.isna(end):
        raise InputError("transactions: no row with a customer, a date and an amount; fix the input")
    frame = frame[(frame["day"] <= end) & (frame["a"] >= 0)]
    days = frame[["c", "day"]].drop_duplicates().sort_values(["c", "day"]).reset_index(drop=True)
    days["c"] = days["c"].astype(str)
    return days, end


def _active(days: pd.DataFrame, freq: str, end: pd.Timestamp) -> tuple[pd.DataFrame, pd.PeriodIndex]:
    """Account x period activity (bool) over every period from the first purchase to ``end``."""
    pf = _check_freq(freq)
    periods = days["day"].dt.to_period(pf)
    if not len(days):
        return pd.DataFrame(dtype=bool), pd.PeriodIndex([], freq=pf)
    span = pd.period_range(periods.min(), end.to_period(pf), freq=pf)
    active = pd.crosstab(days["c"], periods).reindex(columns=span, fill_value=0) > 0
    return active, span


def _complete(span: pd.PeriodIndex, end: pd.Timestamp) -> np.ndarray:
    return np.array([p.end_time.normalize() <= end for p in span], dtype=bool)


def retention_rates(transactions: pd.DataFrame, customer: str = "customer_id", date: str = "date",
                    amount: str = "amount", *, freq: str = "M", as_of=None) -> pd.DataFrame:
    """Retention and churn per period: retained in t = active in t-1 and in t.

    retention_rate(t) = retained(t) / active(t-1); churn_rate(t) = 1 - retention_rate(t), the
    share of t-1's buyers who did not buy in t. repeat_rate(t) = the share of t's buyers with at
    least two purchase days up to the end of t (they had bought before, or twice in t).

    Parameters
    ----------
    transactions : DataFrame
        Canonical transactions (one row per order line; returns negative).
    customer, date, amount : str
        Column names.
    freq : {"M", "Q", "Y"}
        Calendar months, quarters or years.
    as_of : date-like, optional
        Last day counted (default the last date in the data).

    Returns
    -------
    DataFrame
        Index ``period`` (every period from the first purchase to ``as_of``): ``active``,
        ``previous_active``, ``retained``, ``new`` (first purchase in t), ``reactivated`` (active
        in t, not in t-1, not new), ``retention_rate``, ``churn_rate`` (NaN in the first period
        and after a period without buyers), ``repeat_rate`` (NaN without buyers) and
        ``complete`` (the period ended by ``as_of``). ``attrs``: as_of, freq.

    References
    ----------
    Gupta, S., Lehmann, D. R. & Stuart, J. A. (2004). Valuing customers. *Journal of Marketing
    Research* 41(1), 7-18 (retention rate as the share of last period's customers who buy again);
    Reichheld, F. F. & Sasser, W. E. (1990). Zero defections. *Harvard Business Review* 68(5).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "b", "a", "c"], "amount": [1., 1, 1, 1],
    ...     "date": pd.to_datetime(["2024-01-05", "2024-01-09", "2024-02-01", "2024-02-03"])})
    >>> out = retention_rates(tx, freq="M", as_of="2024-02-29")
    >>> out[["active", "retained", "retention_rate", "churn_rate", "repeat_rate"]].iloc[1].tolist()
    [2.0, 1.0, 0.5, 0.5, 0.5]
    """
    days, end = purchase_days(transactions, customer, date, amount, as_of)
    active, span = _active(days, freq, end)
    columns = ["active", "previous_active", "retained", "new", "reactivated", "retention_rate", "churn_rate",
               "repeat_rate", "complete"]
    if not len(span):  # no purchase day (returns only): no period to report
        out = pd.DataFrame({c: pd.Series(dtype=bool if c == "complete" else np.float64) for c in columns},
                           index=pd.PeriodIndex([], freq=_check_freq(freq), name="period"))
        out.attrs.update(as_of=end, freq=freq)
        return out
    act = active.to_numpy()
    prev = np.zeros_like(act)
    prev[:, 1:] = act[:, :-1]
    first = act.argmax(axis=1)
    is_new = np.zeros_like(act)
    is_new[np.arange(len(act)), first] = True
    # purchase days up to the end of each period (cumulative), for the repeat rate
    per = days["day"].dt.to_period(_check_freq(freq))
    counts = pd.crosstab(days["c"], per).reindex(index=active.index, columns=span, fill_value=0)
    repeat = (counts.to_numpy().cumsum(axis=1) >= 2) & act
    n_active = act.sum(axis=0).astype(np.float64)
    n_prev = prev.sum(axis=0).astype(np.float64)
    retained = (act & prev).sum(axis=0).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(n_prev > 0, retained / n_prev, np.nan)
        repeat_rate = np.where(n_active > 0, repeat.sum(axis=0) / n_active, np.nan)
    out = pd.DataFrame({
        "active": n_active, "previous_active": n_prev, "retained": retained,
        "new": is_new.sum(axis=0).astype(np.float64),
        "reactivated": (act & ~prev & ~is_new).sum(axis=0).astype(np.float64),
        "retention_rate": rate, "churn_rate": 1.0 - rate, "repeat_rate": repeat_rate,
        "complete": _complete(span, end),
    }, index=pd.PeriodIndex(span, name="period"))
    out.attrs.update(as_of=end, freq=freq)
    return out


@dataclass(frozen=True)
class CohortRetention:
    """Retention by acquisition cohort (cohort = period of the first purchase).

    matrix : DataFrame, index cohort (Period), columns k = 0, 1, ... periods since the first
        purchase: the share of the cohort active in period cohort + k (1.0 at k = 0; NaN where
        cohort + k lies after ``as_of``)
    active : DataFrame, the same shape: the number of the cohort's accounts active
    sizes : Series, accounts per cohort
    complete : DataFrame of bool, the same shape: cohort + k ended by ``as_of`` (the last column
        of each row may be a partial period)
    as_of, freq : the day counted up to and the period code
    """

    matrix: pd.DataFrame
    active: pd.DataFrame
    sizes: pd.Series
    complete: pd.DataFrame
    as_of: pd.Timestamp
    freq: str

    def mean_retention(self, k: int = 1, complete_only: bool = True) -> pd.Series:
        """Each cohort's retention ``k`` periods after acquisition (NaN where not yet observed,
        or, with ``complete_only``, observed in a partial period only)."""
        col = self.matrix[k] if k in self.matrix.columns else pd.Series(np.nan, index=self.matrix.index)
        if complete_only and k in self.complete.columns:
            col = col.where(self.complete[k])
        return col.rename(f"retention_{k}")


def cohort_retention(transactions: pd.DataFrame, customer: str = "customer_id", date: str = "date",
                     amount: str = "amount", *, freq: str = "M", as_of=None) -> CohortRetention:
    """The cohort x periods-since-first-purchase retention matrix.

    Cell (c, k) = accounts first buying in period c that are active in period c + k, divided by
    the accounts of cohort c (the classic triangle: later cohorts have fewer observed columns).

    Parameters
    ----------
    transactions, customer, date, amount, freq, as_of : as :func:`retention_rates`

    Returns
    -------
    CohortRetention

    References
    ----------
    Fader, P. S. & Hardie, B. G. S. (2007). How to project customer retention. *Journal of
    Interactive Marketing* 21(1), 76-90 (cohort survival tables).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "b", "a", "c"], "amount": [1., 1, 1, 1],
    ...     "date": pd.to_datetime(["2024-01-05", "2024-01-09", "2024-02-01", "2024-02-03"])})
    >>> res = cohort_retention(tx, as_of="2024-02-29")
    >>> res.matrix.to_numpy().tolist()
    [[1.0, 0.5], [1.0, nan]]
    >>> res.sizes.tolist()
    [2, 1]
    """
    days, end = purchase_days(transactions, customer, date, amount, as_of)
    active, span = _active(days, freq, end)
    if not len(span):
        empty = pd.DataFrame(dtype=np.float64)
        return CohortRetention(empty, empty, pd.Series(dtype="int64"), empty.astype(bool), end, freq)
    act = active.to_numpy()
    first = act.argmax(axis=1)
    n = len(span)
    counts = np.zeros((n, n), dtype=np.float64)
    for j in range(n):  # periods since the first purchase: shift each account's row
        rows = np.nonzero(first == j)[0]
        counts[j, : n - j] = act[rows][:, j:].sum(axis=0)
    sizes = np.bincount(first, minlength=n).astype("int64")
    observed = np.arange(n)[None, :] < (n - np.arange(n))[:, None]
    keep = sizes > 0
    index = pd.PeriodIndex(span[keep], name="cohort")
    cols = pd.Index(range(n), name="periods_since_first")
    counts_f = pd.DataFrame(np.where(observed, counts, np.nan)[keep], index=index, columns=cols)
    with np.errstate(invalid="ignore", divide="ignore"):
        matrix = counts_f / sizes[keep][:, None]
    ends = _complete(span, end)
    done = np.zeros((n, n), dtype=bool)
    for j in range(n):
        done[j, : n - j] = ends[j:]
    complete = pd.DataFrame(done[keep], index=index, columns=cols)
    return CohortRetention(matrix, counts_f, pd.Series(sizes[keep], index=index, name="accounts"),
                           complete, end, freq)


def repeat_purchase_rate(transactions: pd.DataFrame, customer: str = "customer_id", date: str = "date",
                         amount: str = "amount", *, as_of=None) -> float:
    """The share of accounts (with a purchase up to ``as_of``) that bought on two days or more.

    Equal to the share with ``frequency > 0`` in :func:`~kamreport.value.customer_summary`.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "c"], "amount": [1., 2, 1, -1],
    ...     "date": pd.to_datetime(["2024-01-05", "2024-03-01", "2024-01-09", "2024-02-03"])})
    >>> repeat_purchase_rate(tx)
    0.5
    """
    days, _ = purchase_days(transactions, customer, date, amount, as_of)
    per = days.groupby("c").size()
    return float((per >= 2).mean()) if len(per) else float("nan")
