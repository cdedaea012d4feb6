"""CB-SEM (kamreport.satisfaction.cbsem, .fitindices) against lavaan 0.6.14.

References: ``tests/reference/lavaan_*`` written by ``tests/reference/make_lavaan.R`` (lavaan
0.6.14, R 4.2.2; ``sem()``/``cfa()`` defaults: ML, expected information, first loading fixed
to 1, single-indicator residual variance fixed to 0) for
- ECSI on mobi (Tenenhaus, Esposito Vinzi, Chatelin & Lauro 2005, CSDA 48(1));
- Political Democracy (Bollen 1989, *Structural equations with latent variables*, p. 332;
  lavaan tutorial "SEM") with its six residual covariances;
- Holzinger & Swineford (1939) three-factor CFA (lavaan tutorial "CFA").
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamreport.errors import ConvergenceError, InputError, ModelError
from kamreport.satisfaction.cbsem import CbsemResult, fit_cbsem
from kamreport.satisfaction.fitindices import fit_measures, ml_discrepancy, rmsea_interval
from kamreport.satisfaction.presets import ecsi
from kamreport.satisfaction.spec import ModelSpec

LAVAAN = Path(__file__).resolve().parents[1] / "reference"
POLDEM = """ind60 =~ x1 + x2 + x3
            dem60 =~ y1 + y2 + y3 + y4
            dem65 =~ y5 + y6 + y7 + y8
            dem60 ~ ind60
            dem65 ~ ind60 + dem60"""
POLDEM_RESIDUALS = [("y1", "y5"), ("y2", "y4"), ("y2", "y6"), ("y3", "y7"), ("y4", "y8"),
                    ("y6", "y8")]
# The three-factor CFA fitted as its saturated recursive equivalent: the same implied covariance,
# fit, loadings and residuals (the CFA spec itself is tested in test_cbsem_fiml.py).
HS_EQUIVALENT = """visual  =~ x1 + x2 + x3
                   textual =~ x4 + x5 + x6
                   speed   =~ x7 + x8 + x9
                   textual ~ visual
                   speed ~ visual + textual"""
FIT_NAMES = {"chi2": "chisq", "df": "df", "p_value": "pvalue", "cfi": "cfi", "tli": "tli",
             "rmsea": "rmsea", "rmsea_ci_low": "rmsea.ci.lower", "rmsea_ci_high": "rmsea.ci.upper",
             "rmsea_p": "rmsea.pvalue", "srmr": "srmr", "aic": "aic", "bic": "bic", "n": "ntotal",
             "n_params": "npar", "baseline_chi2": "baseline.chisq", "baseline_df": "baseline.df",
             "logl": "logl", "unrestricted_logl": "unrestricted.logl"}
SCALE_FREE = ("p_value", "cfi", "tli", "rmsea", "rmsea_ci_low", "rmsea_ci_high", "rmsea_p", "srmr")


def lavaan_estimates(model: str) -> pd.DataFrame:
    return pd.read_csv(LAVAAN / f"lavaan_{model}_estimates.csv")


def lavaan_fit(model: str) -> pd.Series:
    return pd.read_csv(LAVAAN / f"lavaan_{model}_fit.csv").set_index("measure")["value"]


def merged(result: CbsemResult, model: str) -> pd.DataFrame:
    """Our estimates joined to lavaan's on (op, lval, rval), covariances as unordered pairs."""
    def key(frame: pd.DataFrame, lval: str, rval: str) -> pd.Series:
        pairs = zip(frame["op"], frame[lval], frame[rval])
        return pd.Series([f"{a} {op} {b}" if op != "~~" or a <= b else f"{b} {op} {a}"
                          for op, a, b in pairs], index=frame.index)

    ours = result.estimates.assign(key=key(result.estimates, "lval", "rval"))
    theirs = lavaan_estimates(model)
    theirs = theirs.assign(key=key(theirs, "lhs", "rhs"))
    out = ours.merge(theirs, on="key", how="outer", suffixes=("", "_lavaan"), indicator=True)
    assert (out["_merge"] == "both").all(), out.loc[out["_merge"] != "both", "key"].tolist()
    return out


