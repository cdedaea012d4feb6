"""Jones & Sasser (1995, HBR "Why satisfied customers defect") types, the satisfaction trap and the
satisfaction-loyalty curve: boundary tables worked by hand, invariants by hypothesis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamreport.errors import InputError
from kamreport.value.typology import (TYPOLOGY_TYPES, TypologyCuts, isotonic_fit, satisfaction_loyalty_curve,
                                      satisfaction_trap, typology, typology_summary)

#: (satisfaction, loyalty, type) at the default cuts 70 / 70, apostles >= 90 / 90, terrorists <= 30 / 30;
#: worked by hand: at a cut counts as high (satisfied, loyal, apostle) or as extreme (terrorist)
BOUNDARY = [
    (70.0, 70.0, "loyalist"), (69.999, 70.0, "hostage"), (70.0, 69.999, "mercenary"),
    (69.999, 69.999, "defector"), (90.0, 90.0, "apostle"), (90.0, 89.999, "loyalist"),
    (89.999, 90.0, "loyalist"), (100.0, 100.0, "apostle"), (30.0, 30.0, "terrorist"),
    (30.001, 30.0, "defector"), (30.0, 30.001, "defector"), (0.0, 0.0, "terrorist"),
    (95.0, 30.0, "mercenary"), (20.0, 95.0, "hostage"), (90.0, 20.0, "mercenary"), (30.0, 69.999, "defector"),
]


def _frame(rows):
    index = [f"a{i}" for i in range(len(rows))]
    return (pd.Series([r[0] for r in rows], index=index), pd.Series([r[1] for r in rows], index=index),
            [r[2] for r in rows])


def test_boundary_table_at_the_default_cuts():
    sat, loy, expected = _frame(BOUNDARY)
    out = typology(sat, loy)
    assert out["type"].tolist() == expected
    quadrant = {"apostle": "loyalist", "terrorist": "defector"}
    assert out["quadrant"].tolist() == [quadrant.get(t, t) for t in expected]


def test_boundary_table_at_other_cuts():
    cuts = TypologyCuts(satisfaction=60, loyalty=80, apostle_satisfaction=85, apostle_loyalty=95,
                        terrorist_satisfaction=20, terrorist_loyalty=40)
    rows = [(60, 80, "loyalist"), (59.9, 80, "hostage"), (85, 95, "apostle"), (85, 94.9, "loyalist"),
            (60, 79.9, "mercenary"), (20, 40, "terrorist"), (20.1, 40, "defector"), (20, 40.1, "defector")]
    sat, loy, expected = _frame(rows)
    assert typology(sat, loy, cuts)["type"].tolist() == expected


def test_missing_scores_and_bad_input():
    out = typology(pd.Series([80.0, np.nan], index=["a", "b"]), pd.Series([80.0], index=["c"]))
    assert out.index.tolist() == ["a", "b", "c"] and out["type"].isna().all()
    assert out["satisfied"].tolist()[:1] == [True] and out["loyal"].isna().tolist() == [True, True, False]
    with pytest.raises(InputError, match="outside 0-100"):
        typology(pd.Series([120.0]), pd.Series([50.0]))
    with pytest.raises(InputError, match="terrorist < satisfied"):
        TypologyCuts(satisfaction=95)


def test_summary_worked_by_hand():
    sat, loy, _ = _frame([(95, 95, ""), (80, 80, ""), (80, 40, ""), (80, 40, ""), (10, 10, "")])
    revenue = pd.Series([50.0, 30, 10, 10, 0], index=sat.index)
    out = typology_summary(typology(sat, loy), revenue)
    assert out.index.tolist() == list(TYPOLOGY_TYPES)
    assert out["n_accounts"].tolist() == [1, 1, 2, 0, 0, 1]
    assert out["share_accounts"].tolist() == [0.2, 0.2, 0.4, 0.0, 0.0, 0.2]
    assert out["share_revenue"].tolist() == [0.5, 0.3, 0.2, 0.0, 0.0, 0.0]
    assert out.loc["mercenary", "action"] == "earn_loyalty" and out.loc["terrorist", "action"] == "contain_damage"


def test_trap_worked_by_hand():
    # satisfied: a, b, c, d (4); not loyal: b, c; defecting (P(alive) < .5): c, d; trapped: b, c, d
    sat, loy, _ = _frame([(80, 80, ""), (90, 50, ""), (75, 60, ""), (70, 90, ""), (40, 20, "")])
    alive = pd.Series([0.9, 0.6, 0.1, 0.4, 0.0], index=sat.index)
    trap = satisfaction_trap(typology(sat, loy), alive)
    assert (trap.n_satisfied, trap.n_not_loyal, trap.n_defecting, trap.n_trapped) == (4, 2, 2, 3)
    assert (trap.share_not_loyal, trap.share_defecting, trap.share_trapped) == (0.5, 0.5, 0.75)
    no_alive = satisfaction_trap(typology(sat, loy))
    assert no_alive.n_defecting == 0 and no_alive.share_trapped == 0.5 and no_alive.alive_cut is None
    empty = satisfaction_trap(typology(pd.Series([10.0]), pd.Series([10.0])))
    assert empty.n_satisfied == 0 and np.isnan(empty.share_trapped)


def test_curve_worked_by_hand():
    # bands [0,30) [30,50) [50,70) [70,90) [90,100]; 70 and 90 go to the upper band
    sat = pd.Series([10.0, 40, 50, 69, 70, 89, 90, 100])
    loy = pd.Series([20.0, 30, 60, 40, 50, 50, 90, 100])
    rep = pd.Series([0.1, 0.2, 0.5, 0.3, 0.4, 0.6, 0.8, 1.0])
    curve = satisfaction_loyalty_curve(sat, loy, {"repeat_rate": rep})
    assert curve.bands["n"].tolist() == [1, 1, 2, 2, 2]
    assert curve.bands["loyalty"].tolist() == [20.0, 30.0, 50.0, 50.0, 95.0]
    assert curve.bands["loyalty_fit"].tolist() == [20.0, 30.0, 50.0, 50.0, 95.0]
    assert curve.top_jump["loyalty"] == 45.0
    assert curve.bands["repeat_rate"].round(6).tolist() == [0.1, 0.2, 0.4, 0.5, 0.9]
    assert curve.top_jump["repeat_rate"] == pytest.approx(0.4)
    # account-level isotonic fit: (50, 60) and (69, 40) pool to 50; then 50, 50, 90, 100
    assert curve.accounts["loyalty_fit"].tolist() == [20.0, 30, 50, 50, 50, 50, 90, 100]
    assert curve.bands.index.tolist()[-1] == "[90, 100]" and not curve.caveats


def test_curve_pools_a_falling_band_and_flags_an_empty_top():
    sat = pd.Series([60.0, 60, 80, 80])
    loy = pd.Series([70.0, 70, 40, 60])       # band means 70 (n 2) then 50 (n 2): pooled to 60
    curve = satisfaction_loyalty_curve(sat, loy)
    assert curve.bands["loyalty_fit"].dropna().tolist() == [60.0, 60.0]
    assert np.isnan(curve.top_jump["loyalty"]) and curve.caveats
    with pytest.raises(InputError, match="increase strictly"):
        satisfaction_loyalty_curve(sat, loy, bands=(50, 40))


scores = st.lists(st.tuples(st.floats(0, 100), st.floats(0, 100)), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(scores)
def test_types_agree_with_the_cuts(rows):
    sat, loy = pd.Series([r[0] for r in rows]), pd.Series([r[1] for r in rows])
    out = typology(sat, loy)
    assert (out["satisfied"].to_numpy(bool) == (sat >= 70).to_numpy()).all()
    assert set(out.loc[out["type"] == "apostle", "quadrant"]) <= {"loyalist"}
    assert set(out.loc[out["type"] == "terrorist", "quadrant"]) <= {"defector"}
    summary = typology_summary(out, pd.Series(1.0, index=sat.index))
    assert summary["n_accounts"].sum() == len(rows)
    assert summary["share_accounts"].sum() == pytest.approx(1.0)
    assert summary["share_revenue"].sum() == pytest.approx(1.0)
    # raising satisfaction never makes an account less satisfied, nor turns a mercenary into a hostage
    higher = typology((sat + 10).clip(upper=100), loy)
    assert (higher["satisfied"].to_numpy(bool) >= out["satisfied"].to_numpy(bool)).all()


@settings(max_examples=60, deadline=None)
@given(scores)
def test_isotonic_fits_are_monotone_and_keep_the_mean(rows):
    sat, loy = pd.Series([r[0] for r in rows]), pd.Series([r[1] for r in rows])
    fit = isotonic_fit(sat, loy)
    ordered = fit.to_numpy()[np.argsort(sat.to_numpy(), kind="stable")]
    assert (np.diff(ordered) >= -1e-9).all()
    assert fit.mean() == pytest.approx(loy.mean(), abs=1e-7)
    curve = satisfaction_loyalty_curve(sat, loy)
    filled = curve.bands.dropna(subset=["loyalty"])
    assert (np.diff(filled["loyalty_fit"].to_numpy()) >= -1e-9).all()
    assert (filled["loyalty_fit"] * filled["n"]).sum() == pytest.approx((filled["loyalty"] * filled["n"]).sum())
    assert curve.bands["n"].sum() == len(rows)


def test_scores_a_rounding_error_above_100_are_clipped_not_refused():
    """A PLS index of top answers can come out as 100 + 1.4e-14 (weighted mean in floating point):
    typology and curve clip such rounding, and still refuse real out-of-range scores."""
    sat = pd.Series([100 + 1.4e-14, 50.0, 95.0], index=["a", "b", "c"])
    loy = pd.Series([100 + 2.8e-14, -1e-12, 95.0], index=["a", "b", "c"])
    types = typology(sat, loy)
    assert types.loc["a", "satisfaction"] == 100.0 and types.loc["b", "loyalty"] == 0.0
    assert types.loc["a", "type"] == "apostle"
    satisfaction_loyalty_curve(sat, loy)
    with pytest.raises(InputError, match="outside 0-100"):
        typology(sat + 0.01, loy)
