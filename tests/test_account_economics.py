"""Notebook 03's issue-14 parts, run as the notebook runs them (parameters -> load_inputs ->
analyse_*), find what the demo generator plants (kamreport.data.demo.planted; its README and
``stats["planted_facts"]``): Jones & Sasser types, loss-making accounts and the whale curve's
peak, the dominant complaint cause, the product-line association, the worst SERVQUAL dimension
and the segment with the lowest delivered value. Small frames check the rules for skipping."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml

from kamreport.account_economics import analyse_economics
from kamreport.account_kpis import analyse_kpis
from kamreport.data.demo import make_demo_data, write_demo_data
from kamreport.inputs import load_inputs
from kamreport.params import Params
from kamreport.review import analyse_accounts
from kamreport.satisfaction.analysis import model_spec
from kamreport.satisfaction.service import analyse_service
from kamreport.value.analysis import analyse_value

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory, request):
    folder = tmp_path_factory.mktemp("demo_parts")
    write_demo_data(folder / "data")
    raw = yaml.safe_load((request.config.rootpath / "params" / "demo.yaml").read_text(encoding="utf-8"))
    text = yaml.safe_dump(raw, allow_unicode=True).replace("../data/demo/", "data/")
    (folder / "p.yaml").write_text(text, encoding="utf-8")
    params = Params.from_file(folder / "p.yaml")
    inputs = load_inputs(params, "03_account_review")
    v, opt, t = params.value, params.review, params.data.transactions
    value = analyse_value(inputs.transactions, observation_end=v.observation_end, holdout_end=v.holdout_end,
                          freq=v.freq, tiers=params.tiers, accounts=inputs.accounts, order_id=t.order_id)
    spec = model_spec(inputs.codebook)
    review = analyse_accounts(inputs.survey, inputs.codebook, spec, value, inputs.transactions,
                              accounts=inputs.accounts)
    economics = analyse_economics(review, value, inputs.transactions, cuts=opt.typology_cuts(),
                                  margin=t.margin, cost_to_serve=t.cost_to_serve)
    answers = inputs.codebook.answer_columns()
    kpis = analyse_kpis(inputs.transactions, complaints=inputs.complaints, survey=inputs.survey,
                        referrals=answers["referral"], survey_account="account_id", survey_period="wave",
                        product_line=t.product_line, freq="Q")
    service = analyse_service(inputs.survey, inputs.codebook, segment="region", account="account_id")
    yield dict(planted=make_demo_data().stats, inputs=inputs, value=value, review=review,
               economics=economics, kpis=kpis, service=service)
    shutil.rmtree(folder, ignore_errors=True)


def test_planted_types_are_found_through_the_model(demo):
    """The PLS construct scores (not the item means the generator plants on) still put the
    planted mercenaries and hostages in their quadrants."""
    types, planted = demo["economics"].types, demo["planted"]["planted"]
    assert (types.loc[planted["mercenaries"], "quadrant"] == "mercenary").mean() >= 5 / 6
    assert (types.loc[planted["hostages"], "quadrant"] == "hostage").mean() >= 5 / 6
    assert (types.loc[planted["terrorists"], "quadrant"] == "defector").all()
    summary = demo["economics"].typology_summary
    assert summary["n_accounts"].sum() == types["type"].notna().sum()
    assert summary["share_revenue"].sum() == pytest.approx(1.0)
    trap = demo["economics"].trap
    assert trap.n_not_loyal == summary.loc["mercenary", "n_accounts"]


def test_planted_loss_makers_and_whale_peak(demo):
    facts, planted = demo["planted"]["planted_facts"], demo["planted"]["planted"]
    eco = demo["economics"]
    assert (eco.profit.loc[planted["loss_making"], "profit"] < 0).all()
    assert eco.whale.n_loss_making == facts["loss_making_accounts"]
    assert eco.whale.peak_share == pytest.approx(facts["whale_curve_peak"], abs=1e-4)
    assert eco.profit["profit"].sum() == pytest.approx(facts["total_profit_cny"], rel=1e-9)
    assert eco.profit_by_tier["profit"].sum() == pytest.approx(eco.profit["profit"].sum())
    assert eco.profit_by_tenure["n_accounts"].sum() == len(eco.profit)
    assert eco.break_even.loc[0.2, 0.05] == pytest.approx(1 / 3)


def test_planted_complaint_cause_and_association(demo):
    facts, kpis = demo["planted"]["planted_facts"], demo["kpis"]
    causes = kpis.root_causes
    assert causes.index[0] == facts["complaint_dominant_category"]
    assert causes["share"].iloc[0] == pytest.approx(facts["complaint_dominant_share"], abs=1e-4)
    a = facts["association"]
    rule = kpis.rules[(kpis.rules["antecedents"] == (a["antecedent"],))
                      & (kpis.rules["consequents"] == (a["consequent"],))]
    assert len(rule) == 1
    assert rule["lift"].iloc[0] == pytest.approx(a["lift"], abs=1e-3)
    assert rule["confidence"].iloc[0] == pytest.approx(a["confidence"], abs=1e-4)
    assert kpis.rules["antecedents"].map(len).max() == 1     # max_len 2: one line -> one line
    table = kpis.kpis.table
    assert {"retention_rate", "churn_rate", "complaint_rate", "referral_rate", "lines_per_account"} <= set(table.index)
    assert table.loc["churn_rate", "current"] == pytest.approx(1 - table.loc["retention_rate", "current"])


def test_planted_servqual_and_delivered_value(demo):
    facts, service = demo["planted"]["planted_facts"], demo["service"]
    sq = service.servqual
    dims = sq.dimensions.set_index("dimension")
    assert sq.worst_dimension == facts["servqual_worst_dimension"]
    for dim, gap in facts["servqual_gaps"].items():
        assert dims.loc[dim, "ci_low"] - 0.05 <= gap <= dims.loc[dim, "ci_high"] + 0.05
    dv = service.delivered
    seg = dv.segments[dv.segments["measure"] == "delivered_value"].set_index("segment")["mean"]
    planted = facts["delivered_value_segment"]
    assert seg.idxmin() == planted["value"]
    overseas = dv.segments[dv.segments["segment"] == planted["value"]].set_index("measure")["mean"]
    costs = overseas[[f"cost_{c}" for c in ("monetary", "time", "energy", "psychic")]]
    assert set(costs.nlargest(2).index) == {f"cost_{c}" for c in planted["components"]}


def test_parts_without_their_data_are_skipped_with_reasons(demo):
    """Other people's data: no margin, no product line, no complaints, no SERVQUAL block -> each
    part says why it is missing instead of failing."""
    tx = demo["inputs"].transactions[["customer_id", "date", "amount"]]
    eco = analyse_economics(demo["review"], demo["value"], tx)
    assert eco.profit is None and "margin" in eco.skipped["profit"]
    assert eco.types is not None                              # the survey parts still run
    kpis = analyse_kpis(tx, freq="Q")
    assert kpis.kpis is not None and kpis.rules is None and kpis.root_causes is None
    assert {"cross_buying", "complaints", "referrals"} <= set(kpis.skipped)
    assert set(kpis.kpis.caveats) >= {"no_product_line", "no_complaints", "no_survey"}
    rate = analyse_economics(demo["review"], demo["value"], tx, margin_rate=0.2)
    assert rate.profit["profit"].sum() == pytest.approx(0.2 * tx["amount"].sum())
    service = analyse_service(None, None)
    assert service.servqual is None and service.delivered is None and set(service.skipped) == {"servqual",
                                                                                               "delivered"}


def test_remote_transactions_skip_order_line_parts(demo):
    class Remote:   # what inputs returns for engine: spark (no rows on the driver)
        pass
    eco = analyse_economics(demo["review"], demo["value"], Remote(), margin="margin")
    assert eco.profit is None and "engine" in eco.skipped["profit"]
    kpis = analyse_kpis(Remote())
    assert kpis.kpis is None and "engine" in kpis.skipped["kpis"]
    assert isinstance(eco.break_even, pd.DataFrame)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_summary_sentences_carry_the_parts_numbers(demo, language):
    from kamreport.report.review import more_summary

    eco, kpis, service = demo["economics"], demo["kpis"], demo["service"]
    text = more_summary(eco, kpis, service, language, "CNY")
    assert f"{eco.trap.share_trapped:.0%}" in text and str(eco.whale.n_loss_making) in text
    assert f"{kpis.kpis.table.loc['retention_rate', 'current']:.1%}" in text
    assert f"{kpis.root_causes['share'].iloc[0]:.0%}" in text
    gap = service.servqual.dimensions.set_index("dimension").loc[service.servqual.worst_dimension, "gap"]
    assert f"{gap:+.2f}" in text
    assert more_summary(None, None, None, language, "CNY") == ""