def kind(frame: pd.DataFrame, constructs: tuple[str, ...]) -> pd.Series:
    variance = frame["op"].eq("~~") & frame["lval"].eq(frame["rval"])
    return pd.Series(np.select(
        [frame["op"].eq("=~"), frame["op"].eq("~"), variance & frame["lval"].isin(constructs),
         variance], ["loading", "path", "construct variance", "item variance"],
        "covariance"), index=frame.index)


def assert_fit_matches(result: CbsemResult, model: str) -> None:
    reference = lavaan_fit(model)
    for ours, theirs in FIT_NAMES.items():
        if ours in SCALE_FREE:
            assert result.fit[ours] == pytest.approx(reference[theirs], abs=1e-6), ours
        else:  # chi2, logL, AIC, BIC, counts: relative
            assert result.fit[ours] == pytest.approx(reference[theirs], rel=1e-8, abs=1e-9), ours


@pytest.fixture(scope="module")
def mobi(reference_dir: Path) -> pd.DataFrame:
    return pd.read_csv(reference_dir / "mobi" / "mobi.csv")


@pytest.fixture(scope="module")
def ecsi_fit(mobi: pd.DataFrame) -> CbsemResult:
    return fit_cbsem(mobi, ecsi())


@pytest.fixture(scope="module")
def poldem_data() -> pd.DataFrame:
    return pd.read_csv(LAVAAN / "lavaan_PoliticalDemocracy.csv")


@pytest.fixture(scope="module")
def poldem_fit(poldem_data: pd.DataFrame) -> CbsemResult:
    return fit_cbsem(poldem_data, POLDEM, residual_covariances=POLDEM_RESIDUALS)


@pytest.fixture(scope="module")
def hs_data() -> pd.DataFrame:
    return pd.read_csv(LAVAAN / "lavaan_HolzingerSwineford1939.csv")


@pytest.fixture(scope="module")
def hs_fit(hs_data: pd.DataFrame) -> CbsemResult:
    return fit_cbsem(hs_data, HS_EQUIVALENT)


# -- ECSI on mobi ---------------------------------------------------------------------------------
def test_ecsi_estimates_match_lavaan(ecsi_fit: CbsemResult) -> None:
    """ECSI/mobi vs lavaan 0.6.14 sem(), ``CUSCO ~~ 0*CUSCO``.

    Measured max |std_all| differences: loadings 2e-6, item residual variances 2e-6, construct
    residual variances 4e-5, structural paths 1.7e-3. The paths are the only loose ones, and the
    looseness is lavaan's: its default stop (nlminb, rel.tol 1e-10) ends 3.2e-10 above our
    minimum of F_ML (see test_ecsi_optimum_is_at_least_lavaans), and ECSI/mobi is so collinear
    (Expectation, Quality and Image nearly one factor; Hessian eigenvalues down to 9e-6) that F
    rises only that much along the segment between the two solutions while the paths of Value
    and Satisfaction move by 1.7e-3.
    """
    table = merged(ecsi_fit, "ecsi_mobi")
    kinds = kind(table, ecsi().names)
    difference = (table["std_all"] - table["std_all_lavaan"]).abs()
    tolerance = kinds.map({"loading": 1e-5, "item variance": 1e-5, "construct variance": 1e-4,
                           "path": 2e-3})
    assert (difference <= tolerance).all(), table.loc[difference > tolerance, "key"].tolist()
    measurement = kinds.isin(["loading", "item variance"])
    assert np.allclose(table.loc[measurement, "estimate"], table.loc[measurement, "est"],
                       rtol=1e-4, atol=1e-5)
    assert np.allclose(table.loc[measurement, "std_error"], table.loc[measurement, "se"],
                       rtol=1e-4, atol=1e-6)
    single = table.set_index("key").loc["CUSCO ~~ CUSCO"]
    assert single["estimate"] == 0.0 and single["std_error"] == 0.0  # lavaan's auto.fix.single


