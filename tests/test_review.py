"""The account review finds what the demo data plants (kamreport.data.demo.planted; its README)."""

from __future__ import annotations

import pandas as pd
import pytest

from kamreport.data import Codebook, read_survey, read_transactions
from kamreport.data.demo import write_demo_data
from kamreport.review import analyse_accounts
from kamreport.satisfaction.analysis import model_spec
from kamreport.satisfaction.index import respondent_index
from kamreport.satisfaction.pls import fit_pls
from kamreport.value.analysis import analyse_value

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    write_demo_data(folder)
    import kamreport.data.demo as demo_module

    planted = demo_module.make_demo_data().stats["planted"]
    codebook = Codebook.from_file(folder / "codebook.yaml")
    survey = read_survey(folder / "survey.csv", codebook)
    tx = read_transactions(folder / "transactions.csv", customer="account_id", date="order_date", amount="amount")
    accounts = pd.read_csv(folder / "accounts.csv")
    value = analyse_value(tx, observation_end="2025-06-29", holdout_end="2025-12-28", accounts=accounts,
                          order_id="order_id")
    spec = model_spec(codebook)
    result = analyse_accounts(survey, codebook, spec, value, tx, accounts=accounts,
                              key_weights={"purchase_volume": 0.5, "price_sensitivity": 0.5},
                              key_directions={"price_sensitivity": "lower"},
                              margin_column="high_margin_share", margin_cuts=(0.3, 0.4))
    return result, planted, survey, codebook, spec


def test_planted_accounts_at_risk_are_found(review):
    result, planted, *_ = review
    cells = result.grid.loc[planted["at_risk"], "cell"]
    assert (cells == "at_risk").all(), cells.to_dict()
    weakest = result.at_risk.loc[planted["at_risk"], "driver_1"]
    assert (weakest == "Quality").mean() > 0.5           # the planted drop hits Quality


def test_planted_satisfaction_falls_between_waves(review):
    _, planted, survey, codebook, spec = review
    index = respondent_index(survey, spec, fit_pls(survey, spec), scale=(1, 10))["Satisfaction"]
    mine = survey["account_id"].isin(planted["at_risk"])
    by_wave = index[mine].groupby(survey.loc[mine, "wave"]).mean()
    assert by_wave[2] < by_wave[1] - 15


def test_planted_lifecycle_stages_are_found(review):
    result, planted, *_ = review
    stage = result.lifecycle["stage"]
    assert (stage.loc[planted["exploration"]] == "exploration").all()
    assert (stage.loc[planted["build_up"]] == "build_up").all()
    assert set(stage) == {"exploration", "build_up", "maturity", "decline"}


def test_every_loyalty_type_and_the_cards(review):
    result, *_ = review
    assert set(result.loyalty.dropna()) == {"true", "latent", "spurious", "none"}
    assert result.loyalty_summary["share_accounts"].sum() == pytest.approx(1.0)
    assert set(result.cards["tier"]) <= {"VIP", "Key"} and len(result.cards) == 20
    assert result.key_accounts["rank"].min() == 1 and result.levels.loc["VIP", "level"] == "partnership"
    assert not result.skipped
