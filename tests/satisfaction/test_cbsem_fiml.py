"""CB-SEM with missing answers (FIML) and measurement-only specs (CFA) against lavaan 0.6.14.

References: ``tests/reference/lavaan_hs_*`` written by ``tests/reference/make_lavaan.R``
(lavaan 0.6.14, R 4.2.2):
- ``hs_cfa``: Holzinger & Swineford (1939) three-factor CFA, lavaan ``cfa()`` defaults;
- ``hs_fiml``: the same CFA on ``lavaan_hs_missing.csv`` (10 % of the x1-x9 cells set missing
  completely at random in R, seed 2026), ``cfa(..., missing = "ml")``: casewise likelihood
  with a mean structure, H1 by EM, observed information for the standard errors.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kamreport.errors import InputError
from kamreport.satisfaction.cbsem import CbsemResult, fit_cbsem

LAVAAN = Path(__file__).resolve().parents[1] / "reference"
HS_CFA = """visual  =~ x1 + x2 + x3
            textual =~ x4 + x5 + x6
            speed   =~ x7 + x8 + x9"""
FIT_NAMES = {"chi2": "chisq", "df": "df", "p_value": "pvalue", "cfi": "cfi", "tli": "tli",
             "rmsea": "rmsea", "rmsea_ci_low": "rmsea.ci.lower", "rmsea_ci_high": "rmsea.ci.upper",
             "rmsea_p": "rmsea.pvalue", "srmr": "srmr", "aic": "aic", "bic": "bic", "n": "ntotal",
             "n_params": "npar", "baseline_chi2": "baseline.chisq", "baseline_df": "baseline.df",
             "logl": "logl", "unrestricted_logl": "unrestricted.logl"}


def key(frame: pd.DataFrame, lhs: str, op: str, rhs: str) -> pd.Series:
    triples = zip(frame[lhs], frame[op], frame[rhs].fillna(""))
    return pd.Series([f"{a} {o} {b}" if o != "~~" or a <= b else f"{b} {o} {a}"
                      for a, o, b in triples], index=frame.index)


def merged(result: CbsemResult, model: str) -> pd.DataFrame:
    """Our estimates joined to lavaan's (every row on both sides)."""
    theirs = pd.read_csv(LAVAAN / f"lavaan_{model}_estimates.csv")
    ours = result.estimates.assign(key=key(result.estimates, "lval", "op", "rval"))
    theirs = theirs.assign(key=key(theirs, "lhs", "op", "rhs"))
    out = ours.merge(theirs, on="key", how="outer", suffixes=("", "_lavaan"), indicator=True)
    assert (out["_merge"] == "both").all(), out.loc[out["_merge"] != "both", "key"].tolist()
    return out


def lavaan_fit(model: str) -> pd.Series:
    return pd.read_csv(LAVAAN / f"lavaan_{model}_fit.csv").set_index("measure")["value"]


@pytest.fixture(scope="module")
def hs_missing() -> pd.DataFrame:
    return pd.read_csv(LAVAAN / "lavaan_hs_missing.csv")


@pytest.fixture(scope="module")
def fiml(hs_missing: pd.DataFrame) -> CbsemResult:
    return fit_cbsem(hs_missing, HS_CFA, missing="fiml")


def test_cfa_spec_matches_lavaan_cfa() -> None:
    """A spec with only '=~' lines is lavaan's cfa(): all 30 rows, factor covariances included.

    Measured max differences to lavaan 0.6.14: estimates 2e-6, standard errors 4e-7,
    std_all 8e-7; fit indices to 1e-8.
    """
    data = pd.read_csv(LAVAAN / "lavaan_HolzingerSwineford1939.csv")
    result = fit_cbsem(data, HS_CFA)
    table = merged(result, "hs_cfa")
    assert len(table) == 24 and result.solver == "scoring" and result.converged
    assert np.allclose(table["estimate"], table["est"], atol=1e-5)
    assert np.allclose(table["std_error"], table["se"], atol=1e-5)
    assert np.allclose(table["std_all"], table["std_all_lavaan"], atol=1e-5)
    reference = lavaan_fit("hs_cfa")
    for ours, theirs in FIT_NAMES.items():
        assert result.fit[ours] == pytest.approx(reference[theirs], rel=1e-7, abs=1e-7), ours


