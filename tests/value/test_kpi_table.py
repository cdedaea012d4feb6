"""The KPI table (kamreport.value.kpis): two months worked by hand, with a partial third month."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamreport.errors import InputError
from kamreport.value.kpis import KPIS, retention_kpis


@pytest.fixture
def inputs():
    tx = pd.DataFrame([
        ("a", "2024-01-04", "X"), ("b", "2024-01-09", "X"), ("c", "2024-01-20", "Y"),
        ("a", "2024-02-02", "X"), ("a", "2024-02-02", "Y"), ("b", "2024-02-14", "X"),
        ("a", "2024-03-05", "X"), ("d", "2024-03-06", "Z"),
        ("e", "2024-04-02", "X"),                                  # April is still running on 04-10
    ], columns=["customer_id", "date", "product_line"]).assign(amount=10.0)
    tx["date"] = pd.to_datetime(tx["date"])
    complaints = pd.DataFrame({"account_id": ["a", "b", "a"], "severity": [3, 1, 1],
                               "date": pd.to_datetime(["2024-02-03", "2024-02-20", "2024-03-09"])})
    survey = pd.DataFrame({"referrals": [0, 2, 1, 1, 0, 3], "wave": [1, 1, 2, 2, 2, 2]})
    return tx, complaints, survey


def test_kpis_by_hand(inputs):
    """February: buyers {a, b} of January's {a, b, c}: retention 2/3; both had bought before (repeat 1);
    a two lines, b one (1.5); complaints 2 of 2 buyers, 1 critical. March: {a, d} of {a, b}: retention
    1/2, repeat 1/2 (d is new), lines 1, complaints 1/2, none critical. Referrals: wave 1 half of 2
    respondents, wave 2 three of four."""
    tx, complaints, survey = inputs
    k = retention_kpis(tx, product_line="product_line", complaints=complaints, survey=survey,
                       survey_period="wave", freq="M", as_of="2024-04-10")
    assert (str(k.previous_period), str(k.period)) == ("2024-02", "2024-03")
    assert "latest_period_partial" in k.caveats
    t = k.table
    assert list(t.index) == list(KPIS)
    expected = {"retention_rate": (2 / 3, 1 / 2), "churn_rate": (1 / 3, 1 / 2), "repeat_rate": (1.0, 0.5),
                "lines_per_account": (1.5, 1.0), "referral_rate": (0.5, 0.75), "complaint_rate": (1.0, 0.5),
                "share_critical": (0.5, 0.0)}
    for kpi, (prev, cur) in expected.items():
        assert (t.loc[kpi, "previous"], t.loc[kpi, "current"]) == pytest.approx((prev, cur)), kpi
        assert t.loc[kpi, "change"] == pytest.approx(cur - prev), kpi
    assert t.loc["retention_rate", "relative_change"] == pytest.approx(-0.25)
    assert t.loc["retention_rate", "improved"] is False and t.loc["churn_rate", "improved"] is False
    assert t.loc["complaint_rate", "improved"] is True and t.loc["referral_rate", "improved"] is True
    assert k.history_row().loc[pd.Period("2024-03", "M"), "lines_per_account"] == 1.0


def test_partial_period_on_request_and_missing_sources(inputs):
    tx, _, survey = inputs
    k = retention_kpis(tx, freq="M", as_of="2024-04-10", complete_only=False, survey=survey)
    assert str(k.period) == "2024-04"
    assert {"no_product_line", "no_complaints", "referral_single_period"} <= set(k.caveats)
    assert list(k.table.index) == ["retention_rate", "churn_rate", "repeat_rate", "referral_rate"]
    assert np.isnan(k.table.loc["referral_rate", "previous"]) and k.table.loc["referral_rate", "improved"] is None
    only = retention_kpis(tx[tx["date"] < "2024-01-10"], freq="Q", as_of="2024-01-10")
    assert only.caveats[0] == "only_partial_period" and np.isnan(only.table.loc["retention_rate", "current"])
    with pytest.raises(InputError, match="no purchase"):
        retention_kpis(tx.assign(amount=-1.0), freq="M")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcdef"), st.integers(0, 500), st.sampled_from("XYZ")),
                min_size=1, max_size=50), st.sampled_from(["M", "Q"]))
def test_table_invariants(rows, freq):
    tx = pd.DataFrame(rows, columns=["customer_id", "day", "product_line"]).assign(amount=1.0)
    tx["date"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(tx["day"], unit="D")
    k = retention_kpis(tx, product_line="product_line", freq=freq)
    t = k.table
    assert k.previous_period == k.period - 1
    both = t[["previous", "current"]].loc[["retention_rate", "churn_rate"]].dropna(axis=1)
    assert np.allclose(both.sum(axis=0), 1.0)
    np.testing.assert_allclose(t["change"], t["current"] - t["previous"])
    for _, row in t.iterrows():
        if row["improved"] is not None:
            assert row["improved"] == ((row["change"] > 0) == row["higher_is_better"])
    assert ((t.loc["lines_per_account", ["previous", "current"]].dropna() >= 1)).all()
