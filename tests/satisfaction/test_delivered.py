"""Customer delivered value (Kotler): cases worked by hand and properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamreport.errors import InputError
from kamreport.satisfaction.delivered import delivered_value

VALUE = {"product": ["p1", "p2"], "service": ["s1"]}
COST = {"monetary": ["m1"], "time": ["t1"]}


@pytest.fixture()
def hand():
    """Scale 1-5, so a component score is 25 · (mean - 1)."""
    return pd.DataFrame(
        {
            "p1": [5, 4, 2, 3],
            "p2": [3, 4, np.nan, 3],
            "s1": [3, 5, 1, np.nan],
            "m1": [2, 3, 5, 1],
            "t1": [1, 3, 4, 1],
            "account": ["A", "A", "B", "B"],
            "region": ["east", "west", "east", "west"],
        }
    )


def test_respondents_worked_by_hand(hand):
    """r0: product mean 4 -> 75, service 3 -> 50, value 62.5; monetary 25, time 0, cost 12.5;
    delivered 50, ratio 5. r1: 75, 100 -> 87.5; 50, 50 -> 50; 37.5; 1.75. r2: product from p1
    alone (25), service 0 -> 12.5; 100, 75 -> 87.5; -75; 1/7. r3: service unanswered -> value =
    product 50; cost 0 -> delivered 50, ratio undefined (NaN)."""
    r = delivered_value(hand, VALUE, COST, scale=(1, 5)).respondents
    assert r["value_product"].tolist() == [75, 75, 25, 50]
    assert r["total_value"].tolist() == [62.5, 87.5, 12.5, 50]
    assert r["total_cost"].tolist() == [12.5, 50, 87.5, 0]
    assert r["delivered_value"].tolist() == [50, 37.5, -75, 50]
    assert r["ratio"].iloc[:3].tolist() == pytest.approx([5, 1.75, 1 / 7]) and math.isnan(r["ratio"].iloc[3])


def test_weights_worked_by_hand(hand):
    """Product 0.75, service 0.25: r0 value 0.75·75 + 0.25·50 = 68.75; r3 (no service answer)
    keeps the product score 50 (weights rescaled over the answered components)."""
    r = delivered_value(hand, VALUE, COST, scale=(1, 5), value_weights={"product": 0.75, "service": 0.25})
    assert r.respondents["total_value"].tolist() == [68.75, 81.25, 18.75, 50]
    assert r.weights["cost"] == {"monetary": 0.5, "time": 0.5}


def test_accounts_and_segments_worked_by_hand(hand):
    """Account A: value (62.5 + 87.5)/2 = 75, cost 31.25, delivered 43.75, ratio 75/31.25 = 2.4;
    delivered 50 and 37.5: sd 8.838835, CI 43.75 ± 12.706205·6.25 = (-35.663779, 123.163779).
    Account B: 31.25, 43.75, -12.5, ratio 0.714286. Segment east: delivered 50 and -75 -> -12.5.
    All: delivered 15.625, ratio 53.125 / 37.5 = 1.416667."""
    r = delivered_value(hand, VALUE, COST, scale=(1, 5), account="account", segment="region")
    a = r.accounts
    assert a.loc["A", ["total_value", "total_cost", "delivered_value", "ratio"]].tolist() == [
        75,
        31.25,
        43.75,
        2.4,
    ]
    assert a.loc["A", ["ci_low_delivered", "ci_high_delivered"]].tolist() == pytest.approx(
        [-35.663779, 123.163779], abs=1e-5
    )
    assert a.loc["B", "delivered_value"] == -12.5 and a.loc["B", "ratio"] == pytest.approx(31.25 / 43.75)
    assert a["n_respondents"].tolist() == [2, 2]
    seg = r.segments.set_index(["segment", "measure"])
    assert seg.loc[("east", "delivered_value"), "mean"] == -12.5
    assert seg.loc[("west", "total_cost"), "mean"] == 25
    assert seg.loc[("west", "ratio"), "mean"] == pytest.approx(137.5 / 2 / 25)
    assert r.overall.loc["delivered_value", "mean"] == 15.625
    assert r.overall.loc["ratio", "mean"] == pytest.approx(1.416667, abs=1e-6)
    assert r.overall.loc["value_service", "n"] == 3
    assert r.measures[:4] == ["value_product", "value_service", "cost_monetary", "cost_time"]


def test_bad_input_names_the_problem(hand):
    with pytest.raises(InputError, match="'x1'"):
        delivered_value(hand, {"image": ["x1"]}, COST, scale=(1, 5))
    with pytest.raises(InputError, match="'p1' has values outside"):
        delivered_value(hand, VALUE, COST, scale=(1, 4))
    with pytest.raises(InputError, match="sum to 1"):
        delivered_value(hand, VALUE, COST, scale=(1, 5), cost_weights={"monetary": 0.5, "time": 0.6})
    with pytest.raises(InputError, match="one weight per component"):
        delivered_value(hand, VALUE, COST, scale=(1, 5), cost_weights={"monetary": 1.0})
    with pytest.raises(InputError, match="'segment'"):
        delivered_value(hand, VALUE, COST, scale=(1, 5), segment="segment")
    with pytest.raises(InputError, match="not numeric"):
        delivered_value(hand, {"image": ["region"]}, COST, scale=(1, 5))


rows = st.lists(st.tuples(*[st.integers(1, 7)] * 4), min_size=1, max_size=25)


@settings(max_examples=40, deadline=None)
@given(rows, st.floats(0, 1))
def test_scores_in_range_and_delivered_is_value_minus_cost(data, w):
    df = pd.DataFrame(data, columns=["a", "b", "c", "d"], dtype="float64")
    r = delivered_value(
        df,
        {"product": ["a"], "image": ["b"]},
        {"time": ["c"], "energy": ["d"]},
        value_weights={"product": w, "image": 1 - w},
    ).respondents
    comps = r[["value_product", "value_image", "cost_time", "cost_energy", "total_value", "total_cost"]]
    assert ((comps >= -1e-9) & (comps <= 100 + 1e-9)).all().all()
    np.testing.assert_allclose(r["delivered_value"], r["total_value"] - r["total_cost"])
    # swapping the roles of value and cost negates the delivered value
    s = delivered_value(
        df,
        {"time": ["c"], "energy": ["d"]},
        {"product": ["a"], "image": ["b"]},
        cost_weights={"product": w, "image": 1 - w},
    ).respondents
    np.testing.assert_allclose(s["delivered_value"], -r["delivered_value"], atol=1e-12)


@given(st.integers(1, 7))
def test_scale_ends_map_to_0_and_100(x):
    df = pd.DataFrame({"a": [float(x)], "c": [8.0 - x]})
    r = delivered_value(df, {"product": ["a"]}, {"time": ["c"]}).respondents
    assert r["total_value"].iloc[0] == pytest.approx(100 * (x - 1) / 6)
    assert r["delivered_value"].iloc[0] == pytest.approx(100 * (2 * x - 8) / 6)


def test_a_planted_costlier_segment_is_found():
    """Synthetic plant (stand-in until the demo data has delivered-value items): segment 'far'
    answers time and energy cost 2 points higher; its segment means rank first on both."""
    rng = np.random.default_rng(11)
    n = 600
    seg = rng.choice(["near", "far", "mid"], n)
    df = pd.DataFrame({c: rng.integers(1, 6, n) for c in ("pv", "mc", "tc", "ec")}, dtype="float64")
    df.loc[seg == "far", ["tc", "ec"]] = np.clip(df.loc[seg == "far", ["tc", "ec"]] + 2, 1, 7)
    df["segment"] = seg
    r = delivered_value(
        df, {"product": ["pv"]}, {"monetary": ["mc"], "time": ["tc"], "energy": ["ec"]}, segment="segment"
    )
    means = r.segments.pivot(index="segment", columns="measure", values="mean")
    assert means["cost_time"].idxmax() == "far" and means["cost_energy"].idxmax() == "far"
    assert means["cost_monetary"].max() - means["cost_monetary"].min() < 10
    lows = r.segments.set_index(["segment", "measure"])["ci_low"]
    highs = r.segments.set_index(["segment", "measure"])["ci_high"]
    assert lows[("far", "cost_time")] > max(highs[("near", "cost_time")], highs[("mid", "cost_time")])
