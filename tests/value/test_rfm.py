"""RFM scores, the customer pyramid, tier profiles and tier migration.

References: pandas ``qcut`` (pandas 3.1) for quintile scores of distinct values; the pyramid's
default shares from the method texts (VIP 1%, key 4%, ordinary 15%, small 80%); CDNOW
(Fader, Hardie & Lee 2005) as a realistic customer table.
"""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from kamreport.errors import InputError
from kamreport.value import customer_summary, pyramid, rfm_scores, tier_migration, tier_profile
from kamreport.value.rfm import RFM_SEGMENTS, quantile_score


@pytest.fixture(scope="module")
def summary(cdnow: pd.DataFrame) -> pd.DataFrame:
    return customer_summary(cdnow, observation_end="1997-09-30")


# --- scores --------------------------------------------------------------------------------------

@pytest.mark.parametrize("n, bins", [(100, 5), (2357 - 2, 5), (90, 3), (40, 10)])
def test_scores_of_distinct_values_are_pandas_qcut(n: int, bins: int) -> None:
    """Distinct values: equal-count bins, identical to pandas.qcut(x, bins) + 1."""
    x = pd.Series(np.random.default_rng(n).permutation(n).astype(float) * 1.5)
    want = pd.qcut(x, bins, labels=False) + 1
    if n % bins == 0:
        np.testing.assert_array_equal(quantile_score(x, bins), want)
    counts = quantile_score(x, bins).value_counts()
    assert counts.max() - counts.min() <= 1 and counts.index.min() == 1


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=60), st.integers(2, 7))
def test_scores_monotone_ties_equal(values: list[int], bins: int) -> None:
    x = pd.Series(values, dtype="float64")
    s = quantile_score(x, bins)
    assert s.between(1, bins).all()
    order = np.argsort(x.to_numpy(), kind="stable")
    assert (np.diff(s.to_numpy()[order]) >= 0).all()  # higher value, never a lower score
    assert (s.groupby(x).nunique() == 1).all()  # ties share one score
    assert s.loc[x == x.min()].eq(1).all()


def test_rfm_scores_on_cdnow(summary: pd.DataFrame) -> None:
    """CDNOW: one-time buyers (60%) all get F = 1; R uses T - recency; cells and segments."""
    rfm = rfm_scores(summary)
    assert list(rfm.columns) == ["r_score", "f_score", "m_score", "rfm_score", "rfm_cell",
                                 "segment"]
    assert rfm.index.equals(summary.index)
    assert rfm[["r_score", "f_score", "m_score"]].isin(range(1, 6)).all().all()
    assert (rfm.loc[summary["frequency"] == 0, "f_score"] == 1).all()
    n0 = len(summary) - 946  # repeaters start at rank n0 + 1: score 1 + floor(5 * n0 / n) = 3
    assert (rfm.loc[summary["frequency"] == 1, "f_score"] == 3).all() and n0 == 1411
    since_last = summary["T"] - summary["recency"]
    most_recent = since_last.idxmin()
    assert rfm.loc[most_recent, "r_score"] == 5
    assert rfm.loc[since_last.idxmax(), "r_score"] == 1
    first = rfm.iloc[0]
    assert first["rfm_cell"] == f"{first.r_score}{first.f_score}{first.m_score}"
    assert set(rfm["segment"]) <= set(RFM_SEGMENTS.values())
    high = rfm[["r_score", "f_score", "m_score"]] > 3
    vip = high.all(axis=1)
    assert (rfm.loc[vip, "segment"] == "important value").all()
    assert (rfm.loc[~high.any(axis=1), "segment"] == "general win-back").all()


def test_rfm_options_and_errors(summary: pd.DataFrame) -> None:
    own = summary.assign(days_since=(summary["T"] - summary["recency"]) * 7)
    a = rfm_scores(own, recency_col="days_since", monetary_col="monetary_value", bins=10)
    b = rfm_scores(summary, monetary_col="monetary_value", bins=10)
    pd.testing.assert_frame_equal(a, b)
    assert a["rfm_cell"].str.count("-").eq(2).all()
    with pytest.raises(InputError, match="bins=1"):
        rfm_scores(summary, bins=1)
    with pytest.raises(InputError, match=r"column 'spend' \(monetary_col\) not found; available"):
        rfm_scores(summary, monetary_col="spend")
    with pytest.raises(InputError, match="1 missing"):
        rfm_scores(summary.assign(frequency=summary["frequency"].where(summary.index != 1)))


# --- pyramid -------------------------------------------------------------------------------------

