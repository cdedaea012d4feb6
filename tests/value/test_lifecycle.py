"""Lifecycle stage (考察期 / 形成期 / 稳定期 / 退化期) on small synthetic transaction sets.

Each account below is built so that exactly one rule of ``lifecycle_stage`` holds; the expected
stage follows from the rule as documented (windows of 30 days ending 2024-12-31).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamreport.errors import InputError
from kamreport.value.lifecycle import (
    LifecycleThresholds,
    active_period_share,
    lifecycle_stage,
    stage_transitions,
)

AS_OF = pd.Timestamp("2024-12-31")


def orders(account: str, days_ago: list[int], amount: float = 100.0) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": account, "date": [AS_OF - pd.Timedelta(days=d) for d in days_ago],
                         "amount": amount})


def per_window(counts: list[int]) -> list[int]:
    """Days-ago of counts[j] orders in window j (j = 0 the latest), spread inside the window."""
    return [30 * j + 1 + 3 * k for j, c in enumerate(counts) for k in range(c)]


TX = pd.concat([
    orders("new", [10, 5]),                                   # tenure 10 days < 30
    orders("few", [200, 20]),                                 # 2 purchase days < 3, active lately
    orders("inactive", [300, 250, 200, 150, 100]),            # idle 100 days > 60
    orders("rising", per_window([3, 1, 1, 1])),               # orders and value x3
    orders("stable", per_window([2, 2, 2, 2])),
    orders("falling", per_window([1, 4, 4, 4])),              # -75 %
    orders("at_rise", per_window([5, 4, 4, 4])),              # +25 % exactly
], ignore_index=True)
EXPECTED = {
    "new": ("exploration", "new"), "few": ("exploration", "few_orders"), "inactive": ("decline", "inactive"),
    "rising": ("build_up", "rising"), "stable": ("maturity", "stable"), "falling": ("decline", "falling"),
    "at_rise": ("build_up", "rising"),
}


@pytest.fixture(scope="module")
def stages() -> pd.DataFrame:
    return lifecycle_stage(TX, as_of=AS_OF, window="30D")


@pytest.mark.parametrize("account", list(EXPECTED))
def test_each_stage_on_its_synthetic_account(stages: pd.DataFrame, account: str) -> None:
    assert (stages.loc[account, "stage"], stages.loc[account, "rule"]) == EXPECTED[account]


def test_trend_values_by_hand(stages: pd.DataFrame) -> None:
    assert stages.loc["rising", "trend"] == 1.0            # (3 - 1) / 1 capped at 1, both parts
    assert stages.loc["stable", "trend"] == 0.0
    assert stages.loc["falling", "trend"] == pytest.approx(-0.75)
    assert stages.loc["at_rise", "trend"] == pytest.approx(0.25)
    assert stages.loc["stable", "orders_baseline"] == 2.0 and stages.loc["stable", "value_latest"] == 200.0
    assert np.isnan(stages.loc["new", "trend"])
    assert stages["stage"].cat.categories.tolist() == ["exploration", "build_up", "maturity", "decline"]


def test_boundaries_of_tenure_and_idle_are_strict() -> None:
    """Tenure of exactly one window is no longer new; idle of exactly two windows is not inactive."""
    tx = pd.concat([orders("one_window", [30, 20, 10, 1]), orders("idle_two", [150, 120, 90, 60])])
    out = lifecycle_stage(tx, as_of=AS_OF, window=30)
    assert out.loc["one_window", "rule"] != "new"
    assert out.loc["idle_two", "rule"] != "inactive"


def test_baseline_uses_only_windows_after_the_first_order() -> None:
    """Tenure 45 days: one baseline window (m = 1), so 1 order then 2 orders is +100 %."""
    out = lifecycle_stage(orders("young", [45, 20, 10]), as_of=AS_OF, window=30)
    assert out.loc["young", "orders_baseline"] == 1.0 and out.loc["young", "rule"] == "rising"


def test_returns_net_value_but_are_no_orders() -> None:
    tx = pd.concat([orders("r", per_window([2, 2, 2, 2])), orders("r", [2], amount=-100.0)])
    out = lifecycle_stage(tx, as_of=AS_OF, window=30)
    assert out.loc["r", "orders_latest"] == 2 and out.loc["r", "value_latest"] == 100.0


def test_rows_after_as_of_and_custom_thresholds() -> None:
    tx = pd.concat([orders("stable", per_window([2, 2, 2, 2])), orders("stable", [-5])])
    out = lifecycle_stage(tx, as_of=AS_OF, window=30)
    assert out.loc["stable", "last_order"] <= AS_OF and out.loc["stable", "n_orders"] == 8
    strict = lifecycle_stage(TX, as_of=AS_OF, window=30, thresholds=LifecycleThresholds(min_orders=20))
    assert strict.loc["stable", "rule"] == "few_orders"


@pytest.mark.parametrize("window", ["12h", 0, "soon", -30])
def test_bad_window_is_an_input_error(window) -> None:
    with pytest.raises(InputError, match="window"):
        lifecycle_stage(TX, as_of=AS_OF, window=window)


def test_bad_thresholds_and_columns_are_input_errors() -> None:
    with pytest.raises(InputError, match="n_windows"):
        LifecycleThresholds(n_windows=1)
    with pytest.raises(InputError, match="'order_date'"):
        lifecycle_stage(TX, date="order_date")


def test_active_period_share_counts_windows_since_the_first_order() -> None:
    share = active_period_share(TX, as_of=AS_OF, window=30, periods=4)
    assert share["stable"] == 1.0 and share["new"] == 1.0        # 1 of 1 window since it started
    assert share["inactive"] == 0.25 and share["few"] == 0.25    # days 100 and 20: windows 3 and 0


def test_stage_transitions_crosstab() -> None:
    later = pd.concat([TX, orders("late", [3])])
    out = stage_transitions(later, at=(AS_OF - pd.Timedelta(days=9), AS_OF), window=30)
    assert out.index.tolist() == ["exploration", "build_up", "maturity", "decline", "new"]
    assert out.loc["new", "exploration"] == 1                   # "late" bought after date1
    assert out.to_numpy().sum() == later["customer_id"].nunique()
    with pytest.raises(InputError, match="earlier, later"):
        stage_transitions(TX, at=(AS_OF, AS_OF))


def test_exploration_below_one_window_still_needs_a_baseline_window() -> None:
    young = orders("young", [20, 10, 5, 1])
    out = lifecycle_stage(young, as_of=AS_OF, window=30, thresholds=LifecycleThresholds(exploration_windows=0.5))
    assert out.loc["young", "rule"] == "new"
