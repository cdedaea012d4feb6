"""The retention KPI page (kamreport.report.kpis): tiles with arrows that say whether a change is good,
escaped data strings, and charts that name what they show, in both languages."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from kamreport.report import kpis as page  # noqa: E402
from kamreport.report.labels import LANGUAGES, label  # noqa: E402
from kamreport.report.style import BAD, GOOD  # noqa: E402
from kamreport.value.complaints import root_cause_shares  # noqa: E402
from kamreport.value.crossbuying import product_line_rules  # noqa: E402
from kamreport.value.kpis import retention_kpis  # noqa: E402
from kamreport.value.retention import cohort_retention  # noqa: E402

EVIL = "<script>alert(1)</script>"


@pytest.fixture
def tx() -> pd.DataFrame:
    rows = [("a", "2024-01-04", EVIL), ("b", "2024-01-09", "X"), ("c", "2024-01-20", "Y"),
            ("a", "2024-02-02", "X"), ("b", "2024-02-14", EVIL), ("b", "2024-02-15", "X"),
            ("a", "2024-03-05", "X"), ("d", "2024-03-06", "Y")]
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "product_line"]).assign(amount=1.0)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


@pytest.fixture
def complaints() -> pd.DataFrame:
    return pd.DataFrame({"account_id": ["a", "b", "a"], "severity": [3, 1, 1], "category": [EVIL, EVIL, "x"],
                         "date": pd.to_datetime(["2024-02-03", "2024-02-20", "2024-03-09"])})


@pytest.mark.parametrize("language", LANGUAGES)
def test_tiles_show_direction_and_whether_it_is_good(tx, complaints, language):
    k = retention_kpis(tx, product_line="product_line", complaints=complaints, freq="M", as_of="2024-03-31")
    text = page.kpi_tiles_html(k, language)
    assert text.count('class="kam-kpi"') == len(k.table)
    # retention fell from 2/3 to 1/2 (bad, red, down arrow); complaints per account fell 1 -> 0.5 (good, green)
    tiles = text.split('class="kam-kpi"')[1:]
    by_name = {label(f"kpi_{c}", language): t for c, t in zip(k.table.index, tiles)}
    retention = by_name[label("kpi_retention_rate", language)]
    assert "▼" in retention and BAD in retention and "50.0%" in retention
    assert label("kpi_change_points", language, change=-100 / 6) in retention
    complaint = by_name[label("kpi_complaint_rate", language)]
    assert "▼" in complaint and GOOD in complaint and label("kpi_down_good", language) in complaint
    assert "2024-02" in text and "<script>" not in text
    assert page.kpi_caveats(k, language) == [label("kpi_caveat_no_survey", language)]
    assert "2024-03" in page.kpi_note(k, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_charts_and_rules_table(tx, complaints, language):
    fig = page.cohort_heatmap(cohort_retention(tx, freq="M", as_of="2024-03-31"), language)
    texts = [t.get_text() for t in fig.axes[0].texts]
    # January cohort {a, b, c}: 2/3 in February, 1/3 in March; February cohort none; March cohort {d}
    assert "67%" in texts and "33%" in texts
    assert any(label("kpi_cohort_takeaway", language, cohort="2024-01", share=2 / 3, median=2 / 3) == t
               for t in texts)
    plt.close(fig)
    fig = page.root_cause_chart(root_cause_shares(complaints), language)
    assert label("kpi_root_cause_takeaway", language, category=EVIL, share=2 / 3) in [
        t.get_text() for t in fig.axes[0].texts]
    plt.close(fig)
    rules = product_line_rules(tx, min_support=0.2, min_confidence=0.0)
    html = page.rules_table(rules, language).to_html()
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert label("kpi_rule_lift", language) in html
    assert page.rules_empty_text(rules, language) is None
    assert page.rules_empty_text(rules.iloc[:0], language) == label("kpi_rules_none", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_kpi_frame_holds_the_tiles_numbers_for_the_workbook(tx, complaints, language):
    """One row per KPI with both periods: what a monthly batch appends to trend the KPIs."""
    k = retention_kpis(tx, product_line="product_line", complaints=complaints, freq="M", as_of="2024-03-31")
    frame = page.kpi_frame(k, language)
    assert len(frame) == len(k.table)
    row = frame.loc[label("kpi_retention_rate", language)]
    assert row[label("kpi_col_period", language)] == "2024-03"
    assert row[label("kpi_col_previous_period", language)] == "2024-02"
    assert row[label("kpi_col_current", language)] == pytest.approx(0.5)
    assert row[label("kpi_col_change", language)] == pytest.approx(0.5 - 2 / 3)


@pytest.mark.parametrize("language", LANGUAGES)
def test_severity_table_names_levels_and_shares(complaints, language):
    from kamreport.value.complaints import severity_distribution

    page_html = page.severity_table(severity_distribution(complaints), language).to_html()
    assert label("kpi_sev_critical", language) in page_html and "33.3%" in page_html and "66.7%" in page_html
