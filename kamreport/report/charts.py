"""The satisfaction report's charts: one function per chart, data in, matplotlib Figure out.

Each chart has a title, axis labels with units and a one-line takeaway computed from the data,
in the report's language. Styling (CJK font) is set per figure in a style context, never
globally at import. Customer-value charts live in :mod:`kamreport.report.value_charts`.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from kamreport.report.labels import LABELS, join, label
from kamreport.report.style import (
    ACCENT,
    ACCENT_LIGHT,
    BAD,
    GOOD,
    INK,
    MUTED,
    SUBTLE,
    figure_axes,
    finish,
    report_style,
    stars,
    stars_legend,
)

# Classic positions of the ACSI / ECSI / CCSI constructs (x left->right, y bottom->top).
ACSI_LAYOUT = {
    "Image": (2.0, 2.2), "Expectation": (0.0, 1.1), "Quality": (0.0, -1.1), "Value": (2.0, -1.6),
    "Satisfaction": (4.0, 0.0), "Complaints": (6.2, -1.3), "Loyalty": (6.2, 1.3),
}


def _layout(constructs: list[str], paths: list[tuple[str, str]]) -> dict[str, tuple[float, float]]:
    """Known ACSI-family positions, else layers by longest path from the exogenous constructs."""
    if set(constructs) <= set(ACSI_LAYOUT):
        return {c: ACSI_LAYOUT[c] for c in constructs}
    layer = {c: 0 for c in constructs}
    for _ in constructs:  # longest-path layering of a DAG, |V| relaxations
        for s, t in paths:
            layer[t] = max(layer[t], layer[s] + 1)
    pos = {}
    for k in sorted(set(layer.values())):
        members = [c for c in constructs if layer[c] == k]
        for i, c in enumerate(members):
            pos[c] = (2.0 * k, (len(members) - 1) / 2 * 1.6 - 1.6 * i)
    return pos


def _clip(a: tuple[float, float], b: tuple[float, float], hw: float, hh: float):
    """The segment between box centres ``a`` and ``b``, cut where it leaves each box."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    t = min(hw / abs(dx) if dx else np.inf, hh / abs(dy) if dy else np.inf)
    return (a[0] + t * dx, a[1] + t * dy), (b[0] - t * dx, b[1] - t * dy)


def model_diagram(paths: pd.DataFrame, r2: pd.Series, language: str = "zh", *,
                  names: Mapping[str, str] | None = None, significance: float = 0.05,
                  ax: plt.Axes | None = None) -> plt.Figure:
    """The structural model: constructs as boxes (with R²), paths as arrows with coefficient and stars.

    ``paths``: source, target, estimate and (when bootstrapped) p_value. Arrow width follows |β|;
    paths with p not below ``significance`` are grey and dashed.
    """
    names = dict(names or {})
    constructs = list(dict.fromkeys([*paths["source"], *paths["target"]]))
    pos = _layout(constructs, list(zip(paths["source"], paths["target"])))
    with report_style():
        fig, ax = figure_axes(ax, (9.5, 4.3))
        ax.set_axis_off()
        xs, ys = zip(*pos.values())
        ax.set_xlim(min(xs) - 1.1, max(xs) + 1.1)
        ax.set_ylim(min(ys) - 0.9, max(ys) + 0.9)
        box_w, box_h = 1.55, 0.62
        for row in paths.itertuples():
            p = getattr(row, "p_value", np.nan)
            significant = bool(pd.isna(p)) or p < significance
            start, end = _clip(pos[row.source], pos[row.target], box_w / 2 + 0.05, box_h / 2 + 0.05)
            ax.add_patch(FancyArrowPatch(
                start, end, arrowstyle="-|>", mutation_scale=14,
                lw=0.8 + 4 * min(abs(row.estimate), 1), color=ACCENT if significant else MUTED,
                linestyle="-" if significant else "--", shrinkA=0, shrinkB=0, zorder=1))
            ax.text((start[0] + end[0]) / 2, (start[1] + end[1]) / 2, f"{row.estimate:.2f}{stars(p)}",
                    ha="center", va="center", fontsize=9, color=INK if significant else SUBTLE, zorder=3,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.9})
        for c, (x, y) in pos.items():
            endogenous = c in r2.index
            ax.add_patch(FancyBboxPatch((x - box_w / 2, y - box_h / 2), box_w, box_h,
                                        boxstyle="round,pad=0.02,rounding_size=0.12",
                                        fc=ACCENT_LIGHT if endogenous else "#e4e7eb", ec=ACCENT, lw=1.2,
                                        zorder=2))
            text = names.get(c, c) + (f"\nR² = {r2[c]:.2f}" if endogenous else "")
            ax.text(x, y, text, ha="center", va="center", fontsize=9.5, zorder=4, color=INK)
        strongest = paths.loc[paths["estimate"].abs().idxmax()]
        s, t = names.get(strongest.source, strongest.source), names.get(strongest.target, strongest.target)
        top_r2 = r2.idxmax()
        take = label("take_model", language, source=s, target=t, beta=strongest.estimate,
                     best=names.get(top_r2, top_r2), r2=r2.max(), stars=stars_legend())
        return finish(fig, ax, label("model_chart_title", language), take)


