"""Key-account evaluation index, weight sensitivity and Kotler's relationship levels.

References: the scores are simple additive weighting with min-max / z-score normalisation
(Hwang & Yoon 1981), computed by hand below; the relationship matrix is the one of Kotler,
*Marketing Management* (2000), ch. 2, as printed in method text 002 (关系营销的水平).
"""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from kamreport.errors import InputError
from kamreport.value.keyaccount import (
    key_account_score,
    relationship_level,
    tier_relationship_levels,
    weight_sensitivity,
)

ACCOUNTS = pd.DataFrame({
    "purchase_volume": [200.0, 100.0, 50.0, 0.0],
    "price_sensitivity": [4.0, 1.0, 2.0, 5.0],      # lower is better
    "partnership": [3.0, 3.0, 5.0, 1.0],
}, index=["a", "b", "c", "d"])
WEIGHTS = {"purchase_volume": 0.5, "price_sensitivity": 0.3, "partnership": 0.2}
DIRECTIONS = {"price_sensitivity": "lower"}


def test_minmax_score_by_hand() -> None:
    """Volume (x-0)/200, price (5-x)/4, partnership (x-1)/4; score = 100 * weighted sum."""
    out = key_account_score(ACCOUNTS, WEIGHTS, DIRECTIONS)
    by_hand = {
        "a": 100 * (0.5 * 1.0 + 0.3 * 0.25 + 0.2 * 0.5),
        "b": 100 * (0.5 * 0.5 + 0.3 * 1.0 + 0.2 * 0.5),
        "c": 100 * (0.5 * 0.25 + 0.3 * 0.75 + 0.2 * 1.0),
        "d": 100 * (0.5 * 0.0 + 0.3 * 0.0 + 0.2 * 0.0),
    }
    assert out["score"].to_dict() == pytest.approx(by_hand)
    assert out["rank"].tolist() == [1.0, 2.0, 3.0, 4.0]   # 67.5, 65, 55, 0
    assert out["points_price_sensitivity"]["b"] == pytest.approx(30.0)
    points = out.filter(like="points_").sum(axis=1)
    assert np.allclose(points, out["score"])


def test_zscore_score_by_hand() -> None:
    x = ACCOUNTS
    z = (x - x.mean()) / x.std(ddof=1)
    z["price_sensitivity"] *= -1
    expected = 0.5 * z["purchase_volume"] + 0.3 * z["price_sensitivity"] + 0.2 * z["partnership"]
    out = key_account_score(ACCOUNTS, WEIGHTS, DIRECTIONS, method="zscore")
    assert np.allclose(out["score"], expected)


def test_constant_column_contributes_zero_and_is_listed() -> None:
    acc = ACCOUNTS.assign(region_code=7.0)
    w = {"purchase_volume": 0.5, "region_code": 0.5}
    for method in ("minmax", "zscore"):
        out = key_account_score(acc, w, method=method)
        assert (out["points_region_code"] == 0).all()
        assert out.attrs["constant_criteria"] == ["region_code"]
    assert key_account_score(acc, w)["score"].max() == pytest.approx(50.0)


def test_ties_share_the_best_rank_or_break_by_row_order() -> None:
    acc = pd.DataFrame({"v": [1.0, 3.0, 3.0, 2.0]}, index=list("wxyz"))
    assert key_account_score(acc, {"v": 1.0})["rank"].tolist() == [4.0, 1.0, 1.0, 3.0]
    assert key_account_score(acc, {"v": 1.0}, ties="first")["rank"].tolist() == [4.0, 1.0, 2.0, 3.0]