def test_fiml_estimates_match_lavaan(fiml: CbsemResult, hs_missing: pd.DataFrame) -> None:
    """lavaan 0.6.14 ``cfa(missing = "ml")`` on HS with planted MCAR holes: every respondent kept.

    Measured max differences: estimates 7e-7, standard errors (observed information, as lavaan)
    1e-6, std_all 1e-6; intercepts included.
    """
    assert hs_missing[list(fiml.spec.items)].isna().any(axis=1).sum() > 150  # really incomplete
    assert fiml.n_used == 301 and fiml.n_dropped == 0 and fiml.missing == "fiml"
    table = merged(fiml, "hs_fiml")
    assert len(table) == 24 + 9 + 3  # intercepts of the items and (fixed) construct means
    assert np.allclose(table["estimate"], table["est"], atol=1e-4)
    assert np.allclose(table["std_error"], table["se"], atol=1e-4)
    assert np.allclose(table["std_all"], table["std_all_lavaan"], atol=1e-4)
    assert lavaan_fit("hs_fiml")["information_observed"] == 1


def test_fiml_fit_indices_match_lavaan(fiml: CbsemResult) -> None:
    """fitMeasures() of the FIML fit: chi2 against the EM saturated model, FIML baseline,
    SRMR with the mean residuals, AIC/BIC with the intercepts counted (lavaan 0.6.14)."""
    reference = lavaan_fit("hs_fiml")
    for ours, theirs in FIT_NAMES.items():
        assert fiml.fit[ours] == pytest.approx(reference[theirs], rel=1e-6, abs=1e-6), ours
    assert fiml.fit["em_converged"] == 1.0


def test_fiml_on_complete_data_equals_ml() -> None:
    """Without holes FIML is ML with saturated means: the same chi2, estimates and CFI."""
    data = pd.read_csv(LAVAAN / "lavaan_HolzingerSwineford1939.csv")
    ml, full = fit_cbsem(data, HS_CFA), fit_cbsem(data, HS_CFA, missing="fiml")
    assert full.fit["chi2"] == pytest.approx(ml.fit["chi2"], rel=1e-7)
    assert full.fit["cfi"] == pytest.approx(ml.fit["cfi"], abs=1e-8)
    core = full.estimates[full.estimates["op"] != "~1"].reset_index(drop=True)
    assert np.allclose(core["estimate"], ml.estimates["estimate"], atol=1e-5)


def test_fiml_keeps_what_listwise_drops(hs_missing: pd.DataFrame) -> None:
    listwise = fit_cbsem(hs_missing, HS_CFA)
    assert listwise.n_used + listwise.n_dropped == 301 and listwise.n_dropped > 150
    empty = pd.concat([hs_missing, hs_missing.head(1).assign(**{f"x{i}": np.nan
                                                                for i in range(1, 10)})])
    result = fit_cbsem(empty, HS_CFA, missing="fiml")
    assert result.n_used == 301 and result.n_dropped == 1  # a row with no answer at all


def test_fiml_refuses_an_item_without_answers(hs_missing: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="x4 have fewer than 2 answers"):
        fit_cbsem(hs_missing.assign(x4=np.nan), HS_CFA, missing="fiml")


def test_fiml_with_a_scipy_solver_reaches_the_same_optimum(hs_missing: pd.DataFrame,
                                                            fiml: CbsemResult) -> None:
    """A named scipy method minimises our FIML discrepancy (semopy's solvers have no FIML
    with our mean structure) and passes the same checks."""
    other = fit_cbsem(hs_missing, HS_CFA, missing="fiml", solver="L-BFGS-B")
    assert other.solver == "L-BFGS-B" and other.converged
    assert other.fit["chi2"] == pytest.approx(fiml.fit["chi2"], rel=1e-7)


def test_fiml_heywood_case_is_flagged_without_a_slow_cascade() -> None:
    """A Heywood item (one factor explains a1-a3 only with a residual variance of -0.6): the
    converged, bounded FIML solution is reported improper at once, no fallback solver run."""
    z = np.random.default_rng(7).standard_normal((400, 6))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(z.T @ z / len(z))).T
    loadings = np.zeros((6, 2))
    loadings[:3, 0] = np.sqrt([1.6, 0.4, 0.4])
    loadings[3:, 1] = [0.8, 0.7, 0.6]
    sigma = loadings @ np.array([[1.0, 0.5], [0.5, 1.0]]) @ loadings.T
    np.fill_diagonal(sigma, 1.0)
    data = pd.DataFrame(z @ np.linalg.cholesky(sigma).T, columns=["a1", "a2", "a3", "b1", "b2",
                                                                  "b3"])
    data = data.mask(np.random.default_rng(8).random(data.shape) < 0.05)
    result = fit_cbsem(data, "A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3", missing="fiml", check=False)
    assert not result.converged and not result.proper and len(result.attempts) == 1
    assert any("a1 ~~ a1" in w and "Heywood" in w for w in result.warnings)
