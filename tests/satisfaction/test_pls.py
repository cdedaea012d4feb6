"""fit_pls: PLS-SEM point estimates against SmartPLS and seminr, derived statistics, inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamreport.errors import ConvergenceError, InputError, ModelError
from kamreport.satisfaction import bootstrap as boot
from kamreport.satisfaction.pls import PlsResult, fit_pls
from kamreport.satisfaction.presets import ecsi
from kamreport.satisfaction.spec import Construct, ModelSpec

from oracles import optional  # tests/oracles.py

seminr = optional("seminr")  # only the tests that use it skip without it

#: Reference tolerances. SmartPLS's files carry 8 decimals and SmartPLS stops at a weight change
#: of 1e-7, so agreement is ~1e-8; we hold every table to 1e-6 (the brief asks for 1e-4).
TOL_SMARTPLS = 1e-6
#: seminr stops on the *sum* of absolute weight changes < 1e-7, we on the maximum: ~1e-8 apart.
TOL_SEMINR = 1e-6


@pytest.fixture(scope="module")
def mobi(reference_dir) -> pd.DataFrame:
    return pd.read_csv(reference_dir / "mobi" / "mobi.csv")


@pytest.fixture(scope="module")
def smartpls(reference_dir) -> dict[str, pd.DataFrame]:
    folder = reference_dir / "mobi" / "smartpls_path_weighting"
    return {name: pd.read_csv(folder / f"{name}.csv")
            for name in ("paths", "total_effects", "outer", "cross_loadings")}


@pytest.fixture(scope="module")
def fit(mobi) -> PlsResult:
    return fit_pls(mobi, ecsi())


def seminr_fit(data: pd.DataFrame, spec: ModelSpec, inner=None):  # noqa: ANN001, ANN201
    """The same model estimated by the seminr PyPI package (0.2.1)."""
    mm = seminr.constructs(*[
        seminr.composite(c.name, list(c.items),
                         weights=seminr.mode_B if c.mode == "B" else seminr.mode_A)
        for c in spec.constructs])
    sm = seminr.relationships(*[seminr.paths(s, t) for s, t in spec.paths])
    return seminr.estimate_pls(data, mm, sm, inner_weights=inner or seminr.path_weighting)


def seminr_centroid(sm_matrix, scores, dependant, paths_matrix):  # noqa: ANN001, ANN201
    """Centroid inner weights for seminr: signs of the factorial (linked-pairs) correlations."""
    m = seminr.path_factorial(sm_matrix, scores, dependant, paths_matrix)
    return type(m)(m.rows, m.cols, np.sign(m.values))


def max_dev_vs_seminr(ours: PlsResult, theirs) -> dict[str, float]:  # noqa: ANN001
    paths = max(abs(r.estimate - theirs.path_coef.get(r.source, r.target))
                for r in ours.paths.itertuples())
    weights = max(abs(r.weight - theirs.outer_weights.get(r.item, r.construct))
                  for r in ours.weights.itertuples())
    loadings = max(abs(r.loading - theirs.outer_loadings.get(r.item, r.construct))
                   for r in ours.loadings.itertuples())
    scores = np.abs(ours.scores.to_numpy()
                    - np.asarray(theirs.construct_scores.values)[:, :len(ours.spec.names)]).max()
    return {"paths": paths, "weights": weights, "loadings": loadings, "scores": float(scores)}


# -- SmartPLS reference -----------------------------------------------------------------------
def test_paths_match_smartpls(fit, smartpls):
    """mobi + ECSI, path weighting: SmartPLS 2.0.M3 path coefficients (reference/mobi)."""
    merged = smartpls["paths"].merge(fit.paths, on=["source", "target"], suffixes=("_ref", ""))
    assert len(merged) == len(fit.paths) == 12
    np.testing.assert_allclose(merged.estimate, merged.estimate_ref, rtol=0, atol=TOL_SMARTPLS)
    assert fit.converged and fit.iterations < 20 and fit.weighting == "path"


def test_total_effects_match_smartpls(fit, smartpls):
    """All 21 non-zero total effects of SmartPLS 2.0.M3 (reference/mobi/total_effects.csv)."""
    ref = smartpls["total_effects"]
    merged = ref.merge(fit.total_effects, on=["source", "target"])
    assert len(ref) == len(fit.total_effects) == len(merged) == 21
    np.testing.assert_allclose(merged.estimate, merged.total_effect, rtol=0, atol=TOL_SMARTPLS)


def test_outer_weights_and_loadings_match_smartpls(fit, smartpls):
    """Outer weights and loadings of SmartPLS 2.0.M3 (reference/mobi/outer.csv)."""
    merged = (smartpls["outer"].merge(fit.weights, on=["construct", "item"], suffixes=("_ref", ""))
              .merge(fit.loadings, on=["construct", "item"], suffixes=("_ref", "")))
    assert len(merged) == 24
    np.testing.assert_allclose(merged.weight, merged.weight_ref, rtol=0, atol=TOL_SMARTPLS)
    np.testing.assert_allclose(merged.loading, merged.loading_ref, rtol=0, atol=TOL_SMARTPLS)


def test_cross_loadings_match_smartpls(fit, smartpls):
    """Item x construct cross-loadings of SmartPLS 2.0.M3 (reference/mobi)."""
    ref = smartpls["cross_loadings"].set_index("item")
    ours = fit.cross_loadings.loc[ref.index, ref.columns]
    np.testing.assert_allclose(ours.to_numpy(), ref.to_numpy(), rtol=0, atol=TOL_SMARTPLS)


# -- seminr cross-checks ---------------------------------------------------------------------
@pytest.mark.parametrize("weighting", ["path", "factorial", "centroid"])
def test_schemes_match_seminr(mobi, weighting):
    """All three inner schemes against seminr 0.2.1 (PyPI) on mobi + ECSI.

    seminr has no centroid scheme; we pass it one (sign of its factorial weights), which checks
    our correlation-matrix iteration against seminr's data-level loop for that scheme.
    """
    inner = {"path": seminr.path_weighting, "factorial": seminr.path_factorial,
             "centroid": seminr_centroid}[weighting]
    ours = fit_pls(mobi, ecsi(), weighting=weighting)
    dev = max_dev_vs_seminr(ours, seminr_fit(mobi, ecsi(), inner))
    assert max(dev.values()) < TOL_SEMINR, dev


def test_factorial_and_centroid_differ_from_path(mobi, fit):
    """The schemes are not silently the same (the reference tests above would not notice)."""
    for weighting in ("factorial", "centroid"):
        other = fit_pls(mobi, ecsi(), weighting=weighting)
        assert np.abs(other.weights.weight - fit.weights.weight).max() > 1e-4


@pytest.mark.parametrize("weighting", ["path", "factorial"])
def test_mode_b_composite_matches_seminr(mobi, weighting):
    """ECSI with Quality and Value as mode B composites, against seminr 0.2.1 (PyPI)."""
    spec = ecsi(modes={"Value": "B", "Quality": "B"})
    inner = seminr.path_weighting if weighting == "path" else seminr.path_factorial
    ours = fit_pls(mobi, spec, weighting=weighting)
    dev = max_dev_vs_seminr(ours, seminr_fit(mobi, spec, inner))
    assert ours.converged and max(dev.values()) < TOL_SEMINR, dev
    # mode B weights are regression weights of the construct score on its items
    z = (mobi - mobi.mean()) / mobi.std()
    quality = list(spec.construct("Quality").items)
    beta = np.linalg.lstsq(z[quality].to_numpy(), ours.scores["Quality"].to_numpy(), rcond=None)[0]
    np.testing.assert_allclose(beta, ours.weights.set_index("item").weight[quality], atol=1e-10)


# -- derived statistics -----------------------------------------------------------------------
def test_r2_and_paths_follow_from_scores(fit):
    """OLS of each endogenous score on its predecessors' scores gives the paths and R²."""
    spec, scores = fit.spec, fit.scores
    np.testing.assert_allclose(scores.mean(), 0, atol=1e-12)
    np.testing.assert_allclose(scores.std(ddof=1), 1, atol=1e-12)
    for target in spec.endogenous:
        preds = list(spec.predecessors(target))
        x, y = scores[preds].to_numpy(), scores[target].to_numpy()
        beta = np.linalg.lstsq(x, y, rcond=None)[0]
        estimates = fit.paths.set_index(["source", "target"]).estimate
        np.testing.assert_allclose(beta, [estimates[(p, target)] for p in preds], atol=1e-10)
        r2 = 1 - ((y - x @ beta) ** 2).sum() / (y**2).sum()
        assert fit.r2[target] == pytest.approx(r2, abs=1e-10)
        adj = 1 - (1 - r2) * (fit.n - 1) / (fit.n - len(preds) - 1)
        assert fit.r2_adj[target] == pytest.approx(adj, abs=1e-10)
    assert fit.r2["Satisfaction"] == pytest.approx(0.6810, abs=1e-4)  # Tenenhaus et al. 2005


