"""The issue-14 structures planted by the demo generator (kamreport.data.demo.planted: Jones & Sasser
types, loss-making accounts) are found by kamreport.value.typology and .profitability on
make_demo_data. Account scores here are the 0-100 rescaled item means (1-10 scale) of each
account's respondents, the same reading the generator plants on."""

from __future__ import annotations

import pandas as pd
import pytest

from kamreport.data.demo import make_demo_data
from kamreport.value.profitability import account_profit, whale_curve
from kamreport.value.typology import satisfaction_loyalty_curve, satisfaction_trap, typology

SEED = 2026


@pytest.fixture(scope="module")
def demo():
    return make_demo_data(SEED)


def _scores(demo, construct: str) -> pd.Series:
    items = [i for i, c, *_ in demo.truth.items if c == construct]
    answers = demo.survey[items].astype("Float64")
    answers = answers.mask(answers == demo.truth.dont_know_code)
    mean = answers.mean(axis=1).groupby(demo.survey["account_id"]).mean().astype(float)
    return (mean - 1) / 9 * 100


def test_planted_types_are_found(demo):
    planted = demo.stats["planted"]
    types = typology(_scores(demo, "Satisfaction"), _scores(demo, "Loyalty"))
    assert set(types.loc[list(planted["mercenaries"]), "type"]) == {"mercenary"}
    assert set(types.loc[list(planted["hostages"]), "type"]) == {"hostage"}
    assert set(types.loc[list(planted["apostles"]), "quadrant"]) == {"loyalist"}
    assert set(types.loc[list(planted["terrorists"]), "quadrant"]) == {"defector"}
    # the mercenaries stopped ordering 200-300 days before the end: in the trap as defecting too
    tx = demo.transactions
    last = tx.groupby("account_id")["order_date"].max()
    alive = (last > tx["order_date"].max() - pd.Timedelta(days=180)).astype(float)
    trap = satisfaction_trap(types.loc[list(planted["mercenaries"])], alive)
    assert trap.n_satisfied == trap.n_not_loyal == trap.n_defecting == len(planted["mercenaries"])
    curve = satisfaction_loyalty_curve(types["satisfaction"], types["loyalty"], {"alive": alive})
    assert curve.top_jump["loyalty"] > 0


def test_planted_loss_makers_are_found(demo):
    planted, facts = demo.stats["planted"], demo.stats["planted_facts"]
    profit = account_profit(demo.transactions, customer="account_id")
    assert (profit.loc[list(planted["loss_making"]), "profit"] < 0).all()
    whale = whale_curve(profit["profit"])
    assert whale.n_loss_making == facts["loss_making_accounts"]
    assert whale.peak_share == pytest.approx(facts["whale_curve_peak"], abs=1e-4) and whale.peak_share > 1.2
    assert set(planted["loss_making"]) <= set(whale.curve["account"].iloc[whale.peak_rank:])
