"""The retention KPI page (notebook 03): KPI tiles, the cohort-retention heatmap, the complaint
root-cause chart and the association-rules table. Data in; words from labels.py.

Every data-derived string (periods, product lines, complaint categories) is HTML-escaped where this
module writes HTML, and drawn as plain text in charts.
"""

from __future__ import annotations

import html

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from kamreport.report.labels import label
from kamreport.report.style import ACCENT, BAD, GOOD, MUTED, SUBTLE, figure_axes, finish, report_style


def _value(value: float, kind: str) -> str:
    if value is None or not np.isfinite(value):
        return "–"
    return f"{value:.1%}" if kind == "share" else f"{value:.2f}"


def kpi_tiles_html(kpis, language: str) -> str:
    """One tile per KPI: its current value, the change against the previous period with an arrow
    (up / down) coloured by whether the change is good, and whether up is good.

    Parameters
    ----------
    kpis : KpiTable
        From :func:`kamreport.value.kpis.retention_kpis`.
    language : "zh" or "en"

    Returns
    -------
    str
        HTML (``<div class="kam-kpis">`` of ``<div class="kam-kpi">``), every text escaped.
    """
    previous = str(kpis.previous_period)
    tiles = []
    for code, row in kpis.table.iterrows():
        change = row["change"]
        if np.isfinite(change):
            key = "kpi_change_points" if row["kind"] == "share" else "kpi_change_number"
            amount = change * 100 if row["kind"] == "share" else change
            arrow = "▲" if change > 0 else ("▼" if change < 0 else "■")
            color = {True: GOOD, False: BAD}.get(row["improved"], MUTED)
            delta = (f'<span class="kam-kpi-change" style="color:{color}">{arrow} '
                     f'{html.escape(label(key, language, change=amount))} '
                     f'{html.escape(label("kpi_vs_previous", language, previous=previous))}</span>')
        else:
            delta = f'<span class="kam-kpi-change" style="color:{MUTED}">' \
                    f'{html.escape(label("kpi_no_previous", language))}</span>'
        good = label("kpi_up_good" if row["higher_is_better"] else "kpi_down_good", language)
        tiles.append(
            f'<div class="kam-kpi" style="display:inline-block;min-width:11em;margin:0 1em 1em 0;'
            f'padding:0.6em 0.9em;border:1px solid {MUTED};border-radius:6px">'
            f'<div class="kam-kpi-name" style="color:{SUBTLE}">{html.escape(label(f"kpi_{code}", language))}</div>'
            f'<div class="kam-kpi-value" style="font-size:1.6em;font-weight:bold">'
            f'{html.escape(_value(row["current"], row["kind"]))}</div>'
            f'<div>{delta}</div>'
            f'<div class="kam-kpi-direction" style="color:{SUBTLE};font-size:0.85em">{html.escape(good)}</div>'
            "</div>")
    return '<div class="kam-kpis">' + "".join(tiles) + "</div>"


def kpi_frame(kpis, language: str) -> pd.DataFrame:
    """The KPI values behind the tiles as one row per KPI: the period, the previous period and
    both values, the change and the relative change (shares as fractions), for the workbook."""
    t = kpis.table
    frame = pd.DataFrame({
        label("kpi_col_period", language): str(kpis.period),
        label("kpi_col_current", language): t["current"],
        label("kpi_col_previous_period", language): str(kpis.previous_period),
        label("kpi_col_previous", language): t["previous"],
        label("kpi_col_change", language): t["change"],
        label("kpi_col_relative_change", language): t["relative_change"],
    })
    frame.index = pd.Index([label(f"kpi_{code}", language) for code in t.index], name=label("kpi_col_kpi", language))
    return frame


def kpi_note(kpis, language: str) -> str:
    """The section note: the periods compared and what each KPI means."""
    return label("kpi_section_note", language, period=str(kpis.period), previous=str(kpis.previous_period))


def kpi_caveats(kpis, language: str) -> list[str]:
    """The KPI table's caveats in words (plain text; escape where written as HTML)."""
    return [label(f"kpi_caveat_{code}", language) for code in kpis.caveats]