def test_ecsi_optimum_is_at_least_lavaans(ecsi_fit: CbsemResult) -> None:
    """Our F_ML is not above lavaan's (fmin = F_ML / 2): the path differences are lavaan's stop."""
    lavaan_f = 2 * lavaan_fit("ecsi_mobi")["fmin"]
    assert ecsi_fit.fit["f_ml"] <= lavaan_f + 1e-12
    assert lavaan_f - ecsi_fit.fit["f_ml"] < 1e-8


def test_ecsi_fit_indices_match_lavaan(ecsi_fit: CbsemResult) -> None:
    """ECSI/mobi fitMeasures() of lavaan 0.6.14: measured max deviation 8e-8 (AIC/BIC)."""
    assert_fit_matches(ecsi_fit, "ecsi_mobi")
    assert ecsi_fit.fit["df"] == 241 and ecsi_fit.fit["n_params"] == 59
    implied = pd.read_csv(LAVAAN / "lavaan_ecsi_mobi_implied.csv", index_col=0)
    assert np.allclose(ecsi_fit.implied_cov.loc[implied.index, implied.columns], implied,
                       atol=1e-4)


def test_ecsi_default_semopy_solution_is_caught(mobi: pd.DataFrame,
                                                ecsi_fit: CbsemResult) -> None:
    """semopy's default (SLSQP) stops at a wrong ECSI solution and reports success.

    Our Fisher scoring, first in the cascade, reaches lavaan 0.6.14's solution at once; semopy's
    SLSQP solution alone is flagged (check=False) or refused (check=True).
    """
    assert ecsi_fit.converged and ecsi_fit.solver == "scoring" and len(ecsi_fit.attempts) == 1
    assert "converged, proper" in ecsi_fit.attempts[0]
    wrong = fit_cbsem(mobi, ecsi(), solver="SLSQP", check=False)
    assert not wrong.converged and "not at a minimum" in wrong.warnings[0]
    assert wrong.fit["chi2"] > ecsi_fit.fit["chi2"] + 0.05
    table = merged(wrong, "ecsi_mobi")
    assert (table["std_all"] - table["std_all_lavaan"]).abs().max() > 0.1
    with pytest.raises(ConvergenceError, match="did not converge: not at a minimum"):
        fit_cbsem(mobi, ecsi(), solver="SLSQP")


# -- Political Democracy and Holzinger-Swineford --------------------------------------------------
def test_poldem_matches_lavaan(poldem_fit: CbsemResult) -> None:
    """Bollen (1989) Political Democracy with residual covariances vs lavaan 0.6.14.

    Measured max differences: estimates 7e-6, standard errors 1e-6, std_all 6e-7.
    """
    table = merged(poldem_fit, "poldem")
    assert len(table) == 34
    assert np.allclose(table["estimate"], table["est"], atol=5e-5)
    assert np.allclose(table["std_error"], table["se"], atol=1e-5)
    assert np.allclose(table["std_all"], table["std_all_lavaan"], atol=1e-5)
    assert np.allclose(table["p_value"].fillna(-1), table["pvalue"].fillna(-1), atol=1e-5)
    assert_fit_matches(poldem_fit, "poldem")
    assert poldem_fit.fit["df"] == 35
    covariances = poldem_fit.estimates.query("op == '~~' and lval != rval")
    assert list(zip(covariances["lval"], covariances["rval"])) == POLDEM_RESIDUALS


def test_holzinger_swineford_matches_lavaan_cfa(hs_fit: CbsemResult) -> None:
    """Holzinger & Swineford (1939) three-factor CFA vs lavaan 0.6.14 cfa().

    Fitted as the equivalent saturated structural model (ModelSpec needs paths): loadings, item
    residual variances, the exogenous factor variance, the implied covariance and every fit
    index are identical; the factor covariances become paths and are not compared.
    """
    both = hs_fit.estimates.merge(lavaan_estimates("hs_cfa"), left_on=["lval", "op", "rval"],
                                  right_on=["lhs", "op", "rhs"], suffixes=("", "_lavaan"))
    compared = both[(both["op"] == "=~") | both["lval"].str.startswith("x")
                    | (both["lval"] == "visual")]
    assert len(compared) == 9 + 9 + 1
    assert np.allclose(compared["estimate"], compared["est"], atol=1e-5)
    assert np.allclose(compared["std_error"], compared["se"], atol=1e-5)
    assert np.allclose(compared["std_all"], compared["std_all_lavaan"], atol=1e-5)
    assert_fit_matches(hs_fit, "hs_cfa")
    implied = pd.read_csv(LAVAAN / "lavaan_hs_cfa_implied.csv", index_col=0)
    assert np.allclose(hs_fit.implied_cov.loc[implied.index, implied.columns], implied, atol=1e-5)


