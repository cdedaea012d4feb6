"""Complaint and referral KPIs (kamreport.value.complaints) on small frames worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamreport.errors import InputError
from kamreport.value.complaints import (
    complaint_rates,
    complaints_by_group,
    mean_resolution_days,
    referral_rate,
    root_cause_shares,
    severity_distribution,
)


@pytest.fixture
def complaints() -> pd.DataFrame:
    return pd.DataFrame({
        "cid": ["k1", "k2", "k3", "k4", "k5", "k6"],
        "acc": ["a", "a", "b", "c", "a", None],
        "when": pd.to_datetime(["2024-01-03", "2024-02-10", "2024-02-11", "2024-04-20", "2024-05-01",
                                "2024-05-02"]),
        "cause": ["delivery", "delivery", "billing", "quality", "delivery", "billing"],
        "sev": [1, 3, 2, 3, 1, 2],
        "days": [2.0, 8.0, 5.0, np.nan, 1.0, 3.0],
    })


def test_rates_against_a_base_by_period(complaints):
    """Q1: 3 complaints (a twice, b) of 4 buying accounts -> 0.75 per account, 2/4 complaining, 1/3
    critical; Q2: c and a (the row without an account is left out) of 5 -> 0.4, 0.4, 1/2 critical."""
    base = pd.Series([4, 5], index=pd.PeriodIndex(["2024Q1", "2024Q2"], freq="Q"))
    out = complaint_rates(complaints, base, account="acc", date="when", severity="sev", freq="Q")
    assert out["complaints"].tolist() == [3, 2]
    np.testing.assert_allclose(out["complaints_per_account"], [0.75, 0.4])
    np.testing.assert_allclose(out["share_complaining"], [0.5, 0.4])
    np.testing.assert_allclose(out["share_critical"], [1 / 3, 0.5])
    assert out.attrs["rows_dropped"] == 1
    fixed = complaint_rates(complaints, 10, account="acc", date="when", severity=None, freq="Y")
    assert fixed["complaints_per_account"].tolist() == [0.5] and "share_critical" not in fixed
    with pytest.raises(InputError, match="base="):
        complaint_rates(complaints, "all", account="acc", date="when", severity="sev")


def test_shares_by_hand(complaints):
    sev = severity_distribution(complaints, "sev", resolved_days="days")
    assert sev["complaints"].tolist() == [2, 2, 2]
    np.testing.assert_allclose(sev["mean_resolved_days"], [1.5, 4.0, 8.0])
    causes = root_cause_shares(complaints, "cause", resolved_days="days")
    assert list(causes.index) == ["delivery", "billing", "quality"]
    np.testing.assert_allclose(causes["share"], [0.5, 1 / 3, 1 / 6])
    np.testing.assert_allclose(causes["cumulative_share"], [0.5, 5 / 6, 1.0])
    np.testing.assert_allclose(causes["mean_resolved_days"], [11 / 3, 4.0, np.nan])
    assert mean_resolution_days(complaints, "days") == pytest.approx(19 / 5)
    with pytest.raises(InputError, match="outside 1, 2, 3"):
        severity_distribution(complaints.assign(sev=[1, 2, 4, 1, 1, 1]), "sev")


def test_by_group_by_hand(complaints):
    """a (3 complaints, one critical) and c (1, critical) are at risk; b (1) and e (none) core; the row
    without an account and accounts outside the groups are left out."""
    groups = pd.Series(pd.Categorical(["at_risk", "core", "at_risk", "core"], categories=["core", "at_risk"]),
                       index=["a", "b", "c", "e"], name="cell")
    out = complaints_by_group(complaints, groups, account="acc", severity="sev")
    assert list(out.index) == ["core", "at_risk"] and out.index.name == "cell"
    assert out["complaints"].tolist() == [1, 4]
    np.testing.assert_allclose(out["complaints_per_account"], [0.5, 2.0])
    np.testing.assert_allclose(out["share_complaining"], [0.5, 1.0])
    np.testing.assert_allclose(out["share_critical"], [0.0, 0.5])


def test_referral_rate_by_hand():
    survey = pd.DataFrame({"acc": ["a", "a", "b", "c", "c", "d"], "refs": [0, 3, 0, 1, 1, np.nan],
                           "wave": [1, 2, 1, 1, 2, 2]})
    r = referral_rate(survey, "refs", account="acc", period="wave")
    assert (r.respondents, r.share_respondents, r.mean_referrals) == (5, 0.6, 1.0)
    assert (r.accounts, r.share_accounts) == (3, pytest.approx(2 / 3))
    assert r.mean_referrals_account == pytest.approx((1.5 + 0 + 1) / 3)
    assert r.by_period["share_respondents"].tolist() == [pytest.approx(1 / 3), 1.0]
    with pytest.raises(InputError, match="negative"):
        referral_rate(survey.assign(refs=[-1, 0, 0, 0, 0, 0]), "refs")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcde"), st.integers(0, 400), st.integers(1, 3),
                          st.sampled_from(["x", "y", "z"])), min_size=1, max_size=40),
       st.integers(5, 50))
def test_invariants(rows, base):
    frame = pd.DataFrame(rows, columns=["account_id", "day", "severity", "category"])
    frame["date"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(frame["day"], unit="D")
    out = complaint_rates(frame, base, freq="M")
    assert out["complaints"].sum() == len(frame)
    assert (out["accounts_complaining"] <= np.minimum(out["complaints"], base)).all()
    assert (out["share_complaining"] <= out["complaints_per_account"] + 1e-12).all()
    assert severity_distribution(frame)["share"].sum() == pytest.approx(1.0)
    shares = root_cause_shares(frame)["share"]
    assert shares.sum() == pytest.approx(1.0) and shares.is_monotonic_decreasing
