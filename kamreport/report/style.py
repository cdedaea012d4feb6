"""The look of every report chart: CJK-capable fonts, colours, title + takeaway, scoped per figure.

The Noto CJK font files (Debian ``fonts-noto-cjk``) are found with ``fc-match`` (else a glob
under /usr/share/fonts) and registered with matplotlib's public ``FontManager.addfont`` the
first time a chart is drawn; the family is then set only inside :func:`report_style`.
"""

from __future__ import annotations

import functools
import math
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib import font_manager

CJK_FAMILY = "Noto Sans CJK SC"
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
ACCENT = "#0b6e99"
ACCENT_LIGHT = "#9fd3e8"
MUTED = "#9aa5b1"
INK = "#1f2933"
SUBTLE = "#52606d"
GOOD = "#1b7f3b"
BAD = "#b42318"
WARN = "#d97706"
TIER_COLORS = ("#7a1f5c", "#b42318", "#0b6e99", "#9aa5b1", "#cbd2d9")
#: Significance stars, strictest first: the one definition of what ``***`` means.
STARS = ((0.001, "***"), (0.01, "**"), (0.05, "*"))


def cjk_font_files() -> list[Path]:
    """The Noto Sans CJK files (regular and bold) on this machine, found by fontconfig's
    ``fc-match`` or else under /usr/share/fonts; empty when the fonts are not installed."""
    found: list[Path] = []
    if shutil.which("fc-match"):
        for pattern in (CJK_FAMILY, f"{CJK_FAMILY}:bold"):
            out = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True,
                                 check=False).stdout.strip()
            if out and Path(out).name.startswith("NotoSansCJK") and Path(out).is_file():
                found.append(Path(out))
    if not found:
        for folder in FONT_DIRS:
            if folder.is_dir():
                found += sorted(p for p in folder.rglob("NotoSansCJK*")
                                if p.suffix.lower() in (".ttc", ".otf"))
    return list(dict.fromkeys(found))


@functools.cache
def font_families() -> tuple[str, ...]:
    """The font families of report charts: Noto Sans CJK SC when installed (registered once with
    ``FontManager.addfont`` if matplotlib's cache predates it), then DejaVu Sans."""
    manager = font_manager.fontManager
    if CJK_FAMILY not in {f.name for f in manager.ttflist}:
        known = {f.fname for f in manager.ttflist}
        for path in cjk_font_files():
            if str(path) not in known:
                manager.addfont(path)
    names = {f.name for f in manager.ttflist}
    return (CJK_FAMILY, "DejaVu Sans") if CJK_FAMILY in names else ("DejaVu Sans",)


@contextmanager
def report_style():
    """Fonts (CJK-capable), sizes and spines for report charts, scoped to the ``with`` block."""
    rc = {
        # concrete family names, not "sans-serif": a Text resolves its generic family when the
        # figure is drawn, which may be after this context has ended (savefig, inline display)
        "font.family": list(font_families()), "axes.unicode_minus": False,
        "axes.spines.top": False, "axes.spines.right": False, "axes.titlesize": 13,
        "axes.titleweight": "bold", "axes.labelsize": 11, "figure.dpi": 150, "savefig.dpi": 150,
        "figure.figsize": (8, 4.2), "axes.edgecolor": MUTED, "xtick.color": SUBTLE, "ytick.color": SUBTLE,
    }
    with plt.rc_context(rc):
        yield


def figure_axes(ax: plt.Axes | None, figsize: tuple[float, float]) -> tuple[plt.Figure, plt.Axes]:
    """A new figure of ``figsize`` with one axes, or ``ax``'s figure when an axes is given.

    Examples
    --------
    >>> fig, ax = figure_axes(None, (4, 3))
    >>> figure_axes(ax, (8, 8)) == (fig, ax), fig.get_size_inches().tolist()
    (True, [4.0, 3.0])
    >>> plt.close(fig)
    """
    if ax is None:
        return plt.subplots(figsize=figsize)
    return ax.figure, ax


def plain_log(axis) -> None:
    """A log axis labelled with the tables' digits (``1,000``, ``0.01``), not as powers of ten
    (``10³``: foreign to a manager, and each such label is a mathtext parse); decades only.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> ax.set_yscale("log"); plain_log(ax.yaxis)
    >>> [ax.yaxis.get_major_formatter()(v, 0) for v in (0.01, 1, 1000, 1e6)]
    ['0.01', '1', '1,000', '1,000,000']
    >>> plt.close(fig)
    """
    axis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}"))
    axis.set_minor_formatter(plt.NullFormatter())


def finish(fig: plt.Figure, ax: plt.Axes, title: str, takeaway: str) -> plt.Figure:
    """Title on the left and a one-line takeaway under it; tight layout."""
    ax.set_title(title, loc="left", pad=22)
    ax.text(0, 1.02, takeaway, transform=ax.transAxes, fontsize=10, color=SUBTLE, va="bottom")
    fig.tight_layout()
    return fig


def stars(p: float) -> str:
    """Significance stars: *** p<.001, ** p<.01, * p<.05, else ''.

    Examples
    --------
    >>> stars(0.0004), stars(0.03), stars(0.2), stars(float("nan"))
    ('***', '*', '', '')
    """
    if math.isnan(p):  # not bootstrapped
        return ""
    return next((mark for cut, mark in STARS if p < cut), "")


def stars_legend() -> str:
    """What the stars mean, from :data:`STARS`: ``*** p<.001 ** p<.01 * p<.05``."""
    return " ".join(f"{mark} p<{f'{cut:g}'.removeprefix('0')}" for cut, mark in STARS)