def _ci_bars(ax: plt.Axes, labels, values: pd.Series, low: pd.Series, high: pd.Series, colors) -> None:
    """Horizontal bars with their confidence interval as error bars (alpha, index, change charts)."""
    err = np.vstack([values - low, high - values])
    ax.barh(labels, values, color=colors, xerr=err, capsize=3, error_kw={"ecolor": SUBTLE, "lw": 1})


def alpha_chart(alphas: pd.DataFrame, language: str = "zh", *, threshold: float = 0.7,
                ax: plt.Axes | None = None) -> plt.Figure:
    """Horizontal bars of raw Cronbach's alpha per construct with its CI and the ``threshold`` line.

    ``alphas``: index construct (or translated labels), columns ``alpha``, ``ci_low``, ``ci_high``.
    """
    data = alphas.dropna(subset=["alpha"]).sort_values("alpha")
    with report_style():
        fig, ax = figure_axes(ax, (8, 0.25 * len(data) + 1.2))
        colors = [ACCENT if a >= threshold else BAD for a in data["alpha"]]
        _ci_bars(ax, data.index.astype(str), data["alpha"], data["ci_low"], data["ci_high"], colors)
        ax.axvline(threshold, color=MUTED, ls="--", lw=1)
        for y, a in enumerate(data["alpha"]):
            ax.text(min(a, 1) + 0.01, y, f"{a:.2f}", va="center", fontsize=9)
        ax.set_xlim(0, 1.08)
        ax.set_xlabel(label("alpha_axis", language))
        weak = list(data.index[data["alpha"] < threshold].astype(str))
        take = (label("take_alpha_weak", language, threshold=threshold, weak=join(weak, language)) if weak
                else label("take_alpha_ok", language, threshold=threshold))
        return finish(fig, ax, label("alpha_chart_title", language), take)


