"""Every chart over a small matrix of parameters: the numbers and units its texts state come
from the results and the parameters (synthetic value results; the real satisfaction analysis
of mobi, Tenenhaus et al. 2005, bootstrapped 100 times)."""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import pandas as pd
import pytest
import report_results as syn  # tests/report/report_results.py

from kamreport.report import charts, value_charts

LANGS = ("zh", "en")
mobi_survey, sat_analysis = syn.mobi_survey, syn.sat_analysis  # fixtures


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize(
    "language, months, currency", list(itertools.product(LANGS, (6, 12, 24), ("CNY", "USD")))
)
def test_clv_chart_horizon_and_currency(language, months, currency):
    text = syn.figure_text(
        value_charts.clv_by_tier(
            syn.values(), language, months=months, tier_order=syn.TIERS, currency=currency
        )
    )
    assert (f"{months} 个月" if language == "zh" else f"{months} months") in text
    assert "12 " not in text.replace(f"{months} ", "") or months == 12
    if currency == "USD":
        assert "USD" in text and "CNY" not in text and "元" not in text
    else:
        assert ("元" if language == "zh" else "CNY") in text
    share = syn.values().groupby("tier")["clv"].sum().loc[["VIP", "Key"]].sum() / syn.values()["clv"].sum()
    assert f"{share:.0%}" in text


def test_clv_chart_needs_the_horizon():
    with pytest.raises(TypeError):
        value_charts.clv_by_tier(syn.values(), "en")


@pytest.mark.parametrize("language", LANGS)
def test_lorenz_chart_shows_the_analysis_top_share(language):
    text = syn.figure_text(value_charts.lorenz_chart(syn.concentration(), language))
    assert f"{syn.TOP20:.0%}" in text and "50%" not in text.split("\n")[0]
    assert "20% → 73%" in text and "0.65" in text
    other = syn.figure_text(value_charts.lorenz_chart(syn.concentration(), language, top=0.05))
    assert "5% → 39%" in other
    with pytest.raises(KeyError, match="no top share for 0.1"):
        value_charts.lorenz_chart(syn.concentration(), language, top=0.1)


@pytest.mark.parametrize("language", LANGS)
def test_pyramid_chart(language):
    text = syn.figure_text(value_charts.pyramid_chart(syn.profile(), language))
    assert "5%" in text and "39%" in text  # top two tiers: customers, revenue
    assert ("160 位客户" if language == "zh" else "160 customers") in text
    assert ("VIP客户" in text) == (language == "zh")
    assert not syn.CJK.search(text) or language == "zh"


@pytest.mark.parametrize("language, currency", list(itertools.product(LANGS, ("CNY", "USD"))))
def test_rfm_heatmap_currency(language, currency):
    data = syn.rfm()
    fig = value_charts.rfm_heatmap(data, language, currency=currency)
    text = syn.figure_text(fig)
    champions = int(((data["f_score"] == 5) & (data["r_score"] == 5)).sum())
    assert str(champions) in text
    assert currency in text if language == "en" or currency == "USD" else "元" in text
    if currency == "USD":
        assert "元" not in text and "CNY" not in text


@pytest.mark.parametrize("language", LANGS)
def test_migration_and_holdout(language):
    matrix = pd.DataFrame(
        [[8, 2, 0], [1, 9, 0], [0, 0, 5]], index=["VIP", "Key", "new"], columns=["VIP", "Key", "lost"]
    )
    text = syn.figure_text(value_charts.migration_heatmap(matrix, language))
    assert "85%" in text  # 17 of the 20 tiered stayed
    assert ("新客户" in text) == (language == "zh")
    h = syn.holdout()
    text = syn.figure_text(value_charts.holdout_chart(h, language))
    body = h.drop(index="all")
    err = ((body["predicted_mean"] - body["actual_mean"]).abs() * body["n_customers"]).sum() / body[
        "n_customers"
    ].sum()
    assert f"{err:.2f}" in text


@pytest.mark.parametrize("language", LANGS)
def test_value_charts_in_english_have_no_chinese(language):
    figs = [
        value_charts.pyramid_chart(syn.profile(), language),
        value_charts.lorenz_chart(syn.concentration(), language),
        value_charts.rfm_heatmap(syn.rfm(), language),
        value_charts.holdout_chart(syn.holdout(), language),
        value_charts.clv_by_tier(syn.values(), language, months=12),
    ]
    text = "\n".join(syn.figure_text(f) for f in figs)
    assert bool(syn.CJK.search(text)) == (language == "zh")


