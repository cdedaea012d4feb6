"""Summaries and notes state the numbers of the results and the parameters: CLV horizon,
currency, at-risk threshold, the analysis' top share, tiers used; both languages."""

from __future__ import annotations

import itertools
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import report_results as syn  # tests/report/report_results.py

from kamreport.report import narrative
from kamreport.report.labels import DIAGNOSTICS

LANGS = ("zh", "en")
mobi_survey, sat_analysis = syn.mobi_survey, syn.sat_analysis  # fixtures


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


@pytest.mark.parametrize(
    "language, months, currency, threshold",
    list(itertools.product(LANGS, (6, 12, 24), ("CNY", "USD"), (0.3, 0.5))),
)
def test_value_summary(language, months, currency, threshold):
    value = syn.value_analysis(months=months, threshold=threshold)
    text = _text(narrative.value_summary(value, language, currency=currency))
    assert (f"{months} 个月" if language == "zh" else f"{months} months") in text
    assert f"{threshold:g}" in text and "0.5" not in text.replace(f"{threshold:g}", "") or threshold == 0.5
    total = f"{value.values['clv'].sum():,.0f}"
    if currency == "USD":
        assert "USD" in text and "CNY" not in text and "元" not in text
        assert (f"{total} USD" if language == "zh" else f"USD {total}") in text
    else:
        assert (f"{total} 元" if language == "zh" else f"CNY {total}") in text
    assert f"{syn.TOP20:.0%}" in text  # the analysis' own top share
    assert f"{int(value.values['at_risk'].sum())} " in text
    assert "+0.0%" not in text and f"{80 / 81.5 - 1:+.1%}" in text  # holdout error from the totals
    assert bool(syn.CJK.search(text)) == (language == "zh")


@pytest.mark.parametrize("language", LANGS)
def test_value_summary_without_clv(language):
    text = narrative.value_summary(syn.value_analysis(clv=False), language, currency="USD")
    assert "correlated" in text and "USD" not in text


@pytest.mark.parametrize("language", LANGS)
def test_value_summary_needs_the_threshold_used(language):
    value = syn.value_analysis()
    del value.at_risk_p_alive
    with pytest.raises(AttributeError, match="at_risk_p_alive"):
        narrative.value_summary(value, language)


@pytest.mark.parametrize("language", LANGS)
def test_pyramid_and_clv_notes(language):
    default = narrative.pyramid_note({"VIP": 0.01, "Key": 0.04, "Ordinary": 0.15, "Small": 0.80}, language)
    assert "1% / 4% / 15% / 80%" in default
    custom = narrative.pyramid_note({"Top": 0.2, "Middle": 0.3, "Rest": 0.5}, language)
    assert "20% / 30% / 50%" in custom and "Top" in custom and "Rest" in custom and "80%" not in custom
    for months in (6, 24):
        note = narrative.clv_note(SimpleNamespace(months=months), language)
        assert (f"{months} 个月" if language == "zh" else f"{months} months") in note


@pytest.mark.parametrize("language", LANGS)
def test_value_window(language):
    text = narrative.value_window(syn.value_analysis(), language)
    assert "2025-06-29" in text and "2025-12-28" in text and "60" in text


@pytest.mark.parametrize("language", LANGS)
def test_cbsem_note(language):
    """The note states the estimator, the missing-data rule and the respondents it used."""
    text = narrative.cbsem_note(SimpleNamespace(fit={"n": 1500}, n_used=1500, n_dropped=0, solver="scoring",
                                                estimator="MLR", missing="fiml"), language)
    assert "1500" in text and "scoring" in text and "MLR" in text and "FIML" in text
    listwise = narrative.cbsem_note(SimpleNamespace(fit={"n": 443}, n_used=443, n_dropped=807,
                                                    solver="trust-constr", estimator="ML", missing="listwise"),
                                    language)
    assert "443" in listwise and "807" in listwise and "MLR" not in listwise


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGS)
@pytest.mark.parametrize(
    "segment, wave", [(None, None), ("region", None), (None, "wave"), ("region", "wave")]
)
def test_satisfaction_summary(sat_analysis, mobi_survey, language, segment, wave):
    a = sat_analysis(segment=segment, wave=wave)
    _, codebook = mobi_survey
    text = _text(narrative.satisfaction_summary(a, codebook, language, ci=0.9, significance=0.2))
    row = a.index.set_index("construct").loc["Satisfaction"]
    assert f"{row['index']:.1f}" in text and "90%" in text and "95%" not in text
    assert f"n = {int(row['n'])}" in text
    if wave:
        ch = a.index_change.set_index("construct").loc["Satisfaction"]
        assert f"{ch['change']:+.1f}" in text
        verdict = (
            ("显著" if language == "zh" else "significant")
            if ch["p_value"] < 0.2
            else ("不显著" if language == "zh" else "not significant")
        )
        assert verdict in text
    assert (("按地区" if language == "zh" else "By region") in text) == bool(segment)
    assert "中" not in text if language == "en" else "Satisfaction中" in text
    assert not re.search(r"htmt_|fornell_|\((alpha|ave|rho_a|rho_c)\)", text)   # criteria in words
    notes = narrative.method_notes(a, language)
    assert f"n = {a.pls.n}" in notes and str(a.pls.iterations) in notes
    assert bool(syn.CJK.search(notes)) == (language == "zh")


