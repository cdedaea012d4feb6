"""SERVQUAL gaps: a small example worked by hand, scipy / pingouin cross-checks, properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pingouin
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from kamreport.errors import InputError
from kamreport.satisfaction.servqual import OVERALL, holm, paired_stats, servqual_gaps

PAIRS = {"reliability": [("E_R1", "P_R1"), ("E_R2", "P_R2")], "tangibles": [("E_T1", "P_T1")]}


@pytest.fixture()
def hand():
    """Four respondents, two dimensions (worked on paper in the test docstrings)."""
    return pd.DataFrame(
        {
            "E_R1": [7, 6, 7, 5],
            "P_R1": [5, 5, 6, 5],
            "E_R2": [6, 7, 6, 6],
            "P_R2": [5, 6, 4, 5],
            "E_T1": [5, 4, 5, 6],
            "P_T1": [5, 5, 4, 6],
            "seg": ["a", "a", "b", "b"],
        },
        dtype=object,
    ).astype({c: "float64" for c in ["E_R1", "P_R1", "E_R2", "P_R2", "E_T1", "P_T1"]})


def test_items_worked_by_hand(hand):
    """Hand computation. R1 gaps -2,-1,-1,0: mean -1, sd sqrt(2/3), se sd/2, t = -2.44949,
    CI -1 ± 3.182446·0.408248 = (-2.299228, 0.299228). R2 gaps -1,-1,-2,-1: mean -1.25, sd 0.5,
    t = -5, CI -1.25 ± 0.795612. T1 gaps 0,1,-1,0: mean 0, t = 0, p = 1. Holm: p(R2)·3,
    max(p(R2)·3, p(R1)·2), 1."""
    items = servqual_gaps(hand, PAIRS).items.set_index("item")
    assert items["gap"].tolist() == [-1.0, -1.25, 0.0]
    assert items.loc["P_R1", "expectation"] == 6.25 and items.loc["P_R1", "perception"] == 5.25
    assert items.loc["P_R1", "t"] == pytest.approx(-2.449490, abs=1e-6)
    assert items.loc["P_R1", ["ci_low", "ci_high"]].tolist() == pytest.approx([-2.299228, 0.299228], abs=1e-6)
    assert items.loc["P_R2", "t"] == pytest.approx(-5.0, abs=1e-12)
    assert items.loc["P_R2", ["ci_low", "ci_high"]].tolist() == pytest.approx(
        [-2.045612, -0.454388], abs=1e-6
    )
    assert items.loc["P_T1", "t"] == 0 and items.loc["P_T1", "p_value"] == pytest.approx(1.0)
    p_r1, p_r2 = 2 * stats.t.sf(2.449490, 3), 2 * stats.t.sf(5.0, 3)
    assert items.loc["P_R1", "p_value"] == pytest.approx(p_r1, rel=1e-5)
    assert items["p_holm"].tolist() == pytest.approx([max(3 * p_r2, 2 * p_r1), 3 * p_r2, 1.0], rel=1e-5)
    assert (items["n"] == 4).all()


def test_dimensions_and_score_worked_by_hand(hand):
    """Hand computation. Reliability per respondent: mean(-2,-1) = -1.5, -1, -1.5, -0.5 ->
    mean -1.125, sd 0.478714, t = -4.700096. Tangibles: 0. Overall per respondent -0.75, 0,
    -1.25, -0.25 -> SERVQUAL score -0.5625. Alpha (k = 2): perceptions var 0.25 and 2/3, sum var
    0.25 -> 2·(1 - 0.916667/0.25) = -16/3; gaps var 2/3 and 0.25, sum var 11/12 -> 0."""
    result = servqual_gaps(hand, PAIRS)
    dims = result.dimensions.set_index("dimension")
    assert dims.loc["reliability", "gap"] == -1.125
    assert dims.loc["reliability", "sd"] == pytest.approx(0.478714, abs=1e-6)
    assert dims.loc["reliability", "t"] == pytest.approx(-4.700096, abs=1e-6)
    assert dims.loc["tangibles", "gap"] == 0
    assert result.score == -0.5625 and dims.loc[OVERALL, "gap"] == -0.5625
    assert result.scores[OVERALL].tolist() == [-0.75, 0.0, -1.25, -0.25]
    assert dims.loc["reliability", "alpha_perception"] == pytest.approx(-16 / 3)
    assert dims.loc["reliability", "alpha_gap"] == pytest.approx(0.0, abs=1e-12)
    assert math.isnan(dims.loc["tangibles", "alpha_perception"])  # one item: no alpha
    assert result.worst_dimension == "reliability"


def test_missing_answers_are_pairwise_per_item(hand):
    """Respondent 0 without P_R1: R1 uses 3 pairs (gaps -1,-1,0), R2 all 4; that respondent's
    reliability gap is its R2 gap alone (-1)."""
    hand.loc[0, "P_R1"] = np.nan
    hand.loc[1, "E_T1"] = np.nan
    result = servqual_gaps(hand, PAIRS)
    items = result.items.set_index("item")
    assert items["n"].tolist() == [3, 4, 3]
    assert items.loc["P_R1", "gap"] == pytest.approx(-2 / 3)
    assert result.scores.loc[0, "reliability"] == -1.0
    assert math.isnan(result.scores.loc[1, "tangibles"])
    assert result.scores.loc[1, OVERALL] == -1.0
    assert result.missing == "pairwise per item"


def test_against_scipy_and_pingouin():
    """scipy 1.17 ttest_rel / wilcoxon and pingouin 0.7 ttest(paired=True), cronbach_alpha, multicomp."""
    rng = np.random.default_rng(5)
    n = 80
    e = rng.integers(3, 8, size=(n, 3)).astype(float)
    p = np.clip(e + rng.integers(-3, 2, size=(n, 3)), 1, 7).astype(float)
    df = pd.DataFrame(np.hstack([e, p]), columns=["E1", "E2", "E3", "P1", "P2", "P3"])
    pairs = {"responsiveness": [("E1", "P1"), ("E2", "P2"), ("E3", "P3")]}
    result = servqual_gaps(df, pairs)
    for row in result.items.itertuples():
        ref = pingouin.ttest(df[row.item], df[row.expectation_col], paired=True)
        assert row.t == pytest.approx(ref["T"].iloc[0], rel=1e-10)
        assert row.p_value == pytest.approx(
            ref["p_val"].iloc[0] if "p_val" in ref else ref["p-val"].iloc[0], rel=1e-8
        )
        assert [row.ci_low, row.ci_high] == pytest.approx(
            list(ref.filter(like="CI").iloc[0].iloc[0]), abs=5e-3
        )
        w = stats.wilcoxon(df[row.item] - df[row.expectation_col])
        assert (row.wilcoxon_w, row.wilcoxon_p) == pytest.approx((w.statistic, w.pvalue))
    _, holm_ref = pingouin.multicomp(result.items["p_value"].to_numpy(), method="holm")
    assert result.items["p_holm"].to_numpy() == pytest.approx(holm_ref)
    dim = result.dimensions.set_index("dimension").loc["responsiveness"]
    assert dim["alpha_perception"] == pytest.approx(pingouin.cronbach_alpha(df[["P1", "P2", "P3"]])[0])
    gaps = pd.DataFrame({i: df[f"P{i}"] - df[f"E{i}"] for i in (1, 2, 3)})
    assert dim["alpha_gap"] == pytest.approx(pingouin.cronbach_alpha(gaps)[0])
    ref = stats.ttest_1samp(gaps.mean(axis=1), 0)
    assert (dim["t"], dim["p_value"]) == pytest.approx((ref.statistic, ref.pvalue))


def test_by_segment_equals_the_subsets(hand):
    result = servqual_gaps(hand, PAIRS, segment="seg")
    for value in ("a", "b"):
        alone = servqual_gaps(hand[hand["seg"] == value], PAIRS)
        part = result.dimensions_by_segment.query("segment == @value").drop(columns="segment")
        pd.testing.assert_frame_equal(part.reset_index(drop=True), alone.dimensions)
        part = result.items_by_segment.query("segment == @value").drop(columns="segment")
        pd.testing.assert_frame_equal(part.reset_index(drop=True), alone.items)
    assert result.segment == "seg" and servqual_gaps(hand, PAIRS).items_by_segment is None


def test_undefined_statistics_are_nan_not_errors():
    s = paired_stats(pd.Series([3.0, 4.0]), pd.Series([3.0, 4.0]))  # all gaps zero
    assert s["gap"] == 0 and s["sd"] == 0 and math.isnan(s["t"]) and math.isnan(s["wilcoxon_p"])
    s = paired_stats(pd.Series([3.0]), pd.Series([5.0]))
    assert s["n"] == 1 and s["gap"] == 2 and math.isnan(s["ci_low"])
    assert paired_stats(pd.Series([np.nan]), pd.Series([5.0]))["n"] == 0


def test_bad_input_names_the_column(hand):
    with pytest.raises(InputError, match="'E_X'"):
        servqual_gaps(hand, {"assurance": [("E_X", "P_R1")]})
    with pytest.raises(InputError, match="'P_R1'.*outside the scale"):
        servqual_gaps(hand.assign(P_R1=[9.0, 5, 5, 5]), PAIRS, scale=(1, 7))
    with pytest.raises(InputError, match="'seg' is not numeric"):
        servqual_gaps(hand, {"empathy": [("seg", "P_R1")]})
    with pytest.raises(InputError, match="segment column 'region'"):
        servqual_gaps(hand, PAIRS, segment="region")
    with pytest.raises(InputError, match="no item pairs"):
        servqual_gaps(hand, {"empathy": []})


answers = st.lists(st.tuples(*[st.integers(1, 7)] * 4), min_size=3, max_size=30)


def _frame(rows):
    return pd.DataFrame(rows, columns=["E1", "P1", "E2", "P2"], dtype="float64")


PAIRS2 = {"assurance": [("E1", "P1")], "empathy": [("E2", "P2")]}


@settings(max_examples=30, deadline=None)
@given(answers)
def test_swapping_expectation_and_perception_negates_gaps(rows):
    df = _frame(rows)
    a = servqual_gaps(df, PAIRS2)
    b = servqual_gaps(df, {"assurance": [("P1", "E1")], "empathy": [("P2", "E2")]})
    assert b.items["gap"].to_numpy() == pytest.approx(-a.items["gap"].to_numpy())
    np.testing.assert_allclose(b.items["p_value"], a.items["p_value"])
    assert b.score == pytest.approx(-a.score)


@settings(max_examples=30, deadline=None)
@given(answers)
def test_ci_holds_the_gap_and_holm_is_at_least_raw(rows):
    r = servqual_gaps(_frame(rows), PAIRS2)
    for t in (r.items, r.dimensions):
        ok = t["sd"] > 0
        assert (t.loc[ok, "ci_low"] < t.loc[ok, "gap"]).all() and (
            t.loc[ok, "gap"] < t.loc[ok, "ci_high"]
        ).all()
    finite = r.items["p_value"].notna()
    assert (r.items.loc[finite, "p_holm"] >= r.items.loc[finite, "p_value"] - 1e-15).all()
    assert (r.items.loc[finite, "p_holm"] <= 1).all()
    # complete answers: the score is the mean of the dimension gaps
    assert r.score == pytest.approx(r.dimensions["gap"].iloc[:-1].mean())


@given(st.lists(st.floats(0, 1), min_size=1, max_size=12))
def test_holm_is_monotone_in_the_raw_order(p):
    adj = holm(p)
    order = np.argsort(p, kind="stable")
    assert (np.diff(adj[order]) >= -1e-15).all() and (adj >= np.asarray(p) - 1e-15).all()


def test_a_planted_worst_dimension_is_found():
    """Synthetic plant (stand-in until the demo data has SERVQUAL pairs): responsiveness
    perceptions fall 1.5 points short of expectations, the other dimensions 0-1 points."""
    rng = np.random.default_rng(3)
    n = 400
    dims = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")
    frame, pairs = {}, {}
    for d in dims:
        pairs[d] = []
        for j in (1, 2, 3):
            e = rng.integers(4, 8, n).astype(float)
            short = 1.5 if d == "responsiveness" else rng.uniform(0, 1)
            frame[f"E_{d}{j}"], frame[f"P_{d}{j}"] = (
                e,
                np.clip(np.round(e - short + rng.normal(0, 1, n)), 1, 7),
            )
            pairs[d].append((f"E_{d}{j}", f"P_{d}{j}"))
    r = servqual_gaps(pd.DataFrame(frame), pairs, scale=(1, 7))
    assert r.worst_dimension == "responsiveness"
    dims_t = r.dimensions.set_index("dimension")
    assert dims_t.loc["responsiveness", "ci_high"] < 0 and dims_t.loc["responsiveness", "p_value"] < 1e-10
