"""Weighted PLS (fit_pls(weights=); Becker & Ismail 2016) and weighted indices: integer weights
equal replicated rows, equal weights equal the unweighted fit, resamples are weighted refits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamreport.errors import InputError
from kamreport.satisfaction.importance import ipma
from kamreport.satisfaction.index import index_change, index_scores
from kamreport.satisfaction.pls import fit_pls
from kamreport.satisfaction.presets import ecsi

SPEC = ecsi()
TABLES = ("paths", "loadings", "weights", "total_effects", "indirect_effects")


@pytest.fixture(scope="module")
def mobi(reference_dir) -> pd.DataFrame:
    data = pd.read_csv(reference_dir / "mobi" / "mobi.csv")
    rng = np.random.default_rng(7)
    return data.assign(w=rng.integers(1, 5, size=len(data)), wave=np.arange(len(data)) % 2 + 1)


def replicated(data: pd.DataFrame) -> pd.DataFrame:
    return data.loc[data.index.repeat(data.w)].reset_index(drop=True)


def assert_same_estimates(a, b, atol=1e-10) -> None:  # noqa: ANN001
    for name in TABLES:
        col = {"loadings": "loading", "weights": "weight"}.get(name, "estimate")
        np.testing.assert_allclose(getattr(a, name)[col], getattr(b, name)[col], atol=atol, err_msg=name)
    np.testing.assert_allclose(a.r2, b.r2, atol=atol)
    np.testing.assert_allclose(a.construct_correlations, b.construct_correlations, atol=atol)


@pytest.mark.parametrize("consistent", [False, True])
def test_integer_weights_equal_replicated_rows(mobi, consistent):
    """Weights 1..4 give the estimates of the data with each row repeated that often (PLS and
    PLSc), also with missing cells replaced by the (weighted) item mean."""
    weighted = fit_pls(mobi, SPEC, weights="w", consistent=consistent)
    assert_same_estimates(weighted, fit_pls(replicated(mobi), SPEC, consistent=consistent))
    assert weighted.case_weights.name == "w" and weighted.case_weights.mean() == pytest.approx(1)
    holes = mobi.astype({i: float for i in SPEC.items})
    holes.loc[[3, 10, 11], "CUSA2"] = np.nan
    holes.loc[[5], "PERQ1"] = np.nan
    assert_same_estimates(fit_pls(holes, SPEC, weights="w"), fit_pls(replicated(holes), SPEC))
    np.testing.assert_allclose(fit_pls(holes, SPEC, weights="w").item_means,
                               fit_pls(replicated(holes), SPEC).item_means, atol=1e-12)


def test_equal_weights_give_the_unweighted_fit(mobi):
    """Any constant weight gives the unweighted fit: estimates, item SDs, scores and the
    bootstrap draws for the same seed."""
    plain = fit_pls(mobi, SPEC, bootstrap=50, seed=3)
    equal = fit_pls(mobi.assign(w=3.7), SPEC, bootstrap=50, seed=3, weights="w")
    assert_same_estimates(plain, equal, atol=1e-12)
    np.testing.assert_allclose(plain.item_sds, equal.item_sds, atol=1e-12)
    np.testing.assert_allclose(plain.scores, equal.scores, atol=1e-12)
    np.testing.assert_allclose(plain.bootstrap.draws["paths"], equal.bootstrap.draws["paths"], atol=1e-12)
    pd.testing.assert_frame_equal(index_scores(mobi, SPEC, plain),
                                  index_scores(mobi.assign(w=3.7), SPEC, equal), atol=1e-10)


def test_weighted_resamples_are_weighted_refits(mobi):
    """Resample b of a weighted bootstrap = the weighted fit of the rows drawn (weight = draw
    count x case weight)."""
    fit = fit_pls(mobi, SPEC, weights="w", bootstrap=20, seed=6)
    for b in (0, 11):
        refit = fit_pls(mobi.iloc[fit.bootstrap.indices[b]], SPEC, weights="w")
        np.testing.assert_allclose(fit.bootstrap.draws["paths"][b], refit.paths.estimate, atol=1e-10)
        np.testing.assert_allclose(fit.bootstrap.draws["item_means"][b], refit.item_means, atol=1e-10)


def test_weighted_index_equals_replicated_rows(mobi):
    """index_scores / index_change / ipma of a weighted fit weight the respondents (weights
    taken from the fit): the index and change equal those of the replicated rows."""
    fit = fit_pls(mobi, SPEC, weights="w")
    rep = replicated(mobi)
    rep_fit = fit_pls(rep, SPEC)
    a = index_scores(mobi, SPEC, fit, scale=(1, 10))
    b = index_scores(rep, SPEC, rep_fit, scale=(1, 10))
    np.testing.assert_allclose(a["index"], b["index"], atol=1e-10)
    assert (a.n == 250).all() and (a.std_error > b.std_error).all()  # 250 respondents, not 627
    c, d = index_change(mobi, SPEC, fit, scale=(1, 10)), index_change(rep, SPEC, rep_fit, scale=(1, 10))
    np.testing.assert_allclose(c.change, d.change, atol=1e-10)
    np.testing.assert_allclose(ipma(mobi, SPEC, fit).performance, ipma(rep, SPEC, rep_fit).performance,
                               atol=1e-10)


def test_weighted_change_without_clusters_is_welch_with_equal_weights(mobi):
    """The weighted change with equal weights (linearized SE, Welch–Satterthwaite df) equals
    scipy's Welch test of the unweighted change."""
    fit = fit_pls(mobi, SPEC)
    weighted = index_change(mobi.assign(v=2.0), SPEC, fit, case_weights="v", scale=(1, 10))
    plain = index_change(mobi, SPEC, fit, scale=(1, 10))
    cols = ["change", "std_error", "df", "t", "p_value", "ci_low", "ci_high"]
    np.testing.assert_allclose(weighted[cols].to_numpy(float), plain[cols].to_numpy(float), rtol=1e-9)


def test_weight_input_errors(mobi):
    with pytest.raises(InputError, match="weights column 'wt' not in the data"):
        fit_pls(mobi, SPEC, weights="wt")
    with pytest.raises(InputError, match="negative.*rows \\[2\\]"):
        fit_pls(mobi.assign(w=np.where(mobi.index == 2, -1, 1)), SPEC, weights="w")
    with pytest.raises(InputError, match="all zero"):
        fit_pls(mobi.assign(w=0), SPEC, weights="w")
    with pytest.raises(InputError, match="weights column 'w'"):
        index_scores(mobi.drop(columns="w"), SPEC, fit_pls(mobi, SPEC, weights="w"))


def test_weighted_quality_equals_replicated_rows(mobi):
    """quality() of a weighted fit: HTMT, standardized alpha, rho_A, rho_C and AVE equal those
    of the replicated rows (weighted item correlations). Raw alpha (pingouin) stays unweighted."""
    from kamreport.satisfaction.measurement import quality

    a = quality(mobi, SPEC, fit_pls(mobi, SPEC, weights="w"))
    rep = replicated(mobi)
    b = quality(rep, SPEC, fit_pls(rep, SPEC))
    np.testing.assert_allclose(a.htmt, b.htmt, atol=1e-12)
    cols = ["alpha_std", "rho_a", "rho_c", "ave"]
    np.testing.assert_allclose(a.reliability[cols], b.reliability[cols], atol=1e-12)