def test_f2_from_r2_with_and_without_each_source(fit):
    scores = fit.scores
    for row in fit.f2.itertuples():
        preds = list(fit.spec.predecessors(row.target))
        rest = [p for p in preds if p != row.source]
        y = scores[row.target].to_numpy()

        def r2(cols: list[str]) -> float:
            if not cols:
                return 0.0
            x = scores[cols].to_numpy()
            resid = y - x @ np.linalg.lstsq(x, y, rcond=None)[0]
            return 1 - (resid**2).sum() / (y**2).sum()

        expected = (r2(preds) - r2(rest)) / (1 - r2(preds))
        assert row.f2 == pytest.approx(expected, abs=1e-10)


def test_indirect_is_total_minus_direct(fit):
    direct = fit.paths.set_index(["source", "target"]).estimate
    total = fit.total_effects.set_index(["source", "target"]).estimate
    indirect = fit.indirect_effects.set_index(["source", "target"]).estimate
    assert set(indirect.index) <= set(total.index)
    assert len(indirect) == 15  # pairs joined by a route of two or more paths in ECSI
    for key, value in total.items():
        expected = value - direct.get(key, 0.0)
        assert indirect.get(key, 0.0) == pytest.approx(expected, abs=1e-12)
    assert ("Image", "Quality") in indirect.index and ("Image", "Expectation") not in indirect.index