def cohort_heatmap(cohort, language: str, *, max_periods: int = 12, max_cohorts: int = 24,
                   ax: plt.Axes | None = None) -> plt.Figure:
    """Cohort (rows, latest last) x periods since the first purchase (columns): retention share.

    The takeaway names the cohort with the lowest retention one period after acquisition (complete
    periods only).
    """
    matrix = cohort.matrix.iloc[-max_cohorts:, : max_periods + 1]
    with report_style():
        fig, ax = figure_axes(ax, (8.0, max(2.6, 0.32 * len(matrix) + 1.6)))
        data = matrix.to_numpy(dtype=np.float64)
        image = ax.imshow(np.ma.masked_invalid(data), cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto")
        for (i, j), v in np.ndenumerate(data):
            if np.isfinite(v) and j > 0:
                ax.text(j, i, f"{v:.0%}", ha="center", va="center", fontsize=7,
                        color="white" if v > 0.6 else "black")
        ax.set_xticks(range(matrix.shape[1]), [str(c) for c in matrix.columns])
        ax.set_yticks(range(len(matrix)), [str(p) for p in matrix.index])
        ax.set_xlabel(label("kpi_cohort_axis_x", language))
        ax.set_ylabel(label("kpi_cohort_axis_y", language))
        fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
        first = cohort.mean_retention(1).reindex(matrix.index).dropna()
        if len(first):
            takeaway = label("kpi_cohort_takeaway", language, cohort=str(first.idxmin()),
                             share=float(first.min()), median=float(first.median()))
        else:
            takeaway = label("kpi_cohort_takeaway_none", language)
        return finish(fig, ax, label("kpi_cohort_title", language), takeaway)


def root_cause_chart(shares: pd.DataFrame, language: str, *, names: dict[str, str] | None = None,
                     n: int = 10, ax: plt.Axes | None = None) -> plt.Figure:
    """Horizontal bars of the share of complaints per root cause, largest on top.

    ``shares`` is :func:`kamreport.value.complaints.root_cause_shares`; ``names`` maps a category
    code to its name in ``language`` (default the code).
    """
    names = names or {}
    top = shares.head(n)
    with report_style():
        fig, ax = figure_axes(ax, (7.5, max(2.4, 0.4 * len(top) + 1.4)))
        labels = [str(names.get(c, c)) for c in top.index][::-1]
        bars = ax.barh(labels, top["share"].to_numpy()[::-1],
                       color=[ACCENT] * (len(top) - 1) + [BAD] if len(top) else [])
        ax.bar_label(bars, labels=[f"{v:.0%}" for v in top["share"].to_numpy()[::-1]], fontsize=9, padding=2)
        ax.set_xlabel(label("kpi_share_axis", language))
        ax.set_xlim(0, min(1.0, float(top["share"].max()) * 1.2) if len(top) else 1.0)
        takeaway = (label("kpi_root_cause_takeaway", language, category=str(names.get(top.index[0], top.index[0])),
                          share=float(top["share"].iloc[0])) if len(top) else "")
        return finish(fig, ax, label("kpi_root_cause_title", language), takeaway)


def severity_table(severity: pd.DataFrame, language: str):
    """Complaints per severity (1 minor, 2 major, 3 critical): count, share and, where the log
    has resolution times, the mean days to resolution; ``severity`` is
    :func:`kamreport.value.complaints.severity_distribution`."""
    heads = {"complaints": label("kpi_sev_complaints", language), "share": label("kpi_sev_share", language),
             "mean_resolved_days": label("kpi_sev_days", language)}
    frame = severity[[c for c in heads if c in severity.columns]].rename(columns=heads)
    frame.index = pd.Index([label(f"kpi_sev_{name}", language) for name in severity["name"]],
                           name=label("kpi_sev_severity", language))
    formats = {heads["complaints"]: "{:,.0f}", heads["share"]: "{:.1%}", heads["mean_resolved_days"]: "{:.1f}"}
    return frame.style.format({c: formats.get(c) for c in frame.columns}, na_rep="–")


def rules_table(rules: pd.DataFrame, language: str, *, names: dict[str, str] | None = None, n: int = 10):
    """The top ``n`` association rules (highest lift first) as an escaped pandas Styler."""
    names = names or {}
    sep = label("kpi_line_separator", language)

    def side(lines) -> str:
        return sep.join(str(names.get(x, x)) for x in lines)

    heads = {k: label(f"kpi_rule_{k}", language) for k in ("if", "then", "support", "confidence", "lift",
                                                            "accounts")}
    top = rules.head(n)
    out = pd.DataFrame({heads["if"]: top["antecedents"].map(side), heads["then"]: top["consequents"].map(side),
                        heads["support"]: top["support"], heads["confidence"]: top["confidence"],
                        heads["lift"]: top["lift"], heads["accounts"]: top["n_accounts"]})
    formats = {heads["support"]: "{:.1%}", heads["confidence"]: "{:.1%}", heads["lift"]: "{:.2f}",
               heads["accounts"]: "{:.0f}"}
    sty = out.style.format(formats, na_rep="–", escape="html").hide(axis="index")
    return sty.format_index(escape="html", axis=1)


def rules_empty_text(rules: pd.DataFrame, language: str) -> str | None:
    """The sentence shown instead of the table when no rule passed the thresholds, else None."""
    return label("kpi_rules_none", language) if rules.empty else None
