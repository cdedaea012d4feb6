"""The KPI page of notebook 03: retention and churn, repeat buying, cross-buying, referrals and
complaints of the latest period against the one before, with the cohort table, the product-line
association rules and the complaints' root causes behind them.

Joins the transactions, the complaint log and the survey's referral answers (as
:mod:`kamreport.review` joins survey and transactions); every number comes from the tested
functions of :mod:`kamreport.value`. Parts the data cannot support are left out with the reason
in ``skipped``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kamreport.errors import KamreportError
from kamreport.value.complaints import root_cause_shares, severity_distribution
from kamreport.value.crossbuying import CrossBuying, lines_per_account, product_line_rules
from kamreport.value.kpis import KpiTable, retention_kpis
from kamreport.value.retention import CohortRetention, cohort_retention


@dataclass(frozen=True)
class AccountKpis:
    """What the KPI page shows (None where skipped)."""

    kpis: KpiTable | None
    cohorts: CohortRetention | None
    cross_buying: CrossBuying | None
    rules: pd.DataFrame | None
    root_causes: pd.DataFrame | None
    severity: pd.DataFrame | None
    freq: str = "Q"
    skipped: dict[str, str] = field(default_factory=dict)


def analyse_kpis(transactions, *, complaints: pd.DataFrame | None = None, survey: pd.DataFrame | None = None,
                 referrals: str | None = None, survey_account: str | None = None, survey_period: str | None = None,
                 product_line: str | None = None, freq: str = "Q", complete_only: bool = True,
                 min_support: float = 0.05, min_confidence: float = 0.3, min_lift: float = 1.0,
                 max_len: int | None = 2) -> AccountKpis:
    """KPIs, cohorts, cross-buying and complaint structure (see the module docstring).

    Parameters
    ----------
    transactions : canonical transactions (a DataFrame; skipped for a remote engine)
    complaints : :func:`kamreport.data.readers.read_complaints` output (``account_id``, ``date``,
        optional ``category``, ``severity``, ``resolved_days``)
    survey, referrals, survey_account, survey_period : the survey, its referral-count column
        (None: no referral KPI), account and period (wave) columns
    product_line : the transactions' product-line column (None: no cross-buying)
    freq, complete_only : the KPI period (M, Q, Y) and whether only ended periods are compared
    min_support, min_confidence, min_lift, max_len : the association rules' thresholds and the most
        product lines in a rule (2: one line implies another; None: any)

    Returns
    -------
    AccountKpis
    """
    skipped: dict[str, str] = {}
    if not isinstance(transactions, pd.DataFrame):
        reason = "the transactions stay in their engine (Spark): period KPIs need the order lines"
        return AccountKpis(None, None, None, None, None, None, freq, {"kpis": reason})
    has = complaints is not None
    severity = "severity" if has and "severity" in complaints.columns else None
    use_survey = survey if survey is not None and referrals and referrals in survey.columns else None
    if use_survey is None:
        skipped["referrals"] = "the codebook names no referral answer (answers.referral)"
    kpis = retention_kpis(transactions, product_line=product_line, complaints=complaints,
                          complaint_severity=severity, survey=use_survey, referrals=referrals or "referrals",
                          survey_account=survey_account if use_survey is not None else None,
                          survey_period=survey_period if use_survey is not None and survey_period
                          and survey_period in use_survey.columns else None,
                          freq=freq, complete_only=complete_only)
    cohorts = cohort_retention(transactions, freq=freq)
    lines = rules = None
    if product_line:
        lines = lines_per_account(transactions, product_line=product_line)
        try:
            rules = product_line_rules(transactions, product_line=product_line, min_support=min_support,
                                       min_confidence=min_confidence, min_lift=min_lift, max_len=max_len)
        except KamreportError as exc:
            skipped["rules"] = str(exc)
    else:
        skipped["cross_buying"] = "no product-line column (data.transactions.product_line)"
    causes = sev = None
    if not has:
        skipped["complaints"] = "no complaint log (data.complaints)"
    else:
        resolved = "resolved_days" if "resolved_days" in complaints.columns else None
        if "category" in complaints.columns:
            causes = root_cause_shares(complaints, "category", resolved_days=resolved)
        if severity:
            sev = severity_distribution(complaints, severity, resolved_days=resolved)
    return AccountKpis(kpis, cohorts, lines, rules, causes, sev, freq, skipped)


__all__ = ["AccountKpis", "analyse_kpis"]