# -- improper solutions ---------------------------------------------------------------------------
def exact_sample(sigma: np.ndarray, columns: list[str], n: int = 300) -> pd.DataFrame:
    """n rows whose sample covariance (divided by n) is exactly ``sigma``."""
    z = np.random.default_rng(7).standard_normal((n, len(columns)))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(z.T @ z / n)).T  # sample covariance = identity
    return pd.DataFrame(z @ np.linalg.cholesky(sigma).T, columns=columns)


def heywood_data() -> pd.DataFrame:
    """A two-factor covariance structure with a Heywood item.

    Items a1-a3 correlate .8, .8 and .4: one factor explains them only with a standardized
    loading of sqrt(1.6) on a1, i.e. a residual variance of -0.6 (lavaan's unbounded estimate).
    """
    loadings = np.zeros((6, 2))
    loadings[:3, 0] = np.sqrt([1.6, 0.4, 0.4])
    loadings[3:, 1] = [0.8, 0.7, 0.6]
    sigma = loadings @ np.array([[1.0, 0.5], [0.5, 1.0]]) @ loadings.T
    np.fill_diagonal(sigma, 1.0)
    return exact_sample(sigma, ["a1", "a2", "a3", "b1", "b2", "b3"])


HEYWOOD = "A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3\nB ~ A"


def test_heywood_case_is_refused() -> None:
    with pytest.raises(ConvergenceError, match=r"improper solution: variance a1 ~~ a1 .*Heywood"):
        fit_cbsem(heywood_data(), HEYWOOD)


def test_heywood_case_is_flagged_without_check() -> None:
    result = fit_cbsem(heywood_data(), HEYWOOD, check=False)
    assert not result.converged
    assert any("a1 ~~ a1" in w and "Heywood" in w for w in result.warnings)
    assert len(result.attempts) == 3  # every solver was tried
    # with a1's residual at 0 the factor A is a1 itself: std loadings 1, r(a1,a2), r(a1,a3)
    loadings = result.estimates.query("lval == 'A' and op == '=~'")["std_all"]
    assert np.allclose(loadings, [1.0, 0.8, 0.8], atol=1e-4)


def test_unidentified_model_is_refused() -> None:
    """Two two-item constructs whose items do not covary across blocks (exactly, by design):
    the path is 0, and each construct's loading and variance are identified only as a product."""
    sigma = np.kron(np.eye(2), np.array([[1.0, 0.5], [0.5, 1.0]]))
    data = exact_sample(sigma, ["a1", "a2", "b1", "b2"])
    with pytest.raises(ConvergenceError, match="information matrix is singular"):
        fit_cbsem(data, "A =~ a1 + a2\nB =~ b1 + b2\nB ~ A")


# -- input errors ---------------------------------------------------------------------------------
def test_missing_column(hs_data: pd.DataFrame) -> None:
    with pytest.raises(ModelError, match="lacks 1 item column.*x9 \\(speed\\)"):
        fit_cbsem(hs_data.drop(columns="x9"), HS_EQUIVALENT)


def test_constant_item(hs_data: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="item\\(s\\) x4 are constant"):
        fit_cbsem(hs_data.assign(x4=3.0), HS_EQUIVALENT)


def test_too_few_rows(hs_data: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="9 complete row\\(s\\) for 9 items"):
        fit_cbsem(hs_data.head(9), HS_EQUIVALENT)


