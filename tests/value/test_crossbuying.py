"""Cross-buying (kamreport.value.crossbuying): lines per account and product-line association rules
on a five-account basket worked by hand, mlxtend's lift checked against the definition."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamreport.errors import InputError
from kamreport.value.crossbuying import basket, lines_per_account, product_line_rules

#: accounts 1 {A,B}, 2 {A,B,C}, 3 {A}, 4 {B,C}, 5 {C}; a return of C by 3 adds no line
BASKETS = {"1": "AB", "2": "ABC", "3": "A", "4": "BC", "5": "C"}


@pytest.fixture
def tx() -> pd.DataFrame:
    rows = [(acc, line, 10.0) for acc, lines in BASKETS.items() for line in lines]
    rows += [("3", "C", -4.0), ("1", "A", 2.0)]
    return pd.DataFrame(rows, columns=["acc", "line", "amt"])


def test_lines_per_account_by_hand(tx):
    res = lines_per_account(tx, "acc", "line", "amt")
    assert res.per_account.to_dict() == {"1": 2, "2": 3, "3": 1, "4": 2, "5": 1}
    assert res.mean_lines == pytest.approx(9 / 5)
    assert res.distribution["accounts"].tolist() == [2, 2, 1]
    assert res.share_multi_line == pytest.approx(3 / 5)


def test_rules_by_hand(tx):
    """support A = B = C = 3/5, AB = BC = 2/5, AC = ABC = 1/5. A -> B: confidence (2/5)/(3/5) = 2/3,
    lift (2/3)/(3/5) = 10/9; {A,B} -> C: confidence (1/5)/(2/5) = 1/2, lift (1/2)/(3/5) = 5/6;
    C -> {A,B}: confidence 1/3, lift (1/3)/(2/5) = 5/6; A -> C: lift (1/3)/(3/5) = 5/9;
    {A,C} -> B: confidence (1/5)/(1/5) = 1, lift 1/(3/5) = 5/3."""
    rules = product_line_rules(tx, "acc", "line", "amt", min_support=0.2, min_confidence=0.0, min_lift=0.0)
    assert len(rules) == 12                                        # 3 pairs x 2 + 6 from the triple
    key = {(r.antecedents, r.consequents): r for r in rules.itertuples()}
    ab = key[(("A",), ("B",))]
    assert (ab.support, ab.confidence, ab.lift, ab.n_accounts) == pytest.approx((0.4, 2 / 3, 10 / 9, 2))
    assert key[(("A", "B"), ("C",))].lift == pytest.approx(5 / 6)
    assert key[(("C",), ("A", "B"))].confidence == pytest.approx(1 / 3)
    assert key[(("C",), ("A", "B"))].lift == pytest.approx(5 / 6)
    assert key[(("A",), ("C",))].lift == pytest.approx(5 / 9)
    assert (key[(("A", "C"), ("B",))].confidence, key[(("A", "C"), ("B",))].lift) == pytest.approx((1, 5 / 3))
    assert rules[["antecedents", "consequents"]].iloc[0].tolist() == [("A", "C"), ("B",)]
    assert rules["lift"].is_monotonic_decreasing
    strong = product_line_rules(tx, "acc", "line", "amt", min_support=0.2, min_confidence=0.5, min_lift=1.0)
    assert set(zip(strong["antecedents"], strong["consequents"])) == {
        (("A",), ("B",)), (("B",), ("A",)), (("B",), ("C",)), (("C",), ("B",)), (("A", "C"), ("B",))}
    assert product_line_rules(tx, "acc", "line", "amt", min_support=0.5).empty


def test_window_and_errors(tx):
    dated = tx.assign(day=pd.Timestamp("2024-01-01"))
    dated.loc[dated["acc"] == "2", "day"] = pd.Timestamp("2024-06-01")
    assert list(basket(dated, "acc", "line", "amt", date="day", since="2024-05-01").index) == ["2"]
    with pytest.raises(InputError, match="min_support"):
        product_line_rules(tx, "acc", "line", "amt", min_support=0)
    with pytest.raises(InputError, match="'segment' not found"):
        lines_per_account(tx, "acc", "segment", "amt")
    one_line = pd.DataFrame({"customer_id": ["a", "b"], "product_line": ["X", "X"], "amount": [1.0, 1.0]})
    assert product_line_rules(one_line).empty and "lift" in product_line_rules(one_line).columns


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcdefghij"), st.sampled_from("WXYZ")), min_size=2, max_size=40))
def test_rules_match_brute_force(rows):
    tx = pd.DataFrame(rows, columns=["customer_id", "product_line"]).assign(amount=1.0)
    sets = tx.groupby("customer_id")["product_line"].agg(set)
    n = len(sets)
    rules = product_line_rules(tx, min_support=0.1, min_confidence=0.0, min_lift=0.0, max_len=2)
    lines = sorted(tx["product_line"].unique())
    for x, y in itertools.permutations(lines, 2):
        sx = sum(x in s for s in sets) / n
        sy = sum(y in s for s in sets) / n
        sxy = sum({x, y} <= s for s in sets) / n
        hit = rules[(rules["antecedents"] == (x,)) & (rules["consequents"] == (y,))]
        if sxy >= 0.1:
            assert len(hit) == 1
            assert hit["support"].iloc[0] == pytest.approx(sxy)
            assert hit["confidence"].iloc[0] == pytest.approx(sxy / sx)
            assert hit["lift"].iloc[0] == pytest.approx(sxy / (sx * sy))
        else:
            assert hit.empty