def item_means_chart(items: pd.DataFrame, language: str = "zh", *, scale: tuple[int, int] = (1, 10),
                     ax: plt.Axes | None = None) -> plt.Figure:
    """Dot chart of item means grouped by construct (``items`` from ``item_summary``)."""
    data = items.reset_index(drop=True)
    with report_style():
        fig, ax = figure_axes(ax, (8, 0.16 * len(data) + 1.8))
        constructs = list(dict.fromkeys(data["construct"]))
        palette = plt.get_cmap("tab10")
        y = np.arange(len(data))[::-1]
        for k, construct in enumerate(constructs):
            sel = (data["construct"] == construct).to_numpy()
            ax.hlines(y[sel], scale[0], data.loc[sel, "mean"], color=palette(k), alpha=0.35, lw=2)
            ax.scatter(data.loc[sel, "mean"], y[sel], color=palette(k), s=28, zorder=3,
                       label=(data.loc[sel, "construct_label"].iloc[0] if "construct_label" in data
                              else construct))
        ax.set_yticks(y, data["item"])
        ax.set_xlim(scale)
        ax.set_xlabel(label("mean_axis", language, lo=scale[0], hi=scale[1]))
        # below the axis title, outside the plot: inside, it covered the last items' dots
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), borderaxespad=1.5, fontsize=8, frameon=False,
                  ncols=min(7, len(constructs)))
        low, high = data.loc[data["mean"].idxmin()], data.loc[data["mean"].idxmax()]
        take = label("take_item_means", language, high=high["item"], high_mean=high["mean"], low=low["item"],
                     low_mean=low["mean"])
        return finish(fig, ax, label("mean_chart_title", language), take)


def index_chart(scores: pd.DataFrame, language: str = "zh", *, names: Mapping[str, str] | None = None,
                ax: plt.Axes | None = None) -> plt.Figure:
    """0–100 index per construct with its confidence interval (``scores``: construct, index, ci_low,
    ci_high)."""
    names = dict(names or {})
    data = scores.iloc[::-1]
    with report_style():
        fig, ax = figure_axes(ax, (8, 0.25 * len(data) + 1.2))
        ylabels = [names.get(c, c) for c in data["construct"]]
        _ci_bars(ax, ylabels, data["index"], data["ci_low"], data["ci_high"], ACCENT)
        for y, v in enumerate(data["index"]):
            ax.text(v + 1.5, y, f"{v:.1f}", va="center", fontsize=9)
        ax.set_xlim(0, 105)
        ax.set_xlabel(label("index_axis", language))
        best, worst = data.loc[data["index"].idxmax()], data.loc[data["index"].idxmin()]
        b, w = names.get(best.construct, best.construct), names.get(worst.construct, worst.construct)
        take = label("take_index", language, best=b, best_index=best["index"], worst=w,
                     worst_index=worst["index"])
        return finish(fig, ax, label("index_chart_title", language), take)


def segment_index_chart(scores: pd.DataFrame, segment: str, language: str = "zh", *,
                        names: Mapping[str, str] | None = None, ax: plt.Axes | None = None) -> plt.Figure:
    """Heatmap of the 0–100 index, constructs × segments (``scores``: construct, <segment>, index)."""
    names = dict(names or {})
    table = scores.pivot_table(index="construct", columns=segment, values="index", sort=False)
    with report_style():
        fig, ax = figure_axes(ax, (1.1 * table.shape[1] + 3.2, 0.33 * table.shape[0] + 1.45))
        im = ax.imshow(table.to_numpy(), cmap="RdYlGn", vmin=max(0, np.nanmin(table.to_numpy()) - 5),
                       vmax=min(100, np.nanmax(table.to_numpy()) + 5), aspect="auto")
        ax.set_xticks(range(table.shape[1]), [str(c) for c in table.columns])
        ax.set_yticks(range(table.shape[0]), [names.get(c, c) for c in table.index])
        for (i, j), v in np.ndenumerate(table.to_numpy()):
            ax.text(j, i, f"{v:.1f}", ha="center", va="center", fontsize=9, color=INK)
        ax.set_xlabel(label(segment, language) if segment in LABELS else segment)
        fig.colorbar(im, ax=ax, shrink=0.8, label=label("index_axis", language))
        row = "Satisfaction" if "Satisfaction" in table.index else table.index[0]
        sat = table.loc[row]
        spread = sat.max() - sat.min()
        take = label("take_segment", language, construct=names.get(row, row), high=sat.idxmax(),
                     high_index=sat.max(), low=sat.idxmin(), low_index=sat.min(), gap=spread)
        return finish(fig, ax, label("segment_chart_title", language), take)


