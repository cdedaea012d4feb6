"""Specific indirect effects (pls.specific_indirect_effects): seminr 0.2.1's
specific_effect_significance on mobi, sums equal the indirect effects, Zhao et al. (2010) types."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamreport.satisfaction.mediation import chains
from kamreport.satisfaction.pls import fit_pls
from kamreport.satisfaction.presets import ecsi
from kamreport.satisfaction.spec import ModelSpec

from oracles import optional  # tests/oracles.py

seminr = optional("seminr")  # only the tests that use it skip without it


@pytest.fixture(scope="module")
def mobi(reference_dir) -> pd.DataFrame:
    return pd.read_csv(reference_dir / "mobi" / "mobi.csv")


@pytest.fixture(scope="module")
def booted(mobi):
    return fit_pls(mobi, ecsi(), bootstrap=300, seed=4)


def test_every_chain_of_ecsi(booted):
    """ECSI has 7 constructs and 12 paths; its chains of two or more paths from Image to
    Loyalty counted by hand: 10."""
    table = booted.specific_indirect_effects
    assert list(table.columns) == ["source", "via", "target", "estimate", "std_error", "ci_low",
                                   "ci_high", "p_value", "direct", "direct_p", "type"]
    image_loyalty = set(table.query("source == 'Image' and target == 'Loyalty'").via)
    assert "Image -> Satisfaction -> Loyalty" in image_loyalty
    longest = "Image -> Expectation -> Quality -> Value -> Satisfaction -> Complaints -> Loyalty"
    assert longest in image_loyalty
    # by hand: Image reaches Satisfaction by 1 (direct) + 4 routes via Expectation
    # (E->S, E->Q->S, E->V->S, E->Q->V->S); Satisfaction reaches Loyalty directly or via Complaints
    assert len(image_loyalty) == 5 * 2  # every route to Loyalty other than the direct path
    assert table.via.is_unique and (table.via.str.count(" -> ") >= 2).all()


def test_chains_hand_case():
    """A -> B -> D, A -> C -> D, B -> C: chains of two or more paths (serial and parallel)."""
    a = np.zeros((4, 4))
    a[0, 1] = a[1, 3] = a[0, 2] = a[2, 3] = a[1, 2] = 1
    assert chains(a) == [(0, 1, 2), (0, 1, 2, 3), (0, 1, 3), (0, 2, 3), (1, 2, 3)]
    assert chains(np.zeros((3, 3))) == []


def test_specific_effects_sum_to_the_indirect_effect(booted):
    """The specific indirect effects of a pair add up to its total indirect effect, in the
    estimate and in every resample (hence the same draws as indirect_effects)."""
    table = booted.specific_indirect_effects
    sums = table.groupby(["source", "target"]).estimate.sum()
    indirect = booted.indirect_effects.set_index(["source", "target"]).estimate
    np.testing.assert_allclose(sums.to_numpy(), indirect[sums.index].to_numpy(), atol=1e-12)
    assert set(indirect.index) == set(sums.index)


def test_equal_seminr_specific_effect_significance(mobi, booted):
    """seminr 0.2.1 specific_effect_significance (<= 4 mediators) on the same resamples:
    estimate within 1e-6 (measured ~1e-9), bootstrap SD and type-7 percentile limits within 1e-6."""
    comps = [seminr.composite(c.name, list(c.items)) for c in ecsi().constructs]
    sm = seminr.relationships(*[seminr.paths(s, t) for s, t in ecsi().paths])
    model = seminr.estimate_pls(mobi, seminr.constructs(*comps), sm)
    boot = seminr.bootstrap_model(model, 300, indices=booted.bootstrap.indices.astype(np.intp))
    checked = 0
    for r in booted.specific_indirect_effects.itertuples():
        chain = r.via.split(" -> ")
        if len(chain) > 6:
            continue
        e = seminr.specific_effect_significance(boot, from_=chain[0], to=chain[-1],
                                                through=chain[1:-1])
        assert r.estimate == pytest.approx(e.original_est, abs=1e-6)
        assert r.std_error == pytest.approx(e.bootstrap_sd, abs=1e-6)
        assert (r.ci_low, r.ci_high) == pytest.approx((e.ci_lower, e.ci_upper), abs=1e-6)
        checked += 1
    assert checked >= 20


def simulated(a: float, b: float, c: float, n: int = 1500, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    m = a * x + rng.normal(size=n)
    y = b * m + c * x + rng.normal(size=n)
    return pd.DataFrame({"x": x, "m": m, "y": y})


@pytest.mark.parametrize(("a", "b", "c", "kind"), [
    (0.5, 0.5, 0.4, "complementary"), (0.5, 0.5, -0.4, "competitive"),
    (0.5, 0.5, 0.0, "indirect-only"), (0.5, 0.0, 0.4, "direct-only"),
    (0.0, 0.0, 0.0, "no effect")])
def test_types_of_zhao_lynch_chen(a, b, c, kind):
    """Hand cases of Zhao, Lynch & Chen (2010, fig. 2): X -> M -> Y with direct X -> Y,
    n = 1500, true effects 0 or clearly away from it (|t| > 10)."""
    spec = ModelSpec.from_text("X =~ x; M =~ m; Y =~ y; M ~ X; Y ~ M + X")
    fit = fit_pls(simulated(a, b, c), spec, bootstrap=300, seed=1)
    row = fit.specific_indirect_effects.iloc[0]
    assert row.via == "X -> M -> Y" and row.type == kind
    paths = fit.paths.set_index(["source", "target"])
    assert row.estimate == pytest.approx(paths.estimate["X", "M"] * paths.estimate["M", "Y"], abs=1e-14)
    assert row.direct == paths.estimate["X", "Y"] and row.direct_p == paths.p_value["X", "Y"]


def test_no_direct_path_and_no_bootstrap():
    """Without a direct path the type is indirect-only (or no effect) and direct is NaN;
    without a bootstrap the table has estimates only and type None."""
    spec = ModelSpec.from_text("X =~ x; M =~ m; Y =~ y; M ~ X; Y ~ M")
    data = simulated(0.5, 0.5, 0.0)
    row = fit_pls(data, spec, bootstrap=200, seed=2).specific_indirect_effects.iloc[0]
    assert row.type == "indirect-only" and np.isnan(row.direct) and np.isnan(row.direct_p)
    plain = fit_pls(data, spec).specific_indirect_effects.iloc[0]
    assert plain.type is None and np.isnan(plain.std_error) and plain.estimate == row.estimate
    empty = fit_pls(data, ModelSpec.from_text("X =~ x; Y =~ y; Y ~ X")).specific_indirect_effects
    assert empty.empty and "via" in empty.columns
