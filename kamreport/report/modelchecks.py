"""What a careful analyst runs after the paths, for notebook 01: modification indices, measurement
invariance and multi-group differences across waves and segments, PLSpredict and mediation.

Data in (the results of :mod:`kamreport.satisfaction`), words from labels.py, tables as Stylers.
"""

from __future__ import annotations

import pandas as pd

from kamreport.report.labels import label, translate_columns
from kamreport.report.tables import styled


def column_word(column: str, language: str) -> str:
    """A data column as a reader calls it (its label in labels.py), else its name."""
    return str(translate_columns([column], language)[0])


def _name(names: dict[str, str], value: str) -> str:
    return names.get(value, value)


def modindices_table(modindices: pd.DataFrame, names: dict[str, str], language: str, *, n: int = 5):
    """The ``n`` largest modification indices, each with its plain-language reading."""
    top = modindices.head(n)
    reading = [label(f"mi_reading_{op}", language, lhs=_name(names, lhs), rhs=_name(names, rhs), mi=mi)
               for lhs, op, rhs, mi in zip(top["lhs"], top["op"], top["rhs"], top["mi"])]
    out = pd.DataFrame({"reading": reading, "mi": top["mi"].to_numpy(), "epc": top["epc"].to_numpy(),
                        "sepc_all": top["sepc_all"].to_numpy()})
    return styled(out, language, decimals=2, hide_index=True)


def invariance_text(ladder, column: str, language: str) -> str:
    """One sentence: which level of measurement invariance holds across ``column``'s groups."""
    if isinstance(ladder, str):
        verdict = label("invariance_failed", language, reason=ladder)
    else:
        verdict = label(f"invariance_{ladder.level}", language)
    return label("invariance_text", language, groups=column_word(column, language), verdict=verdict)


def invariance_table(ladder, language: str):
    """The configural / metric / scalar ladder: fit, the chi-square difference test, deltas."""
    # what the verdicts rest on, narrow enough for A4 (the full table is in the result)
    cols = ["chi2", "df", "cfi", "rmsea", "p_diff", "delta_cfi", "delta_rmsea"]
    out = ladder.table[cols].copy()
    out.index = [label(f"step_{step}", language) for step in out.index]
    out = out.rename_axis(label("model_step", language))
    return styled(out, language, decimals=3)


def mga_text(mga, column: str, language: str) -> str:
    """One sentence: how many path differences between the groups survive the Holm adjustment."""
    if isinstance(mga, str):
        return label("mga_text", language, found=label("mga_failed", language, reason=mga))
    k = int(mga.paths["significant"].sum())
    found = label("mga_none", language) if k == 0 else label("mga_some", language, k=k)
    return label("mga_text", language, found=found)


def mga_table(mga, names: dict[str, str], language: str):
    """Only the path differences that survive the adjustment."""
    rows = mga.paths[mga.paths["significant"]]
    out = pd.DataFrame({
        "path": [f"{_name(names, s)} → {_name(names, t)}" for s, t in zip(rows["source"], rows["target"])],
        "group_1": rows["group_1"].astype(str).to_numpy(), "group_2": rows["group_2"].astype(str).to_numpy(),
        "estimate_1": rows["estimate_1"].to_numpy(), "estimate_2": rows["estimate_2"].to_numpy(),
        "difference": rows["difference"].to_numpy(), "p_adjusted": rows["p_adjusted"].to_numpy(),
    })
    return styled(out, language, decimals=3, hide_index=True)


def predict_text(predicted, language: str) -> str:
    """The PLSpredict verdict (Shmueli et al. 2019) with the counts it rests on."""
    items = predicted.constructs
    return label("predict_text", language, better=int(items["n_better"].sum()), total=int(items["n_items"].sum()),
                 verdict=label(f"predict_{predicted.verdict}", language))


def predict_table(predicted, names: dict[str, str], language: str):
    out = predicted.constructs[["construct", "q2_predict", "n_items", "n_better"]].copy()
    out["construct"] = out["construct"].map(lambda c: _name(names, c))
    return styled(out.rename(columns={"n_items": "items"}), language, decimals=3, hide_index=True,
                  integers=("items", "n_better"))


def mediation_table(effects: pd.DataFrame, names: dict[str, str], language: str, *, n: int = 12):
    """The specific indirect effects whose bootstrap interval excludes zero (all of them without a
    bootstrap), largest first, at most ``n``: route, estimate, interval, p, direct effect, type."""
    if {"ci_low", "ci_high"} <= set(effects.columns):
        effects = effects[(effects["ci_low"] > 0) | (effects["ci_high"] < 0)]
    effects = effects.reindex(effects["estimate"].abs().sort_values(ascending=False).index).head(n)
    route = [" → ".join(_name(names, c.strip()) for c in via.split("->")) for via in effects["via"]]
    out = pd.DataFrame({"via": route})
    for col in ("estimate", "ci_low", "ci_high", "p_value", "direct"):
        if col in effects:
            out[col] = effects[col].to_numpy()
    if "type" in effects:
        out["mediation_type"] = [label(f"med_{t}", language) for t in effects["type"]]
    return styled(out, language, decimals=3, hide_index=True)