def _transactions(n_customers: int = 300, seed: int = 7) -> pd.DataFrame:
    """A BG/NBD world: gamma purchase rates, a beta chance of dropping out after each purchase."""
    rng = np.random.default_rng(seed)
    rows = []
    start = pd.Timestamp("2023-01-02")
    for c in range(n_customers):
        day, rate, drop = float(rng.integers(0, 200)), rng.gamma(1.5, 0.03), rng.beta(1.0, 4.0)
        spend = rng.gamma(3.0, 100.0)  # the customer's mean order value
        while day < 720:
            rows.append((f"C{c:03d}", start + pd.Timedelta(days=int(day)), float(rng.gamma(4.0, spend / 4))))
            if rng.uniform() < drop:
                break
            day += rng.exponential(1 / rate)
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount"])


@pytest.mark.slow
@pytest.mark.parametrize("freq, months", [("D", 6), ("W", 12), ("M", 24)])
def test_reports_of_the_real_value_analysis(freq, months):
    """analyse_value on a small made-up log, through the value summary, notes and tables."""
    from kamreport.report import value_tables
    from kamreport.value.analysis import analyse_value

    value = analyse_value(
        _transactions(),
        observation_end="2024-06-30",
        holdout_end="2024-12-29",
        freq=freq,
        months=months,
        at_risk_p_alive=0.4,
    )
    value = SimpleNamespace(**{**vars(value), "at_risk_p_alive": 0.4})  # until ValueAnalysis records it
    assert value.summary.attrs["freq"] == freq
    for language in LANGS:
        text = _text(narrative.value_summary(value, language, currency="USD"))
        assert "USD" in text and "元" not in text and "0.4" in text
        assert f"{value.concentration.top_shares[0.2]:.0%}" in text
        assert "clv" in value.values, value.spend_model_error
        if "clv" in value.values:
            assert (f"{months} 个月" if language == "zh" else f"{months} months") in text
        header = value_tables.profile_table(
            value.profile, language, freq=value.summary.attrs["freq"]
        ).to_html()
        unit = {"zh": {"D": "天", "W": "周", "M": "月"}, "en": {"D": "days", "W": "weeks", "M": "months"}}
        assert unit[language][freq] in header
    counts = [
        k
        for k, v in value.summary.attrs["diagnostics"].items()
        if isinstance(v, int) and not isinstance(v, bool)
    ]
    assert counts and set(counts) <= set(DIAGNOSTICS)  # every cleaning count has its words


def _quality(rows) -> SimpleNamespace:
    from kamreport.satisfaction.measurement import Thresholds

    checks = pd.DataFrame(rows, columns=["subject", "criterion", "value", "passed", "level"])
    return SimpleNamespace(checks=checks, thresholds=Thresholds(alpha=0.75))


@pytest.mark.parametrize("language", LANGS)
def test_quality_summary_names_each_unmet_criterion_once_in_the_reports_words(language):
    """Grouped by criterion, with the threshold used; constructs by their codebook names (escaped);
    more than three subjects are counted, not listed; warnings and passes are not named."""
    pairs = [f"A~{b}" for b in "BCDE"]
    rows = [("A", "alpha", 0.6, False, "required"), ("B", "alpha", 0.9, True, "required"),
            ("A", "ave", 0.4, False, "required"), ("B", "ave", 0.45, False, "required"),
            ("A", "fornell_larcker", 0.8, False, "required"),
            *[(p, "htmt_liberal", 0.95, False, "required") for p in pairs],
            ("A~B", "htmt_liberal", 0.97, False, "required"),       # the bootstrap bound: same pair
            ("A~B", "htmt_strict", 0.95, False, "warning"), ("x1", "loading", 0.6, False, "warning")]
    names = {"A": "<Image>", "B": "质量" if language == "zh" else "Quality"}
    text = narrative.quality_summary(_quality(rows), names, language)
    plain = _text(text)
    assert "&lt;Image&gt;" in text and "<Image>" not in text
    for raw in ("htmt_liberal", "htmt_strict", "fornell_larcker", "(ave)", "alpha)", "loading", "x1"):
        assert raw not in plain
    if language == "en":
        assert plain.startswith("Measurement criteria not met — reliability (alpha ≥ 0.75): &lt;Image&gt;; ")
        assert "convergent validity (AVE ≥ 0.50): &lt;Image&gt;, Quality; Fornell–Larcker criterion" in plain
        assert "discriminant validity (HTMT < 0.90): &lt;Image&gt;–Quality, &lt;Image&gt;–C, &lt;Image&gt;–D and 1 more." in plain
    else:
        assert plain.startswith("测量质量未达标——信度（α ≥ 0.75）：&lt;Image&gt;；")
        assert "收敛效度（AVE ≥ 0.50）：&lt;Image&gt;、质量；Fornell–Larcker 准则" in plain
        assert "区分效度（HTMT < 0.90）：&lt;Image&gt;–质量、&lt;Image&gt;–C、&lt;Image&gt;–D，另有 1 项。" in plain
    ok = narrative.quality_summary(_quality(rows[1:2] + rows[-2:]), names, language)
    assert ok == ("测量质量：所有信度与效度标准均达标。" if language == "zh"
                  else "Measurement: every reliability and validity criterion is met.")