def test_missing_criterion_gives_no_score() -> None:
    acc = ACCOUNTS.copy()
    acc.loc["c", "partnership"] = np.nan
    out = key_account_score(acc, WEIGHTS, DIRECTIONS)
    assert np.isnan(out.loc["c", "score"]) and np.isnan(out.loc["c", "rank"])
    assert sorted(out["rank"].dropna()) == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("weights, directions, match", [
    ({"purchase_volume": 0.5, "partnership": 0.4}, None, r"sum to 0\.9.*divide each by 0\.9"),
    ({"purchase_volume": 0.5, "partnership": 0.5 + 2e-9}, None, "sum to"),
    ({"purchase_volume": 0.5, "margin": 0.5}, None, "'margin'"),
    ({"purchase_volume": 1.0}, {"purchase_volume": "up"}, "'up'"),
    ({"purchase_volume": 1.0}, {"partnership": "lower"}, "'partnership'"),
    ({"purchase_volume": 1.5, "partnership": -0.5}, None, ">= 0"),
])
def test_bad_weights_and_directions_are_input_errors(weights, directions, match) -> None:
    with pytest.raises(InputError, match=match):
        key_account_score(ACCOUNTS, weights, directions)


def test_weights_within_tolerance_pass() -> None:
    key_account_score(ACCOUNTS, {"purchase_volume": 0.5, "partnership": 0.5 + 5e-10})


def test_unknown_method_is_an_input_error() -> None:
    with pytest.raises(InputError, match="method"):
        key_account_score(ACCOUNTS, WEIGHTS, method="ahp")


frames = st.integers(2, 12).flatmap(lambda n: st.tuples(
    st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=n, max_size=n),
    st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=n, max_size=n),
    st.floats(0.01, 0.99), st.sampled_from(["minmax", "zscore"])))


@settings(max_examples=60, deadline=None)
@given(frames)
def test_ranks_are_a_permutation_and_minmax_in_0_100(case) -> None:
    x1, x2, w, method = case
    acc = pd.DataFrame({"x1": x1, "x2": x2})
    out = key_account_score(acc, {"x1": w, "x2": 1 - w}, {"x2": "lower"}, method=method, ties="first")
    assert sorted(out["rank"].astype(int)) == list(range(1, len(acc) + 1))
    order = out.sort_values("rank")["score"].to_numpy()
    assert (np.diff(order) <= 1e-9).all()
    if method == "minmax":
        assert ((out["score"] >= -1e-9) & (out["score"] <= 100 + 1e-9)).all()


@settings(max_examples=60, deadline=None)
@given(frames, st.integers(0, 11), st.floats(0.1, 100))
def test_score_moves_with_each_criterion_in_its_direction(case, row, step) -> None:
    """Making an account best on a 'higher' criterion never lowers its score relative to the
    others' mean; making it worst on a 'lower' criterion never raises it (relative, because the
    move also shifts the min, max, mean and sd that normalise everybody)."""
    x1, x2, w, method = case
    acc = pd.DataFrame({"x1": x1, "x2": x2})
    row = row % len(acc)
    weights, directions = {"x1": w, "x2": 1 - w}, {"x2": "lower"}
    base = key_account_score(acc, weights, directions, method=method)["score"]
    up = acc.copy()
    up.iloc[row, 0] = acc["x1"].max() + step          # becomes the best on x1
    better = key_account_score(up, weights, directions, method=method)["score"]
    down = acc.copy()
    down.iloc[row, 1] = acc["x2"].max() + step        # becomes the worst on x2 ("lower")
    worse = key_account_score(down, weights, directions, method=method)["score"]
    # relative to the other accounts, the moved account cannot lose (gain) ground
    others = [i for i in range(len(acc)) if i != row]
    if others:
        def gap(s):
            return s.iloc[row] - s.iloc[others].mean()
        assert gap(better) >= gap(base) - 1e-9
        assert gap(worse) <= gap(base) + 1e-9


