"""Loyalty types, behavioural/attitudinal loyalty, the satisfaction x value grid, weakest drivers.

References: the four loyalty types of Dick & Basu (1994), *JAMS* 22(2), as method text 004 names
them (非忠诚 / 潜在忠诚 / 惯性忠诚 / 绝对忠诚); the t-interval from scipy.stats.t (scipy 1.17);
all other expected values are computed by hand in the tests.
"""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from scipy import stats

from kamreport.errors import InputError
from kamreport.value.relationship import (
    LOYALTY_ACTIONS,
    account_construct_scores,
    attitudinal_loyalty,
    behavioural_loyalty,
    loyalty_matrix,
    loyalty_summary,
)
from kamreport.value.satisfaction_grid import (
    account_satisfaction,
    at_risk_list,
    driver_gaps,
    value_satisfaction_grid,
)


@pytest.mark.parametrize("attitude, behaviour, expected", [
    (80.0, 0.9, "true"), (80.0, 0.1, "latent"), (20.0, 0.9, "spurious"), (20.0, 0.1, "none"),
    (50.0, 0.5, "true"),                       # exactly at both cuts: high
    (50.0, 0.4999, "latent"), (49.999, 0.5, "spurious"),
])
def test_every_quadrant_and_its_boundaries(attitude: float, behaviour: float, expected: str) -> None:
    out = loyalty_matrix(pd.Series({"x": attitude}), pd.Series({"x": behaviour}), cuts=(50.0, 0.5))
    assert out["x"] == expected


def test_default_cuts_are_the_medians_and_are_recorded() -> None:
    att = pd.Series([10.0, 20, 30, 40], index=list("abcd"))
    beh = pd.Series([4.0, 3, 2, 1], index=list("abcd"))
    out = loyalty_matrix(att, beh)
    assert out.attrs["cuts"] == (25.0, 2.5)
    assert out.tolist() == ["spurious", "spurious", "latent", "latent"]
    assert loyalty_matrix(att, beh, cuts=(None, 3.0)).attrs["cuts"] == (25.0, 3.0)


def test_missing_and_mismatched_accounts_are_kept_as_nan() -> None:
    att = pd.Series([80.0, np.nan, 20.0], index=["a", "b", "c"])
    beh = pd.Series([0.9, 0.9, 0.9], index=["c", "b", "z"])
    out = loyalty_matrix(att, beh, cuts=(50, 0.5))
    assert out.index.tolist() == ["a", "b", "c", "z"]
    assert out["c"] == "spurious" and out[["a", "b", "z"]].isna().all()


def test_duplicate_account_is_an_input_error() -> None:
    with pytest.raises(InputError, match="'a'"):
        loyalty_matrix(pd.Series([1.0, 2.0], index=["a", "a"]), pd.Series([1.0], index=["a"]))


def test_attitudinal_loyalty_and_account_scores() -> None:
    scores = pd.DataFrame({"Loyalty": [80.0, 60.0, np.nan, 40.0], "Quality": [1.0, 2.0, 3.0, 4.0],
                           "acc": ["a", "a", "b", None]})
    att = attitudinal_loyalty(scores, "acc")
    assert att.loc["a"].tolist() == [70.0, 2] and np.isnan(att.loc["b", "attitude"]) and att.loc["b", "n"] == 0
    per = account_construct_scores(scores, scores["acc"])
    assert per.loc["b", "Quality"] == 3.0 and per["n_respondents"].tolist() == [2, 1]
    with pytest.raises(InputError, match="'Loyalty'"):
        attitudinal_loyalty(scores.drop(columns="Loyalty"), "acc")
    with pytest.raises(InputError, match="aligned"):
        attitudinal_loyalty(scores, pd.Series(["a"] * 4, index=[9, 8, 7, 6]))


def test_behavioural_loyalty_by_hand() -> None:
    summary = pd.DataFrame({"frequency": [0.0, 1.0, 3.0]}, index=["a", "b", "c"])
    active = pd.Series([0.25, 0.5, 1.0], index=["a", "b", "c"])
    alive = pd.Series([0.2, 0.6], index=["a", "b"])          # c has no P(alive)
    out = behavioural_loyalty(summary, active_share=active, p_alive=alive)
    assert out.loc["a", "behaviour"] == pytest.approx((0 + 0.25 + 0.2) / 3)
    assert out.loc["b", "behaviour"] == pytest.approx((0.5 + 0.5 + 0.6) / 3)
    assert np.isnan(out.loc["c", "behaviour"])
    weighted = behavioural_loyalty(summary, active_share=active, weights={"repeat_share": 3, "active_share": 1})
    assert weighted.loc["c", "behaviour"] == pytest.approx(0.75 * 0.75 + 0.25 * 1.0)
    with pytest.raises(InputError, match="p_alive"):
        behavioural_loyalty(summary, weights={"p_alive": 1})


