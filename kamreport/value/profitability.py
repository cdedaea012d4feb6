"""Customer profitability: profit per account, the whale curve, profit by tier and tenure, discounts.

Profit of an account = its gross margin - its cost to serve (Kaplan & Narayanan 2001): the
margin from a ``margin`` column of the transactions (or a margin rate x revenue), the cost to
serve from a ``cost_to_serve`` column (0 when there is none). The whale curve ranks accounts by
profit and cumulates it: it rises above 100 % of the total profit and comes back down through
the loss-making accounts. The discount break-even rule: a discount d on a margin m needs
d / (m - d) more volume to keep the same gross profit (m = 20 %, d = 5 %: +33.3 %).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamreport.errors import InputError
from kamreport.value.relationship import _numeric


def account_profit(tx: pd.DataFrame, *, customer: str = "customer_id", amount: str = "amount",
                   margin: str | None = "margin", cost_to_serve: str | None = "cost_to_serve",
                   margin_rate: float | None = None) -> pd.DataFrame:
    """Revenue, margin, cost to serve and profit per account.

    Parameters
    ----------
    tx : DataFrame
        Canonical transactions (one row per order line; returns negative).
    customer, amount : str
        Columns of ``tx``.
    margin : str or None, default "margin"
        Gross margin amount of each row (currency). Ignored (may be absent) when ``margin_rate``
        is given.
    cost_to_serve : str or None, default "cost_to_serve"
        Cost to serve of each row; None or an absent column means 0 (recorded in
        ``attrs["cost_to_serve"]``).
    margin_rate : float, optional
        Gross margin as a share of revenue, when the rows carry no margin amount.

    Returns
    -------
    DataFrame
        Index account (str); ``revenue``, ``margin``, ``cost_to_serve``, ``profit`` (margin -
        cost to serve) and ``profit_rate`` (profit / revenue; NaN where revenue <= 0).
        ``attrs``: ``margin_basis`` ("column" or "rate"), ``cost_to_serve`` (the column or None).

    References
    ----------
    Kaplan, R. S. & Narayanan, V. G. (2001). Measuring and managing customer profitability.
    Journal of Cost Management 15(5), 5-15.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [100., 50, 80],
    ...                    "margin": [30., 10, 16], "cost_to_serve": [5., 5, 40]})
    >>> account_profit(tx)["profit"].tolist()
    [30.0, -24.0]
    >>> account_profit(tx.drop(columns="margin"), margin_rate=0.2)["margin"].tolist()
    [30.0, 16.0]
    """
    for col in (customer, amount):
        if col not in tx.columns:
            raise InputError(f"account_profit: column {col!r} not in the transactions; fix: pass customer=/amount=")
    frame = pd.DataFrame({"account": tx[customer].astype(str),
                          "revenue": _values(tx, amount)})
    if margin_rate is not None:
        if not 0 <= float(margin_rate) <= 1:
            raise InputError(f"account_profit: margin_rate must be between 0 and 1, got {margin_rate!r}")
        frame["margin"], basis = frame["revenue"] * float(margin_rate), "rate"
    elif margin is not None and margin in tx.columns:
        frame["margin"], basis = _values(tx, margin), "column"
    else:
        raise InputError(f"account_profit: no margin column {margin!r} in the transactions and no margin_rate; "
                         "fix: declare data.transactions.margin or pass margin_rate")
    cost_col = cost_to_serve if cost_to_serve is not None and cost_to_serve in tx.columns else None
    frame["cost_to_serve"] = _values(tx, cost_col) if cost_col else 0.0
    out = frame.groupby("account", sort=True)[["revenue", "margin", "cost_to_serve"]].sum()
    out["profit"] = out["margin"] - out["cost_to_serve"]
    out["profit_rate"] = (out["profit"] / out["revenue"]).where(out["revenue"] > 0)
    out.attrs.update(margin_basis=basis, cost_to_serve=cost_col)
    return out


def _values(tx: pd.DataFrame, col: str) -> pd.Series:
    values = pd.to_numeric(tx[col], errors="coerce").astype(np.float64)
    bad = values.isna()
    if bad.any():
        raise InputError(f"account_profit: column {col!r} has {int(bad.sum())} missing or non-numeric rows "
                         f"(first: row {tx.index[bad.to_numpy()][0]!r}); fix: fill or drop them")
    return values


@dataclass(frozen=True)
class WhaleCurve:
    """The cumulative profit curve, most profitable account first (Kaplan & Cooper 1998)."""

    curve: pd.DataFrame         # rank: account, profit, cumulative_profit, cumulative_share, share_accounts
    total_profit: float
    peak_share: float           # the highest cumulative profit / total profit (NaN if total <= 0)
    peak_rank: int              # accounts up to the peak: the profitable ones (at least 1)
    peak_share_accounts: float  # peak_rank / accounts
    n_loss_making: int          # accounts with profit < 0
    share_loss_making: float    # of the accounts
    loss: float                 # sum of the negative profits (<= 0)
    caveat: str | None = None


def whale_curve(profit: pd.Series) -> WhaleCurve:
    """Rank accounts by profit (highest first) and cumulate.

    Parameters
    ----------
    profit : Series indexed by account (e.g. ``account_profit(tx)["profit"]``)

    Returns
    -------
    WhaleCurve
        ``curve`` has one row per account (missing profits dropped), ``rank`` 1, 2, ...;
        ``cumulative_share`` = cumulative profit / total profit (NaN when the total is <= 0,
        with a ``caveat``). Ties are ranked by account id.

    References
    ----------
    Kaplan, R. S. & Cooper, R. (1998). Cost & Effect, ch. 10 (the whale curve).

    Examples
    --------
    >>> w = whale_curve(pd.Series([60., -20, 10, 50], index=list("abcd")))
    >>> w.curve["cumulative_share"].round(3).tolist(), w.peak_share, w.n_loss_making
    ([0.6, 1.1, 1.2, 1.0], 1.2, 1)
    """
    p = _numeric(profit, "whale_curve profit").dropna()
    if p.empty:
        raise InputError("whale_curve: no account has a profit; fix: pass account_profit()['profit']")
    order = pd.DataFrame({"account": p.index.astype(str), "profit": p.to_numpy()})
    order = order.sort_values(["profit", "account"], ascending=[False, True], kind="stable").reset_index(drop=True)
    order["cumulative_profit"] = order["profit"].cumsum()
    total = float(order["profit"].sum())
    caveat = None
    if total > 0:
        order["cumulative_share"] = order["cumulative_profit"] / total
    else:
        order["cumulative_share"] = np.nan
        caveat = f"total profit is {total:g} (not positive): shares of it are undefined"
    n = len(order)
    order["share_accounts"] = np.arange(1, n + 1) / n
    order.index = pd.RangeIndex(1, n + 1, name="rank")
    # the curve peaks after the last profitable account (counted, not argmax: rounding of the sum)
    peak = max(int((order["profit"] > 0).sum()), 1)
    loss = order["profit"] < 0
    return WhaleCurve(curve=order, total_profit=total,
                      peak_share=float(order["cumulative_share"].iloc[peak - 1]) if total > 0 else np.nan,
                      peak_rank=peak, peak_share_accounts=peak / n, n_loss_making=int(loss.sum()),
                      share_loss_making=float(loss.mean()), loss=float(order.loc[loss, "profit"].sum()),
                      caveat=caveat)


def profit_by_group(profit: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Accounts, revenue, profit and loss-makers per group (pyramid tier, tenure year, ...).

    Parameters
    ----------
    profit : DataFrame from :func:`account_profit`
    groups : Series indexed by account
        Ordered categories keep their order (tiers top first); else sorted.

    Returns
    -------
    DataFrame
        Index the groups; ``n_accounts``, ``revenue``, ``profit``, ``share_profit`` (of the
        total profit of the grouped accounts; NaN when it is 0), ``mean_profit``,
        ``n_loss_making`` and ``profit_rate`` (profit / revenue; NaN when revenue <= 0).
        Accounts without a group are left out (``attrs["n_ungrouped"]``).

    Examples
    --------
    >>> pf = pd.DataFrame({"revenue": [100., 50, 80], "profit": [30., 10, -20]}, index=list("abc"))
    >>> out = profit_by_group(pf, pd.Series(["VIP", "Key", "Key"], index=list("abc")))
    >>> out[["profit", "n_loss_making"]].values.tolist()
    [[-10.0, 1.0], [30.0, 0.0]]
    """
    missing = {"revenue", "profit"} - set(profit.columns)
    if missing:
        raise InputError(f"profit_by_group: profit lacks {sorted(missing)}; fix: pass account_profit() output")
    group = groups.reindex(profit.index)
    known = group.notna().to_numpy()
    frame = profit.loc[known, ["revenue", "profit"]].assign(group=group[known],
                                                           loss=(profit.loc[known, "profit"] < 0).astype(int))
    by = frame.groupby("group", observed=True, sort=True)
    out = pd.DataFrame({"n_accounts": by.size(), "revenue": by["revenue"].sum(), "profit": by["profit"].sum()})
    total = float(out["profit"].sum())
    out["share_profit"] = out["profit"] / total if total != 0 else np.nan
    out["mean_profit"] = out["profit"] / out["n_accounts"]
    out["n_loss_making"] = by["loss"].sum()
    out["profit_rate"] = (out["profit"] / out["revenue"]).where(out["revenue"] > 0)
    out.index.name = groups.name if groups.name is not None else "group"
    out.attrs["n_ungrouped"] = int((~known).sum())
    return out