def test_weight_sensitivity_by_hand() -> None:
    acc = pd.DataFrame({"v": [3.0, 2.0, 1.0], "m": [1.0, 2.0, 3.0]}, index=list("abc"))
    out = weight_sensitivity(acc, {"v": 0.5, "m": 0.5}, top_n=1, change=0.2)
    # v +20 %: weights .6/.4 -> a leads; v -20 %: .4/.6 -> c leads (base: a, b, c tie; a first)
    assert out["weight"].tolist() == pytest.approx([0.6, 0.4, 0.6, 0.4])
    assert out.loc[1, "entering"] == ("c",) and out.loc[1, "leaving"] == ("a",)
    assert out["overlap"].tolist() == [1.0, 0.0, 0.0, 1.0]


def test_weight_sensitivity_caps_and_single_criterion() -> None:
    out = weight_sensitivity(ACCOUNTS, {"purchase_volume": 1.0}, top_n=2)
    assert out["weight"].tolist() == [1.0, 1.0] and (out["overlap"] == 1.0).all()
    capped = weight_sensitivity(ACCOUNTS, {"purchase_volume": 0.9, "partnership": 0.1}, top_n=2)
    assert capped.loc[0, "weight"] == 1.0


# --- Kotler -------------------------------------------------------------------------------------

# method text 002: columns 很多 / 中等数量 / 很少 顾客; rows 高 / 中 / 低利润
TEXT_MATRIX = {
    "high": ("accountable", "proactive", "partnership"),     # 责任型 积极型 合伙型
    "medium": ("reactive", "accountable", "proactive"),      # 反应型 责任型 积极型
    "low": ("basic", "reactive", "accountable"),             # 基本型或反应型 反应型 责任型
}


@pytest.mark.parametrize("margin", ["high", "medium", "low"])
@pytest.mark.parametrize("position, count", list(enumerate(["many", "medium", "few"])))
def test_every_cell_of_the_kotler_matrix(position: int, count: str, margin: str) -> None:
    assert relationship_level(count, margin) == TEXT_MATRIX[margin][position]


def test_many_customers_low_margin_can_be_reactive() -> None:
    """The text gives 基本型或反应型 for that cell; many_low picks the second."""
    assert relationship_level("many", "low", many_low="reactive") == "reactive"
    assert relationship_level("few", "low", many_low="reactive") == "accountable"


def test_relationship_level_vectorised_missing_and_bad_class() -> None:
    out = relationship_level(pd.Series(["few", None, "many"], index=[7, 8, 9]),
                             pd.Series(["high", "low", "medium"], index=[7, 8, 9]))
    assert out.index.tolist() == [7, 8, 9] and out[7] == "partnership" and pd.isna(out[8])
    with pytest.raises(InputError, match="'lots'"):
        relationship_level(["lots"], ["high"])
    with pytest.raises(InputError, match="'hi'"):
        relationship_level("few", "hi")


def test_tier_levels_from_numeric_margins() -> None:
    prof = pd.DataFrame({"share_customers": [0.01, 0.04, 0.15, 0.80]},
                        index=pd.Index(["VIP", "Key", "Ordinary", "Small"], name="tier"))
    out = tier_relationship_levels(prof, pd.Series({"VIP": 0.5, "Key": 0.35, "Ordinary": 0.3, "Small": 0.1}),
                                   margin_cuts=(0.2, 0.4))
    assert out["n_customers_class"].tolist() == ["few", "few", "medium", "many"]
    assert out["margin_class"].tolist() == ["high", "medium", "medium", "low"]
    assert out["level"].tolist() == ["partnership", "proactive", "accountable", "basic"]
    with pytest.raises(InputError, match="margin_cuts"):
        tier_relationship_levels(prof, {"VIP": 0.5})
    partial = tier_relationship_levels(prof, {"VIP": "high"})
    assert partial["level"].isna().tolist() == [False, True, True, True]


def test_weight_sensitivity_with_a_zero_weight_beside_a_full_one() -> None:
    out = weight_sensitivity(ACCOUNTS, {"purchase_volume": 1.0, "partnership": 0.0}, top_n=2)
    assert out["weight"].tolist() == [1.0, 1.0, 0.0, 0.0] and (out["overlap"] == 1.0).all()
