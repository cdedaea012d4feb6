"""SERVQUAL and delivered-value report layer: charts, tables and sentences in both languages,
data-derived names escaped."""

from __future__ import annotations

import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from kamreport.report import servqual as rep
from kamreport.satisfaction.delivered import delivered_value
from kamreport.satisfaction.servqual import servqual_gaps

matplotlib.use("Agg")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
DIMS = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")
SEGMENTS = ["<script>x</script>", "East $1"]


@pytest.fixture(scope="module")
def survey():
    rng = np.random.default_rng(7)
    n = 120
    frame = {"segment": rng.choice(SEGMENTS, n), "account": [f"A{i % 15:02d}" for i in range(n)]}
    for k, dim in enumerate(DIMS):
        for j in (1, 2):
            e = rng.integers(4, 8, n)
            frame[f"E_{dim}{j}"] = e
            frame[f"P_{dim}{j}"] = np.clip(e - rng.integers(0, 2 + (dim == "responsiveness") * 2, n), 1, 7)
    for c in ("pv", "sv", "rv", "iv", "mc", "tc", "ec", "pc"):
        frame[c] = rng.integers(1, 8, n)
    return pd.DataFrame(frame)


PAIRS = {d: [(f"E_{d}{j}", f"P_{d}{j}") for j in (1, 2)] for d in DIMS}
VALUE = {"product": ["pv"], "service": ["sv"], "personnel": ["rv"], "image": ["iv"]}
COST = {"monetary": ["mc"], "time": ["tc"], "energy": ["ec"], "psychic": ["pc"]}


@pytest.fixture(scope="module")
def results(survey):
    return (
        servqual_gaps(survey, PAIRS, segment="segment"),
        delivered_value(survey, VALUE, COST, account="account", segment="segment"),
    )


def _texts(fig) -> str:
    return " ".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_charts_have_words_in_the_language(results, language):
    sq, dv = results
    for fig in (
        rep.gap_chart(sq, language),
        rep.items_chart(sq, language),
        rep.value_cost_chart(dv, language),
    ):
        text = _texts(fig)
        assert bool(CJK.search(text)) == (language == "zh"), text[:200]
        assert "sq_" not in text and "dv_" not in text
        fig.canvas.draw()  # a '$' from data must not break mathtext
        plt.close(fig)
    fig = rep.gap_chart(sq, "zh")
    assert "反应性" in _texts(fig)  # the method text's term for responsiveness (004)
    plt.close(fig)


def test_gap_chart_shows_every_dimension_and_the_worst(results):
    sq, _ = results
    fig = rep.gap_chart(sq, "en")
    ax = fig.axes[0]
    assert len(ax.patches) == 5
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "Responsiveness"  # the worst on top
    assert "Responsiveness" in _texts(fig)
    plt.close(fig)


def test_value_cost_chart_bars_are_the_segment_means(results):
    _, dv = results
    fig = rep.value_cost_chart(dv, "en")
    heights = sorted(round(p.get_height(), 9) for p in fig.axes[0].patches)
    expected = sorted(
        round(v, 9)
        for v in dv.segments[
            dv.segments["measure"].str.contains("_")
            & ~dv.segments["measure"].str.startswith("total")
            & (dv.segments["measure"] != "delivered_value")
        ]["mean"]
    )
    assert heights == expected
    plt.close(fig)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_tables_escape_data(results, language):
    sq, dv = results
    for sty in (
        rep.gap_table(sq, language),
        rep.gap_table(sq, language, by_segment=True),
        rep.items_table(sq, language),
        rep.delivered_table(dv, language),
        rep.accounts_table(dv, language, 5),
    ):
        page = sty.to_html()
        assert "<script>" not in page
        assert bool(CJK.search(page)) == (language == "zh")
    assert "&lt;script&gt;" in rep.delivered_table(dv, language).to_html()


def test_sentences_carry_the_numbers(results):
    sq, dv = results
    text = rep.servqual_summary(sq, "en")
    dims = sq.dimensions.set_index("dimension")
    assert f"{sq.score:+.2f}" in text and "Responsiveness" in text
    assert f"{dims.loc['responsiveness', 'ci_low']:+.2f}" in text
    assert f"of {len(sq.items)} item gaps" in text
    text = rep.delivered_summary(dv, "zh")
    assert f"{dv.overall.loc['delivered_value', 'mean']:+.1f}" in text and "顾客让渡价值" in text
    assert "<script>" not in text
    assert "等权均值" in rep.delivered_note(dv, "zh")
    dv2 = delivered_value(
        pd.DataFrame({"a": [1, 5], "b": [2, 3], "c": [3, 3]}),
        {"product": ["a"], "image": ["b"]},
        {"time": ["c"]},
        value_weights={"product": 0.7, "image": 0.3},
    )
    assert "Product value 70%" in rep.delivered_note(dv2, "en")
    assert "All" in rep.delivered_summary(dv2, "en")


def test_codebook_names_override_the_labels(results):
    sq, _ = results
    names = {"tangibles": {"zh": "硬件", "en": "Facilities"}, "P_empathy1": {"zh": "关怀", "en": "Care"}}
    assert rep.display_name("tangibles", "en", names) == "Facilities"
    assert "Care" in rep.items_table(sq, "en", names=names).to_html()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_gap_by_segment_grid_shows_each_segments_gap_and_stars_significance(results, language):
    sq, _ = results
    grid = rep.gap_by_segment_table(sq, language).data
    by = sq.dimensions_by_segment
    for seg, part in by.groupby("segment"):
        row = part.iloc[0]
        shown = grid.iloc[list(sq.dimensions["dimension"]).index(row["dimension"])][str(seg)]
        assert shown.startswith(f"{row['gap']:+.2f}") and shown.endswith("*") == (row["p_value"] < 0.05)
    assert grid.shape == (len(sq.dimensions), by["segment"].nunique() + 1)
