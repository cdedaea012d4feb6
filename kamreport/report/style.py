"""The look of every report chart: CJK-capable fonts, colours, title + takeaway, scoped per figure."""

from __future__ import annotations

from contextlib import contextmanager

import matplotlib.pyplot as plt
from matplotlib import font_manager

CJK_FAMILY = "Noto Sans CJK SC"
ACCENT = "#0b6e99"
ACCENT_LIGHT = "#9fd3e8"
MUTED = "#9aa5b1"
INK = "#1f2933"
SUBTLE = "#52606d"
GOOD = "#1b7f3b"
BAD = "#b42318"
WARN = "#d97706"
TIER_COLORS = ("#7a1f5c", "#b42318", "#0b6e99", "#9aa5b1", "#cbd2d9")


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
        # concrete family names, not "sans-serif": a Text resolves its generic family when the
        # figure is drawn, which may be after this context has ended (savefig, inline display)
        "font.family": _font_families(), "axes.unicode_minus": False,
        "axes.spines.top": False, "axes.spines.right": False, "axes.titlesize": 13,
        "axes.titleweight": "bold", "axes.labelsize": 11, "figure.dpi": 110, "savefig.dpi": 150,
        "figure.figsize": (8, 4.2), "axes.edgecolor": MUTED, "xtick.color": SUBTLE, "ytick.color": SUBTLE,
    }
    with plt.rc_context(rc):
        yield


def finish(fig: plt.Figure, ax: plt.Axes, title: str, takeaway: str) -> plt.Figure:
    """Title on the left and a one-line takeaway under it; tight layout."""
    ax.set_title(title, loc="left", pad=22)
    ax.text(0, 1.02, takeaway, transform=ax.transAxes, fontsize=10, color=SUBTLE, va="bottom")
    fig.tight_layout()
    return fig


def stars(p: float) -> str:
    """Significance stars: *** p<.001, ** p<.01, * p<.05, else ''."""
    if p != p:  # NaN: not bootstrapped
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""
