"""Cluster bootstrap (fit_pls(cluster=), index_scores / index_change with clusters): input
checks, identities with the row bootstrap, refits of drawn clusters, and coverage of the truth
in a simulation with known intra-account correlation (Cameron, Gelbach & Miller 2008)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamreport.errors import InputError
from kamreport.satisfaction.index import index_change, index_scores
from kamreport.satisfaction.pls import fit_pls
from kamreport.satisfaction.presets import ecsi
from kamreport.satisfaction.spec import ModelSpec

SPEC = ecsi()


@pytest.fixture(scope="module")
def mobi(reference_dir) -> pd.DataFrame:
    data = pd.read_csv(reference_dir / "mobi" / "mobi.csv")
    rows = np.arange(len(data))
    return data.assign(account=rows // 5, row_id=rows, wave=rows % 2 + 1)


def test_input_errors(mobi):
    with pytest.raises(InputError, match="cluster column 'account_id' not in the data.*cluster="):
        fit_pls(mobi, SPEC, bootstrap=10, cluster="account_id")
    with pytest.raises(InputError, match="at least 2"):
        fit_pls(mobi.assign(one=1), SPEC, bootstrap=10, cluster="one")
    with pytest.raises(InputError, match="empty in rows \\[3\\]"):
        fit_pls(mobi.assign(account=mobi.account.where(mobi.index != 3)), SPEC, cluster="account")


def test_one_row_per_cluster_is_the_row_bootstrap(mobi):
    """Each row its own cluster (labels in row order): the same draws, bit for bit, as the row
    bootstrap with the same seed; intervals and p-values alike."""
    rows = fit_pls(mobi, SPEC, bootstrap=200, seed=9)
    clusters = fit_pls(mobi, SPEC, bootstrap=200, seed=9, cluster="row_id")
    for key, arr in rows.bootstrap.draws.items():
        assert np.array_equal(arr, clusters.bootstrap.draws[key], equal_nan=True), key
    pd.testing.assert_frame_equal(rows.paths, clusters.paths)
    assert clusters.cluster.name == "row_id" and clusters.bootstrap.cluster == "row_id"


def test_draws_are_refits_of_the_drawn_clusters(mobi):
    """Resample b = fit_pls on the rows of the clusters drawn (each as often as drawn); p-values
    use G - 1 degrees of freedom; the BCa jackknife leaves out one cluster at a time."""
    fit = fit_pls(mobi, SPEC, bootstrap=30, seed=2, cluster="account", ci="bca")
    draws = fit.bootstrap
    assert draws.indices.shape == (30, 50) and draws.n_units == 50 and draws.n_rows == 250
    for b in (0, 17):
        rows = np.concatenate([np.flatnonzero(mobi.account.to_numpy() == g) for g in draws.indices[b]])
        refit = fit_pls(mobi.iloc[rows], SPEC)
        np.testing.assert_allclose(draws.draws["paths"][b], refit.paths.estimate, atol=1e-10)
    assert draws.jackknife["paths"].shape[0] == 50
    leave_out = fit_pls(mobi[mobi.account != 7], SPEC)
    np.testing.assert_allclose(draws.jackknife["paths"][7], leave_out.paths.estimate, atol=1e-10)
    from scipy import stats

    r = fit.paths.iloc[0]
    assert r.p_value == pytest.approx(2 * stats.t.sf(abs(r.t), 49), rel=1e-12)


def test_htmt_intervals_use_the_cluster_draws(mobi):
    """quality()'s HTMT intervals come from the same cluster resamples (via BootstrapDraws.map):
    a direct loop over the drawn clusters gives the same limits."""
    from kamreport.satisfaction.measurement import quality
    from kamreport.satisfaction.validity import htmt_stack

    fit = fit_pls(mobi, SPEC, bootstrap=40, seed=5, cluster="account")
    ci = quality(mobi, SPEC, fit).htmt_ci.set_index("pair")
    stack = []
    for b in range(40):
        rows = np.concatenate([np.flatnonzero(mobi.account.to_numpy() == g)
                               for g in fit.bootstrap.indices[b]])
        stack.append(htmt_stack(mobi.iloc[rows][list(SPEC.items)].corr().to_numpy()[None], SPEC)[0])
    d = np.array(stack)[:, 0, 1]
    assert ci.loc["Image~Expectation", "ci_low"] == pytest.approx(np.quantile(d, 0.025), abs=1e-10)


def test_index_with_clusters(mobi):
    """Accounts of k identical rows: the cluster-robust SE of the mean index equals the plain
    SE of the distinct rows (s / sqrt(G)), df G - 1; bootstrap columns come from the fit's
    cluster draws; cluster= on a row-bootstrapped fit is refused."""
    base = mobi.iloc[:60].reset_index(drop=True)
    copies = base.loc[base.index.repeat(4)].reset_index(drop=True).assign(account=np.repeat(np.arange(60), 4))
    fit = fit_pls(base, SPEC)
    out = index_scores(copies, SPEC, fit, cluster="account", scale=(1, 10)).set_index("construct")
    ref = index_scores(base, SPEC, fit, scale=(1, 10)).set_index("construct")
    np.testing.assert_allclose(out[["index", "std_error", "ci_low", "ci_high"]],
                               ref[["index", "std_error", "ci_low", "ci_high"]], rtol=1e-10)
    assert (out.n == 240).all() and (out.n_clusters == 60).all()
    booted = fit_pls(mobi, SPEC, bootstrap=50, seed=1, cluster="account")
    scored = index_scores(mobi, SPEC, booted, scale=(1, 10))  # cluster taken from the fit
    assert "boot_ci_low" in scored and (scored.n_clusters == 50).all()
    rows_fit = fit_pls(mobi, SPEC, bootstrap=50, seed=1)
    with pytest.raises(InputError, match="bootstrapped by rows"):
        index_scores(mobi, SPEC, rows_fit, cluster="account", scale=(1, 10))
    with pytest.raises(InputError, match="cluster column 'acct' not in the data"):
        index_scores(mobi, SPEC, fit, cluster="acct", scale=(1, 10))


def test_index_change_with_clusters(mobi):
    """One row per cluster: the cluster-robust change equals the linearized independent-waves
    SE, df n - 1 instead of Welch's; bootstrap change columns from the cluster draws equal a
    direct loop."""
    fit = fit_pls(mobi, SPEC, bootstrap=60, seed=3, cluster="account")
    welch = index_change(mobi, SPEC, fit, cluster="row_id", scale=(1, 10))
    plain = index_change(mobi.drop(columns="account"), SPEC, fit_pls(mobi, SPEC), scale=(1, 10))
    np.testing.assert_allclose(welch.change, plain.change, rtol=1e-12)
    np.testing.assert_allclose(welch.std_error, plain.std_error, rtol=0.01)  # n/(n-1) factors
    assert (welch.df == 249).all()
    out = index_change(mobi, SPEC, fit, scale=(1, 10)).set_index("construct")
    items = list(SPEC.construct("Satisfaction").items)
    draws, changes = fit.bootstrap, []
    for b in range(60):
        rows = np.concatenate([np.flatnonzero(mobi.account.to_numpy() == g) for g in draws.indices[b]])
        u = draws.draws["weights"][b, [list(SPEC.items).index(i) for i in items]]
        u = u / draws.draws["item_sds"][b, [list(SPEC.items).index(i) for i in items]]
        part = mobi.iloc[rows]
        v = 100 * (part[items].to_numpy() @ (u / u.sum()) - 1) / 9
        changes.append(v[part.wave.to_numpy() == 2].mean() - v[part.wave.to_numpy() == 1].mean())
    assert out.loc["Satisfaction", "boot_std_error"] == pytest.approx(np.std(changes, ddof=1), abs=1e-10)


def clustered_sample(rng: np.random.Generator, accounts: int, size: int, icc: float,
                     beta: float) -> pd.DataFrame:
    """x and y with intra-account correlation icc in x and in the residual of y; corr(x, y) = beta."""
    g = np.repeat(np.arange(accounts), size)
    x = np.sqrt(icc) * rng.normal(size=accounts)[g] + np.sqrt(1 - icc) * rng.normal(size=g.size)
    e = np.sqrt(icc) * rng.normal(size=accounts)[g] + np.sqrt(1 - icc) * rng.normal(size=g.size)
    return pd.DataFrame({"x": x, "y": beta * x + np.sqrt(1 - beta**2) * e, "account": g})


def test_cluster_intervals_cover_the_truth():
    """200 samples of 50 accounts x 6 respondents, intra-account correlation 0.6 of x and of
    y's residual, true path (= corr(x, y)) 0.4. The design effect 1 + 5·0.36 = 2.8 makes the
    respondent bootstrap's 95 % intervals too narrow (expected coverage ~76 %); the cluster
    bootstrap's cover the truth about 95 % of the time (percentile intervals with 50 clusters
    run slightly short, hence the lower bound 0.89; the coverage SE is 1.5 %). Measured: 77 % and
    96 %, mean interval width 0.18 and 0.30; ~2 s."""
    spec = ModelSpec.from_text("X =~ x; Y =~ y; Y ~ X")
    rng = np.random.default_rng(2026)
    hits = {"rows": 0, "clusters": 0}
    reps = 200
    for r in range(reps):
        data = clustered_sample(rng, 50, 6, 0.6, 0.4)
        for kind, cluster in (("rows", None), ("clusters", "account")):
            p = fit_pls(data, spec, bootstrap=199, seed=r, cluster=cluster, n_jobs=1).paths.iloc[0]
            hits[kind] += p.ci_low <= 0.4 <= p.ci_high
    coverage = {k: v / reps for k, v in hits.items()}
    assert 0.89 <= coverage["clusters"] <= 0.99, coverage
    assert coverage["rows"] < 0.86, coverage


@pytest.mark.slow
def test_cluster_index_intervals_cover_the_truth():
    """200 samples of 40 accounts x 5 respondents; every item is 5.5 + an account effect + a
    respondent effect (uniform, within 1..10), so the true 0-100 index is 50 for any weights;
    intra-account correlation of the items 0.5. The respondent bootstrap's and the t
    interval's 95 % intervals miss far more often than 5 %; the cluster bootstrap's and the
    cluster-robust t interval's cover 50 about 95 % of the time (SE of a coverage 1.5 %).
    Measured: rows 64.5 % (bootstrap) / 66.5 % (t), clusters 93 % / 95.5 %; ~13 s."""
    spec = ModelSpec.from_text("A =~ a1 + a2; B =~ b1 + b2; B ~ A")
    rng = np.random.default_rng(7)
    hits = {"rows": 0, "clusters": 0, "t_rows": 0, "t_clusters": 0}
    reps = 200
    for r in range(reps):
        g = np.repeat(np.arange(40), 5)
        shared = rng.uniform(-2, 2, size=40)[g]
        data = pd.DataFrame({c: 5.5 + shared + rng.uniform(-2, 2, size=g.size)
                             for c in ("a1", "a2", "b1", "b2")}).assign(account=g)
        for kind, cluster in (("rows", None), ("clusters", "account")):
            fit = fit_pls(data, spec, bootstrap=199, seed=r, cluster=cluster, n_jobs=1)
            row = index_scores(data, spec, fit, scale=(1, 10)).iloc[0]
            hits[kind] += row.boot_ci_low <= 50 <= row.boot_ci_high
            hits[f"t_{kind}"] += row.ci_low <= 50 <= row.ci_high
    coverage = {k: v / reps for k, v in hits.items()}
    assert 0.89 <= coverage["clusters"] <= 0.99 and 0.89 <= coverage["t_clusters"] <= 0.99, coverage
    assert coverage["rows"] < 0.8 and coverage["t_rows"] < 0.8, coverage
