"""BG/NBD, Pareto/NBD, Gamma-Gamma, CLV and the holdout table on CDNOW; gradients; input errors."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamreport.errors import ConvergenceError, InputError, ModelError
from kamreport.value import (
    bgnbd,
    clv,
    customer_summary,
    fit_bgnbd,
    fit_gamma_gamma,
    fit_pareto_nbd,
    gammagamma,
    holdout_table,
    paretonbd,
)
from kamreport.value.patterns import collapse

#: published maximum-likelihood estimates on CDNOW (reference/cdnow/README.md)
PUBLISHED = {
    "bgnbd": ({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, -9582.4),
    "pareto_nbd": ({"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}, -9595.0),
    "gamma_gamma": ({"p": 6.25, "q": 3.74, "v": 15.44}, None),
}


@pytest.fixture(scope="module")
def cdnow(reference_dir: Path) -> pd.DataFrame:
    """CDNOW 1/10 sample through customer_summary: calibration to 1997-09-30, holdout to 1998-06-30."""
    raw = pd.read_csv(
        reference_dir / "cdnow" / "CDNOW_sample.txt", sep=r"\s+", header=None,
        names=["master_id", "customer_id", "date", "cds", "amount"],
    )
    raw["date"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
    return customer_summary(
        raw, customer="customer_id", date="date", amount="amount",
        observation_end="1997-09-30", freq="W", holdout_end="1998-06-30",
    )


@pytest.fixture(scope="module")
def fits(cdnow: pd.DataFrame) -> dict[str, object]:
    return {
        "bgnbd": fit_bgnbd(cdnow),
        "pareto_nbd": fit_pareto_nbd(cdnow),
        "gamma_gamma": fit_gamma_gamma(cdnow),
    }


# --- published estimates ------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["bgnbd", "pareto_nbd", "gamma_gamma"])
def test_cdnow_reproduces_published_estimates(fits: dict[str, object], model: str) -> None:
    """Parameters within 1 % and log-likelihoods within 0.1 of the published CDNOW fits.

    Sources: Fader, Hardie & Lee (2005), Marketing Science 24(2), 275-284 (BG/NBD: r 0.243,
    alpha 4.414, a 0.793, b 2.426, LL -9582.4; Pareto/NBD: r 0.553, alpha 10.578, s 0.606,
    beta 11.669, LL -9595.0); Fader, Hardie & Lee (2005), JMR 42(4), 415-430 (Gamma-Gamma on the
    946 repeat customers: p 6.25, q 3.74, gamma 15.44; no LL published there, so it is checked
    against lifetimes 0.11.3's GammaGammaFitter on the same data: -4055.9177).
    """
    fit = fits[model]
    params, ll = PUBLISHED[model]
    for name, value in params.items():
        assert fit.params[name] == pytest.approx(value, rel=0.01), name
    if ll is None:
        assert fit.log_likelihood == pytest.approx(-4055.9177, abs=0.1)
        assert fit.n_customers == 946
    else:
        assert fit.log_likelihood == pytest.approx(ll, abs=0.1)
        assert fit.n_customers == 2357
    assert fit.converged and fit.iterations > 0
    assert set(fit.std_errors) == set(params) and all(v > 0 for v in fit.std_errors.values())


def test_cdnow_bgnbd_worked_example(fits: dict[str, object]) -> None:
    """FHL (2005) section 5: the customer with x = 2, t_x = 30.43, T = 38.86 expects 1.226
    purchases in the next 39 weeks (our fit, not the rounded parameters: to 1e-3)."""
    bg = fits["bgnbd"]
    assert bg.conditional_expected_purchases(39.0, 2, 30.43, 38.86) == pytest.approx(1.226, abs=1e-3)


def _total_loglik(module, data: tuple[np.ndarray, ...], weights: np.ndarray):
    return lambda th: float(weights @ module.loglik(th, data, False)[0])


def test_standard_errors_match_a_second_difference_hessian(
    cdnow: pd.DataFrame, fits: dict[str, object]
) -> None:
    """SEs equal those from an independent Hessian: second differences of log-likelihood values."""
    for model, module in (("bgnbd", bgnbd), ("pareto_nbd", paretonbd)):
        fit = fits[model]
        theta = np.array(list(fit.params.values()))
        data, w = collapse(*(cdnow[c].to_numpy(np.float64) for c in ("frequency", "recency", "T")))
        total = _total_loglik(module, tuple(data), w)
        h = 1e-4 * theta
        hess = np.empty((4, 4))
        for i in range(4):
            for j in range(4):
                ei, ej = np.eye(4)[i] * h[i], np.eye(4)[j] * h[j]
                hess[i, j] = (total(theta + ei + ej) - total(theta + ei - ej) - total(theta - ei + ej)
                              + total(theta - ei - ej)) / (4 * h[i] * h[j])
        se = np.sqrt(np.diag(np.linalg.inv(-hess)))
        np.testing.assert_allclose(list(fit.std_errors.values()), se, rtol=1e-3)


# --- gradients -------------------------------------------------------------------------------


def _check_gradient(module, theta: np.ndarray, data: tuple[np.ndarray, ...]) -> None:
    weights = np.random.default_rng(0).uniform(0.5, 2.0, data[0].size)
    _, grad = module.loglik(theta, data, True)
    analytic = grad @ weights
    numeric = np.empty_like(theta)
    for j in range(theta.size):
        h = 1e-6 * theta[j]
        up, down = theta.copy(), theta.copy()
        up[j] += h
        down[j] -= h
        numeric[j] = (weights @ module.loglik(up, data, False)[0]
                      - weights @ module.loglik(down, data, False)[0]) / (2 * h)
    np.testing.assert_allclose(analytic, numeric, rtol=2e-6, atol=1e-6 * np.abs(numeric).max())


def test_analytic_gradients_match_finite_differences(cdnow: pd.DataFrame) -> None:
    """d log L / d theta of all three models against central differences, on CDNOW patterns
    plus extreme ones, at several parameter points (alpha < beta, alpha > beta, alpha = beta)."""
    (x, tx, big_t), _ = collapse(*(cdnow[c].to_numpy(np.float64) for c in ("frequency", "recency", "T")))
    x = np.concatenate([x, [0, 60, 200, 3]])
    tx = np.concatenate([tx, [0, 38.9, 2.0, 39.0]])
    big_t = np.concatenate([big_t, [39, 39, 39, 39.0]])
    data = (x, tx, big_t)
    for theta in ([0.243, 4.414, 0.793, 2.426], [2.0, 0.5, 3.0, 0.7], [0.05, 40.0, 0.2, 9.0]):
        _check_gradient(bgnbd, np.array(theta), data)
    for theta in ([0.553, 10.578, 0.606, 11.669], [1.5, 30.0, 2.0, 0.3], [0.3, 5.0, 0.9, 5.0],
                  [0.8, 0.1, 0.3, 400.0]):
        _check_gradient(paretonbd, np.array(theta), data)
    rep = cdnow[cdnow["frequency"] > 0]
    gg_data = (rep["frequency"].to_numpy(np.float64), rep["monetary_value"].to_numpy(np.float64))
    for theta in ([6.25, 3.74, 15.44], [0.5, 1.2, 300.0], [40.0, 10.0, 2.0]):
        _check_gradient(gammagamma, np.array(theta), gg_data)


# --- predictions: shapes, defaults, invariants ------------------------------------------------


def test_predictions_default_to_the_fitted_customers(cdnow: pd.DataFrame, fits: dict[str, object]) -> None:
    for model in ("bgnbd", "pareto_nbd"):
        fit = fits[model]
        alive = fit.p_alive()
        assert isinstance(alive, pd.Series) and alive.index.equals(cdnow.index)
        assert alive[cdnow["frequency"] == 0].between(0, 1).all()
        explicit = fit.p_alive(cdnow["frequency"], cdnow["recency"], cdnow["T"])
        pd.testing.assert_series_equal(alive, explicit)
        assert isinstance(fit.p_alive(2, 30.43, 38.86), float)
        cond = fit.conditional_expected_purchases(39.0)
        assert cond.index.equals(cdnow.index) and (cond > 0).all()
        pop = fit.expected_purchases(np.array([0.0, 39.0, 78.0]))
        assert pop[0] == 0 and np.all(np.diff(pop) > 0)
        with pytest.raises(InputError, match="frequency, recency and T"):
            fit.p_alive(frequency=cdnow["frequency"])
    spend = fits["gamma_gamma"].conditional_expected_spend()
    assert spend.index.equals(cdnow.index)
    assert spend[cdnow["frequency"] == 0].eq(fits["gamma_gamma"].mean_spend).all()


def test_fits_are_frozen(fits: dict[str, object]) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        fits["bgnbd"].log_likelihood = 0.0  # type: ignore[misc]


history = st.tuples(
    st.integers(0, 80), st.floats(0.0, 1.0), st.floats(0.01, 200.0)
).map(lambda h: (h[0], 0.0 if h[0] == 0 else h[1] * h[2], h[2]))
positive = st.floats(0.02, 50.0)


@settings(max_examples=150, deadline=None)
@given(history, st.tuples(positive, positive, positive, positive), st.floats(0.1, 300.0))
def test_prediction_invariants(h: tuple[int, float, float], theta: tuple[float, ...], t: float) -> None:
    """P(alive) in [0, 1]; E[Y(t) | history] >= 0, finite and increasing in t; P(alive) does
    not rise with more time of silence (T) — for both transaction models."""
    x, tx, big_t = h
    empty = pd.Series(dtype=np.float64)
    common = {"std_errors": {}, "covariance": pd.DataFrame(), "log_likelihood": 0.0, "n_customers": 0,
              "n_patterns": 0, "converged": True, "iterations": 0, "penalizer": 0.0,
              "history": (empty, empty, empty)}
    models = [
        bgnbd.BgNbdFit(params=dict(zip(bgnbd.PARAMS, theta, strict=True)), **common),
        paretonbd.ParetoNbdFit(params=dict(zip(paretonbd.PARAMS, theta, strict=True)), **common),
    ]
    for fit in models:
        alive = fit.p_alive(x, tx, big_t)
        assert 0.0 <= alive <= 1.0
        assert fit.p_alive(x, tx, big_t + 10.0) <= alive + 1e-12
        y1 = fit.conditional_expected_purchases(t, x, tx, big_t)
        y2 = fit.conditional_expected_purchases(2 * t, x, tx, big_t)
        assert np.isfinite(y1) and 0.0 <= y1 <= y2 * (1 + 1e-12)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 50), st.floats(0.01, 1e4), st.tuples(positive, st.floats(1.01, 50.0), positive))
def test_expected_spend_is_between_population_and_own_mean(
    x: int, m: float, theta: tuple[float, ...]
) -> None:
    empty = pd.Series(dtype=np.float64)
    fit = gammagamma.GammaGammaFit(
        params=dict(zip(gammagamma.PARAMS, theta, strict=True)), std_errors={}, covariance=pd.DataFrame(),
        log_likelihood=0.0, n_customers=0, n_patterns=0, converged=True, iterations=0,
        penalizer=0.0, history=(empty, empty),
    )
    spend = fit.conditional_expected_spend(x, m)
    lo, hi = sorted((fit.mean_spend, m))
    assert lo * (1 - 1e-12) <= spend <= hi * (1 + 1e-12)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from([0.0, 0.5, 1.5])), min_size=1, max_size=60))
def test_collapse_counts_every_pattern(rows: list[tuple[int, float]]) -> None:
    a = np.array([r[0] for r in rows], dtype=np.float64)
    b = np.array([r[1] for r in rows])
    (ua, ub), counts, inverse = collapse(a, b, return_inverse=True)
    expected = pd.DataFrame({"a": a, "b": b}).value_counts()
    got = pd.Series(counts, index=pd.MultiIndex.from_arrays([ua, ub], names=["a", "b"]))
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index().astype(np.float64),
                                   check_names=False)
    np.testing.assert_array_equal(ua[inverse], a)
    np.testing.assert_array_equal(ub[inverse], b)


def test_penalizer_shrinks_the_parameters(cdnow: pd.DataFrame, fits: dict[str, object]) -> None:
    plain, shrunk = fits["bgnbd"], fit_bgnbd(cdnow, penalizer=0.1)
    assert shrunk.log_likelihood < plain.log_likelihood
    assert sum(v * v for v in shrunk.params.values()) < sum(v * v for v in plain.params.values())


def test_initial_values_do_not_change_the_optimum(cdnow: pd.DataFrame, fits: dict[str, object]) -> None:
    other = fit_bgnbd(cdnow, initial={"r": 2.0, "alpha": 1.0, "a": 3.0, "b": 0.5})
    for name, value in fits["bgnbd"].params.items():
        assert other.params[name] == pytest.approx(value, rel=1e-6)


# --- CLV ---------------------------------------------------------------------------------------


def test_clv_is_the_discounted_sum_of_monthly_increments(
    cdnow: pd.DataFrame, fits: dict[str, object]
) -> None:
    """CLV = margin * E[M] * sum_k (E[Y(k tau)] - E[Y((k-1) tau)]) / (1+d)^k, tau = 30.44 days."""
    bg, gg = fits["bgnbd"], fits["gamma_gamma"]
    out = clv(bg, gg, cdnow, months=12, discount_rate=0.01, margin=0.3, freq="W")
    assert list(out.columns) == ["expected_purchases", "expected_spend", "p_alive", "clv"]
    assert out.index.equals(cdnow.index)
    tau = 365.25 / 12 / 7
    for cid in (1, 2, 3, 1411):
        x, tx, big_t = cdnow.loc[cid, ["frequency", "recency", "T"]]
        cum = [bg.conditional_expected_purchases(k * tau, x, tx, big_t) for k in range(13)]
        value = sum((cum[k] - cum[k - 1]) / 1.01**k for k in range(1, 13))
        spend = gg.conditional_expected_spend(x, cdnow.loc[cid, "monetary_value"])
        assert out.loc[cid, "clv"] == pytest.approx(0.3 * spend * value, rel=1e-12)
        assert out.loc[cid, "expected_purchases"] == pytest.approx(cum[12], rel=1e-12)
    flat = clv(bg, gg, cdnow, discount_rate=0.0)
    np.testing.assert_allclose(flat["clv"], flat["expected_spend"] * flat["expected_purchases"], rtol=1e-12)
    assert (flat["clv"] >= out["clv"]).all()
    daily = cdnow.assign(recency=cdnow["recency"] * 7, T=cdnow["T"] * 7)
    bg_daily = fit_bgnbd(daily)
    # the same customers in days: the same CLV (alpha scales with the time unit)
    np.testing.assert_allclose(clv(bg_daily, gg, daily, freq="D")["clv"], out["clv"] / 0.3, rtol=1e-5)
    pn = clv(fits["pareto_nbd"], gg, cdnow)
    assert pn["clv"].sum() == pytest.approx(out["clv"].sum() / 0.3, rel=0.1)


def test_clv_argument_errors(cdnow: pd.DataFrame, fits: dict[str, object]) -> None:
    bg, gg = fits["bgnbd"], fits["gamma_gamma"]
    for kwargs, match in (({"months": 0}, "months"), ({"months": 1.5}, "months"),
                          ({"discount_rate": -1.0}, "discount_rate"), ({"freq": "Q"}, "freq")):
        with pytest.raises(InputError, match=match):
            clv(bg, gg, cdnow, **kwargs)
    with pytest.raises(InputError, match="transaction model"):
        clv(gg, gg, cdnow)
    with pytest.raises(InputError, match="spend model"):
        clv(bg, bg, cdnow)
    heavy = dataclasses.replace(gg, params={**gg.params, "q": 0.9})
    with pytest.raises(ModelError, match="q"):
        clv(bg, heavy, cdnow)


# --- holdout -----------------------------------------------------------------------------------


def test_holdout_table_on_cdnow(cdnow: pd.DataFrame, fits: dict[str, object]) -> None:
    """Conditional expectations by calibration frequency (FHL 2005, Marketing Science, Fig. 5)."""
    bg = fits["bgnbd"]
    table = holdout_table(bg, cdnow)
    assert list(table.index) == ["0", "1", "2", "3", "4", "5", "6", "7+", "all"]
    assert table.loc["all", "n_customers"] == 2357 == table["n_customers"].iloc[:-1].sum()
    group = cdnow["frequency"].clip(upper=7)
    actual = cdnow.groupby(group)["holdout_frequency"].mean()
    np.testing.assert_allclose(table["actual_mean"].iloc[:-1], actual.to_numpy())
    predicted = bg.conditional_expected_purchases(
        cdnow["holdout_T"], cdnow["frequency"], cdnow["recency"], cdnow["T"]
    )
    assert table.loc["all", "predicted_total"] == pytest.approx(predicted.sum())
    np.testing.assert_allclose(table["predicted_mean"].iloc[:-1], predicted.groupby(group).mean().to_numpy())
    # the model tracks the holdout: predicted within 30 % of actual in every group
    ratio = table["predicted_mean"] / table["actual_mean"]
    assert ratio.between(0.7, 1.3).all(), ratio
    assert len(holdout_table(fits["pareto_nbd"], cdnow, max_frequency=3)) == 5


def test_holdout_table_needs_holdout_columns(cdnow: pd.DataFrame, fits: dict[str, object]) -> None:
    with pytest.raises(InputError, match="holdout_end"):
        holdout_table(fits["bgnbd"], cdnow.drop(columns=["holdout_frequency"]))
    with pytest.raises(InputError, match="max_frequency"):
        holdout_table(fits["bgnbd"], cdnow, max_frequency=0)


# --- input errors ------------------------------------------------------------------------------


def _frame(**columns: list[float]) -> pd.DataFrame:
    base = {"frequency": [0, 2, 1, 3], "recency": [0.0, 5.0, 2.0, 7.0], "T": [8.0, 9.0, 6.0, 7.5],
            "monetary_value": [0.0, 10.0, 20.0, 15.0]}
    base.update(columns)
    return pd.DataFrame(base, index=pd.Index([11, 12, 13, 14], name="customer_id"))


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (_frame().drop(columns=["T"]), "lacks column.*'T'"),
        (_frame(recency=[0.0, 5.0, 7.0, 7.0]), "'recency' exceeds 'T'.*13"),
        (_frame(T=[8.0, -9.0, 6.0, 7.5]), "'T' is negative.*12"),
        (_frame(frequency=[0, 2.5, 1, 3]), "'frequency' is not a whole number.*12"),
        (_frame(recency=[1.0, 5.0, 2.0, 7.0]), "'recency' is not 0 where 'frequency' is 0.*11"),
        (_frame(recency=[0.0, np.nan, 2.0, 7.0]), "'recency' is missing.*12"),
        (_frame(frequency=["a", "b", "c", "d"]), "'frequency' has dtype"),
        (_frame().iloc[:0], "no rows"),
        (_frame(frequency=[0, 0, 0, 0], recency=[0.0] * 4), "all 4 customers have frequency 0"),
    ],
)
@pytest.mark.parametrize("fit", [fit_bgnbd, fit_pareto_nbd])
def test_transaction_fit_input_errors(fit, frame: pd.DataFrame, match: str) -> None:
    with pytest.raises(InputError, match=match) as err:
        fit(frame)
    assert "\n" not in str(err.value)


def test_other_input_errors() -> None:
    with pytest.raises(InputError, match="DataFrame"):
        fit_bgnbd(np.zeros((3, 3)))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="'monetary_value' is <= 0.*12"):
        fit_gamma_gamma(_frame(monetary_value=[0.0, 0.0, 20.0, 15.0]))
    with pytest.raises(InputError, match="repeat purchase"):
        fit_gamma_gamma(_frame(frequency=[0, 0, 0, 0], recency=[0.0] * 4))
    with pytest.raises(InputError, match="initial"):
        fit_bgnbd(_frame(), initial={"r": 1.0})
    with pytest.raises(InputError, match="penalizer"):
        fit_bgnbd(_frame(), penalizer=-1.0)
    with pytest.raises(InputError, match="max_iter"):
        fit_pareto_nbd(_frame(), max_iter=0)


def test_non_convergence_raises(cdnow: pd.DataFrame) -> None:
    with pytest.raises(ConvergenceError, match="did not converge after 1 iterations") as err:
        fit_bgnbd(cdnow, max_iter=1)
    assert "\n" not in str(err.value)
    # identical spend for everyone: no heterogeneity, q and v run off to infinity
    same = pd.DataFrame({"frequency": [1, 2, 3, 4] * 50, "monetary_value": [20.0] * 200})
    with pytest.raises(ConvergenceError, match="bound"):
        fit_gamma_gamma(same)


def test_bgnbd_prediction_is_continuous_where_the_hypergeometric_c_is_zero() -> None:
    """a + b + x = 1 makes 2F1's c zero (a removable singularity: the factor c -> 0 too); found
    by hypothesis at x = 0, a = b = 0.5. The value lies between its neighbours at b -+ 1e-3."""
    empty = pd.Series(dtype=np.float64)
    common = {"std_errors": {}, "covariance": pd.DataFrame(), "log_likelihood": 0.0, "n_customers": 0,
              "n_patterns": 0, "converged": True, "iterations": 0, "penalizer": 0.0,
              "history": (empty, empty, empty)}
    values = [bgnbd.BgNbdFit(params={"r": 1.0, "alpha": 1.0, "a": 0.5, "b": b}, **common)
              .conditional_expected_purchases(np.array([1.0, 10.0, 100.0]), 0, 0.0, 1.0)
              for b in (0.5 - 1e-3, 0.5, 0.5 + 1e-3)]
    assert np.isfinite(values[1]).all()
    np.testing.assert_allclose(values[1], (values[0] + values[2]) / 2, rtol=1e-5)
