"""Formatted tables for reports (pandas Styler): translated headers, number formats, verdicts."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kamreport.report.labels import label, translate_columns


def styled(df: pd.DataFrame, language: str = "zh", *, percent: tuple[str, ...] = (),
           decimals: int = 2,
           integers: tuple[str, ...] = ("n", "items", "respondents", "accounts", "rows", "columns"),
           hide_index: bool = False, **fields: object) -> pd.io.formats.style.Styler:
    """A Styler with translated column names, percentages and fixed decimals.

    ``fields`` fill the headers' placeholders (``currency=``, ``unit=``: see
    :func:`kamreport.report.labels.translate_columns`).
    """
    out = df.copy()
    fmt = {}
    for col in out.columns:
        if col in percent:
            fmt[col] = "{:.1%}"
        elif col in integers:
            fmt[col] = "{:,.0f}"
        elif pd.api.types.is_float_dtype(out[col]):
            fmt[col] = f"{{:.{decimals}f}}"
    names = dict(zip(out.columns, translate_columns(out.columns, language, **fields)))
    out = out.rename(columns=names)
    if any(out.index.names):
        out.index.names = translate_columns(list(out.index.names), language, **fields)
    # every cell and header is escaped: account names, answers and labels come from data
    formats = {names[c]: fmt.get(c) for c in df.columns}   # one call: a second would reset the first
    sty = out.style.format(formats, na_rep="–", escape="html")
    sty = sty.format_index(escape="html", axis=0).format_index(escape="html", axis=1)
    return sty.hide(axis="index") if hide_index else sty


def verdict(values: pd.Series, threshold: float, language: str = "zh", *,
            higher_is_better: bool = True) -> pd.Series:
    """'pass'/'fail' (translated) against ``threshold``; NaN stays empty."""
    ok = values >= threshold if higher_is_better else values < threshold
    return ok.map({True: label("pass", language), False: label("fail", language)}).where(values.notna(), "")


def path_table(pls, names: dict[str, str], language: str = "zh") -> pd.io.formats.style.Styler:
    """Structural paths: coefficient, bootstrap SE, t, p, CI, stars and f²."""
    from kamreport.report.style import stars

    df = pls.paths.merge(pls.f2, on=["source", "target"], how="left")
    out = pd.DataFrame({
        "path": [f"{names.get(s, s)} → {names.get(t, t)}" for s, t in zip(df["source"], df["target"])],
        "estimate": df["estimate"],
    })
    for col in ("std_error", "t", "p_value", "ci_low", "ci_high"):
        if col in df:
            out[col] = df[col]
    if "p_value" in df:
        out["sig"] = [stars(p) for p in df["p_value"]]
    out["f2"] = df["f2"]
    return styled(out, language, decimals=3, hide_index=True)


def r2_table(pls, names: dict[str, str], language: str = "zh") -> pd.io.formats.style.Styler:
    out = pd.DataFrame({"construct": [names.get(c, c) for c in pls.r2.index], "r2": pls.r2.to_numpy(),
                        "r2_adj": pls.r2_adj.reindex(pls.r2.index).to_numpy()})
    return styled(out, language, decimals=3, hide_index=True)


def reliability_table(quality, names: dict[str, str], language: str = "zh") -> pd.io.formats.style.Styler:
    """Reliability and convergent validity per construct; the verdict is "pass" when every
    required check of ``quality.checks`` for the construct passes (the rule the summary uses)."""
    rel = quality.reliability.copy()
    checks = quality.checks[quality.checks["level"] == "required"]
    passed = checks.groupby("subject")["passed"].all()
    rel["verdict"] = [
        "" if c not in passed.index else label("pass" if passed[c] else "fail", language) for c in rel.index
    ]
    rel.index = [names.get(c, c) for c in rel.index]
    rel.index.name = "construct"
    cols = ["items", "alpha", "alpha_std", "rho_a", "rho_c", "ave", "verdict"]
    return styled(rel[cols], language, decimals=3)


def matrix_table(matrix: pd.DataFrame, names: dict[str, str], language: str = "zh", *,
                 threshold: float | None = None) -> pd.io.formats.style.Styler:
    """A construct × construct matrix (HTMT, Fornell–Larcker); cells above ``threshold`` in red."""
    m = matrix.rename(index=names, columns=names)
    sty = m.style.format("{:.3f}", na_rep="")
    if threshold is not None:
        sty = sty.map(lambda v: "color:#b42318;font-weight:600" if pd.notna(v) and v >= threshold else "")
    return sty


def index_table(index: pd.DataFrame, names: dict[str, str],
                language: str = "zh") -> pd.io.formats.style.Styler:
    cols = [c for c in ("construct", "n", "index", "ci_low", "ci_high", "boot_ci_low", "boot_ci_high")
            if c in index]
    out = index[cols].copy()
    out["construct"] = out["construct"].map(lambda c: names.get(c, c))
    return styled(out, language, decimals=1, hide_index=True)


def change_table(change: pd.DataFrame, names: dict[str, str],
                 language: str = "zh") -> pd.io.formats.style.Styler:
    out = change[["construct", "n_before", "n_after", "index_before", "index_after", "change", "p_value",
                  "ci_low", "ci_high"]].copy()
    out["construct"] = out["construct"].map(lambda c: names.get(c, c))
    return styled(out, language, decimals=2, integers=("n_before", "n_after"), hide_index=True)


def actions_table(actions: pd.DataFrame, language: str = "zh") -> pd.io.formats.style.Styler:
    out = actions[["priority", "construct_label", "item", "question", "importance", "performance",
                   "potential"]]
    out = out.rename(columns={"construct_label": "construct"})
    return styled(out, language, decimals=2, integers=("priority",), hide_index=True)


#: Cut-offs of the CB-SEM fit indices (Hu & Bentler 1999): index -> (cut-off, higher is better).
FIT_CUTOFFS = {"cfi": (0.95, True), "tli": (0.95, True), "rmsea": (0.06, False), "srmr": (0.08, False)}


def fit_table(fit: dict, language: str = "zh") -> pd.io.formats.style.Styler:
    """CB-SEM fit indices with the usual cut-offs (:data:`FIT_CUTOFFS`, Hu & Bentler 1999)."""
    rules = FIT_CUTOFFS
    rows = []
    for key in ("n", "chi2", "df", "p_value", "cfi", "tli", "rmsea", "rmsea_ci_low", "rmsea_ci_high", "srmr",
                "aic", "bic"):
        if key in fit:
            cut = rules.get(key)
            good = cut is not None and (fit[key] >= cut[0] if cut[1] else fit[key] <= cut[0])
            ok = "" if cut is None else label("pass" if good else "fail", language)
            rows.append({"criterion": key.upper().replace("_", " "), "value": fit[key],
                         "threshold": "" if cut is None else ("≥ " if cut[1] else "≤ ") + str(cut[0]),
                         "verdict": ok})
    return styled(pd.DataFrame(rows), language, decimals=3, hide_index=True)


def vif_table(vif: pd.DataFrame, names: dict[str, str], language: str = "zh", *,
              threshold: float = 5.0) -> pd.io.formats.style.Styler:
    """Collinearity: VIF of each predictor of an endogenous construct (and of formative items)."""
    out = pd.DataFrame({
        "construct": [names.get(c, c) for c in vif["construct"]],
        "predictor": [names.get(v, v) for v in vif["variable"]],
        "vif": vif["vif"],
        "verdict": verdict(vif["vif"], threshold, language, higher_is_better=False),
    })
    return styled(out, language, decimals=2, hide_index=True)


def escaped(frame: pd.DataFrame, formats: Mapping[str, str] | None = None):
    """A Styler with every cell and header escaped (ids, names and texts come from data); ``formats``
    maps a column to its format, missing values show as "–"."""
    formats = formats or {}
    sty = frame.style.format({c: formats.get(c) for c in frame.columns}, na_rep="–", escape="html")
    return sty.format_index(escape="html", axis=0).format_index(escape="html", axis=1)
