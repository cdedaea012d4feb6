"""The retention KPI page: each KPI for the latest period and the one before, with the change.

One table that a monthly batch can append to a history and trend: retention, churn and
repeat-purchase rate (:mod:`~kamreport.value.retention`), product lines per buying account
(:mod:`~kamreport.value.crossbuying`), complaint rate and share of critical complaints, and the
survey's referral rate (:mod:`~kamreport.value.complaints`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamreport.errors import InputError
from kamreport.value.complaints import complaint_rates, referral_rate
from kamreport.value.crossbuying import lines_per_account
from kamreport.value.retention import _check_freq, retention_rates

#: KPI code -> (higher is better, kind: "share" in [0, 1] or "number")
KPIS: dict[str, tuple[bool, str]] = {
    "retention_rate": (True, "share"),
    "churn_rate": (False, "share"),
    "repeat_rate": (True, "share"),
    "lines_per_account": (True, "number"),
    "referral_rate": (True, "share"),
    "complaint_rate": (False, "number"),
    "share_critical": (False, "share"),
}


@dataclass(frozen=True)
class KpiTable:
    """KPIs of ``period`` against ``previous_period``.

    table : DataFrame, index ``kpi`` (the codes of :data:`KPIS` that could be computed):
        ``previous``, ``current``, ``change`` (current - previous; for shares in share points),
        ``relative_change`` (change / previous, NaN where previous is 0 or missing),
        ``higher_is_better`` (bool), ``kind`` ("share" or "number"), ``improved`` (True / False,
        None where the change is 0 or unknown)
    period, previous_period : the pandas Periods compared
    freq : "M", "Q" or "Y"
    caveats : codes of what to tell the reader: ``latest_period_partial`` (the last period had
        not ended by as_of and was left out), ``only_partial_period``, ``no_product_line``,
        ``no_complaints``, ``no_survey``, ``referral_single_period`` (no survey period column:
        the same answers are the current value, previous is missing)
    """

    table: pd.DataFrame
    period: pd.Period
    previous_period: pd.Period
    freq: str
    caveats: tuple[str, ...]

    def history_row(self) -> pd.DataFrame:
        """The current values as one row (index the period), to append to a KPI history."""
        row = self.table["current"].to_frame().T
        row.index = pd.PeriodIndex([self.period], name="period")
        return row


def _at(series: pd.Series, period: pd.Period) -> float:
    return float(series.get(period, np.nan)) if series is not None else np.nan


def retention_kpis(transactions: pd.DataFrame, *, customer: str = "customer_id", date: str = "date",
                   amount: str = "amount", product_line: str | None = None,
                   complaints: pd.DataFrame | None = None, complaint_account: str = "account_id",
                   complaint_date: str = "date", complaint_severity: str | None = "severity",
                   survey: pd.DataFrame | None = None, referrals: str = "referrals",
                   survey_account: str | None = None, survey_period: str | None = None,
                   freq: str = "Q", as_of=None, complete_only: bool = True) -> KpiTable:
    """The KPI table for the latest (complete) period and the one before.

    Parameters
    ----------
    transactions : DataFrame
        Canonical transactions.
    customer, date, amount, product_line : str
        Transaction columns; without ``product_line`` there is no cross-buying KPI.
    complaints : DataFrame, optional
        Canonical complaints; the complaint rate is complaints per account buying in the period.
    complaint_account, complaint_date, complaint_severity : str
        Complaint columns (severity None: no share of critical complaints).
    survey : DataFrame, optional
        Respondents with a ``referrals`` column; ``survey_period`` (e.g. the wave) gives the
        referral rate per period: its last two values (sorted) are current and previous.
    survey_account : str, optional
        Account column of the survey (recorded for the per-account share; the KPI is per respondent).
    freq : {"M", "Q", "Y"}
    as_of : date-like, optional
        Last day counted (default the last transaction date).
    complete_only : bool, default True
        Compare only periods that had ended by ``as_of`` (a partial last period would show a
        false drop).

    Returns
    -------
    KpiTable

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "b", "a", "b", "a"], "amount": [1.] * 5,
    ...     "date": pd.to_datetime(["2024-01-05", "2024-01-09", "2024-02-01", "2024-02-03", "2024-03-03"])})
    >>> k = retention_kpis(tx, freq="M", as_of="2024-03-31")
    >>> str(k.period), k.table.loc["retention_rate", ["previous", "current", "change"]].tolist()
    ('2024-03', [1.0, 0.5, -0.5])
    """
    _check_freq(freq)
    rates = retention_rates(transactions, customer, date, amount, freq=freq, as_of=as_of)
    caveats: list[str] = []
    usable = rates[rates["complete"]] if complete_only else rates
    if complete_only and len(rates) and not bool(rates["complete"].iloc[-1]):
        caveats.append("latest_period_partial")
    if not len(usable):
        if not len(rates):
            raise InputError("retention_kpis: no purchase in the transactions; fix the input or as_of")
        usable = rates
        caveats = ["only_partial_period"]
    current = usable.index[-1]
    previous = current - 1
    values: dict[str, tuple[float, float]] = {
        k: (_at(rates[k], previous), _at(rates[k], current)) for k in ("retention_rate", "churn_rate",
                                                                         "repeat_rate")}
    if product_line is not None:
        def mean_lines(p: pd.Period) -> float:
            if p < rates.index[0]:
                return np.nan
            return lines_per_account(transactions, customer, product_line, amount, date=date,
                                     since=p.start_time, until=min(p.end_time, rates.attrs["as_of"]
                                                                   + pd.Timedelta(days=1) - pd.Timedelta(1))
                                     ).mean_lines
        values["lines_per_account"] = (mean_lines(previous), mean_lines(current))
    else:
        caveats.append("no_product_line")
    if survey is not None:
        ref = referral_rate(survey, referrals, account=survey_account, period=survey_period)
        if ref.by_period is not None and len(ref.by_period):
            shares = ref.by_period["share_respondents"]
            values["referral_rate"] = (float(shares.iloc[-2]) if len(shares) > 1 else np.nan,
                                       float(shares.iloc[-1]))
        else:
            values["referral_rate"] = (np.nan, ref.share_respondents)
            caveats.append("referral_single_period")
    else:
        caveats.append("no_survey")
    if complaints is not None:
        comp = complaint_rates(complaints, rates["active"], account=complaint_account, date=complaint_date,
                               severity=complaint_severity, freq=freq)
        values["complaint_rate"] = (_at(comp["complaints_per_account"], previous),
                                    _at(comp["complaints_per_account"], current))
        if complaint_severity is not None:
            values["share_critical"] = (_at(comp["share_critical"], previous),
                                        _at(comp["share_critical"], current))
    else:
        caveats.append("no_complaints")
    codes = [k for k in KPIS if k in values]
    prev = np.array([values[k][0] for k in codes], dtype=np.float64)
    cur = np.array([values[k][1] for k in codes], dtype=np.float64)
    change = cur - prev
    with np.errstate(invalid="ignore", divide="ignore"):
        relative = np.where(prev != 0, change / prev, np.nan)
    higher = np.array([KPIS[k][0] for k in codes], dtype=bool)
    improved = [None if not np.isfinite(c) or c == 0 else bool((c > 0) == h) for c, h in zip(change, higher)]
    table = pd.DataFrame({"previous": prev, "current": cur, "change": change, "relative_change": relative,
                          "higher_is_better": higher, "kind": [KPIS[k][1] for k in codes],
                          "improved": pd.Series(improved, dtype=object).to_numpy()},
                         index=pd.Index(codes, name="kpi"))
    return KpiTable(table, current, previous, freq, tuple(caveats))
