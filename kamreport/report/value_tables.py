"""Formatted tables of the customer-value report (pandas Styler), in the report's language."""

from __future__ import annotations

import pandas as pd

from kamreport.report.labels import label, segment_label, tier_label
from kamreport.report.tables import styled

DIAGNOSTIC_NAMES = {
    "rows_total": ("读入订单行", "order rows read"),
    "rows_null_dropped": ("缺失客户/日期/金额的行（已剔除）", "rows without customer/date/amount (dropped)"),
    "duplicate_rows_dropped": ("重复订单行（已剔除）", "duplicate order rows (dropped)"),
    "rows_negative": ("退货行（负金额，冲减当天金额）", "return rows (negative amount, netted against the day)"),
    "rows_zero_amount": ("零金额行（计为零值购买）", "zero-amount rows (a purchase of value 0)"),
    "rows_after_observation_end": ("观察期之后的行（不计）", "rows after the observation end (left out)"),
    "rows_after_holdout_end": ("验证期之后的行（不计）", "rows after the holdout end (left out)"),
    "customers_first_purchase_after_observation_end": ("观察期后才首购的客户（不计）", "customers first buying after the observation end (left out)"),
    "customers_without_purchase": ("只有退货的客户（不计）", "customers with returns only (left out)"),
    "purchase_days_zero_value": ("净额为零的购买日", "purchase days netting to zero"),
    "purchase_days_negative_value": ("净额为负的购买日", "purchase days netting below zero"),
    "days_return_only": ("只有退货的日子", "days with returns only"),
    "purchase_days": ("购买日", "purchase days"),
    "customers": ("客户数", "customers"),
}


def diagnostics_table(diagnostics: dict, language: str = "zh") -> "pd.io.formats.style.Styler":
    """The data-cleaning counts of ``customer_summary`` (each rule applied, and how often)."""
    zh = language == "zh"
    always = ("rows_total", "customers")
    rows = [{"criterion": DIAGNOSTIC_NAMES.get(k, (k, k))[0 if zh else 1], "value": v}
            for k, v in diagnostics.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool) and (v or k in always)]
    return styled(pd.DataFrame(rows), language, integers=("value",), hide_index=True)


def profile_table(profile: pd.DataFrame, language: str = "zh") -> "pd.io.formats.style.Styler":
    """Tier profile: customers, shares, revenue, order value, frequency, recency."""
    out = profile.copy()
    out.index = [tier_label(t, language) for t in out.index]
    out.index.name = "tier"
    cols = [c for c in ("n_customers", "share_customers", "revenue", "share_revenue", "mean_order_value",
                        "mean_frequency", "mean_time_since_last") if c in out]
    return styled(out[cols], language, percent=("share_customers", "share_revenue"),
                  integers=("n_customers", "revenue", "mean_order_value"), decimals=1)


def concentration_table(conc, language: str = "zh") -> "pd.io.formats.style.Styler":
    rows = [{"criterion": label("gini", language), "value": conc.gini}]
    rows += [{"criterion": label("top_share", language).format(share=f), "value": v} for f, v in conc.top_shares.items()]
    return styled(pd.DataFrame(rows), language, decimals=3, hide_index=True)


def segment_table(rfm: pd.DataFrame, summary: pd.DataFrame, language: str = "zh") -> "pd.io.formats.style.Styler":
    """RFM segments: customers, revenue and shares."""
    frame = rfm[["segment"]].join(summary["total_revenue"])
    table = frame.groupby("segment", observed=True).agg(n_customers=("total_revenue", "size"),
                                                       revenue=("total_revenue", "sum"))
    table["share_customers"] = table["n_customers"] / table["n_customers"].sum()
    table["share_revenue"] = table["revenue"] / table["revenue"].sum()
    table = table.sort_values("revenue", ascending=False)
    table.index = [segment_label(str(s), language) for s in table.index]
    table.index.name = "segment"
    return styled(table, language, percent=("share_customers", "share_revenue"), integers=("n_customers", "revenue"))


def top_accounts_table(values: pd.DataFrame, language: str = "zh", *, n: int = 15) -> "pd.io.formats.style.Styler":
    """The accounts with the highest CLV (or revenue): tier, region, revenue, P(alive), CLV, at risk."""
    key = "clv" if "clv" in values else "total_revenue"
    top = values.sort_values(key, ascending=False).head(n).copy()
    top["tier"] = [tier_label(str(t), language) for t in top["tier"]]
    top["risk_flag"] = top["at_risk"].map({True: "⚠", False: ""})
    cols = [c for c in ("account_name", "region", "tier", "total_revenue", "p_alive",
                        "expected_purchases", "clv", "risk_flag") if c in top]
    top.index.name = "account"
    out = top[cols].rename(columns={"clv": "clv_col"})   # "clv" is the section heading's key
    return styled(out, language, integers=("total_revenue", "clv_col"), decimals=2)


def holdout_table(table: pd.DataFrame, language: str = "zh") -> "pd.io.formats.style.Styler":
    cols = [c for c in ("n_customers", "actual_mean", "predicted_mean", "actual_total", "predicted_total") if c in table]
    out = table[cols].copy()
    out.index.name = "bucket"
    return styled(out, language, integers=("n_customers",), decimals=2)


def model_params_table(value, language: str = "zh") -> "pd.io.formats.style.Styler":
    """Estimated parameters with standard errors: BG/NBD (calibration and full window), Gamma-Gamma."""
    rows = []
    fits = [("BG/NBD (calibration)", value.bgnbd_calibration), ("BG/NBD", value.bgnbd)]
    if value.gamma_gamma is not None:
        fits.append(("Gamma-Gamma", value.gamma_gamma))
    for model, fit in fits:
        for name, est in fit.params.items():
            rows.append({"model_name": model, "parameter": name, "estimate": est,
                         "std_error": fit.std_errors.get(name, float("nan")),
                         "log_likelihood": fit.log_likelihood, "n": fit.n_customers})
    return styled(pd.DataFrame(rows), language, decimals=3, hide_index=True)
