"""The typology and satisfaction-loyalty report (kamreport.report.typology): the numbers, units and
cut points of kamreport.value.typology in its sentences and tables, in both languages; data strings
escaped; charts carry the cut lines."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from kamreport.report import typology as rt  # noqa: E402
from kamreport.report.labels import label  # noqa: E402
from kamreport.value.typology import (satisfaction_loyalty_curve, satisfaction_trap, typology,  # noqa: E402
                                      typology_summary)

IDS = ["a", "b", "c", "d", "<b>e</b>"]
SAT = pd.Series([95.0, 80, 80, 40, 20], index=IDS)
LOY = pd.Series([95.0, 80, 40, 80, 10], index=IDS)
REVENUE = pd.Series([50.0, 30, 10, 10, 0], index=IDS)
ALIVE = pd.Series([0.9, 0.8, 0.2, 0.9, 0.1], index=IDS)


@pytest.fixture(scope="module")
def parts():
    types = typology(SAT, LOY)
    return types, typology_summary(types, REVENUE), satisfaction_trap(types, ALIVE), \
        satisfaction_loyalty_curve(SAT, LOY, {"p_alive": ALIVE})


def test_summary_sentence_numbers(parts):
    types, summary, trap, _ = parts
    # satisfied: a, b, c; c is not loyal and not alive -> 1 of 3 trapped
    assert rt.typology_summary_text(summary, trap, "en") == (
        "Of 5 accounts, 1 are mercenaries (satisfied, not loyal) and 1 hostages (dissatisfied, locked in); "
        "1 apostles bring 50.0% of revenue. 33.3% of the satisfied accounts are not loyal or are defecting "
        "(the satisfaction trap).")
    zh = rt.typology_summary_text(summary, trap, "zh")
    assert "5 个客户中，1 个为图利者" in zh and "贡献 50.0% 的收入" in zh and "33.3% 不忠诚或正在流失" in zh


@pytest.mark.parametrize("language, expected", [
    ("en", ["of 3 satisfied accounts, 1 (33.3%)", "below 70", "P(alive) below 0.5", "1 (33.3%) in all"]),
    ("zh", ["3 个满意客户中，1 个（33.3%）态度忠诚低于 70", "P(存活) 低于 0.5", "合计 1 个（33.3%）"]),
])
def test_trap_text(parts, language, expected):
    types, _, trap, _ = parts
    text = rt.trap_text(trap, types.attrs["cuts"], language)
    assert all(e in text for e in expected), text


@pytest.mark.parametrize("language", ["zh", "en"])
def test_section_note_names_the_cuts(parts, language):
    text = label("typology_section_note", language, **rt.cut_fields(parts[0].attrs["cuts"]))
    assert all(s in text for s in ("≥ 70", "≥ 90 / 90", "≤ 30 / 30", "0–100"))


def test_curve_jump_text_and_table(parts):
    curve = parts[3]
    # top band [90, 100]: a (95); next [70, 90): b, c (80, 80) -> loyalty 60; jump 35
    text = rt.curve_jump_text(curve, "en")
    assert "Attitudinal loyalty: 95.00 in the completely satisfied band, 60.00 in the satisfied band, +35.00" in text
    assert "P(alive): 0.90" in text and "0.50 in the satisfied band, +0.40" in text
    assert "态度忠诚：完全满意区间 95.00，满意区间 60.00，差 +35.00" in rt.curve_jump_text(curve, "zh")
    html = rt.curve_table(curve, "zh").to_html()
    assert "满意度区间" in html and "[90, 100]" in html and "态度忠诚（保序回归）" in html


def test_typology_table_escapes_and_formats(parts):
    _, summary, _, _ = parts
    html = rt.typology_table(summary, "en", "USD").to_html()
    assert "Revenue (USD)" in html and "50.0%" in html and "turn into references" in html
    assert "传道者" in rt.typology_table(summary, "zh", "CNY").to_html()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_charts_have_cut_lines_and_takeaways(parts, language):
    types, _, _, curve = parts
    fig = rt.typology_chart(types, language)
    ax = fig.axes[0]
    xs = {tuple(line.get_xdata()) for line in ax.lines}
    assert (70, 70) in xs                                     # the satisfaction cut
    assert any("1" in t.get_text() for t in ax.texts)         # takeaway with the counts
    plt.close(fig)
    fig = rt.curve_chart(curve, language)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "[90, 100]"
    assert any("+35.0" in t.get_text() for t in ax.texts)
    assert len(fig.axes) == 2                                  # behavioural measure on the right
    plt.close(fig)
