"""Bootstrap for PLS-SEM: reproducibility, agreement with seminr, interval arithmetic vs scipy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from kamreport.satisfaction import bootstrap as boot
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
    return fit_pls(mobi, ecsi(), bootstrap=1000, seed=11, n_jobs=1)


def seminr_model(data: pd.DataFrame, spec: ModelSpec):  # noqa: ANN201
    mm = seminr.constructs(*[seminr.composite(c.name, list(c.items)) for c in spec.constructs])
    sm = seminr.relationships(*[seminr.paths(s, t) for s, t in spec.paths])
    return seminr.estimate_pls(data, mm, sm)


def test_reproducible_and_independent_of_n_jobs(mobi, booted):
    """Same seed -> bit-identical draws, whether one or two worker threads ran the blocks."""
    again = fit_pls(mobi, ecsi(), bootstrap=1000, seed=11, n_jobs=2)
    for key, arr in booted.bootstrap.draws.items():
        assert np.array_equal(arr, again.bootstrap.draws[key], equal_nan=True), key
    pd.testing.assert_frame_equal(booted.paths, again.paths)
    other = fit_pls(mobi, ecsi(), bootstrap=1000, seed=12)
    assert not np.array_equal(other.bootstrap.draws["paths"], booted.bootstrap.draws["paths"])


def test_draws_are_refits_of_the_drawn_rows(mobi, booted):
    """Resample b's statistics equal fit_pls on mobi.iloc[indices[b]] (the counts shortcut)."""
    draws = booted.bootstrap
    assert draws.indices.shape == (1000, 250) and draws.n_resamples == 1000
    for b in (0, 417):
        refit = fit_pls(mobi.iloc[draws.indices[b]], ecsi())
        np.testing.assert_allclose(draws.draws["paths"][b], refit.paths.estimate, atol=1e-10)
        np.testing.assert_allclose(draws.draws["loadings"][b], refit.loadings.loading, atol=1e-10)
        np.testing.assert_allclose(draws.draws["weights"][b], refit.weights.weight, atol=1e-10)
        np.testing.assert_allclose(draws.draws["item_means"][b], refit.item_means, atol=1e-10)
        np.testing.assert_allclose(draws.draws["item_sds"][b], refit.item_sds, atol=1e-10)
    assert draws.draws["converged"].all() and draws.valid.all()


def test_standard_errors_equal_seminr_on_the_same_resamples(mobi):
    """seminr 0.2.1 bootstrap_model fed our row indices gives the same SEs (to ~1e-7)."""
    ours = fit_pls(mobi, ecsi(), bootstrap=200, seed=5)
    theirs = seminr.bootstrap_model(seminr_model(mobi, ecsi()), 200,
                                    indices=ours.bootstrap.indices.astype(np.intp))
    for row in ours.paths.itertuples():
        se = theirs.paths_descriptives.get(row.source, f"{row.target} Boot SD")
        assert row.std_error == pytest.approx(se, abs=1e-6)
    for row in ours.loadings.itertuples():
        se = theirs.loadings_descriptives.get(row.item, f"{row.construct} Boot SD")
        assert row.std_error == pytest.approx(se, abs=1e-6)
    for row in ours.total_effects.itertuples():
        se = theirs.total_paths_descriptives.get(row.source, f"{row.target} Boot SD")
        assert row.std_error == pytest.approx(se, abs=1e-6)


def test_standard_errors_close_to_seminr_in_distribution(mobi, reference_dir):
    """Independent resamples: our SEs (2000, seed 1) within 15 % of seminr 0.2.1's (2000, its seed).

    seminr's SEs come from tests/satisfaction/reference/make_seminr_bootstrap.py. Both are
    random; a bootstrap SE from 2000 resamples has a relative sampling error of ~1.6 %, so 15 %
    only fails on a real difference (e.g. n vs n-1, wrong resampling). Single-item weights and
    loadings (SE 0) are skipped.
    """
    from pathlib import Path

    ref = pd.read_csv(Path(__file__).parent / "reference" / "seminr_bootstrap_mobi.csv")
    ours = fit_pls(mobi, ecsi(), bootstrap=2000, seed=1)
    tables = {"paths": ours.paths.set_index(["source", "target"]).std_error,
              "loadings": ours.loadings.set_index(["construct", "item"]).std_error,
              "weights": ours.weights.set_index(["construct", "item"]).std_error}
    ref = ref[ref.std_error > 1e-9]
    ratios = np.array([tables[r.table][(r.first, r.second)] / r.std_error
                       for r in ref.itertuples()])
    assert len(ratios) == 12 + 2 * 23
    assert np.all(np.abs(ratios - 1) < 0.15), ratios
    assert abs(np.median(ratios) - 1) < 0.05


