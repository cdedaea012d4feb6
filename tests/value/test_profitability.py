"""Customer profitability: profit per account, the whale curve (Kaplan & Cooper 1998, Cost & Effect
ch. 10), profit by group and tenure year, and the discount break-even rule d / (m - d). Hand-worked
cases; the break-even example is the method text's (/work/shared/method/002_69fc8913cbb41c4f.txt,
"对于20%毛利率的供应商，5%的商业折扣，需要增加33%的销售量来弥补") and issue 14's."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamreport.errors import InputError
from kamreport.value.profitability import (account_profit, break_even_table, break_even_volume,
                                           profit_by_group, tenure_year, whale_curve)

TX = pd.DataFrame({"customer_id": ["a", "a", "b", "c", "c"], "amount": [100.0, -20, 80, 50, 50],
                   "margin": [30.0, -6, 16, 10, 10], "cost_to_serve": [5.0, 0, 40, 2, 3]})


def test_account_profit_worked_by_hand():
    out = account_profit(TX)
    assert out["revenue"].tolist() == [80.0, 80.0, 100.0]
    assert out["margin"].tolist() == [24.0, 16.0, 20.0]
    assert out["cost_to_serve"].tolist() == [5.0, 40.0, 5.0]
    assert out["profit"].tolist() == [19.0, -24.0, 15.0]
    assert out["profit_rate"].tolist() == [19 / 80, -24 / 80, 0.15]
    assert out.attrs == {"margin_basis": "column", "cost_to_serve": "cost_to_serve"}


def test_account_profit_from_a_rate_and_without_cost_to_serve():
    by_rate = account_profit(TX.drop(columns="margin"), margin_rate=0.25)
    assert by_rate["profit"].tolist() == [15.0, -20.0, 20.0] and by_rate.attrs["margin_basis"] == "rate"
    no_cost = account_profit(TX, cost_to_serve=None)
    assert no_cost["profit"].tolist() == [24.0, 16.0, 20.0] and no_cost.attrs["cost_to_serve"] is None
    refunds = account_profit(pd.DataFrame({"customer_id": ["x"], "amount": [-5.0], "margin": [-1.0]}))
    assert np.isnan(refunds.loc["x", "profit_rate"])


def test_account_profit_errors_name_the_fix():
    with pytest.raises(InputError, match="no margin column 'margin'.*margin_rate"):
        account_profit(TX.drop(columns="margin"))
    with pytest.raises(InputError, match="'cost_to_serve' has 1 missing"):
        account_profit(TX.assign(cost_to_serve=[1.0, np.nan, 1, 1, 1]))
    with pytest.raises(InputError, match="margin_rate must be between"):
        account_profit(TX, margin_rate=20)


def test_whale_curve_worked_by_hand():
    w = whale_curve(pd.Series([60.0, -20, 10, 50, 0], index=list("abcde")))
    assert w.curve["account"].tolist() == ["a", "d", "c", "e", "b"]
    assert w.curve["cumulative_profit"].tolist() == [60.0, 110, 120, 120, 100]
    assert w.curve["cumulative_share"].tolist() == [0.6, 1.1, 1.2, 1.2, 1.0]
    assert (w.total_profit, w.peak_share, w.peak_rank, w.peak_share_accounts) == (100.0, 1.2, 3, 0.6)
    assert (w.n_loss_making, w.share_loss_making, w.loss) == (1, 0.2, -20.0) and w.caveat is None


def test_whale_curve_with_no_total_profit():
    w = whale_curve(pd.Series([10.0, -30], index=["a", "b"]))
    assert w.curve["cumulative_share"].isna().all() and np.isnan(w.peak_share) and "not positive" in w.caveat
    with pytest.raises(InputError, match="no account has a profit"):
        whale_curve(pd.Series([np.nan]))


def test_profit_by_tier_keeps_the_tier_order():
    profit = account_profit(TX)
    tiers = pd.Series(pd.Categorical(["VIP", "Small", "Small"], categories=["VIP", "Key", "Small"], ordered=True),
                      index=["a", "b", "c"], name="tier")
    out = profit_by_group(profit, tiers)
    assert out.index.tolist() == ["VIP", "Small"] and out.index.name == "tier"
    assert out["profit"].tolist() == [19.0, -9.0] and out["n_loss_making"].tolist() == [0, 1]
    assert out["share_profit"].tolist() == [19 / 10, -9 / 10]
    assert out["mean_profit"].tolist() == [19.0, -4.5] and out["profit_rate"].tolist() == [19 / 80, -9 / 180]
    partial = profit_by_group(profit, pd.Series(["VIP"], index=["a"]))
    assert partial.attrs["n_ungrouped"] == 2


def test_tenure_year_worked_by_hand():
    tx = pd.DataFrame({"customer_id": ["a", "b", "c", "c"],
                       "date": pd.to_datetime(["2025-01-01", "2024-12-31", "2023-01-01", "2025-12-31"])})
    # at 2025-12-31: a 364 days -> year 1; b 365 days -> year 2; c 1095 days -> year 4
    assert tenure_year(tx).to_dict() == {"a": 1, "b": 2, "c": 4}
    with pytest.raises(InputError, match="starts after"):
        tenure_year(tx, at="2024-01-01")


@pytest.mark.parametrize("margin, discount, extra", [
    (0.20, 0.05, 1 / 3),      # the method text's and issue 14's example: +33 %
    (0.40, 0.10, 1 / 3), (0.30, 0.10, 0.5), (0.10, 0.05, 1.0), (0.25, 0.20, 4.0), (0.20, 0.0, 0.0),
])
def test_break_even_worked_by_hand(margin, discount, extra):
    assert break_even_volume(margin, discount) == pytest.approx(extra, rel=1e-12)


def test_break_even_impossible_is_nan_not_inf():
    assert np.isnan(break_even_volume(0.2, 0.2)) and np.isnan(break_even_volume(0.2, 0.3))
    table = break_even_table((0.1, 0.2), (0.05, 0.1, 0.2))
    assert np.isfinite(table.to_numpy()[~table.isna().to_numpy()]).all()
    assert table.attrs["impossible"].to_numpy().tolist() == [[False, True, True], [False, False, True]]
    assert table.loc[0.2, 0.05] == pytest.approx(1 / 3) and table.loc[0.1, 0.05] == pytest.approx(1.0)
    with pytest.raises(InputError, match="0 < margin <= 1"):
        break_even_volume(0, 0.1)


@settings(max_examples=100, deadline=None)
@given(st.floats(0.01, 1.0), st.floats(0.0, 0.99))
def test_break_even_volume_restores_the_gross_profit(m, d):
    x = break_even_volume(m, d)
    if d >= m:
        assert np.isnan(x)
    else:
        assert (1 + x) * (m - d) == pytest.approx(m, rel=1e-9)
        assert x >= 0 and break_even_volume(m, d / 2) <= x


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e4, 1e4), min_size=1, max_size=50))
def test_whale_curve_invariants(profits):
    p = pd.Series(profits, index=[f"a{i:02d}" for i in range(len(profits))])
    w = whale_curve(p)
    assert w.curve["cumulative_profit"].iloc[-1] == pytest.approx(p.sum(), abs=1e-6)
    assert w.n_loss_making == int((p < 0).sum())
    if (p > 0).any():
        assert w.peak_rank == int((p > 0).sum())
    if w.total_profit > 0:
        assert w.peak_share >= 1 - 1e-12 and w.curve["cumulative_share"].iloc[-1] == pytest.approx(1.0)
    assert (np.diff(w.curve["profit"].to_numpy()) <= 0).all()