def test_text_column(hs_data: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="x2 are not numeric"):
        fit_cbsem(hs_data.assign(x2=hs_data["x2"].astype(str)), HS_EQUIVALENT)


def test_linearly_dependent_items(hs_data: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="linearly dependent"):
        fit_cbsem(hs_data.assign(x3=hs_data["x1"] + hs_data["x2"]), HS_EQUIVALENT)


def test_composite_construct_refused(hs_data: pd.DataFrame) -> None:
    with pytest.raises(ModelError, match="construct 'speed' is composite"):
        fit_cbsem(hs_data, HS_EQUIVALENT.replace("speed   =~", "speed   <~"))


def test_bad_arguments(hs_data: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="estimator='GLS'"):
        fit_cbsem(hs_data, HS_EQUIVALENT, estimator="GLS")
    with pytest.raises(InputError, match="missing='mean'"):
        fit_cbsem(hs_data, HS_EQUIVALENT, missing="mean")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="solver 'newton-raphson'"):
        fit_cbsem(hs_data, HS_EQUIVALENT, solver="newton-raphson")
    with pytest.raises(ModelError, match="residual covariance"):
        fit_cbsem(hs_data, HS_EQUIVALENT, residual_covariances=[("x1", "z9")])
    with pytest.raises(ModelError, match="residual covariance"):
        fit_cbsem(hs_data, HS_EQUIVALENT, residual_covariances=[("x1", "x2"), ("x2", "x1")])


def test_more_parameters_than_moments() -> None:
    data = heywood_data()[["a1", "a2", "b1", "b2"]]
    with pytest.raises(ModelError, match="11 free parameters exceed the 10"):
        fit_cbsem(data, "A =~ a1 + a2\nB =~ b1 + b2\nB ~ A",
                  residual_covariances=[("a1", "b1"), ("a2", "b2")])


def test_errors_are_one_line(hs_data: pd.DataFrame) -> None:
    with pytest.raises(InputError) as info:
        fit_cbsem(hs_data.assign(x4=3.0), HS_EQUIVALENT)
    assert "\n" not in str(info.value)


# -- missing data, invariances --------------------------------------------------------------------
def test_listwise_deletion(hs_data: pd.DataFrame, hs_fit: CbsemResult) -> None:
    holes = hs_data.copy()
    extra = hs_data.head(5).assign(x5=np.nan, x7=np.nan)
    holes = pd.concat([holes, extra], ignore_index=True)
    result = fit_cbsem(holes, HS_EQUIVALENT)
    assert result.n_dropped == 5 and result.missing == "listwise"
    assert result.fit["chi2"] == pytest.approx(hs_fit.fit["chi2"], rel=1e-8)
    with pytest.raises(InputError, match="5 row\\(s\\) have missing items"):
        fit_cbsem(holes, HS_EQUIVALENT, missing="error")


def test_rescaled_and_renamed_items_give_the_same_standardized_solution(
        hs_data: pd.DataFrame, hs_fit: CbsemResult) -> None:
    """ML is scale invariant: a unit change of an item leaves chi2 and std_all unchanged.

    Item and construct names with CJK characters and dots reach semopy only as aliases.
    """
    names = {f"x{i}": f"题{i}.q" for i in range(1, 10)}
    text = HS_EQUIVALENT.replace("visual ", "视觉 ").replace("visual\n", "视觉\n")
    for old, new in sorted(names.items(), reverse=True):
        text = text.replace(old, new)
    data = hs_data.assign(x1=hs_data["x1"] * 100.0, x8=hs_data["x8"] - 40.0).rename(columns=names)
    result = fit_cbsem(data, text)
    assert result.fit["chi2"] == pytest.approx(hs_fit.fit["chi2"], rel=1e-6)
    assert np.allclose(result.estimates["std_all"], hs_fit.estimates["std_all"], atol=1e-5)
    first = result.estimates.iloc[0]
    assert (first["lval"], first["op"], first["rval"]) == ("视觉", "=~", "题1.q")