def test_table_columns_t_and_p(booted):
    table = booted.paths
    assert list(table.columns) == ["source", "target", "estimate", "std_error", "t", "p_value",
                                   "ci_low", "ci_high"]
    np.testing.assert_allclose(table.t, table.estimate / table.std_error)
    np.testing.assert_allclose(table.p_value, 2 * stats.t.sf(np.abs(table.t), df=249))
    draws = booted.bootstrap.draws["paths"]
    np.testing.assert_allclose(table.std_error, draws.std(axis=0, ddof=1))
    np.testing.assert_allclose(table.ci_low, np.quantile(draws, 0.025, axis=0))
    np.testing.assert_allclose(table.ci_high, np.quantile(draws, 0.975, axis=0))
    for name in ("loadings", "weights", "total_effects", "indirect_effects"):
        assert {"std_error", "ci_low", "ci_high"} <= set(getattr(booted, name).columns)
    indirect = booted.indirect_effects.set_index(["source", "target"])
    assert indirect.loc[("Image", "Quality")].ci_low > 0  # Image -> Expectation -> Quality


@pytest.mark.parametrize("method", ["BCa", "percentile"])
def test_intervals_equal_scipy_bootstrap(method):
    """Our interval code on scipy.stats.bootstrap's own distribution gives scipy's interval."""
    rng = np.random.default_rng(3)
    x = rng.lognormal(size=60)
    res = stats.bootstrap((x,), np.mean, n_resamples=3000, method=method, confidence_level=0.9,
                          rng=np.random.default_rng(4))
    jack = np.array([np.delete(x, i).mean() for i in range(len(x))])[:, None]
    out = boot.summarize(np.array([x.mean()]), res.bootstrap_distribution[:, None], n=len(x),
                         ci="bca" if method == "BCa" else "percentile", alpha=0.1, jackknife=jack)
    assert out["ci_low"][0] == pytest.approx(res.confidence_interval.low, rel=1e-12)
    assert out["ci_high"][0] == pytest.approx(res.confidence_interval.high, rel=1e-12)
    assert out["std_error"][0] == pytest.approx(res.standard_error, rel=1e-12)


def test_bca_through_fit_pls(mobi):
    fit = fit_pls(mobi, ecsi(), bootstrap=400, seed=2, ci="bca")
    jack = fit.bootstrap.jackknife
    assert jack is not None and jack["paths"].shape == (250, 12)
    for i in (0, 123):
        refit = fit_pls(mobi.drop(index=i), ecsi())
        np.testing.assert_allclose(jack["paths"][i], refit.paths.estimate, atol=1e-10)
    pct = fit_pls(mobi, ecsi(), bootstrap=400, seed=2)
    np.testing.assert_array_equal(fit.paths.std_error, pct.paths.std_error)
    assert not np.allclose(fit.paths.ci_low, pct.paths.ci_low)
    assert (fit.paths.ci_low < fit.paths.estimate).all()
    assert (fit.paths.estimate < fit.paths.ci_high).all()


def test_sign_alignment_with_a_weak_construct():
    """Resample weights are flipped to agree with the estimate (construct-level sign change).

    Construct W's two items are nearly unrelated to Y, so resamples often come out with W's
    weights reversed; after alignment every resample's weights point the way of the estimate.
    """
    rng = np.random.default_rng(0)
    n = 120
    f = rng.normal(size=n)
    data = pd.DataFrame({"y1": f + rng.normal(size=n), "y2": f + rng.normal(size=n),
                         "w1": rng.normal(size=n), "w2": rng.normal(size=n)})
    data["w2"] = 0.6 * data.w1 + 0.8 * data.w2
    spec = ModelSpec.from_text("W =~ w1 + w2\nY =~ y1 + y2\nY ~ W")
    fit = fit_pls(data, spec, bootstrap=500, seed=1)
    draws = fit.bootstrap.draws
    flips = draws["sign_flips"]
    assert flips.sum() > 20
    w0 = fit.weights.weight.to_numpy()
    for j, block in enumerate((slice(0, 2), slice(2, 4))):
        assert ((draws["weights"][:, block] * w0[block]).sum(axis=1) >= 0).all()
    b = int(np.flatnonzero(flips[:, 0])[0])  # a resample whose W came out reversed
    refit = fit_pls(data.iloc[fit.bootstrap.indices[b]], spec)
    np.testing.assert_allclose(draws["weights"][b, :2], -refit.weights.weight[:2], atol=1e-10)