# -- satisfaction charts on the real analysis --------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("language", LANGS)
def test_model_diagram(sat_analysis, language):
    a = sat_analysis(segment=None, wave=None)
    text = syn.figure_text(charts.model_diagram(a.pls.paths, a.pls.r2, language))
    strongest = a.pls.paths.loc[a.pls.paths["estimate"].abs().idxmax()]
    assert f"β = {strongest.estimate:.2f}" in text and f"R² = {a.pls.r2.max():.2f}" in text
    assert "*** p<.001 ** p<.01 * p<.05" in text


@pytest.mark.parametrize("language", LANGS)
@pytest.mark.parametrize("threshold", [0.7, 0.95])
def test_alpha_chart_threshold(language, threshold):
    alphas = pd.DataFrame(
        {"alpha": [0.9, 0.8], "ci_low": [0.85, 0.7], "ci_high": [0.93, 0.86]}, index=["A", "B"]
    )
    text = syn.figure_text(charts.alpha_chart(alphas, language, threshold=threshold))
    assert f"{threshold:g}" in text
    if threshold == 0.95:
        assert "A" in text.split("\n")[-4:] or ("A、B" in text or "A, B" in text)
    assert "0.7" not in text or threshold == 0.7


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGS)
def test_index_item_and_ipma_charts(sat_analysis, language):
    a = sat_analysis(segment=None, wave=None)
    text = syn.figure_text(charts.index_chart(a.index, language))
    assert f"{a.index['index'].max():.1f}" in text and f"{a.index['index'].min():.1f}" in text
    text = syn.figure_text(charts.ipma_chart(a.ipma, language, target=a.target))
    assert ("重点改进区" in text) == (language == "zh")
    items = pd.DataFrame({"construct": ["X", "X", "Y"], "item": ["x1", "x2", "y1"], "mean": [7.25, 3.5, 5.0]})
    text = syn.figure_text(charts.item_means_chart(items, language, scale=(1, 7)))
    assert "1–7" in text and "x1" in text and "7.2" in text and "3.5" in text


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGS)
@pytest.mark.parametrize("segment, wave", [("region", None), (None, "wave"), ("region", "wave")])
def test_segment_and_change_charts(sat_analysis, language, segment, wave):
    a = sat_analysis(segment=segment, wave=wave)
    if segment:
        text = syn.figure_text(charts.segment_index_chart(a.index_by_segment, segment, language))
        sat = a.index_by_segment[a.index_by_segment["construct"] == "Satisfaction"].set_index(segment)[
            "index"
        ]
        assert f"{sat.max() - sat.min():.1f}" in text and ("地区" if language == "zh" else "Region") in text
    else:
        assert a.index_by_segment is None
    if wave:
        change = a.index_change
        text = syn.figure_text(charts.index_change_chart(change, language, significance=0.5))
        sig = change[change["p_value"] < 0.5]
        if len(sig):
            assert "0.5" in text and f"{sig['change'].iloc[0]:+.1f}" in text
    else:
        assert a.index_change is None


@pytest.mark.parametrize("n_items", [3, 12, 31])
def test_item_means_legend_covers_no_dot(n_items):
    """The legend stands outside the plot: inside it covered the dots of the last items, which
    start at the scale's low end (the demo's 31 items; a low mean is the dot a reader looks for)."""
    constructs = ["Expectation", "Quality", "Value", "Satisfaction", "Loyalty", "Image"]
    items = pd.DataFrame({"construct": [constructs[k * len(constructs) // n_items] for k in range(n_items)],
                          "item": [f"q{k}" for k in range(n_items)],
                          "mean": [1.2 + (k % 5) * 1.7 for k in range(n_items)]})
    fig = charts.item_means_chart(items, "en", scale=(1, 10))
    fig.canvas.draw()
    ax = fig.axes[0]
    box = ax.get_legend().get_window_extent()
    dots = ax.transData.transform(list(zip(items["mean"], range(n_items))))
    assert not any(box.contains(x, y) for x, y in dots)
    assert box.y1 < ax.get_window_extent().y0                  # below the plot, not on it
