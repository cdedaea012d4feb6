"""The demo data's true BG/NBD and Gamma-Gamma parameters lie in the fitted 95% intervals."""

from __future__ import annotations

import pytest

from kamreport.data.demo import make_demo_data
from kamreport.value import customer_summary, fit_bgnbd, fit_gamma_gamma


@pytest.fixture(scope="module")
def demo():
    return make_demo_data()


@pytest.mark.parametrize("end", ["calibration_end", "end_date"])
def test_true_parameters_in_confidence_intervals(demo, end):
    """Recovery through the whole pipe: raw order lines (with returns, zero amounts and duplicate
    rows) -> customer_summary -> maximum likelihood; Wald 95% intervals from the fits' SEs. The
    accounts planted for the account review are no model draws and are left out."""
    truth = demo.truth
    planted = set(demo.account_truth.loc[demo.account_truth["planted"].notna(), "account_id"])
    drawn = demo.transactions[~demo.transactions["account_id"].isin(planted)]
    summary = customer_summary(drawn, customer="account_id", date="order_date", amount="amount",
                               order_id="order_id", observation_end=getattr(truth, end))
    bg, gg = fit_bgnbd(summary), fit_gamma_gamma(summary)
    expected = {
        bg: {"r": truth.bgnbd_r, "alpha": truth.bgnbd_alpha, "a": truth.bgnbd_a, "b": truth.bgnbd_b},
        gg: {"p": truth.gg_p, "q": truth.gg_q, "v": truth.gg_v},
    }
    for fit, params in expected.items():
        assert fit.converged
        for name, true in params.items():
            est, se = fit.params[name], fit.std_errors[name]
            assert abs(est - true) < 1.96 * se, f"{name}: {est:.4g} ± {1.96 * se:.3g} misses {true}"