def test_failed_resamples_are_left_out():
    """An item that is constant in some resamples makes those resamples NaN, not the fit."""
    rng = np.random.default_rng(1)
    n = 30
    data = pd.DataFrame(rng.normal(size=(n, 4)), columns=["a1", "a2", "b1", "b2"])
    data["a2"] = 0.0
    data.loc[0, "a2"] = 1.0  # one respondent differs: constant in ~37 % of resamples
    spec = ModelSpec.from_text("A =~ a1 + a2\nB =~ b1 + b2\nB ~ A")
    fit = fit_pls(data, spec, bootstrap=200, seed=3)
    valid = fit.bootstrap.valid
    assert 30 < (~valid).sum() < 120
    assert np.isnan(fit.bootstrap.draws["paths"][~valid]).all()
    np.testing.assert_allclose(fit.paths.std_error,
                               fit.bootstrap.draws["paths"][valid].std(axis=0, ddof=1))


def test_progress_bar_and_small_runs(mobi, capsys):
    fit = fit_pls(mobi, ecsi(), bootstrap=50, seed=1, progress=True)
    assert fit.bootstrap.n_resamples == 50
    assert "resample" in capsys.readouterr().err


def test_weighted_correlations_match_numpy():
    rng = np.random.default_rng(8)
    z = rng.normal(size=(40, 5))
    idx = boot.draw_indices(40, 3, seed=1)
    corr, mean, sd = boot.weighted_correlations(z, boot.counts_from_indices(idx, 40))
    for b in range(3):
        np.testing.assert_allclose(corr[b], np.corrcoef(z[idx[b]], rowvar=False), atol=1e-12)
        np.testing.assert_allclose(mean[b], z[idx[b]].mean(axis=0), atol=1e-12)
        np.testing.assert_allclose(sd[b], z[idx[b]].std(axis=0, ddof=1), atol=1e-12)


def test_one_block_rule_and_loop():
    """block_size is the one block rule (250, fewer for large n, at least 8); run_blocks hands
    each statistic its counts (and, with_rows, the slice of resamples), and the result does not
    depend on the block size; BootstrapDraws.counts expands clusters and multiplies case weights."""
    assert boot.block_size(250) == 250 and boot.block_size(100_000) == 40
    assert boot.block_size(10**9) == 8
    idx = boot.draw_indices(30, 17, 0)

    def stat(counts, rows):  # noqa: ANN001, ANN202
        return {"sum": counts @ np.arange(30.0), "pos": np.arange(rows.start, rows.stop)}

    a = boot.run_blocks(lambda lo, hi: boot.counts_from_indices(idx[lo:hi], 30), 17, stat, block=4,
                        with_rows=True)
    b = boot.run_blocks(lambda lo, hi: boot.counts_from_indices(idx[lo:hi], 30), 17, stat,
                        block=250, with_rows=True)
    plain = boot.run_blocks(lambda lo, hi: boot.counts_from_indices(idx[lo:hi], 30), 17,
                            lambda counts: {"sum": counts @ np.arange(30.0)})
    assert np.array_equal(plain["sum"], a["sum"])  # one-argument statistics keep working
    assert np.array_equal(a["sum"], b["sum"]) and a["pos"].tolist() == list(range(17))
    clusters = np.array([0, 0, 1, 2, 2, 2])
    draws = boot.BootstrapDraws(np.array([[2, 2, 0]], np.int32), {}, clusters=clusters,
                                case_weights=np.array([1.0, 2, 1, 1, 1, 0.5]))
    assert draws.counts(0, 1).tolist() == [[1, 2, 0, 2, 2, 1]]
    assert draws.jackknife_counts(0, 3)[2].tolist() == [1, 2, 1, 0, 0, 0]
