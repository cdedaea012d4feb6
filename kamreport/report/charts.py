"""Every chart the reports show: one function per chart, data in, matplotlib Figure out.

Each chart has a title, axis labels with units and a one-line takeaway computed from the data,
in the report's language. Styling (CJK font) is set per figure in a style context, never
globally at import.
"""

from __future__ import annotations

from contextlib import contextmanager

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager

from kamreport.report.labels import label

CJK_FAMILY = "Noto Sans CJK SC"
ACCENT = "#0b6e99"
MUTED = "#9aa5b1"
BAD = "#b42318"


def _font_families() -> list[str]:
    names = {f.name for f in font_manager.fontManager.ttflist}
    if CJK_FAMILY not in names:  # fonts installed after matplotlib built its cache
        font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)
        names = {f.name for f in font_manager.fontManager.ttflist}
    return [CJK_FAMILY, "DejaVu Sans"] if CJK_FAMILY in names else ["DejaVu Sans"]


@contextmanager
def report_style():
    """Fonts (CJK-capable), sizes and spines for report charts, scoped to the ``with`` block."""
    rc = {
        "font.family": "sans-serif", "font.sans-serif": _font_families(), "axes.unicode_minus": False,
        "axes.spines.top": False, "axes.spines.right": False, "axes.titlesize": 13,
        "axes.titleweight": "bold", "axes.labelsize": 11, "figure.dpi": 110, "savefig.dpi": 150,
        "figure.figsize": (8, 4.2),
    }
    with plt.rc_context(rc):
        yield


def _finish(fig, ax, title: str, takeaway: str) -> plt.Figure:
    ax.set_title(title, loc="left", pad=22)
    ax.text(0, 1.02, takeaway, transform=ax.transAxes, fontsize=10, color="#52606d", va="bottom")
    fig.tight_layout()
    return fig


def alpha_chart(alphas: pd.DataFrame, language: str = "zh", *, threshold: float = 0.7,
                ax: plt.Axes | None = None) -> plt.Figure:
    """Horizontal bars of raw Cronbach's alpha per construct with its CI and the 0.7 line.

    ``alphas``: index construct (or translated labels), columns ``alpha``, ``ci_low``, ``ci_high``.
    """
    data = alphas.dropna(subset=["alpha"]).sort_values("alpha")
    with report_style():
        fig, ax = (plt.subplots(figsize=(8, 0.45 * len(data) + 1.6)) if ax is None else (ax.figure, ax))
        colors = [ACCENT if a >= threshold else BAD for a in data["alpha"]]
        err = np.vstack([data["alpha"] - data["ci_low"], data["ci_high"] - data["alpha"]])
        ax.barh(data.index.astype(str), data["alpha"], color=colors, xerr=err, capsize=3,
                error_kw={"ecolor": "#52606d", "lw": 1})
        ax.axvline(threshold, color=MUTED, ls="--", lw=1)
        ax.text(threshold, -0.9, f" {label('threshold', language)} {threshold}", color="#52606d", fontsize=9)
        for y, a in enumerate(data["alpha"]):
            ax.text(min(a, 1) + 0.01, y, f"{a:.2f}", va="center", fontsize=9)
        ax.set_xlim(0, 1.08)
        ax.set_xlabel(label("alpha_axis", language))
        weak = list(data.index[data["alpha"] < threshold].astype(str))
        if language == "zh":
            take = "所有构念信度合格（α ≥ 0.7）。" if not weak else f"信度不足：{'、'.join(weak)}。"
        else:
            take = "Every construct is reliable (alpha ≥ 0.7)." if not weak else f"Below 0.7: {', '.join(weak)}."
        return _finish(fig, ax, label("alpha_chart_title", language), take)


def item_means_chart(items: pd.DataFrame, language: str = "zh", *, scale: tuple[int, int] = (1, 10),
                     ax: plt.Axes | None = None) -> plt.Figure:
    """Dot chart of item means grouped by construct (``items`` from ``item_summary``)."""
    data = items.reset_index(drop=True)
    with report_style():
        fig, ax = (plt.subplots(figsize=(8, 0.26 * len(data) + 1.6)) if ax is None else (ax.figure, ax))
        constructs = list(dict.fromkeys(data["construct"]))
        palette = plt.get_cmap("tab10")
        y = np.arange(len(data))[::-1]
        for k, construct in enumerate(constructs):
            sel = (data["construct"] == construct).to_numpy()
            ax.hlines(y[sel], scale[0], data.loc[sel, "mean"], color=palette(k), alpha=0.35, lw=2)
            ax.scatter(data.loc[sel, "mean"], y[sel], color=palette(k), s=28, zorder=3,
                       label=data.loc[sel, "construct_label"].iloc[0] if "construct_label" in data else construct)
        ax.set_yticks(y, data["item"])
        ax.set_xlim(scale)
        ax.set_xlabel(label("mean_axis", language))
        ax.legend(loc="lower left", fontsize=8, frameon=False, ncols=min(4, len(constructs)))
        low = data.loc[data["mean"].idxmin()]
        high = data.loc[data["mean"].idxmax()]
        take = (f"最高：{high['item']}（{high['mean']:.1f}）；最低：{low['item']}（{low['mean']:.1f}）。" if language == "zh"
                else f"Highest: {high['item']} ({high['mean']:.1f}); lowest: {low['item']} ({low['mean']:.1f}).")
        return _finish(fig, ax, label("mean_chart_title", language), take)