def test_result_records_inputs(fit, mobi):
    assert fit.n == 250 and fit.missing == "mean" and fit.bootstrap is None
    assert (fit.missing_replaced == 0).all()
    assert list(fit.missing_replaced.index) == list(fit.spec.items)
    np.testing.assert_allclose(fit.item_means, mobi[list(fit.spec.items)].mean(), atol=1e-12)
    np.testing.assert_allclose(fit.item_sds, mobi[list(fit.spec.items)].std(), atol=1e-12)
    assert list(fit.paths.columns) == ["source", "target", "estimate"]
    assert list(fit.loadings.columns) == ["construct", "item", "loading"]
    assert fit.scores.index.equals(mobi.index)


_SMALL = ModelSpec.from_text("Image =~ IMAG1 + IMAG2 + IMAG3\nValue <~ PERV1 + PERV2\n"
                             "Loyalty =~ CUSL1 + CUSL3\nValue ~ Image\nLoyalty ~ Image + Value")


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_estimates_invariant_to_item_scale_and_row_order(mobi, seed):
    """Positive affine recoding of items and reordering rows change no estimate."""
    rng = np.random.default_rng(seed)
    data = mobi.sample(frac=1.0, random_state=int(rng.integers(2**31)))
    shifted = data * rng.uniform(0.1, 10, size=data.shape[1]) + rng.normal(0, 50, data.shape[1])
    a, b = fit_pls(mobi, _SMALL), fit_pls(shifted, _SMALL)
    np.testing.assert_allclose(a.paths.estimate, b.paths.estimate, atol=1e-9)
    np.testing.assert_allclose(a.weights.weight, b.weights.weight, atol=1e-9)
    np.testing.assert_allclose(a.loadings.loading, b.loadings.loading, atol=1e-9)


# -- missing values ----------------------------------------------------------------------------
def _with_holes(mobi: pd.DataFrame) -> pd.DataFrame:
    data = mobi.astype(float)
    rng = np.random.default_rng(7)
    for item in ("IMAG2", "PERQ5", "CUSL1"):
        data.loc[rng.choice(250, 20, replace=False), item] = np.nan
    data.loc[[3, 9], "CUSCO"] = np.nan
    return data


def test_mean_replacement_counts_and_matches_seminr(mobi):
    """missing='mean' equals seminr 0.2.1's mean_replacement and counts replaced cells."""
    data = _with_holes(mobi)
    ours = fit_pls(data, ecsi())
    assert ours.missing_replaced.to_dict() == {
        i: {"IMAG2": 20, "PERQ5": 20, "CUSL1": 20, "CUSCO": 2}.get(i, 0) for i in ecsi().items}
    dev = max_dev_vs_seminr(ours, seminr_fit(data, ecsi()))
    assert max(dev.values()) < TOL_SEMINR, dev
    filled = fit_pls(data.fillna(data.mean()), ecsi())
    np.testing.assert_allclose(ours.weights.weight, filled.weights.weight, atol=1e-12)