def tenure_year(tx: pd.DataFrame, *, customer: str = "customer_id", date: str = "date",
                at=None) -> pd.Series:
    """Tenure year of each account at ``at`` (default the last date): 1 in the first 365 days
    after the first purchase, 2 in the next, ...

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "b"],
    ...                    "date": pd.to_datetime(["2024-01-01", "2025-06-01"])})
    >>> tenure_year(tx, at="2025-06-30").tolist()
    [2, 1]
    """
    for col in (customer, date):
        if col not in tx.columns:
            raise InputError(f"tenure_year: column {col!r} not in the transactions; fix: pass customer=/date=")
    dates = pd.to_datetime(tx[date])
    end = pd.Timestamp(at) if at is not None else dates.max()
    first = dates.groupby(tx[customer].astype(str)).min()
    days = (end - first).dt.days
    if (days < 0).any():
        raise InputError(f"tenure_year: account {days.index[days < 0][0]!r} starts after at={end.date()}; "
                         "fix: pass a later date")
    return (days // 365 + 1).astype("int64").rename("tenure_year")


def break_even_volume(margin: float, discount: float) -> float:
    """Extra volume a discount needs to keep the gross profit: d / (m - d); NaN when d >= m.

    A price cut of d (share of the price) leaves m - d of each sale's price as margin, so the
    volume must grow by m / (m - d) - 1 = d / (m - d). When d >= m no volume is enough: the
    result is NaN ("impossible"), never inf.

    Examples
    --------
    >>> round(break_even_volume(0.20, 0.05), 4), break_even_volume(0.2, 0.2)
    (0.3333, nan)
    """
    m, d = float(margin), float(discount)
    if not 0 < m <= 1 or not 0 <= d < 1:
        raise InputError(f"break_even_volume: need 0 < margin <= 1 and 0 <= discount < 1, got {m!r}, {d!r}")
    return d / (m - d) if d < m else float("nan")


def break_even_table(margins: Sequence[float] = (0.10, 0.20, 0.30, 0.40),
                     discounts: Sequence[float] = (0.02, 0.05, 0.10, 0.15)) -> pd.DataFrame:
    """:func:`break_even_volume` over a grid: rows margins, columns discounts.

    Returns
    -------
    DataFrame
        Index ``margin``, columns ``discount``; the extra volume needed (0.333 = +33.3 %), NaN
        where the discount is at or above the margin (impossible: ``attrs["impossible"]`` holds
        the boolean mask).

    Examples
    --------
    >>> t = break_even_table((0.2,), (0.05, 0.25))
    >>> round(float(t.loc[0.2, 0.05]), 4), bool(t.attrs["impossible"].loc[0.2, 0.25])
    (0.3333, True)
    """
    table = pd.DataFrame([[break_even_volume(m, d) for d in discounts] for m in margins],
                         index=pd.Index([float(m) for m in margins], name="margin"),
                         columns=pd.Index([float(d) for d in discounts], name="discount"))
    table.attrs["impossible"] = table.isna()
    return table
