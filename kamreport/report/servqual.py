"""SERVQUAL gaps and customer delivered value in the reports: charts, tables, one sentence each.

Takes the results of :func:`kamreport.satisfaction.servqual.servqual` and
:func:`kamreport.satisfaction.delivered.delivered_value`; words come from labels.py. Names
from data (item labels, segment values, account ids) are HTML-escaped in tables and sentences,
and drawn as plain text in charts (a ``$`` cannot start mathtext).
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from kamreport.report.labels import LABELS, label
from kamreport.report.style import ACCENT, BAD, GOOD, MUTED, WARN, figure_axes, finish, report_style
from kamreport.report.tables import escaped as _styled

OVERALL = "overall"  # the SERVQUAL score's row in ServqualResult.dimensions
_SERIES_COLORS = (ACCENT, WARN, GOOD, BAD, MUTED, "#7a1f5c")
Names = Mapping[str, object] | None


def display_name(code: object, language: str, names: Names = None, prefix: str = "sq_dim_") -> str:
    """The name of a dimension, item or component: ``names[code]`` (a string, or ``{zh:, en:}`` as in
    the codebook), else this module's label ``<prefix><code>``, else the code itself.

    Examples
    --------
    >>> display_name("empathy", "en"), display_name("Q1", "en", {"Q1": {"zh": "x", "en": "Prompt"}})
    ('Empathy', 'Prompt')
    """
    if names and code in names:
        given = names[code]
        return str(given.get(language, code)) if isinstance(given, Mapping) else str(given)
    key = f"{prefix}{code}"
    return label(key, language) if key in LABELS else str(code)


def codebook_names(codebook, language: str) -> dict[str, str]:
    """Dimension and item names of a SERVQUAL result from the codebook: each dimension's name and,
    for each pair, its wording under the perception column (the item a result row names)."""
    if codebook is None or codebook.servqual is None:
        return {}
    names: dict[str, str] = dict(codebook.servqual_labels(language))
    wording = codebook.servqual_pair_labels(language)
    for spec in codebook.servqual.dimensions.values():
        for key, pair in spec.pairs.items():
            names[pair.perception] = wording.get(key, key)
    return names




def _headed(frame: pd.DataFrame, prefix: str, language: str) -> tuple[pd.DataFrame, dict[str, str]]:
    heads = {c: label(f"{prefix}{c}", language) if f"{prefix}{c}" in LABELS else c for c in frame.columns}
    return frame.rename(columns=heads), heads


def _plain(text: str) -> str:
    """Data-derived text for matplotlib: a dollar sign must not start mathtext."""
    return text.replace("$", r"\$")


# --- SERVQUAL ---------------------------------------------------------------------------------
def gap_chart(result, language: str, *, names: Names = None, ax: plt.Axes | None = None) -> plt.Figure:
    """Mean gap per dimension (horizontal bars, worst at the top) with its confidence interval."""
    dims = result.dimensions[result.dimensions["dimension"] != OVERALL].sort_values("gap", ascending=False)
    with report_style():
        fig, ax = figure_axes(ax, (7.5, 0.55 * len(dims) + 1.8))
        y = np.arange(len(dims))
        colors = [
            BAD if hi < 0 else GOOD if lo > 0 else MUTED
            for lo, hi in zip(dims["ci_low"].fillna(-np.inf), dims["ci_high"].fillna(np.inf))
        ]
        err = np.vstack([dims["gap"] - dims["ci_low"], dims["ci_high"] - dims["gap"]])
        ax.barh(
            y,
            dims["gap"],
            color=colors,
            alpha=0.85,
            xerr=np.nan_to_num(err),
            capsize=3,
            error_kw={"ecolor": "#52606d", "lw": 1},
        )
        ax.set_yticks(y, [_plain(display_name(d, language, names)) for d in dims["dimension"]])
        ax.axvline(0, color="#52606d", lw=1)
        ax.set_xlabel(label("sq_gap_axis", language, confidence=result.confidence))
        worst = dims.iloc[-1]
        return finish(
            fig,
            ax,
            label("sq_gap_chart_title", language),
            label(
                "sq_gap_chart_takeaway",
                language,
                gap=float(worst["gap"]),
                worst=_plain(display_name(worst["dimension"], language, names)),
            ),
        )


def items_chart(result, language: str, *, names: Names = None, ax: plt.Axes | None = None) -> plt.Figure:
    """Expectation and perception of every item (a dumbbell per item, grouped by dimension)."""
    items = result.items.iloc[::-1]
    with report_style():
        fig, ax = figure_axes(ax, (7.5, 0.32 * len(items) + 1.8))
        y = np.arange(len(items))
        ax.hlines(y, items["expectation"], items["perception"], color=MUTED, lw=2)
        ax.scatter(
            items["expectation"], y, color=MUTED, s=30, label=label("sq_expectation", language), zorder=3
        )
        ax.scatter(
            items["perception"], y, color=ACCENT, s=30, label=label("sq_perception", language), zorder=3
        )
        ticks = [
            f"{display_name(d, language, names)} · {display_name(i, language, names, 'sq_item_')}"
            for d, i in zip(items["dimension"], items["item"])
        ]
        ax.set_yticks(y, [_plain(t) for t in ticks], fontsize=8)
        ax.set_xlabel(label("sq_score_axis", language))
        ax.legend(frameon=False, fontsize=9, loc="lower right")
        worst = result.items.loc[result.items["gap"].idxmin()]
        return finish(
            fig,
            ax,
            label("sq_items_chart_title", language),
            label(
                "sq_items_chart_takeaway",
                language,
                gap=float(worst["gap"]),
                item=_plain(display_name(worst["item"], language, names, "sq_item_")),
            ),
        )


_GAP_FORMATS = {
    "n": "{:.0f}",
    "expectation": "{:.2f}",
    "perception": "{:.2f}",
    "gap": "{:+.2f}",
    "ci_low": "{:+.2f}",
    "ci_high": "{:+.2f}",
    "t": "{:.2f}",
    "p_value": "{:.3f}",
    "p_holm": "{:.3f}",
    "wilcoxon_p": "{:.3f}",
    "alpha_perception": "{:.2f}",
    "alpha_gap": "{:.2f}",
}


def gap_table(result, language: str, *, names: Names = None, by_segment: bool = False):
    """Dimensions (and the SERVQUAL score): n, means, gap, CI, t, p, Wilcoxon p and alpha."""
    frame = (
        result.dimensions_by_segment
        if by_segment and result.dimensions_by_segment is not None
        else result.dimensions
    )
    cols = [
        c
        for c in (
            "segment",
            "dimension",
            "n",
            "expectation",
            "perception",
            "gap",
            "ci_low",
            "ci_high",
            "t",
            "p_value",
            "wilcoxon_p",
            "alpha_perception",
            "alpha_gap",
        )
        if c in frame.columns
    ]
    frame = frame[cols].assign(dimension=[display_name(d, language, names) for d in frame["dimension"]])
    frame, heads = _headed(frame, "sq_col_", language)
    return _styled(frame, {heads[k]: v for k, v in _GAP_FORMATS.items() if k in heads})


def gap_by_segment_table(result, language: str, *, names: Names = None, alpha: float = 0.05):
    """The dimensions' gaps (rows, SERVQUAL score last) in each segment (columns) and overall: one
    compact grid; a gap whose paired t-test has p < ``alpha`` is starred (the per-segment n, CI
    and tests are in the workbook's full table)."""
    frame = result.dimensions_by_segment
    def cell(gap: float, p: float) -> str:
        return "–" if not np.isfinite(gap) else f"{gap:+.2f}{'*' if np.isfinite(p) and p < alpha else ''}"
    grid = {str(seg): {d: cell(g, p) for d, g, p in zip(part["dimension"], part["gap"], part["p_value"])}
            for seg, part in frame.groupby("segment", sort=False)}
    overall = result.dimensions
    grid[label("sq_all_respondents", language)] = {d: cell(g, p) for d, g, p in
                                                   zip(overall["dimension"], overall["gap"], overall["p_value"])}
    out = pd.DataFrame(grid).reindex(list(overall["dimension"]))
    out.index = pd.Index([display_name(d, language, names) for d in out.index], name=label("sq_col_dimension", language))
    return _styled(out, {})


def items_table(result, language: str, *, names: Names = None):
    """Items: dimension, n, means, gap, CI, t, Holm p and Wilcoxon p."""
    cols = [
        "dimension",
        "item",
        "n",
        "expectation",
        "perception",
        "gap",
        "ci_low",
        "ci_high",
        "t",
        "p_holm",
        "wilcoxon_p",
    ]
    frame = result.items[cols].assign(
        dimension=[display_name(d, language, names) for d in result.items["dimension"]],
        item=[display_name(i, language, names, "sq_item_") for i in result.items["item"]],
    )
    frame, heads = _headed(frame, "sq_col_", language)
    return _styled(frame, {heads[k]: v for k, v in _GAP_FORMATS.items() if k in heads})


def servqual_summary(result, language: str, *, names: Names = None, alpha: float = 0.05) -> str:
    """One sentence: the SERVQUAL score, the worst dimension with its CI, how many item gaps are
    significant after Holm adjustment."""
    dims = result.dimensions.set_index("dimension")
    worst = result.worst_dimension
    return label(
        "sq_summary",
        language,
        n=int(dims.loc[OVERALL, "n"]),
        score=result.score,
        worst=html.escape(display_name(worst, language, names)),
        gap=float(dims.loc[worst, "gap"]),
        low=float(dims.loc[worst, "ci_low"]),
        high=float(dims.loc[worst, "ci_high"]),
        confidence=result.confidence,
        n_sig=int((result.items["p_holm"] < alpha).sum()),
        n_items=len(result.items),
    )


# --- customer delivered value -------------------------------------------------------------------
def _component_means(result) -> pd.DataFrame:
    """Mean component scores: rows = segments (or all respondents), columns = component measures."""
    comps = result.measures[: len(result.value_components) + len(result.cost_components)]
    if result.segments is None:
        return result.overall.loc[comps, ["mean"]].T.rename(index={"mean": "__all__"})
    return result.segments.pivot(index="segment", columns="measure", values="mean")[comps]


def _measure_name(measure: str, language: str) -> str:
    return display_name(measure.removeprefix("value_").removeprefix("cost_"), language, prefix="dv_")


def _segment_name(segment: object, language: str) -> str:
    return label("dv_all", language) if segment == "__all__" else str(segment)


def value_cost_chart(result, language: str, *, ax: plt.Axes | None = None) -> plt.Figure:
    """Value and cost components (0-100) side by side, one bar per segment."""
    means = _component_means(result)
    with report_style():
        fig, ax = figure_axes(ax, (8.5, 4.4))
        x = np.arange(means.shape[1])
        width = 0.8 / len(means)
        for k, (segment, row) in enumerate(means.iterrows()):
            ax.bar(
                x + (k - (len(means) - 1) / 2) * width,
                row.to_numpy(np.float64),
                width,
                color=_SERIES_COLORS[k % len(_SERIES_COLORS)],
                label=_plain(_segment_name(segment, language)),
            )
        ax.axvline(len(result.value_components) - 0.5, color=MUTED, lw=1, ls="--")
        ax.set_xticks(x, [_measure_name(m, language) for m in means.columns], rotation=30, ha="right")
        ax.set_ylabel(label("dv_score_axis", language))
        ax.set_ylim(0, 100)
        ax.legend(frameon=False, fontsize=9, ncols=min(len(means), 4))
        costs = means[[f"cost_{c}" for c in result.cost_components]]
        seg, comp = costs.stack().idxmax()
        return finish(
            fig,
            ax,
            label("dv_chart_title", language),
            label(
                "dv_chart_takeaway",
                language,
                segment=_plain(_segment_name(seg, language)),
                component=_measure_name(comp, language),
                score=float(costs.loc[seg, comp]),
            ),
        )


def delivered_table(result, language: str):
    """Mean of every component and total per segment (columns), and all respondents."""
    table = result.overall[["mean"]].rename(columns={"mean": label("dv_all", language)})
    if result.segments is not None:
        table = (
            result.segments.pivot(index="measure", columns="segment", values="mean")
            .loc[table.index]
            .join(table)
        )
    table.index = [_measure_name(m, language) for m in table.index]
    table.columns = [str(c) for c in table.columns]
    return _styled(table, dict.fromkeys(table.columns, "{:.1f}"))


def accounts_table(result, language: str, top: int | None = None):
    """Per account: respondents, total value, total cost, delivered value with its CI, ratio;
    lowest delivered value first."""
    cols = [
        "n_respondents",
        "total_value",
        "total_cost",
        "delivered_value",
        "ci_low_delivered",
        "ci_high_delivered",
        "ratio",
    ]
    frame = result.accounts[cols].sort_values("delivered_value")
    frame = frame.head(top) if top else frame
    frame = frame.rename_axis(label("dv_col_account", language))
    heads = {
        c: label(f"dv_col_{c}", language) if f"dv_col_{c}" in LABELS else label(f"dv_{c}", language)
        for c in cols
    }
    formats = {
        heads[c]: "{:.0f}" if c == "n_respondents" else "{:.2f}" if c == "ratio" else "{:+.1f}" for c in cols
    }
    formats[heads["total_value"]] = formats[heads["total_cost"]] = "{:.1f}"
    return _styled(frame.rename(columns=heads), formats)


def delivered_summary(result, language: str) -> str:
    """One sentence: total value, total cost, delivered value with its CI, the weakest segment."""
    o = result.overall
    if result.segments is not None:
        dv = result.segments[result.segments["measure"] == "delivered_value"].set_index("segment")["mean"]
        segment, segment_value = dv.idxmin(), float(dv.min())
    else:
        segment, segment_value = "__all__", float(o.loc["delivered_value", "mean"])
    return label(
        "dv_summary",
        language,
        n=int(o.loc["delivered_value", "n"]),
        value=float(o.loc["total_value", "mean"]),
        cost=float(o.loc["total_cost", "mean"]),
        delivered=float(o.loc["delivered_value", "mean"]),
        low=float(o.loc["delivered_value", "ci_low"]),
        high=float(o.loc["delivered_value", "ci_high"]),
        confidence=result.confidence,
        segment=html.escape(_segment_name(segment, language)),
        segment_value=segment_value,
    )


def delivered_note(result, language: str) -> str:
    """The method note under the section heading: how the totals are weighted."""
    weights = result.weights
    equal = all(np.allclose(list(w.values()), 1 / len(w)) for w in weights.values())
    if equal:
        weighting = label("dv_equal_weights", language)
    else:
        parts = [
            f"{display_name(c, language, prefix='dv_')} {v:.0%}"
            for w in weights.values()
            for c, v in w.items()
        ]
        weighting = label("dv_given_weights", language, weights=label("list_separator", language).join(parts))
    return label("dv_section_note", language, weighting=weighting, confidence=result.confidence)
