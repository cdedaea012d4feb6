"""Customer lifecycle stage (客户生命周期) of each account, from its transactions.

The method texts divide a relationship into 考察期 exploration (探索和试验), 形成期 build-up
(快速发展), 稳定期 maturity (关系发展的最高阶段) and 退化期 decline (衰退期, 关系水平逆转).
Here a stage is read off tenure and the trend of order frequency and value over rolling windows
ending at ``as_of``; the rule is exact and documented in :func:`lifecycle_stage`.

Every function here reads its transactions through :func:`purchase_windows`: per account the
first and last purchase day and the purchase days and value of each window. For a pandas frame
that is pandas; for an ibis table (DuckDB, PostgreSQL, Spark) it is one aggregation run in the
engine, and only those per-account rows come back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kamreport.errors import InputError

#: stage code -> the method text's term
STAGES: dict[str, str] = {"exploration": "考察期", "build_up": "形成期", "maturity": "稳定期",
                          "decline": "退化期"}


@dataclass(frozen=True)
class LifecycleThresholds:
    """Cut-offs of the lifecycle rule, in windows (see :func:`lifecycle_stage`).

    exploration_windows : tenure below this many windows is exploration (default 1; values
        below 1 act as 1, since the trend needs one full window before the latest)
    min_orders : fewer purchase days than this (and not inactive) is exploration (default 3)
    inactive_windows : no purchase for more than this many windows is decline (default 2)
    n_windows : windows compared: the latest against the mean of up to n_windows - 1 before (4)
    rise : trend >= rise is build-up (default 0.25)
    fall : trend <= -fall is decline (default 0.25)
    """

    exploration_windows: float = 1.0
    min_orders: int = 3
    inactive_windows: float = 2.0
    n_windows: int = 4
    rise: float = 0.25
    fall: float = 0.25

    def __post_init__(self) -> None:
        if not (self.exploration_windows >= 0 and self.inactive_windows >= 0 and self.min_orders >= 0
                and self.n_windows >= 2 and self.rise > 0 and self.fall > 0):
            raise InputError(f"LifecycleThresholds {self}: windows and orders must be >= 0, n_windows >= 2, "
                             "rise and fall > 0; fix the values")


def _window_days(window) -> int:
    try:
        span = pd.Timedelta(days=window) if isinstance(window, (int, np.integer)) else pd.Timedelta(window)
    except (ValueError, TypeError):
        span = pd.NaT
    if pd.isna(span) or span < pd.Timedelta(days=1) or span % pd.Timedelta(days=1) != pd.Timedelta(0):
        raise InputError(f"window {window!r} is not a whole number of days >= 1; fix: e.g. window='90D' or 90")
    return int(span / pd.Timedelta(days=1))


def _purchase_days(tx: pd.DataFrame, customer: str, date: str, amount: str, as_of) -> tuple[pd.DataFrame,
                                                                                          pd.Timestamp]:
    """Per customer-day up to ``as_of``: value (net) and whether it is a purchase day."""
    lost = [c for c in (customer, date, amount) if c not in tx.columns]
    if lost:
        raise InputError(f"transactions: column {lost[0]!r} not found; fix: pass customer=, date=, amount= "
                         f"(columns: {', '.join(map(str, tx.columns))})")
    days = pd.to_datetime(tx[date], errors="coerce").dt.normalize()
    money = pd.to_numeric(tx[amount], errors="coerce").astype(np.float64)
    frame = pd.DataFrame({"c": tx[customer], "day": days, "value": money,
                          "buy": money >= 0}).dropna(subset=["c", "day", "value"])
    end = frame["day"].max() if as_of is None else pd.Timestamp(as_of).normalize()
    if pd.isna(end):
        raise InputError("transactions: no row with a customer, a date and an amount; fix the input")
    frame = frame[frame["day"] <= end]
    daily = frame.groupby(["c", "day"], sort=True).agg(value=("value", "sum"), buy=("buy", "any")).reset_index()
    return daily, end


def purchase_windows(transactions: Any, customer: str = "customer_id", date: str = "date",
                     amount: str = "amount", as_of=None, window="90D", n_windows: int = 4) -> pd.DataFrame:
    """Per customer with a purchase day up to ``as_of``: what the lifecycle rules read.

    Windows as in :func:`lifecycle_stage` (window j holds the days d with
    j w <= as_of - d < (j+1) w). A purchase day is a customer-day with a row of amount >= 0; a
    day's value is its net amount; rows with a missing customer, date or amount and rows after
    ``as_of`` are left out.

    Parameters
    ----------
    transactions : DataFrame or ibis Table
        Order lines. An ibis table of any backend is aggregated where it lives (dates as date,
        timestamp or ISO text): only the per-customer rows come back.
    customer, date, amount, as_of, window : as :func:`lifecycle_stage`
    n_windows : int, default 4
        Windows 0 .. n_windows - 1 are counted.

    Returns
    -------
    DataFrame
        Index customer (sorted): ``first_order``, ``last_order`` (purchase days, datetime64[s]), ``n_orders``
        (purchase days), ``orders_j`` (purchase days in window j) and ``value_j`` (net value of
        all its days in window j) for j < n_windows. ``attrs``: as_of, window_days.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a"] * 3, "date": ["2024-01-05", "2024-03-01", "2024-03-02"],
    ...                    "amount": [10.0, 5.0, -2.0]})
    >>> purchase_windows(tx, as_of="2024-03-31", window=30, n_windows=2).iloc[:, 2:]
                 n_orders  orders_0  orders_1  value_0  value_1
    customer_id
    a                   2       0.0       1.0     -2.0      5.0
    """
    w = _window_days(window)
    if isinstance(n_windows, bool) or not isinstance(n_windows, (int, np.integer)) or n_windows < 1:
        raise InputError(f"purchase_windows: n_windows must be a whole number >= 1, got {n_windows!r}")
    if not isinstance(transactions, pd.DataFrame):
        return _engine_windows(transactions, customer, date, amount, as_of, w, int(n_windows))
    daily, end = _purchase_days(transactions, customer, date, amount, as_of)
    buys = daily[daily["buy"]]
    per = buys.groupby("c").agg(first_order=("day", "min"), last_order=("day", "max"), n_orders=("day", "size"))
    daily = daily[daily["c"].isin(per.index)].copy()
    daily["j"] = ((end - daily["day"]).dt.days // w).astype("int64")
    near = daily[daily["j"] < n_windows]
    cols = range(n_windows)
    orders = near[near["buy"]].groupby(["c", "j"]).size().unstack("j").reindex(
        index=per.index, columns=cols).fillna(0.0).astype(np.float64)
    value = near.groupby(["c", "j"])["value"].sum().unstack("j").reindex(
        index=per.index, columns=cols).fillna(0.0).astype(np.float64)
    out = per.assign(first_order=per["first_order"].astype("datetime64[s]"),
                     last_order=per["last_order"].astype("datetime64[s]"), n_orders=per["n_orders"].astype("int64"),
                     **{f"orders_{j}": orders[j] for j in cols},
                     **{f"value_{j}": value[j] for j in cols})
    out.index.name = customer
    out.attrs.update(as_of=end, window_days=w)
    return out


def _engine_windows(tx: Any, customer: str, date: str, amount: str, as_of, w: int, n: int) -> pd.DataFrame:
    """:func:`purchase_windows` as one aggregation in the engine that holds ``tx``."""
    import ibis

    from kamreport.value.summary import engine_transactions

    with engine_transactions(tx, customer=customer, date=date, amount=amount) as src:
        t = src.table
        clean = t.filter(t.c.notnull() & t.d.notnull() & t.a.notnull())
        end = pd.Timestamp(as_of).normalize() if as_of is not None else src.run(clean.d.max())
        if end is None or pd.isna(end):
            raise InputError(f"{src.name}: no row with a customer, a date and an amount; fix the input")
        end = pd.Timestamp(end).normalize()
        clean = clean.filter(clean.d <= end.date())
        daily = clean.group_by(["c", "d"]).aggregate(value=clean.a.sum(), sales=clean.count(where=clean.a >= 0))
        daily = daily.mutate(j=ibis.literal(end.date()).delta(daily.d, unit="day") // w)
        buy = daily.sales > 0
        cols: dict[str, Any] = {"first_order": daily.d.min(where=buy), "last_order": daily.d.max(where=buy),
                                "n_orders": daily.d.count(where=buy)}
        cols.update({f"orders_{j}": daily.d.count(where=buy & (daily.j == j)) for j in range(n)})
        cols.update({f"value_{j}": daily.value.sum(where=daily.j == j) for j in range(n)})
        per = daily.group_by("c").aggregate(**cols)
        raw = src.run(per.filter(per.n_orders > 0))
    out = pd.DataFrame({
        "first_order": pd.to_datetime(raw["first_order"]).astype("datetime64[s]"),
        "last_order": pd.to_datetime(raw["last_order"]).astype("datetime64[s]"),
        "n_orders": raw["n_orders"].astype("int64"),
        **{f"orders_{j}": raw[f"orders_{j}"].astype(np.float64) for j in range(n)},
        **{f"value_{j}": raw[f"value_{j}"].astype(np.float64).fillna(0.0) for j in range(n)},
    }).set_axis(pd.Index(raw["c"], name=customer)).sort_index()
    out.attrs.update(as_of=end, window_days=w)
    return out


def _relative(recent: pd.Series, base: pd.Series) -> pd.Series:
    """(recent - base) / base capped at [-1, 1]; sign(recent) when base <= 0."""
    change = ((recent - base) / base.where(base > 0)).clip(-1.0, 1.0)
    return change.where(base > 0, np.sign(recent))


def lifecycle_stage(transactions: pd.DataFrame, customer: str = "customer_id", date: str = "date",
                    amount: str = "amount", as_of=None, window="90D",
                    thresholds: LifecycleThresholds = LifecycleThresholds()) -> pd.DataFrame:
    """Lifecycle stage of every customer with a purchase up to ``as_of``.

    Rule. A purchase day is a customer-day with a row of amount >= 0 (as in
    :func:`~kamreport.value.customer_summary`); its value is the day's net amount. With w the
    window in days, window j (j = 0 the latest) holds the days d with j w <= (as_of - d) < (j+1) w.
    tenure = as_of - first purchase day; idle = as_of - last purchase day. The baseline is
    the mean over windows 1..m, m = min(n_windows - 1, floor(tenure / w)) (windows that end
    after the first purchase). For purchase days and for value separately,
    g = (latest - baseline) / baseline capped at [-1, 1] (g = sign(latest) when baseline <= 0);
    trend = (g_orders + g_value) / 2. The first rule that holds decides (``rule`` column):

    1. tenure < max(exploration_windows, 1) w       -> exploration (``new``; a trend needs a
       baseline window)
    2. idle > inactive_windows w                     -> decline (``inactive``)
    3. purchase days < min_orders                    -> exploration (``few_orders``)
    4. trend >= rise                                 -> build_up (``rising``)
    5. trend <= -fall                                -> decline (``falling``)
    6. otherwise                                     -> maturity (``stable``)

    Parameters
    ----------
    transactions : DataFrame or ibis Table
        One row per order line; rows with a missing customer, date or amount are left out,
        rows after ``as_of`` are ignored. An ibis table (e.g. Spark) is aggregated in its
        engine (:func:`purchase_windows`).
    customer, date, amount : str
        Column names.
    as_of : date-like, optional
        Default the last date in the data.
    window : str, int or Timedelta, default "90D"
        Window length in whole days ("90D", 90, pd.Timedelta(weeks=13)).
    thresholds : LifecycleThresholds

    Returns
    -------
    DataFrame
        Index customer (sorted); ``first_order``, ``last_order``, ``n_orders`` (purchase days),
        ``tenure_windows``, ``idle_windows``, ``orders_latest``, ``orders_baseline``,
        ``value_latest``, ``value_baseline``, ``trend`` (NaN where rule 1 applies),
        ``stage`` (ordered categorical exploration < build_up < maturity < decline; the
        method's terms in :data:`STAGES`) and ``rule``. ``attrs``: as_of, window_days.

    References
    ----------
    Dwyer, F. R., Schurr, P. H. & Oh, S. (1987). Developing buyer-seller relationships.
    *Journal of Marketing* 51(2), 11-27 (awareness, exploration, expansion, commitment,
    dissolution); 陈明亮 (2003), 客户生命周期模式研究 (考察期、形成期、稳定期、退化期); method text 002.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a"] * 2, "date": ["2024-01-01", "2024-01-20"],
    ...                    "amount": [10., 20.]})
    >>> lifecycle_stage(tx, as_of="2024-02-01")[["stage", "rule"]].values.tolist()
    [['exploration', 'new']]
    """
    t = thresholds
    per = purchase_windows(transactions, customer, date, amount, as_of, window, t.n_windows)
    w, end = per.attrs["window_days"], per.attrs["as_of"]
    orders = per[[f"orders_{j}" for j in range(t.n_windows)]].set_axis(range(t.n_windows), axis=1)
    value = per[[f"value_{j}" for j in range(t.n_windows)]].set_axis(range(t.n_windows), axis=1)
    tenure = (end - per["first_order"]).dt.days.astype(np.float64)
    idle = (end - per["last_order"]).dt.days.astype(np.float64)
    m = np.minimum(t.n_windows - 1, tenure // w)
    before = np.arange(1, t.n_windows)[None, :] <= m.to_numpy()[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        o_base = (orders.iloc[:, 1:].to_numpy() * before).sum(axis=1) / m.where(m > 0)
        v_base = (value.iloc[:, 1:].to_numpy() * before).sum(axis=1) / m.where(m > 0)
    trend = (_relative(orders[0], o_base) + _relative(value[0], v_base)) / 2
    trend = trend.where(m > 0)
    conditions = [tenure < max(t.exploration_windows, 1.0) * w, idle > t.inactive_windows * w,
                  per["n_orders"] < t.min_orders, trend >= t.rise, trend <= -t.fall]
    rule = np.select(conditions, ["new", "inactive", "few_orders", "rising", "falling"], "stable")
    stage = pd.Series(rule).map({"new": "exploration", "few_orders": "exploration", "inactive": "decline",
                                 "falling": "decline", "rising": "build_up", "stable": "maturity"})
    out = pd.DataFrame({
        "first_order": per["first_order"], "last_order": per["last_order"],
        "n_orders": per["n_orders"].astype("int64"),
        "tenure_windows": tenure / w, "idle_windows": idle / w,
        "orders_latest": orders[0], "orders_baseline": o_base,
        "value_latest": value[0], "value_baseline": v_base, "trend": trend,
        "stage": pd.Categorical(stage.to_numpy(), categories=list(STAGES), ordered=True),
        "rule": rule,
    }, index=per.index)
    out.index.name = customer
    out.attrs.update(as_of=end, window_days=w)
    return out


def active_period_share(transactions: pd.DataFrame, customer: str = "customer_id", date: str = "date",
                        amount: str = "amount", as_of=None, window="90D", periods: int = 4) -> pd.Series:
    """Share of the latest ``periods`` windows in which the customer bought (for behavioural loyalty).

    Windows as in :func:`lifecycle_stage`; only windows that end on or after the customer's
    first purchase count: share = active windows / min(periods, floor(tenure / w) + 1).
    ``transactions``: a frame or an ibis table (aggregated in its engine).

    Returns
    -------
    Series ``active_share`` indexed by customer (customers with a purchase up to ``as_of``).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a"] * 3, "date": ["2024-01-05", "2024-04-05", "2024-12-20"],
    ...                    "amount": [1., 1, 1]})
    >>> float(active_period_share(tx, as_of="2024-12-31", window=90, periods=4).loc["a"])
    0.5
    """
    if isinstance(periods, bool) or not isinstance(periods, (int, np.integer)) or periods < 1:
        raise InputError(f"active_period_share: periods must be a whole number >= 1, got {periods!r}")
    per = purchase_windows(transactions, customer, date, amount, as_of, window, periods)
    w, end = per.attrs["window_days"], per.attrs["as_of"]
    active = (per[[f"orders_{j}" for j in range(periods)]] > 0).sum(axis=1)
    counted = np.minimum(periods, (end - per["first_order"]).dt.days // w + 1)
    out = (active / counted).astype(np.float64).rename("active_share")
    out.index.name = customer
    return out


def stage_transitions(transactions: pd.DataFrame, customer: str = "customer_id", date: str = "date",
                      amount: str = "amount", *, at: tuple, window="90D",
                      thresholds: LifecycleThresholds = LifecycleThresholds()) -> pd.DataFrame:
    """Counts of customers by lifecycle stage at two dates (rows the first, columns the second).

    Parameters
    ----------
    transactions, customer, date, amount, window, thresholds : as :func:`lifecycle_stage`
    at : (date1, date2)
        date1 < date2; stages as of each date.

    Returns
    -------
    DataFrame
        Rows: the four stages, then ``new`` (no purchase up to date1); columns: the four
        stages at date2 (every customer of date1 is still a customer at date2). Integers.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "b"], "date": ["2024-01-01", "2024-06-01"],
    ...                    "amount": [1., 1]})
    >>> out = stage_transitions(tx, at=("2024-03-01", "2024-06-30"))
    >>> int(out.loc["exploration", "decline"]), int(out.loc["new", "exploration"])
    (1, 1)
    """
    first, second = (pd.Timestamp(d) for d in at)
    if not first < second:
        raise InputError(f"stage_transitions: at={at!r} must be (earlier, later) dates")
    before = lifecycle_stage(transactions, customer, date, amount, first, window, thresholds)["stage"]
    after = lifecycle_stage(transactions, customer, date, amount, second, window, thresholds)["stage"]
    rows = before.astype(object).reindex(after.index).fillna("new")
    counts = pd.crosstab(rows, after.astype(object)).reindex(
        index=list(STAGES) + ["new"], columns=list(STAGES), fill_value=0).astype("int64")
    counts.index.name, counts.columns.name = "before", "after"
    return counts
