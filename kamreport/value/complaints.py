"""Complaint and referral KPIs: complaint rate, severity and root-cause shares, resolution time,
and the referral rate from the survey.

Complaints are the canonical frame of issue 14 (``complaint_id``, ``account_id``, ``date``,
``category``, ``severity`` 1 minor / 2 major / 3 critical, optional ``resolved_days``); every column
name is an argument. Rows with a missing account or date are left out of the rates, rows with a
missing category or severity out of those shares (counted in ``attrs["rows_dropped"]``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamreport.errors import InputError
from kamreport.value.retention import _check_freq

#: severity code -> name (canonical complaints frame)
SEVERITIES: dict[int, str] = {1: "minor", 2: "major", 3: "critical"}


def _need(frame: pd.DataFrame, what: str, **cols: str | None) -> None:
    for role, col in cols.items():
        if col is not None and col not in frame.columns:
            raise InputError(f"{what}: column {col!r} ({role}=) not found; fix: pass {role}='<column>' "
                             f"(columns: {', '.join(map(str, frame.columns))})")


def complaint_rates(complaints: pd.DataFrame, base, *, account: str = "account_id", date: str = "date",
                    severity: str | None = "severity", freq: str = "M") -> pd.DataFrame:
    """Complaints per account and the share of accounts complaining, per period.

    Parameters
    ----------
    complaints : DataFrame
        Canonical complaints.
    base : int or Series
        The accounts the rates are per: a fixed number of accounts, or a Series indexed by
        period (e.g. ``retention_rates(...)["active"]``, the accounts buying in the period).
    account, date : str
        Column names.
    severity : str or None
        Severity column; with it the output has ``critical`` and ``share_critical``.
    freq : {"M", "Q", "Y"}

    Returns
    -------
    DataFrame
        Index ``period`` (every period from the first complaint, or the base's periods):
        ``complaints``, ``accounts_complaining``, ``accounts`` (the base), ``complaints_per_account``,
        ``share_complaining`` (NaN where the base is 0 or missing); with ``severity`` also
        ``critical`` (severity 3) and ``share_critical`` (of the period's complaints).

    Examples
    --------
    >>> c = pd.DataFrame({"account_id": ["a", "a", "b"], "severity": [1, 3, 2],
    ...                   "date": pd.to_datetime(["2024-01-02", "2024-01-20", "2024-02-03"])})
    >>> out = complaint_rates(c, 4)
    >>> out[["complaints", "complaints_per_account", "share_complaining", "share_critical"]].values.tolist()
    [[2.0, 0.5, 0.25, 0.5], [1.0, 0.25, 0.25, 0.0]]
    """
    _need(complaints, "complaints", account=account, date=date, severity=severity)
    pf = _check_freq(freq)
    frame = pd.DataFrame({"acc": complaints[account],
                          "period": pd.to_datetime(complaints[date], errors="coerce").dt.to_period(pf)})
    if severity is not None:
        frame["sev"] = pd.to_numeric(complaints[severity], errors="coerce")
    dropped = int(frame[["acc", "period"]].isna().any(axis=1).sum())
    frame = frame.dropna(subset=["acc", "period"])
    if isinstance(base, pd.Series):
        periods = pd.PeriodIndex(base.index, freq=pf)
        if len(frame):
            periods = periods.union(pd.period_range(frame["period"].min(), frame["period"].max(), freq=pf))
        accounts = pd.Series(base.to_numpy(np.float64), index=pd.PeriodIndex(base.index, freq=pf))
        accounts = accounts.reindex(periods)
    else:
        if isinstance(base, bool) or not isinstance(base, (int, np.integer, float)) or not base >= 0:
            raise InputError(f"complaint_rates: base={base!r} must be a number of accounts >= 0 or a Series "
                             "by period; fix: pass e.g. retention_rates(tx)['active']")
        periods = (pd.period_range(frame["period"].min(), frame["period"].max(), freq=pf) if len(frame)
                   else pd.PeriodIndex([], freq=pf))
        accounts = pd.Series(float(base), index=periods)
    grouped = frame.groupby("period")
    out = pd.DataFrame({
        "complaints": grouped.size().reindex(periods, fill_value=0).astype(np.float64),
        "accounts_complaining": grouped["acc"].nunique().reindex(periods, fill_value=0).astype(np.float64),
        "accounts": accounts,
    }, index=periods)
    denom = out["accounts"].where(out["accounts"] > 0)
    out["complaints_per_account"] = out["complaints"] / denom
    out["share_complaining"] = out["accounts_complaining"] / denom
    if severity is not None:
        crit = frame[frame["sev"] == 3].groupby("period").size().reindex(periods, fill_value=0)
        out["critical"] = crit.astype(np.float64)
        out["share_critical"] = out["critical"] / out["complaints"].where(out["complaints"] > 0)
    out.index.name = "period"
    out.attrs.update(rows_dropped=dropped, freq=freq)
    return out


def complaints_by_group(complaints: pd.DataFrame, groups: pd.Series, *, account: str = "account_id",
                        severity: str | None = "severity") -> pd.DataFrame:
    """Complaints per account and share of accounts complaining in each group of accounts.

    Parameters
    ----------
    complaints : DataFrame
        Canonical complaints (any period: filter the rows first for a window).
    groups : Series
        Group of every account of the base (index account id, e.g. the satisfaction x value grid
        cell or the value tier); complaints of accounts not in it are left out.

    Returns
    -------
    DataFrame
        Index group (in the order of a categorical, else sorted): ``accounts``, ``complaints``,
        ``accounts_complaining``, ``complaints_per_account``, ``share_complaining`` and, with
        ``severity``, ``share_critical``.

    Examples
    --------
    >>> c = pd.DataFrame({"account_id": ["a", "a", "b"], "severity": [3, 1, 1]})
    >>> g = pd.Series({"a": "at_risk", "b": "core", "c": "core"})
    >>> complaints_by_group(c, g)[["complaints_per_account", "share_complaining"]].values.tolist()
    [[2.0, 1.0], [0.5, 0.5]]
    """
    _need(complaints, "complaints", account=account, severity=severity)
    groups = groups.dropna()
    groups.index = groups.index.astype(str)
    acc = complaints[account].dropna().astype(str)
    acc = acc[acc.isin(groups.index)]
    group_of = groups.reindex(acc.to_numpy()).to_numpy()
    frame = pd.DataFrame({"acc": acc.to_numpy(), "group": group_of}, index=acc.index)
    order = (list(groups.cat.categories) if isinstance(groups.dtype, pd.CategoricalDtype)
             else sorted(groups.unique(), key=str))
    out = pd.DataFrame({
        "accounts": groups.value_counts().reindex(order, fill_value=0).astype(np.float64),
        "complaints": frame.groupby("group").size().reindex(order, fill_value=0).astype(np.float64),
        "accounts_complaining": frame.groupby("group")["acc"].nunique().reindex(order, fill_value=0)
        .astype(np.float64),
    }, index=pd.Index(order, name=groups.name or "group"))
    denom = out["accounts"].where(out["accounts"] > 0)
    out["complaints_per_account"] = out["complaints"] / denom
    out["share_complaining"] = out["accounts_complaining"] / denom
    if severity is not None:
        sev = pd.to_numeric(complaints.loc[frame.index, severity], errors="coerce")
        crit = frame[sev.to_numpy() == 3].groupby("group").size().reindex(order, fill_value=0)
        out["share_critical"] = crit / out["complaints"].where(out["complaints"] > 0)
    return out


def severity_distribution(complaints: pd.DataFrame, severity: str = "severity",
                          resolved_days: str | None = None) -> pd.DataFrame:
    """Complaints by severity (1 minor, 2 major, 3 critical): count, share, mean resolution days.

    Returns
    -------
    DataFrame
        Index ``severity`` 1, 2, 3 (always all three), columns ``name``, ``complaints``, ``share``
        and, with ``resolved_days``, ``mean_resolved_days`` (NaN where none resolved).
        Severities outside 1..3 raise :class:`InputError`.

    Examples
    --------
    >>> c = pd.DataFrame({"severity": [1, 1, 3, 2], "days": [2., 4., 10., np.nan]})
    >>> severity_distribution(c, resolved_days="days")[["share", "mean_resolved_days"]].values.tolist()
    [[0.5, 3.0], [0.25, nan], [0.25, 10.0]]
    """
    _need(complaints, "complaints", severity=severity, resolved_days=resolved_days)
    sev = pd.to_numeric(complaints[severity], errors="coerce")
    bad = sev.notna() & ~sev.isin(list(SEVERITIES))
    if bad.any():
        rows = ", ".join(map(str, complaints.index[bad][:5]))
        raise InputError(f"complaints: column {severity!r} has values outside 1, 2, 3 in rows {rows}; "
                         "fix: code severity 1 minor, 2 major, 3 critical")
    kept = sev.notna()
    counts = sev[kept].astype("int64").value_counts().reindex(list(SEVERITIES), fill_value=0)
    out = pd.DataFrame({"name": list(SEVERITIES.values()), "complaints": counts.astype("int64"),
                        "share": counts / max(int(kept.sum()), 1)}, index=pd.Index(list(SEVERITIES), name="severity"))
    if resolved_days is not None:
        days = pd.to_numeric(complaints[resolved_days], errors="coerce")
        out["mean_resolved_days"] = days[kept].groupby(sev[kept].astype("int64")).mean().reindex(out.index)
    out.attrs["rows_dropped"] = int((~kept).sum())
    return out


def root_cause_shares(complaints: pd.DataFrame, category: str = "category",
                      resolved_days: str | None = None) -> pd.DataFrame:
    """Complaints by root cause (category), most frequent first: count, share, cumulative share.

    Returns
    -------
    DataFrame
        Index ``category`` (ties by name), ``complaints``, ``share``, ``cumulative_share`` (a
        Pareto table) and, with ``resolved_days``, ``mean_resolved_days``.

    Examples
    --------
    >>> c = pd.DataFrame({"category": ["delivery", "billing", "delivery", None]})
    >>> root_cause_shares(c)["share"].to_dict()
    {'delivery': 0.6666666666666666, 'billing': 0.3333333333333333}
    """
    _need(complaints, "complaints", category=category, resolved_days=resolved_days)
    cat = complaints[category]
    kept = cat.notna()
    counts = cat[kept].astype(str).value_counts()
    counts = counts.sort_index().sort_values(ascending=False, kind="mergesort")
    total = max(int(counts.sum()), 1)
    out = pd.DataFrame({"complaints": counts.astype("int64"), "share": counts / total})
    out["cumulative_share"] = out["share"].cumsum()
    if resolved_days is not None:
        days = pd.to_numeric(complaints[resolved_days], errors="coerce")
        out["mean_resolved_days"] = days[kept].groupby(cat[kept].astype(str)).mean().reindex(out.index)
    out.index.name = "category"
    out.attrs["rows_dropped"] = int((~kept).sum())
    return out


def mean_resolution_days(complaints: pd.DataFrame, resolved_days: str = "resolved_days") -> float:
    """Mean days to resolve, over the complaints with a resolution time (NaN if none).

    Examples
    --------
    >>> mean_resolution_days(pd.DataFrame({"resolved_days": [1., 5., np.nan]}))
    3.0
    """
    _need(complaints, "complaints", resolved_days=resolved_days)
    days = pd.to_numeric(complaints[resolved_days], errors="coerce")
    if (days < 0).any():
        raise InputError(f"complaints: column {resolved_days!r} has negative days; fix the resolution times")
    return float(days.mean()) if days.notna().any() else float("nan")


@dataclass(frozen=True)
class ReferralRate:
    """Referrals reported in the survey.

    respondents : respondents with an answer
    share_respondents : share of them with >= 1 referral
    mean_referrals : mean referrals per respondent
    accounts : accounts with an answering respondent (0 without ``account``)
    share_accounts : share of accounts where some respondent referred >= 1 (NaN without account)
    mean_referrals_account : mean over accounts of their respondents' mean (NaN without account)
    by_period : DataFrame (index period value) of the same fields, or None without ``period``
    """

    respondents: int
    share_respondents: float
    mean_referrals: float
    accounts: int
    share_accounts: float
    mean_referrals_account: float
    by_period: pd.DataFrame | None


def _referral_fields(ref: pd.Series, acc: pd.Series | None) -> dict[str, float]:
    fields = {"respondents": float(len(ref)),
              "share_respondents": float((ref >= 1).mean()) if len(ref) else np.nan,
              "mean_referrals": float(ref.mean()) if len(ref) else np.nan,
              "accounts": 0.0, "share_accounts": np.nan, "mean_referrals_account": np.nan}
    if acc is not None and len(ref):
        per = ref.groupby(acc.astype(str))
        fields.update(accounts=float(per.ngroups), share_accounts=float((per.max() >= 1).mean()),
                      mean_referrals_account=float(per.mean().mean()))
    return fields


def referral_rate(survey: pd.DataFrame, referrals: str = "referrals", *, account: str | None = None,
                  period: str | None = None) -> ReferralRate:
    """Share of respondents (and of accounts) who referred at least one customer, mean referrals.

    Parameters
    ----------
    survey : DataFrame
        One row per respondent.
    referrals : str
        Column of the number referred (int >= 0); missing answers are left out.
    account : str, optional
        Account-id column: an account refers when any of its respondents does.
    period : str, optional
        Column of the survey wave / period: the same fields per value in ``by_period``.

    Examples
    --------
    >>> s = pd.DataFrame({"acc": ["a", "a", "b", "c"], "referrals": [0, 2, 0, np.nan]})
    >>> r = referral_rate(s, account="acc")
    >>> r.respondents, r.share_respondents, r.share_accounts, r.mean_referrals_account
    (3, 0.3333333333333333, 0.5, 0.5)
    """
    _need(survey, "survey", referrals=referrals, account=account, period=period)
    ref = pd.to_numeric(survey[referrals], errors="coerce")
    if (ref < 0).any():
        rows = ", ".join(map(str, survey.index[ref < 0][:5]))
        raise InputError(f"survey: column {referrals!r} is negative in rows {rows}; fix: referrals are counts >= 0")
    kept = ref.notna()
    ref = ref[kept].astype(np.float64)
    acc = survey.loc[kept, account] if account is not None else None
    overall = _referral_fields(ref, acc)
    by_period = None
    if period is not None:
        rows = {key: _referral_fields(part, None if acc is None else acc.loc[part.index])
                for key, part in ref.groupby(survey.loc[kept, period], sort=True)}
        by_period = pd.DataFrame.from_dict(rows, orient="index")
        by_period.index.name = period
    return ReferralRate(int(overall["respondents"]), overall["share_respondents"], overall["mean_referrals"],
                        int(overall["accounts"]), overall["share_accounts"], overall["mean_referrals_account"],
                        by_period)