def test_loyalty_summary_by_hand() -> None:
    classes = pd.Series(["true", "true", "latent", "none", np.nan], index=list("abcde"))
    revenue = pd.Series([50.0, 30.0, 20.0, np.nan, 99.0], index=list("abcde"))
    out = loyalty_summary(classes, revenue)
    assert out.index.tolist() == ["true", "latent", "spurious", "none"]
    assert out["n_accounts"].tolist() == [2, 1, 0, 1]
    assert out["share_accounts"].tolist() == [0.5, 0.25, 0.0, 0.25]
    assert out["share_revenue"].tolist() == [0.8, 0.2, 0.0, 0.0]
    assert out["action"].tolist() == [LOYALTY_ACTIONS[c] for c in out.index]
    assert out.attrs["n_unclassified"] == 1


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["true", "latent", "spurious", "none"]),
                          st.floats(0.01, 1e6)), min_size=1, max_size=40))
def test_class_shares_sum_to_one(rows) -> None:
    classes = pd.Series([c for c, _ in rows])
    out = loyalty_summary(classes, pd.Series([r for _, r in rows]))
    assert out["share_accounts"].sum() == pytest.approx(1.0)
    assert out["share_revenue"].sum() == pytest.approx(1.0)
    assert out["n_accounts"].sum() == len(rows)


def test_account_satisfaction_t_interval() -> None:
    idx = pd.Series([70.0, 80.0, 90.0, 60.0, np.nan])
    out = account_satisfaction(idx, pd.Series(["a", "a", "a", "b", "b"]), ci=0.9)
    half = stats.t.ppf(0.95, 2) * 10 / np.sqrt(3)
    assert out.loc["a", "ci_low"] == pytest.approx(80 - half) and out.loc["a", "ci_high"] == pytest.approx(80 + half)
    assert out.loc["b", "n"] == 1 and out.loc["b", "satisfaction"] == 60 and np.isnan(out.loc["b", "ci_low"])


def test_grid_cells_boundaries_and_tiers() -> None:
    sat = pd.Series([90.0, 40.0, 90.0, 40.0, 50.0, np.nan], index=list("abcdef"))
    val = pd.Series([100.0, 100.0, 1.0, 1.0, 50.0, 100.0], index=list("abcdef"))
    grid = value_satisfaction_grid(sat, val, sat_cut=50, value_cut=50)
    assert grid["cell"].tolist()[:5] == ["core", "at_risk", "grow", "maintain", "core"]
    assert pd.isna(grid.loc["f", "cell"])
    tiers = pd.Series(pd.Categorical(["VIP", "Key", "Small", "Small", "Ordinary", "VIP"],
                                     categories=["VIP", "Key", "Ordinary", "Small"], ordered=True),
                      index=list("abcdef"))
    by_tier = value_satisfaction_grid(sat, val, tiers=tiers, sat_cut=50)
    assert by_tier["cell"].tolist()[:5] == ["core", "at_risk", "grow", "maintain", "grow"]
    assert by_tier.attrs["high_tiers"] == ["VIP", "Key"]
    with pytest.raises(InputError, match="not both"):
        value_satisfaction_grid(sat, val, tiers=tiers, value_cut=3)


def test_driver_gaps_and_at_risk_list_ranked_by_value() -> None:
    scores = pd.DataFrame({"Quality": [50.0, 70.0, 60.0, 40.0], "Value": [80.0, 60.0, 50.0, 70.0],
                           "n_respondents": [3, 4, 5, 6]}, index=list("abcd"))
    tier = pd.Series(["VIP", "VIP", "VIP", "Key"], index=list("abcd"))
    gaps = driver_gaps(scores, tier)
    assert gaps.columns.tolist() == ["Quality", "Value"]
    assert gaps.loc["a"].tolist() == pytest.approx([50 - 60, 80 - 190 / 3])   # VIP means 60 and 63.3
    grid = pd.DataFrame({"satisfaction": [30.0, 35.0, 90.0, 20.0], "value": [5.0, 9.0, 1.0, np.nan],
                         "cell": ["at_risk", "at_risk", "core", "at_risk"]}, index=list("abcd"))
    out = at_risk_list(grid, "value", scores, tier, n_drivers=2)
    assert out.index.tolist() == ["b", "a", "d"] and out["rank"].tolist() == [1, 2, 3]
    assert out.loc["b", "driver_1"] == "Value" and out.loc["b", "gap_1"] == pytest.approx(60 - 190 / 3)
    assert out.loc["a", "driver_1"] == "Quality" and out.loc["a", "driver_2"] == "Value"
    assert out.loc["d", "gap_1"] == 0.0     # alone in its tier


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.floats(0, 100)), st.one_of(st.none(), st.floats(0, 1))),
                min_size=1, max_size=30),
       st.floats(0, 100), st.floats(0, 1))
def test_loyalty_class_agrees_with_the_cuts(rows, cut_a, cut_b) -> None:
    att = pd.Series([a for a, _ in rows], dtype="float64")
    beh = pd.Series([b for _, b in rows], dtype="float64")
    out = loyalty_matrix(att, beh, cuts=(cut_a, cut_b))
    for a, b, got in zip(att, beh, out):
        if np.isnan(a) or np.isnan(b):
            assert pd.isna(got)
        else:
            assert got == {(True, True): "true", (True, False): "latent", (False, True): "spurious",
                           (False, False): "none"}[(a >= cut_a, b >= cut_b)]
