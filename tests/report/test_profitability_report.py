"""The customer-profitability report (kamreport.report.profitability): the numbers and currency of
kamreport.value.profitability in its sentences and tables in both languages; the break-even grid
shows the method text's example (20% margin, 5% discount: +33.3%) and a word, not inf, where the
discount reaches the margin."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from kamreport.report import profitability as rp  # noqa: E402
from kamreport.value.profitability import (account_profit, break_even_table, profit_by_group,  # noqa: E402
                                           whale_curve)

TX = pd.DataFrame({"customer_id": ["a", "b", "c", "d", "e"], "amount": [1000.0, 500, 300, 200, 400],
                   "margin": [400.0, 100, 60, 40, 40], "cost_to_serve": [100.0, 50, 20, 40, 140]})
# profit: a 300, b 50, c 40, d 0, e -100; total 290; peak 390 after 3 accounts (60%)


@pytest.fixture(scope="module")
def parts():
    profit = account_profit(TX)
    tiers = pd.Series(pd.Categorical(["VIP", "Key", "Key", "Small", "Small"], categories=["VIP", "Key", "Small"],
                                     ordered=True), index=list("abcde"), name="tier")
    return profit, whale_curve(profit["profit"]), profit_by_group(profit, tiers)


def test_summary_sentence(parts):
    _, whale, _ = parts
    assert rp.profit_summary_text(whale, "en", "USD") == (
        "5 accounts make a total profit of USD 290. The most profitable 60.0% of accounts make 134.5% of it; "
        "1 accounts (20.0%) lose money, USD -100 in all.")
    zh = rp.profit_summary_text(whale, "zh", "CNY")
    assert "总利润为 290 元" in zh and "60.0% 客户创造了总利润的 134.5%" in zh and "合计 -100 元" in zh


def test_profit_note(parts):
    profit, _, _ = parts
    assert "gross margin" in rp.profit_note(profit, "en")
    by_rate = account_profit(TX.drop(columns=["margin", "cost_to_serve"]), margin_rate=0.25)
    text = rp.profit_note(by_rate, "zh", margin_rate=0.25)
    assert "毛利率 25.0%" in text and "按 0 计" in text


def test_break_even_grid_in_both_languages():
    table = break_even_table((0.1, 0.2), (0.05, 0.1, 0.2))
    en = rp.break_even_frame(table, "en")
    assert en.loc["20%", "Discount 5%"] == "+33.3%" and en.loc["10%", "Discount 5%"] == "+100.0%"
    assert en.loc["10%", "Discount 10%"] == "impossible" and en.loc["20%", "Discount 20%"] == "impossible"
    zh = rp.break_even_frame(table, "zh")
    assert zh.loc["20%", "折扣 10%"] == "+100.0%" and zh.loc["20%", "折扣 20%"] == "无法弥补"
    assert "inf" not in rp.break_even_styled(table, "en").to_html()
    assert "5% discount needs 33.3% more volume" in rp.break_even_note("en")
    assert "毛利率 20% 时，5% 的折扣需要多卖 33.3%" in rp.break_even_note("zh")


def test_group_tables_escape_and_name_the_currency(parts):
    profit, _, by_tier = parts
    html = rp.profit_group_table(by_tier, "en", "USD").to_html()
    assert "Profit (USD)" in html and "Loss-making accounts" in html and "103.4%" in html   # VIP 300 / 290
    tenure = profit_by_group(profit, pd.Series(["<i>1</i>"] * 5, index=profit.index, name="tenure_year"))
    html = rp.profit_group_table(tenure, "zh", "CNY", kind="tenure").to_html()
    assert "&lt;i&gt;1&lt;/i&gt;" in html and "<i>1</i>" not in html and "利润（元）" in html


@pytest.mark.parametrize("language", ["zh", "en"])
def test_charts(parts, language):
    _, whale, by_tier = parts
    fig = rp.whale_chart(whale, language)
    ax = fig.axes[0]
    top, tail = ax.lines[0], ax.lines[1]
    assert np.allclose(top.get_ydata(), [0, 300 / 290, 350 / 290, 390 / 290])
    assert np.allclose(tail.get_ydata(), [390 / 290, 390 / 290, 1.0])
    assert any("134.5%" in t.get_text() for t in ax.texts)
    plt.close(fig)
    fig = rp.profit_tier_chart(by_tier, language, "CNY")
    assert [round(p.get_height()) for p in fig.axes[0].patches] == [300, 90, -100]
    assert any("103.4%" in t.get_text() for t in fig.axes[0].texts)
    plt.close(fig)