def test_pyramid_default_shares_on_cdnow(summary: pd.DataFrame) -> None:
    """Default tiers 1/4/15/80%: cuts at round(n * cumulative share), ties going up."""
    tier = pyramid(summary)
    assert tier.name == "tier" and list(tier.cat.categories) == ["VIP", "Key", "Ordinary", "Small"]
    n = len(summary)
    ends = np.floor(n * np.cumsum([0.01, 0.04, 0.15, 0.80]) + 0.5).astype(int)
    counts = tier.value_counts().reindex(tier.cat.categories).cumsum().to_numpy()
    assert (counts >= ends).all() and counts[-1] == n
    v = summary["total_revenue"]
    ranked = v.sort_values(ascending=False)
    # the VIP tier is the top 24 customers plus anyone tied with the 24th
    assert set(tier[tier == "VIP"].index) == set(v[v >= ranked.iloc[ends[0] - 1]].index)
    for upper, lower in zip(tier.cat.categories[:-1], tier.cat.categories[1:]):
        assert v[tier == upper].min() > v[tier == lower].max()


def test_pyramid_ties_go_up_and_thresholds() -> None:
    s = pd.DataFrame({"total_revenue": [100.0, 50, 50, 50, 10, 5]}, index=list("abcdef"))
    tier = pyramid(s, tiers={"top": 0.5, "rest": 0.5})
    assert tier.tolist() == ["top"] * 4 + ["rest"] * 2  # 3 by share, 4th ties at the cut
    by_value = pyramid(s, thresholds={"VIP": 100, "Key": 50, "Small": 6})
    assert by_value.tolist()[:5] == ["VIP", "Key", "Key", "Key", "Small"]
    assert pd.isna(by_value["f"])  # below every threshold: no tier
    with pytest.raises(InputError, match="sum to 1"):
        pyramid(s, tiers={"VIP": 0.2, "rest": 0.7})
    with pytest.raises(InputError, match="positive"):
        pyramid(s, tiers={"VIP": 1.2, "rest": -0.2})
    with pytest.raises(InputError, match="strictly decreasing"):
        pyramid(s, thresholds={"Small": 0, "VIP": 100})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=1, max_size=80))
def test_pyramid_is_monotone(values: list[int]) -> None:
    s = pd.DataFrame({"total_revenue": np.asarray(values, dtype=float)})
    codes = pyramid(s).cat.codes.to_numpy()
    order = np.argsort(-s["total_revenue"].to_numpy(), kind="stable")
    assert (np.diff(codes[order]) >= 0).all()  # higher value, never a lower tier
    assert (pd.Series(codes).groupby(s["total_revenue"]).nunique() == 1).all()


# --- profile and migration -----------------------------------------------------------------------

def test_tier_profile_adds_up(summary: pd.DataFrame) -> None:
    tier = pyramid(summary)
    profile = tier_profile(summary, tier)
    assert list(profile.index) == ["VIP", "Key", "Ordinary", "Small"]
    assert profile["n_customers"].sum() == len(summary)
    np.testing.assert_allclose(profile[["share_customers", "share_revenue"]].sum(), 1.0)
    np.testing.assert_allclose(profile["revenue"].sum(), summary["total_revenue"].sum())
    vip = summary[tier == "VIP"]
    row = profile.loc["VIP"]
    assert row["mean_order_value"] == pytest.approx(vip["total_revenue"].sum() / vip["n_orders"].sum())
    assert row["mean_frequency"] == pytest.approx(vip["frequency"].mean())
    assert row["mean_recency"] == pytest.approx(vip["recency"].mean())
    assert row["mean_time_since_last"] == pytest.approx((vip["T"] - vip["recency"]).mean())
    assert profile.loc["VIP", "share_revenue"] > profile.loc["VIP", "share_customers"]


def test_tier_migration_counts_new_and_lost() -> None:
    cats = ["VIP", "Key", "Small"]
    before = pd.Series(pd.Categorical(["VIP", "Key", "Small", "Small", "Key"], categories=cats),
                       index=[1, 2, 3, 4, 5])
    after = pd.Series(pd.Categorical(["VIP", "VIP", "Small", "Key", "Small"], categories=cats),
                      index=[1, 2, 3, 6, 7])
    m = tier_migration(before, after)
    assert list(m.counts.index) == cats + ["new"] and list(m.counts.columns) == cats + ["lost"]
    assert m.counts.loc["VIP", "VIP"] == 1 and m.counts.loc["Key", "VIP"] == 1
    assert m.counts.loc["Key", "lost"] == 1 and m.counts.loc["Small", "lost"] == 1
    assert m.counts.loc["new", "Key"] == 1 and m.counts.loc["new", "Small"] == 1
    assert m.counts.to_numpy().sum() == 7 and m.counts.loc["new", "lost"] == 0
    np.testing.assert_allclose(m.shares.loc[["VIP", "Key", "Small", "new"]].sum(axis=1), 1.0)
    assert m.shares.loc["Key", "VIP"] == 0.5
    plain = tier_migration(before.astype(str), after.astype(str))  # labels sorted when plain
    assert plain.counts.loc["Key", "VIP"] == 1 and list(plain.counts.index)[-1] == "new"
    with pytest.raises(InputError, match="reserved"):
        tier_migration(before, pd.Series(["new"], index=[9]))