def test_result_shape(poldem_fit: CbsemResult) -> None:
    assert list(poldem_fit.estimates.columns) == ["lval", "op", "rval", "estimate", "std_error",
                                                  "z", "p_value", "std_all"]
    assert set(FIT_NAMES) <= set(poldem_fit.fit)
    assert poldem_fit.iterations > 0 and poldem_fit.warnings == ()
    assert poldem_fit.sample_cov.shape == poldem_fit.implied_cov.shape == (11, 11)
    assert isinstance(poldem_fit.spec, ModelSpec)
    with pytest.raises(AttributeError):
        poldem_fit.solver = "x"  # type: ignore[misc]


# -- fit index formulas (properties) --------------------------------------------------------------
@st.composite
def covariance(draw: st.DrawFn) -> np.ndarray:
    p = draw(st.integers(2, 6))
    seed = draw(st.integers(0, 2**32 - 1))
    a = np.random.default_rng(seed).standard_normal((p, p + 3))
    return a @ a.T / (p + 3)


@settings(max_examples=50, deadline=None)
@given(covariance(), covariance())
def test_ml_discrepancy_is_nonnegative_and_zero_at_the_sample(s: np.ndarray, t: np.ndarray) -> None:
    assert ml_discrepancy(s, s) == pytest.approx(0.0, abs=1e-10)
    if s.shape == t.shape:
        assert ml_discrepancy(s, t) >= -1e-10


@settings(max_examples=50, deadline=None)
@given(covariance())
def test_saturated_fit_is_perfect(s: np.ndarray) -> None:
    p = s.shape[0]
    fit = fit_measures(s, s, n=100, n_params=p * (p + 1) // 2)
    assert fit["chi2"] == pytest.approx(0.0, abs=1e-8) and fit["df"] == 0
    assert fit["cfi"] == pytest.approx(1.0, abs=1e-12) and fit["rmsea"] == 0.0
    assert fit["srmr"] == pytest.approx(0.0, abs=1e-12)


@settings(max_examples=50, deadline=None)
@given(st.floats(0.5, 500.0), st.integers(1, 60), st.integers(30, 3000))
def test_rmsea_interval_brackets_the_estimate(chi2: float, df: int, n: int) -> None:
    low, high = rmsea_interval(chi2, df, n)
    rmsea = np.sqrt(max(chi2 - df, 0.0) / (df * n))
    assert 0.0 <= low <= rmsea + 1e-9
    assert high >= rmsea - 1e-9 or high == 0.0


# -- our optimiser ------------------------------------------------------------------------------
@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(0.5, 0.9), min_size=6, max_size=6), st.floats(-0.6, 0.6))
def test_scoring_recovers_a_known_structure_first_time(loadings: list[float], path: float
                                                       ) -> None:
    """Data whose covariance is exactly a two-construct model: Fisher scoring (first in the
    cascade) recovers its standardized loadings and path, chi2 0, no fallback solver needed."""
    lam = np.zeros((6, 2))
    lam[:3, 0], lam[3:, 1] = loadings[:3], loadings[3:]
    phi = np.array([[1.0, path], [path, 1.0]])
    sigma = lam @ phi @ lam.T
    np.fill_diagonal(sigma, 1.0)
    result = fit_cbsem(exact_sample(sigma, ["a1", "a2", "a3", "b1", "b2", "b3"]),
                       "A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3\nB ~ A")
    assert result.solver == "scoring" and len(result.attempts) == 1 and result.converged
    assert result.fit["chi2"] == pytest.approx(0.0, abs=1e-6)
    std = result.estimates.set_index(["lval", "op", "rval"])["std_all"]
    assert np.allclose([std[("A", "=~", f"a{i}")] for i in (1, 2, 3)], loadings[:3], atol=1e-5)
    assert std[("B", "~", "A")] == pytest.approx(path, abs=1e-5)


def test_new_result_fields(poldem_fit: CbsemResult) -> None:
    assert poldem_fit.estimator == "ML" and poldem_fit.n_used == 75 and poldem_fit.proper
    assert poldem_fit.implied_mean is None and poldem_fit.information is not None
    assert poldem_fit.information.shape == (31, 31)
