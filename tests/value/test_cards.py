"""Account cards: the join of every per-account view, missing pieces and the next-action rule.

Expected values are by hand from the inputs below (the cards compute only differences to tier
means and the documented action priority).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamreport.errors import InputError
from kamreport.value import kano
from kamreport.value.cards import CardRules, account_cards

ORDER = ["VIP", "Key", "Ordinary", "Small"]
TIERS = pd.Series(pd.Categorical(["VIP", "VIP", "Key", "Key", "Key", "Small"], categories=ORDER, ordered=True),
                  index=["v1", "v2", "k1", "k2", "k3", "s1"])
SAT = pd.DataFrame({"n": [5, 4, 3, 2], "satisfaction": [80.0, 72.0, 50.0, 65.0]}, index=["v1", "v2", "k1", "k2"])
LOYALTY = pd.Series(["true", "latent", "spurious", "none", "true"], index=["v1", "v2", "k1", "k2", "s1"])
VALUES = pd.DataFrame({"clv": [10.0, 30.0, 5.0, 7.0, 1.0, 2.0], "p_alive": [0.9, 0.95, 0.8, 0.3, 0.9, 0.9]},
                      index=["v1", "v2", "k1", "k2", "k3", "s1"])
STAGES = pd.DataFrame({"stage": ["maturity", "build_up", "maturity", "maturity", "exploration"]},
                      index=["v1", "v2", "k1", "k2", "k3"])
GAPS = pd.DataFrame({"Quality": [-3.0, 3.0, np.nan], "Value": [1.0, -1.0, np.nan]}, index=["v1", "v2", "k1"])


def survey() -> pd.DataFrame:
    # v1: delivery M (2 of 2), pricing M and O tie -> M; v2: delivery A
    return pd.DataFrame({"account_id": ["v1", "v1", "v2"], "d_f": [2, 3, 1], "d_d": [5, 5, 3],
                         "p_f": [2, 1, 3], "p_d": [5, 5, 3]})


@pytest.fixture(scope="module")
def cards() -> pd.DataFrame:
    by_account = kano.summary(survey(), {"delivery": ("d_f", "d_d"), "pricing": ("p_f", "p_d")}, by="account_id")
    return account_cards(TIERS, satisfaction=SAT, loyalty=LOYALTY, values=VALUES, lifecycle=STAGES,
                         driver_gaps=GAPS, kano=by_account, levels={"VIP": "partnership", "Key": "proactive"})


def test_one_card_per_vip_and_key_account_in_tier_then_clv_order(cards: pd.DataFrame) -> None:
    assert cards.index.tolist() == ["v2", "v1", "k2", "k1", "k3"]
    assert cards["relationship_level"].tolist() == ["partnership"] * 2 + ["proactive"] * 3


def test_satisfaction_against_the_tier_mean(cards: pd.DataFrame) -> None:
    assert cards.loc["v1", "satisfaction_tier_mean"] == 76.0 and cards.loc["v1", "satisfaction_gap"] == 4.0
    assert cards.loc["v2", "satisfaction_gap"] == -4.0          # above the -5 cut: no "recover"
    assert cards.loc["k1", "satisfaction_gap"] == -7.5 and cards.loc["k1", "n_respondents"] == 3
    assert np.isnan(cards.loc["k3", "satisfaction"]) and cards.loc["k3", "satisfaction_tier_mean"] == 57.5


def test_weakest_driver_and_must_be(cards: pd.DataFrame) -> None:
    assert cards.loc["v1", "weakest_driver"] == "Quality" and cards.loc["v1", "weakest_driver_gap"] == -3.0
    assert cards.loc["v2", "weakest_driver"] == "Value"
    assert pd.isna(cards.loc["k1", "weakest_driver"])
    # v1: delivery worse -1, pricing worse -1 (O + M of 2) -> both M; stable order keeps delivery first
    assert cards.loc["v1", "must_be"] == ("delivery", "pricing")
    assert cards.loc["v2", "must_be"] == ()
    assert pd.isna(cards.loc["k1", "must_be"])


def test_next_action_priority(cards: pd.DataFrame) -> None:
    """v1 true -> retain; v2 latent -> develop; k1 gap -7.5 <= -5 -> recover (before its loyalty);
    k2 P(alive) 0.3 < 0.5 -> win_back; k3 no loyalty, exploration -> nurture."""
    assert cards["next_action"].to_dict() == {"v2": "develop", "v1": "retain", "k2": "win_back",
                                              "k1": "recover", "k3": "nurture"}
    lenient = account_cards(TIERS, satisfaction=SAT, loyalty=LOYALTY, values=VALUES,
                            rules=CardRules(p_alive_cut=0.1, satisfaction_gap_cut=-10))
    at_cut = account_cards(TIERS, satisfaction=SAT.assign(satisfaction=[80.0, 70.0, 50.0, 65.0]),
                           loyalty=LOYALTY)
    assert at_cut.loc["v2", "satisfaction_gap"] == -5.0 and at_cut.loc["v2", "next_action"] == "recover"
    assert lenient.loc["k1", "next_action"] == "convert" and lenient.loc["k2", "next_action"] == "deprioritise"


def test_missing_pieces_have_reasons_and_never_crash(cards: pd.DataFrame) -> None:
    assert cards.loc["k3", "missing"] == ("no_survey", "no_loyalty", "no_drivers", "no_kano")
    assert cards.loc["v1", "missing"] == ()
    bare = account_cards(TIERS)
    assert len(bare) == 5 and bare["next_action"].isna().all()
    assert bare.loc["v1", "missing"] == ("no_survey", "no_loyalty", "no_clv", "no_p_alive", "no_stage",
                                         "no_drivers", "no_kano", "no_level")


def test_card_tiers_and_bad_inputs() -> None:
    plain = TIERS.astype(str)
    with pytest.raises(InputError, match="card_tiers"):
        account_cards(plain)
    assert account_cards(plain, card_tiers=["Small"]).index.tolist() == ["s1"]
    with pytest.raises(InputError, match="'satisfaction'"):
        account_cards(TIERS, satisfaction=SAT.rename(columns={"satisfaction": "index"}))
    with pytest.raises(InputError, match="kano.summary"):
        account_cards(TIERS, kano=pd.DataFrame({"category": ["M"]}))
