"""Tables: headers translated, money in the report's currency, recency in the summary's time
unit, numbers formatted; the satisfaction tables on the real analysis of mobi."""

from __future__ import annotations

import itertools
import re

import pandas as pd
import pytest
import report_results as syn  # tests/report/report_results.py

from kamreport.report import tables, value_tables

LANGS = ("zh", "en")
mobi_survey, sat_analysis = syn.mobi_survey, syn.sat_analysis  # fixtures


def _html(styler) -> str:
    return re.sub(r"<[^>]+>", " ", styler.to_html())


def _money_ok(text: str, language: str, currency: str) -> None:
    if currency == "USD":
        assert "USD" in text and "CNY" not in text and "元" not in text
    else:
        assert ("元" if language == "zh" else "CNY") in text


@pytest.mark.parametrize("language, freq, currency", list(itertools.product(LANGS, "DWM", ("CNY", "USD"))))
def test_profile_table_units(language, freq, currency):
    text = _html(value_tables.profile_table(syn.profile(), language, freq=freq, currency=currency))
    unit = {"zh": {"D": "天", "W": "周", "M": "月"}, "en": {"D": "days", "W": "weeks", "M": "months"}}[
        language
    ][freq]
    assert (
        "距上次购买（" + unit + "）" if language == "zh" else f"Time since last purchase ({unit})"
    ) in text
    others = {"zh": {"D": "周", "W": "天", "M": "周"}, "en": {"D": "weeks", "W": "days", "M": "weeks"}}[
        language
    ][freq]
    assert others not in text
    _money_ok(text, language, currency)
    assert "150,000" in text and "80.0%" in text and "30.0" in text


def test_profile_table_needs_the_unit():
    with pytest.raises(TypeError):
        value_tables.profile_table(syn.profile(), "en")
    with pytest.raises(KeyError, match="time unit 'Q'"):
        value_tables.profile_table(syn.profile(), "en", freq="Q")


@pytest.mark.parametrize("language, currency", list(itertools.product(LANGS, ("CNY", "USD"))))
def test_money_tables_name_the_currency(language, currency):
    v = syn.value_analysis()
    seg = _html(value_tables.segment_table(v.rfm, v.summary, language, currency=currency))
    _money_ok(seg, language, currency)
    assert ("重要价值客户" in seg) == (language == "zh")
    top = _html(value_tables.top_accounts_table(v.values, language, n=5, currency=currency))
    _money_ok(top, language, currency)
    assert "&lt;" in value_tables.top_accounts_table(v.values, language, n=5).to_html() or "Account" in top
    assert len(re.findall(r"A0\d\d", top)) == 5


@pytest.mark.parametrize("language", LANGS)
def test_value_tables_without_money(language):
    v = syn.value_analysis()
    text = _html(value_tables.concentration_table(v.concentration, language))
    assert "20%" in text and f"{syn.TOP20:.3f}" in text and "0.654" in text
    text = _html(value_tables.diagnostics_table(v.summary.attrs["diagnostics"], language))
    assert "1,234" in text and "12" in text and "duckdb" not in text
    assert ("退货行" in text) == (language == "zh") and ("零金额" not in text)  # zero counts left out
    text = _html(value_tables.holdout_table(v.holdout, language))
    assert "81.50" in text
    text = _html(value_tables.model_params_table(v, language))
    assert "Gamma-Gamma" in text and "15.400" in text and "-1234.500" in text
    assert bool(syn.CJK.search(text)) == (language == "zh")


@pytest.mark.parametrize("language", LANGS)
def test_fit_table_verdicts(language):
    text = _html(tables.fit_table({"n": 250, "cfi": 0.96, "rmsea": 0.07, "srmr": 0.05}, language))
    passed, failed = ("合格", "不合格") if language == "zh" else ("pass", "fail")
    assert text.count(failed) == 1 and text.count(passed) >= 2 and "≥ 0.95" in text and "≤ 0.06" in text


@pytest.mark.parametrize("language", LANGS)
def test_styled_formats(language):
    df = pd.DataFrame({"n": [1234], "share": [0.1234], "mean": [3.14159]})
    text = _html(tables.styled(df, language, percent=("share",)))
    assert "1,234" in text and "12.3%" in text and "3.14" in text
    assert ("有效样本" in text) == (language == "zh")


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGS)
def test_satisfaction_tables(sat_analysis, language):
    a = sat_analysis(segment="region", wave="wave")
    names = {c: c for c in a.index["construct"]}
    for styler in (
        tables.path_table(a.pls, names, language),
        tables.r2_table(a.pls, names, language),
        tables.reliability_table(a.quality, names, language),
        tables.index_table(a.index, names, language),
        tables.change_table(a.index_change, names, language),
        tables.vif_table(a.quality.vif, names, language, threshold=a.quality.thresholds.vif),
    ):
        text = _html(styler)
        assert bool(syn.CJK.search(text)) == (language == "zh"), text[:200]
    htmt = tables.matrix_table(a.quality.htmt, names, language, threshold=0.0).to_html()
    assert re.search(r"color: ?#b42318", htmt)  # every cell above a threshold of 0
    paths = _html(tables.path_table(a.pls, names, language))
    assert f"{a.pls.paths['estimate'].iloc[0]:.3f}" in paths
