"""Formatted tables for reports (pandas Styler): translated headers, number formats, verdicts."""

from __future__ import annotations

import pandas as pd

from kamreport.report.labels import label, translate_columns


def styled(df: pd.DataFrame, language: str = "zh", *, percent: tuple[str, ...] = (),
           decimals: int = 2, integers: tuple[str, ...] = ("n", "items", "respondents", "accounts", "rows", "columns"),
           hide_index: bool = False) -> "pd.io.formats.style.Styler":
    """A Styler with translated column names, percentages and fixed decimals."""
    out = df.copy()
    fmt = {}
    for col in out.columns:
        if col in percent:
            fmt[col] = "{:.1%}"
        elif col in integers:
            fmt[col] = "{:,.0f}"
        elif pd.api.types.is_float_dtype(out[col]):
            fmt[col] = f"{{:.{decimals}f}}"
    names = dict(zip(out.columns, translate_columns(out.columns, language)))
    out = out.rename(columns=names)
    out.index.names = translate_columns([n for n in out.index.names], language) if any(out.index.names) else out.index.names
    sty = out.style.format({names[k]: v for k, v in fmt.items()}, na_rep="–")
    return sty.hide(axis="index") if hide_index else sty


def verdict(values: pd.Series, threshold: float, language: str = "zh", *, higher_is_better: bool = True) -> pd.Series:
    """'pass'/'fail' (translated) against ``threshold``; NaN stays empty."""
    ok = values >= threshold if higher_is_better else values < threshold
    return ok.map({True: label("pass", language), False: label("fail", language)}).where(values.notna(), "")
