"""analyse_comments joins comments, respondent satisfaction and tiers for notebook 03: bands by
hand, the listing keeps the report's language (and counts the rest), escaping is the report
layer's (tests/report/test_comments_report.py), a codebook without a comment column skips."""

from __future__ import annotations

import pandas as pd

from kamreport.account_comments import analyse_comments, satisfaction_bands
from kamreport.data.schemas import Codebook

CB = Codebook.model_validate({"scale": {"min": 1, "max": 5}, "items": {"S1": {"construct": "S"}},
                              "answers": {"comment": "remark"}})


def test_bands_put_an_edge_in_the_upper_band():
    bands = satisfaction_bands(pd.Series([0.0, 29.999, 30.0, 89.9, 90.0, 100.0, None]))
    assert bands.astype(str).tolist()[:6] == ["[0, 30)", "[0, 30)", "[30, 50)", "[70, 90)", "[90, 100]",
                                              "[90, 100]"]
    assert pd.isna(bands.iloc[6]) and bands.cat.ordered


def test_listing_keeps_the_reports_language_and_counts_the_rest():
    survey = pd.DataFrame({"acct": ["a", "a", "b", "c"], "S1": [1, 2, 3, 4],
                           "remark": ["非常失望，交货太慢。", "Very disappointed, terrible support.", "很好", None]})
    tiers = pd.Series(pd.Categorical(["VIP", "Key", "Small"], categories=["VIP", "Key", "Small"], ordered=True),
                      index=["a", "b", "c"])
    sat = pd.Series([10.0, 20.0, 95.0, 50.0])
    zh = analyse_comments(survey, CB, sat, tiers, account_key="acct", language="zh")
    assert len(zh.scored) == 3 and zh.negative["language"].tolist() == ["zh"]
    assert zh.n_negative_other_language == 1
    assert zh.shares.loc["[0, 30)", "n"] == 2
    en = analyse_comments(survey, CB, sat, tiers, account_key="acct", language="en")
    assert en.negative["language"].tolist() == ["en"] and en.n_negative_other_language == 1


def test_no_comment_column_is_skipped_with_its_reason():
    cb = Codebook.model_validate({"scale": {"min": 1, "max": 5}, "items": {"S1": {"construct": "S"}}})
    out = analyse_comments(pd.DataFrame({"S1": [1]}), cb, None, pd.Series(dtype="category"))
    assert out.scored is None and "answers: {comment" in out.skipped["comments"]
