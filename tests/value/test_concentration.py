"""Lorenz curve, Gini and top shares; ABC classes.

References: the Gini coefficient as the mean absolute difference over all ordered pairs,
G = sum_i sum_j |x_i - x_j| / (2 n^2 mean) (Gini 1912; Deltas 2003, REStat 85(1) for the
n / (n - 1) correction); closed forms: equal values -> 0, one holder of everything -> (n-1)/n.
"""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from kamreport.errors import InputError
from kamreport.value import abc_classes, concentration, customer_summary


def gini_pairs(x: np.ndarray) -> float:
    """Reference formula: mean absolute difference / (2 mean), all n^2 ordered pairs."""
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size ** 2 * x.mean()))


def frame(values) -> pd.DataFrame:
    return pd.DataFrame({"total_revenue": np.asarray(values, dtype="float64")})


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=2, max_size=60)
       .filter(lambda v: sum(v) > 1e-3))
def test_gini_equals_pair_formula(values: list[float]) -> None:
    c = concentration(frame(values))
    x = np.asarray(values)
    assert c.gini == pytest.approx(gini_pairs(x), rel=1e-9, abs=1e-12)
    assert c.gini_corrected == pytest.approx(c.gini * x.size / (x.size - 1), rel=1e-12)
    # twice the area between the diagonal and the (full) Lorenz curve
    full = concentration(frame(values), max_points=None).lorenz
    area = np.trapezoid(full["share_value"], full["share_customers"])
    assert c.gini == pytest.approx(1 - 2 * area, abs=1e-9)


@pytest.mark.parametrize("n", [1, 2, 5, 1000])
def test_closed_forms(n: int) -> None:
    assert concentration(frame(np.full(n, 3.7))).gini == pytest.approx(0.0, abs=1e-12)
    one = concentration(frame([0.0] * (n - 1) + [42.0]))
    assert one.gini == pytest.approx((n - 1) / n, abs=1e-12)
    if n > 1:
        assert one.gini_corrected == pytest.approx(1.0, abs=1e-12)
    else:
        assert np.isnan(one.gini_corrected)


def test_lorenz_and_top_shares() -> None:
    c = concentration(frame([1, 2, 3, 4, 10]), top=(0.2, 0.4, 1.0), max_points=None)
    assert c.lorenz.iloc[0].tolist() == [0.0, 0.0] and c.lorenz.iloc[-1].tolist() == [1.0, 1.0]
    np.testing.assert_allclose(c.lorenz["share_value"], [0, 0.05, 0.15, 0.3, 0.5, 1.0])
    np.testing.assert_allclose(c.top_shares, [0.5, 0.7, 1.0])  # top customer 10/20, top two 14/20
    half = concentration(frame([1, 2, 3, 4, 10]), top=(0.1,)).top_shares.iloc[0]
    assert half == pytest.approx(0.25)  # half of the top customer, on the interpolated curve
    assert c.n == 5 and c.total == 20.0


def test_lorenz_is_thinned_but_statistics_use_all(cdnow: pd.DataFrame) -> None:
    """CDNOW revenue to 1997-09-30: 2,357 customers, Lorenz thinned to 101 points."""
    s = customer_summary(cdnow, observation_end="1997-09-30")
    thin = concentration(s, max_points=101)
    full = concentration(s, max_points=None)
    assert len(thin.lorenz) == 101 and len(full.lorenz) == 2358
    assert thin.gini == full.gini
    pd.testing.assert_series_equal(thin.top_shares, full.top_shares)
    assert np.all(np.diff(full.lorenz["share_value"]) >= 0)
    x = np.sort(s["total_revenue"].to_numpy())[::-1]
    k = int(0.2 * len(x))  # 471 customers, then 0.4 of the 472nd
    want = (x[:k].sum() + (0.2 * len(x) - k) * x[k]) / x.sum()
    assert full.top_shares.loc[0.2] == pytest.approx(want, rel=1e-12)
    assert full.gini == pytest.approx(gini_pairs(s["total_revenue"].to_numpy()), rel=1e-9)


def test_negative_zero_total_and_bad_top() -> None:
    with pytest.raises(InputError, match="1 negative values"):
        concentration(frame([5, -1, 3]))
    clipped = concentration(frame([5, -1, 3]), negative="clip")
    assert clipped.gini == pytest.approx(concentration(frame([5, 0, 3])).gini)
    with pytest.raises(InputError, match="sums to 0"):
        concentration(frame([0, 0]))
    with pytest.raises(InputError, match="top="):
        concentration(frame([1, 2]), top=(0.0,))
    with pytest.raises(InputError, match=r"column 'spend' \(by=\) not found"):
        concentration(frame([1, 2]), by="spend")


def test_abc_classes() -> None:
    """A = the fewest top customers reaching 80%, B up to 95%, C the rest; ties go up."""
    s = frame([50, 30, 10, 5, 3, 2])
    assert abc_classes(s).tolist() == ["A", "A", "B", "B", "C", "C"]
    tied = frame([40, 40, 10, 10])  # 40 reaches 40%; its twin ties; the 10s straddle 95%
    assert abc_classes(tied).tolist() == ["A", "A", "B", "B"]
    named = abc_classes(s, cuts=(0.5,), labels=["core", "tail"])
    assert named.tolist() == ["core", "tail", "tail", "tail", "tail", "tail"]
    assert list(named.cat.categories) == ["core", "tail"]
    with pytest.raises(InputError, match="cuts="):
        abc_classes(s, cuts=(0.9, 0.8))
    with pytest.raises(InputError, match="labels"):
        abc_classes(s, labels=["A", "B"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=1, max_size=50).filter(lambda v: sum(v) > 0))
def test_abc_class_a_is_minimal_top_group(values: list[int]) -> None:
    s = frame(values)
    cls = abc_classes(s)
    x = s["total_revenue"]
    a_share = x[cls == "A"].sum() / x.sum()
    assert a_share >= 0.8 - 1e-12
    without_smallest_a = a_share - x[cls == "A"].min() / x.sum()
    assert without_smallest_a < 0.8 + 1e-12 or (x[cls == "A"] == x[cls == "A"].min()).sum() > 1
    assert (x[cls == "A"].min() >= x[cls != "A"].max()) if (cls != "A").any() else True


def test_function_survives_import_order() -> None:
    """kamreport.value.concentration and .clv stay functions after every submodule is imported,
    and importing kamreport.value loads none of the fitters (the lazy loader works)."""
    import subprocess
    import sys

    probe = ("import sys, kamreport.value as v; "
             "assert not any(m.startswith(('kamreport.value.', 'scipy')) for m in sys.modules), "
             "sorted(m for m in sys.modules if m.startswith(('kamreport.value.', 'scipy')))")
    subprocess.run([sys.executable, "-c", probe], check=True)
    import kamreport.value as value
    import kamreport.value.lifetime  # noqa: F401
    from kamreport.value.lorenz import Concentration

    assert callable(value.clv) and value.clv.__module__ == "kamreport.value.lifetime"

    assert isinstance(value.concentration(frame([1, 2])), Concentration)
    from kamreport.value import concentration as again

    assert again(frame([1, 3])).gini == pytest.approx(0.25)
