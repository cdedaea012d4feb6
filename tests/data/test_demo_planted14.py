"""The issue-14 structures planted in the demo data (kamreport.data.demo.planted, .complaints,
.transactions, .survey) are in the written files, and ``stats["planted_facts"]`` says what they are.

Sources of the designs: Jones & Sasser (1995, HBR) for the satisfaction x loyalty types;
Parasuraman, Zeithaml & Berry (1988, J. Retailing) for the SERVQUAL dimensions; Kotler's customer
delivered value (total value - total cost) for its components.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kamreport.data import Codebook
from kamreport.data.demo import make_demo_data, write_demo_data
from kamreport.data.demo.truth import COMPLAINT_CATEGORIES, SERVQUAL_DIMENSIONS

SEED = 2026


@pytest.fixture(scope="module")
def demo():
    return make_demo_data(SEED)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo14")
    write_demo_data(out, seed=SEED)
    return out


def _scores(demo, construct: str) -> pd.Series:
    items = [i for i, c, *_ in demo.truth.items if c == construct]
    answers = demo.survey[items].astype("Float64")
    answers = answers.mask(answers == demo.truth.dont_know_code)
    return answers.mean(axis=1).groupby(demo.survey["account_id"]).mean().astype(float)


def test_transactions_have_margin_and_cost_to_serve(demo, folder):
    tx = pd.read_csv(folder / "transactions.csv")
    assert {"margin", "cost_to_serve"} <= set(tx.columns)
    assert (tx["cost_to_serve"] > 0).all()
    usual = ~tx["account_id"].isin(demo.stats["planted"]["loss_making"])
    assert (np.sign(tx.loc[usual, "margin"]) * np.sign(tx.loc[usual, "amount"]) >= 0).all()   # returns give it back
    assert (tx["margin"].abs() < tx["amount"].abs() + 0.01).all()
    assert tx.duplicated().sum() == demo.truth.n_duplicates             # duplicates stay exact


def test_loss_making_accounts_and_whale_curve(demo):
    tx, facts = demo.transactions, demo.stats["planted_facts"]
    profit = (tx["margin"] - tx["cost_to_serve"]).groupby(tx["account_id"]).sum()
    assert (profit[demo.stats["planted"]["loss_making"]] < 0).all()
    assert (profit < 0).sum() == facts["loss_making_accounts"] >= len(demo.stats["planted"]["loss_making"])
    whale = profit.sort_values(ascending=False).cumsum() / profit.sum()
    assert whale.max() > 1.2 and whale.iloc[-1] == pytest.approx(1.0)
    assert facts["whale_curve_peak"] == pytest.approx(whale.max(), abs=1e-4)


def test_product_line_association(demo):
    clean = demo.transactions[demo.transactions["amount"] > 0]
    lines = clean.groupby("account_id")["product_line"].agg(set)
    fact = demo.stats["planted_facts"]["association"]
    x = lines.map(lambda s: fact["antecedent"] in s)
    y = lines.map(lambda s: fact["consequent"] in s)
    lift = (x & y).mean() / (x.mean() * y.mean())
    assert lift >= 2 and fact["lift"] == pytest.approx(lift, abs=1e-3)


def test_complaints_table(demo, folder):
    complaints = pd.read_csv(folder / "complaints.csv", parse_dates=["date"])
    assert list(complaints.columns) == ["complaint_id", "account_id", "date", "category", "severity",
                                        "resolved_days"]
    assert complaints["complaint_id"].is_unique and len(complaints) == demo.stats["complaints"]
    assert set(complaints["severity"]) <= {1, 2, 3}
    assert set(complaints["account_id"]) <= set(demo.accounts["account_id"])
    assert set(complaints["category"]) <= {zh for zh, *_ in COMPLAINT_CATEGORIES}
    assert complaints["date"].between(pd.Timestamp(demo.truth.start_date), pd.Timestamp(demo.truth.end_date)).all()
    assert (complaints["resolved_days"].dropna() >= 0).all()
    facts = demo.stats["planted_facts"]
    assert complaints["category"].value_counts().index[0] == facts["complaint_dominant_category"] == "交货延迟"
    per = complaints["account_id"].value_counts().reindex(demo.accounts["account_id"], fill_value=0)
    at_risk = per.index.isin(demo.stats["planted"]["at_risk"])
    assert per[at_risk].mean() > 3 * per[~at_risk].mean()


def test_servqual_worst_dimension_is_responsiveness(demo):
    facts = demo.stats["planted_facts"]
    pairs = Codebook.model_validate(dict(demo.codebook)).servqual_pairs()
    gaps = {d: np.mean([(demo.survey[p] - demo.survey[e]).mean() for e, p in pl]) for d, pl in pairs.items()}
    assert min(gaps, key=gaps.get) == facts["servqual_worst_dimension"] == "responsiveness"
    assert set(gaps) == {k for k, *_ in SERVQUAL_DIMENSIONS}
    assert sorted(gaps.values())[1] - gaps["responsiveness"] > 0.5      # clearly the largest gap
    for dim, gap in gaps.items():
        assert facts["servqual_gaps"][dim] == pytest.approx(gap, abs=1e-3)


def test_delivered_value_segment_pays_more_time_and_energy(demo):
    fact = demo.stats["planted_facts"]["delivered_value_segment"]
    codebook = Codebook.model_validate(dict(demo.codebook))
    region = demo.survey["account_id"].map(demo.accounts.set_index("account_id")[fact["column"]])
    mine = region == fact["value"]
    for component, items in codebook.cost_components().items():
        diff = demo.survey.loc[mine, items].mean().mean() - demo.survey.loc[~mine, items].mean().mean()
        assert (diff > 0.8) if component in fact["components"] else (abs(diff) < 0.4), component


def test_referrals_and_cross_buying(demo):
    survey = demo.survey
    assert (survey["referrals"] >= 0).all() and set(survey["cross_buy"]) <= {1, 2, 3, 4, 5}
    loyalty = _scores(demo, "Loyalty")
    refs = survey.groupby("account_id")["referrals"].mean()
    assert refs.corr(loyalty.reindex(refs.index), method="spearman") > 0.2


def test_typology_quadrants_and_defection(demo):
    planted, sat, loy = demo.stats["planted"], _scores(demo, "Satisfaction"), _scores(demo, "Loyalty")
    signs = {"apostles": (1, 1), "mercenaries": (1, -1), "hostages": (-1, 1), "terrorists": (-1, -1)}
    end = pd.Timestamp(demo.truth.end_date)
    last = demo.transactions[demo.transactions["amount"] > 0].groupby("account_id")["order_date"].max()
    for name, (s, lo) in signs.items():
        ids = planted[name]
        assert len(ids) >= 4, name
        assert (s * (sat[ids] - sat.median()) > 0).all() and (lo * (loy[ids] - loy.median()) > 0).all(), name
        gone = last[ids] < end - pd.Timedelta(days=199)
        assert gone.all() if name in ("mercenaries", "terrorists") else (~gone).all(), name


def test_worse_cohort_retains_least(demo):
    fact = demo.stats["planted_facts"]
    retention = fact["cohort_retention_last_26_weeks"]
    early = {k: v for k, v in retention.items() if k.startswith("2024")}
    assert min(early, key=early.get) == fact["worse_cohort"]
    assert sorted(early.values())[1] - early[fact["worse_cohort"]] > 0.1


def test_groups_are_disjoint(demo):
    ids = [a for group in demo.stats["planted"].values() for a in group]
    assert len(ids) == len(set(ids))


def test_written_codebook_declares_the_blocks(folder):
    codebook = Codebook.from_file(folder / "codebook.yaml")
    survey = pd.read_csv(folder / "survey.csv")
    assert len(codebook.servqual_pairs()) == 5
    assert set(codebook.value_components()) == {"product", "service", "personnel", "image"}
    assert set(codebook.cost_components()) == {"monetary", "time", "energy", "psychic"}
    assert codebook.answer_columns() == {"referral": "referrals", "cross_buying": "cross_buy", "comment": "comment"}
    assert set(codebook.block_columns) <= set(survey.columns)
    assert survey[list(codebook.block_columns)].isin(range(1, 8)).all().all()