def ipma_chart(table: pd.DataFrame, language: str = "zh", *, target: str = "Satisfaction",
               names: Mapping[str, str] | None = None, ax: plt.Axes | None = None) -> plt.Figure:
    """Importance–performance map: total effect on ``target`` (x) vs 0–100 performance (y).

    ``table``: one row per construct with ``construct``, ``importance``, ``performance``.
    Quadrant lines at the means; the "concentrate here" quadrant (high importance, low
    performance) is shaded.
    """
    names = dict(names or {})
    key = "construct" if "construct" in table else "item"
    with report_style():
        fig, ax = figure_axes(ax, (8, 3.6))
        imp, perf = table["importance"].to_numpy(float), table["performance"].to_numpy(float)
        mx, my = imp.mean(), perf.mean()
        pad_x = (imp.max() - imp.min()) * 0.15 + 1e-3
        pad_y = (perf.max() - perf.min()) * 0.2 + 1
        ax.set_xlim(min(imp.min(), 0) - pad_x, imp.max() + pad_x)
        ax.set_ylim(perf.min() - pad_y, perf.max() + pad_y)
        ax.axvspan(mx, ax.get_xlim()[1], ymin=0, ymax=(my - ax.get_ylim()[0]) / np.ptp(ax.get_ylim()),
                   color=BAD, alpha=0.07, lw=0)
        ax.axvline(mx, color=MUTED, ls="--", lw=1)
        ax.axhline(my, color=MUTED, ls="--", lw=1)
        urgent = (imp >= mx) & (perf < my)
        ax.scatter(imp, perf, s=70, color=np.where(urgent, BAD, ACCENT), zorder=3)
        for (_, row), u in zip(table.iterrows(), urgent):
            ax.annotate(names.get(row[key], row[key]), (row["importance"], row["performance"]),
                        xytext=(6, 4), textcoords="offset points", fontsize=9, color=BAD if u else INK)
        ax.text(ax.get_xlim()[1], ax.get_ylim()[0], label("ipma_focus", language) + " ", ha="right",
                va="bottom", fontsize=9, color=BAD)
        ax.set_xlabel(label("ipma_x", language, target=names.get(target, target)))
        ax.set_ylabel(label("ipma_y", language))
        if urgent.any():
            order = np.argsort(-imp[urgent])
            top = table[key].to_numpy()[urgent][order[0]]
            first = names.get(top, top)
            take = label("take_ipma_first", language, first=first, target=names.get(target, target))
        else:
            take = label("take_ipma_none", language)
        return finish(fig, ax, label("ipma_chart_title", language), take)


def index_change_chart(change: pd.DataFrame, language: str = "zh", *, names: Mapping[str, str] | None = None,
                       significance: float = 0.05, ax: plt.Axes | None = None) -> plt.Figure:
    """Wave-over-wave change of the 0–100 index per construct with CI; changes with p below
    ``significance`` coloured."""
    names = dict(names or {})
    data = change.iloc[::-1]
    with report_style():
        fig, ax = figure_axes(ax, (8, 0.25 * len(data) + 1.2))
        ylabels = [names.get(c, c) for c in data["construct"]]
        colors = [(GOOD if d > 0 else BAD) if p < significance else MUTED
                  for d, p in zip(data["change"], data["p_value"])]
        _ci_bars(ax, ylabels, data["change"], data["ci_low"], data["ci_high"], colors)
        ax.axvline(0, color=INK, lw=0.8)
        ax.set_xlabel(label("change_axis", language))
        sig = data[data["p_value"] < significance]
        if len(sig):
            parts = [f"{names.get(r.construct, r.construct)} {r.change:+.1f}"
                     for r in sig.iloc[::-1].itertuples()]
            take = label("take_change_sig", language, significance=significance,
                         changes=join(parts, language, "sep_clause"))
        else:
            take = label("take_change_none", language)
        return finish(fig, ax, label("change_chart_title", language), take)
