"""The chart style: CJK font from the installed Noto files through public API only, scoped to
the style context; one figure helper; the stars and their legend from one table."""

from __future__ import annotations

import inspect
import warnings

import matplotlib
import matplotlib.pyplot as plt
import pytest

from kamreport.report import style


def test_cjk_font_is_found_and_used_only_inside_the_style():
    files = style.cjk_font_files()
    assert files and all(
        p.name.startswith("NotoSansCJK") for p in files
    )  # make setup installs fonts-noto-cjk
    before = list(matplotlib.rcParams["font.family"])
    with style.report_style():
        assert matplotlib.rcParams["font.family"][0] == style.CJK_FAMILY
        fig, ax = style.figure_axes(None, (3, 2))
        ax.set_title("客户金字塔", fontweight="bold")
        ax.text(0.5, 0.5, "收入占比")
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font.*")
        fig.canvas.draw()  # drawn after the context, as savefig does
    plt.close(fig)
    assert list(matplotlib.rcParams["font.family"]) == before


def test_no_private_font_manager_api():
    source = inspect.getsource(style)
    assert "_load_fontmanager" not in source and "fontManager =" not in source


def test_figure_axes_reuses_a_given_axes():
    fig, ax = style.figure_axes(None, (5, 2))
    assert fig.get_size_inches().tolist() == [5.0, 2.0]
    assert style.figure_axes(ax, (9, 9)) == (fig, ax)
    plt.close(fig)


@pytest.mark.parametrize(
    "p, mark", [(0.0001, "***"), (0.001, "**"), (0.009, "**"), (0.04, "*"), (0.05, ""), (float("nan"), "")]
)
def test_stars(p, mark):
    assert style.stars(p) == mark


def test_stars_legend_follows_the_table():
    assert style.stars_legend() == "*** p<.001 ** p<.01 * p<.05"
    assert [cut for cut, _ in style.STARS] == sorted(cut for cut, _ in style.STARS)
