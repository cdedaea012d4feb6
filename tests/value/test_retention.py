"""Retention, churn, repeat rate and cohort retention (kamreport.value.retention): a quarter-by-quarter
case worked by hand, invariants under hypothesis, and agreement with customer_summary on CDNOW."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamreport.errors import InputError
from kamreport.value.retention import cohort_retention, repeat_purchase_rate, retention_rates
from kamreport.value.summary import customer_summary


@pytest.fixture
def tx() -> pd.DataFrame:
    """a buys in Q1, Q2, Q3; b in Q1 and Q3; c buys a $0 order in Q2 (and returns 3 the same day);
    d only returns (no customer); e has no amount (left out)."""
    rows = [("a", "2024-01-10", 5.0), ("a", "2024-04-02", 7.0), ("a", "2024-07-15", 1.0),
            ("b", "2024-02-01", 4.0), ("b", "2024-08-01", 2.0),
            ("c", "2024-05-05", 0.0), ("c", "2024-05-05", -3.0),
            ("d", "2024-06-01", -5.0), ("e", "2024-07-01", np.nan)]
    frame = pd.DataFrame(rows, columns=["acct", "day", "amt"])
    frame["day"] = pd.to_datetime(frame["day"])
    return frame


def test_quarterly_rates_by_hand(tx):
    out = retention_rates(tx, "acct", "day", "amt", freq="Q", as_of="2024-09-30")
    assert [str(p) for p in out.index] == ["2024Q1", "2024Q2", "2024Q3"]
    assert out["active"].tolist() == [2, 2, 2]
    assert out["retained"].tolist() == [0, 1, 1]
    assert out["new"].tolist() == [2, 1, 0]
    assert out["reactivated"].tolist() == [0, 0, 1]          # b comes back in Q3
    np.testing.assert_allclose(out["retention_rate"], [np.nan, 0.5, 0.5])
    np.testing.assert_allclose(out["churn_rate"], [np.nan, 0.5, 0.5])
    np.testing.assert_allclose(out["repeat_rate"], [0.0, 0.5, 1.0])
    assert out["complete"].tolist() == [True, True, True]


def test_partial_last_period_is_flagged(tx):
    out = retention_rates(tx, "acct", "day", "amt", freq="Q", as_of="2024-08-15")
    assert out["complete"].tolist() == [True, True, False]
    monthly = retention_rates(tx, "acct", "day", "amt", freq="M", as_of="2024-09-30")
    assert len(monthly) == 9 and monthly["active"].sum() == 6   # account-months: a 3, b 2, c 1
    yearly = retention_rates(tx, "acct", "day", "amt", freq="Y")
    assert yearly["active"].tolist() == [3] and np.isnan(yearly["retention_rate"].iloc[0])


def test_cohort_matrix_by_hand(tx):
    res = cohort_retention(tx, "acct", "day", "amt", freq="Q", as_of="2024-09-30")
    assert [str(p) for p in res.matrix.index] == ["2024Q1", "2024Q2"]   # no account first bought in Q3
    np.testing.assert_allclose(res.matrix.to_numpy(), [[1.0, 0.5, 1.0], [1.0, 0.0, np.nan]])
    assert res.sizes.tolist() == [2, 1]
    assert res.mean_retention(1).tolist() == [0.5, 0.0]
    partial = cohort_retention(tx, "acct", "day", "amt", freq="Q", as_of="2024-08-15")
    assert partial.complete.loc[pd.Period("2024Q1"), 2] == np.False_
    assert np.isnan(partial.mean_retention(2).iloc[0])
    assert partial.mean_retention(2, complete_only=False).iloc[0] == 1.0


def test_repeat_purchase_rate_by_hand(tx):
    assert repeat_purchase_rate(tx, "acct", "day", "amt") == pytest.approx(2 / 3)


def test_bad_input():
    with pytest.raises(InputError, match="freq='W'"):
        retention_rates(pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-01"], "amount": [1.0]}), freq="W")
    with pytest.raises(InputError, match="'amount' not found"):
        retention_rates(pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-01"]}))


def test_repeat_rate_agrees_with_customer_summary_on_cdnow(cdnow):
    """CDNOW sample (Fader, Hardie & Lee 2005): the share with frequency > 0 in customer_summary is the
    repeat-purchase rate; the retention of each month is checked against sets of buyers."""
    summary = customer_summary(cdnow, customer="customer_id", date="date", amount="amount")
    assert repeat_purchase_rate(cdnow) == pytest.approx(float((summary["frequency"] > 0).mean()), abs=1e-12)
    out = retention_rates(cdnow, freq="M")
    buys = cdnow[cdnow["amount"] >= 0]
    month = buys["date"].dt.to_period("M")
    sets = {p: set(buys.loc[month == p, "customer_id"]) for p in out.index}
    for p in out.index[1:]:
        prev, cur = sets[p - 1], sets[p]
        assert out.loc[p, "retention_rate"] == pytest.approx(len(prev & cur) / len(prev))


frames = st.lists(st.tuples(st.sampled_from("abcdefgh"), st.integers(0, 700),
                            st.sampled_from([-2.0, 0.0, 1.0, 3.5])), min_size=1, max_size=60)


@settings(max_examples=60, deadline=None)
@given(frames, st.sampled_from(["M", "Q", "Y"]))
def test_invariants(rows, freq):
    tx = pd.DataFrame(rows, columns=["customer_id", "day", "amount"])
    tx["date"] = pd.Timestamp("2023-01-01") + pd.to_timedelta(tx["day"], unit="D")
    if not (tx["amount"] >= 0).any():
        return
    as_of = tx["date"].max()
    out = retention_rates(tx, freq=freq, as_of=as_of)
    assert (out["active"] == out["retained"] + out["new"] + out["reactivated"]).all()
    assert (out["retained"] <= np.minimum(out["active"], out["previous_active"])).all()
    rate = out["retention_rate"].dropna()
    assert ((rate >= 0) & (rate <= 1)).all()
    assert np.allclose(out["retention_rate"].dropna() + out["churn_rate"].dropna(), 1.0)
    coh = cohort_retention(tx, freq=freq, as_of=as_of)
    assert (coh.matrix[0] == 1.0).all()
    assert coh.sizes.sum() == out["new"].sum()
    # every active account in a period is in exactly one cohort's cell on that period's diagonal
    for i, p in enumerate(out.index):
        total = sum(coh.active.loc[c, i - j] for j, c in enumerate(out.index[: i + 1])
                    if c in coh.active.index)
        assert total == out.loc[p, "active"]