def test_pairwise_uses_pairwise_correlations(mobi):
    """missing='pairwise' iterates on pandas' pairwise-complete correlation matrix."""
    data = _with_holes(mobi)
    items = list(ecsi().items)
    z = ((data[items] - data[items].mean()) / data[items].std()).to_numpy()
    corr = boot.weighted_correlations(z, np.ones((1, len(z))))[0][0]
    np.testing.assert_allclose(corr, data[items].corr().to_numpy(), atol=1e-12)
    fit = fit_pls(data, ecsi(), missing="pairwise")
    assert fit.converged and fit.missing == "pairwise" and fit.missing_replaced["IMAG2"] == 20
    np.testing.assert_allclose(fit.scores.std(ddof=1), 1, atol=1e-12)
    complete = fit_pls(mobi, ecsi(), missing="pairwise")
    np.testing.assert_allclose(complete.paths.estimate, fit_pls(mobi, ecsi()).paths.estimate,
                               atol=1e-12)
    with pytest.raises(InputError, match=r"^missing values in item\(s\) IMAG2, PERQ5, CUSCO, "
                                         r"CUSL1 \(first rows \["):
        fit_pls(data, ecsi(), missing="error")


# -- inputs and convergence ---------------------------------------------------------------------
def test_non_convergence_is_recorded_or_raised(mobi):
    fit = fit_pls(mobi, ecsi(), max_iter=2)
    assert not fit.converged and fit.iterations == 2
    with pytest.raises(ConvergenceError, match=r"^PLS did not converge in 2 iterations"):
        fit_pls(mobi, ecsi(), max_iter=2, strict=True)


def test_input_errors(mobi):
    spec = ecsi()
    with pytest.raises(ModelError, match=r"^data lacks 1 item column\(s\) the model needs: CUSCO"):
        fit_pls(mobi.drop(columns="CUSCO"), spec)
    with pytest.raises(InputError, match=r"^item\(s\) PERV1 do not vary \(zero variance\)"):
        fit_pls(mobi.assign(PERV1=5), spec)
    with pytest.raises(InputError, match=r"^item column 'IMAG3' is not numeric \(row 4: 'x'\)"):
        fit_pls(mobi.astype({"IMAG3": object}).assign(IMAG3=lambda d: d.IMAG3.where(
            d.index != 4, "x")), spec)
    with pytest.raises(InputError, match=r"^too few observations: 4 rows; this model needs at "
                                         r"least 6 "):
        fit_pls(mobi.head(4), spec)
    with pytest.raises(InputError, match=r"^item\(s\) CUSCO have fewer than 2 answers"):
        fit_pls(mobi.astype(float).assign(CUSCO=np.nan), spec)
    with pytest.raises(InputError, match=r"hold infinite values"):
        fit_pls(mobi.astype(float).assign(CUSA1=np.inf), spec)
    with pytest.raises(InputError, match=r"^weighting='pca' is not one of 'path', 'factorial', "
                                         r"'centroid'$"):
        fit_pls(mobi, spec, weighting="pca")  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^alpha=1.5 must be between 0 and 1"):
        fit_pls(mobi, spec, alpha=1.5)
    collinear = mobi.assign(PERV2=2 * mobi.PERV1 + 1)
    with pytest.raises(InputError, match=r"^the items of composite 'Value' are perfectly "
                                         r"collinear"):
        fit_pls(collinear, ecsi(modes={"Value": "B"}))
    with pytest.raises(InputError, match=r"^data must be a pandas DataFrame, not ndarray"):
        fit_pls(mobi.to_numpy(), spec)  # type: ignore[arg-type]


def test_single_item_and_two_construct_model(mobi):
    spec = ModelSpec((Construct("Sat", ("CUSA1", "CUSA2")), Construct("Compl", ("CUSCO",))),
                     (("Sat", "Compl"),))
    fit = fit_pls(mobi, spec)
    corr = np.corrcoef(fit.scores.Sat, mobi.CUSCO)[0, 1]
    assert fit.paths.estimate[0] == pytest.approx(corr, abs=1e-12)
    assert fit.weights.set_index("item").weight["CUSCO"] == pytest.approx(1.0)
