"""Formatted tables of the customer-value report (pandas Styler), in the report's language."""

from __future__ import annotations

import pandas as pd

from kamreport.report.labels import (
    currency_word,
    diagnostic_label,
    label,
    segment_label,
    tier_label,
    unit_fields,
)
from kamreport.report.tables import styled


def diagnostics_table(diagnostics: dict, language: str = "zh") -> pd.io.formats.style.Styler:
    """The data-cleaning counts of ``customer_summary`` (each rule applied, and how often)."""
    always = ("rows_total", "customers")
    rows = [{"criterion": diagnostic_label(k, language), "value": v}
            for k, v in diagnostics.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool) and (v or k in always)]
    return styled(pd.DataFrame(rows), language, integers=("value",), hide_index=True)


def profile_table(profile: pd.DataFrame, language: str = "zh", *, freq: str, currency: str = "CNY",
                  ) -> pd.io.formats.style.Styler:
    """Tier profile: customers, shares, revenue, order value, frequency, recency.

    ``freq``: the time unit of the summary the profile came from (its ``attrs["freq"]``: D, W
    or M), which the recency column is counted in; ``currency``: ISO 4217 code of the money.
    """
    out = profile.copy()
    out.index = [tier_label(t, language) for t in out.index]
    out.index.name = "tier"
    cols = [c for c in ("n_customers", "share_customers", "revenue", "share_revenue", "mean_order_value",
                        "mean_frequency", "mean_time_since_last") if c in out]
    return styled(out[cols], language, percent=("share_customers", "share_revenue"),
                  integers=("n_customers", "revenue", "mean_order_value"), decimals=1,
                  currency=currency_word(currency, language), **unit_fields(freq, language))


def concentration_table(conc, language: str = "zh") -> pd.io.formats.style.Styler:
    """Gini coefficient and the revenue shares of the top fractions of customers."""
    rows = [{"criterion": label("gini", language), "value": conc.gini}]
    rows += [{"criterion": label("top_share", language, share=f), "value": v}
             for f, v in conc.top_shares.items()]
    return styled(pd.DataFrame(rows), language, decimals=3, hide_index=True)


def segment_table(rfm: pd.DataFrame, summary: pd.DataFrame, language: str = "zh", *,
                  currency: str = "CNY") -> pd.io.formats.style.Styler:
    """RFM segments: customers, revenue (in ``currency``, ISO 4217) and shares."""
    frame = rfm[["segment"]].join(summary["total_revenue"])
    table = frame.groupby("segment", observed=True).agg(n_customers=("total_revenue", "size"),
                                                       revenue=("total_revenue", "sum"))
    table["share_customers"] = table["n_customers"] / table["n_customers"].sum()
    table["share_revenue"] = table["revenue"] / table["revenue"].sum()
    table = table.sort_values("revenue", ascending=False)
    table.index = [segment_label(str(s), language) for s in table.index]
    table.index.name = "segment"
    return styled(table, language, percent=("share_customers", "share_revenue"),
                  integers=("n_customers", "revenue"), currency=currency_word(currency, language))


def top_accounts_table(values: pd.DataFrame, language: str = "zh", *, n: int = 15,
                       currency: str = "CNY") -> pd.io.formats.style.Styler:
    """The accounts with the highest CLV (or revenue): tier, region, revenue, P(alive), CLV, at risk;
    money in ``currency`` (ISO 4217)."""
    key = "clv" if "clv" in values else "total_revenue"
    top = values.sort_values(key, ascending=False).head(n).copy()
    top["tier"] = [tier_label(str(t), language) for t in top["tier"]]
    top["risk_flag"] = top["at_risk"].map({True: "⚠", False: ""})
    cols = [c for c in ("account_name", "region", "tier", "total_revenue", "p_alive",
                        "expected_purchases", "clv", "risk_flag") if c in top]
    top.index.name = "account"
    out = top[cols].rename(columns={"clv": "clv_col"})   # "clv" is the section heading's key
    return styled(out, language, integers=("total_revenue", "clv_col"), decimals=2,
                  currency=currency_word(currency, language))


def holdout_table(table: pd.DataFrame, language: str = "zh") -> pd.io.formats.style.Styler:
    cols = [c for c in ("n_customers", "actual_mean", "predicted_mean", "actual_total", "predicted_total")
            if c in table]
    out = table[cols].copy()
    out.index.name = "bucket"
    return styled(out, language, integers=("n_customers",), decimals=2)


def model_params_table(value, language: str = "zh") -> pd.io.formats.style.Styler:
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
