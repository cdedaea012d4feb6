"""micom: MICOM steps 1-3 against fit_pls-based formulas, calibration, planted differences."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from kamreport.errors import InputError
from kamreport.satisfaction.compositeinvariance import MicomResult, micom
from kamreport.satisfaction.pls import fit_pls
from kamreport.satisfaction.presets import ecsi

from kamreport.satisfaction.spec import ModelSpec
SPEC = ModelSpec.from_text("X =~ x1 + x2 + x3; Y =~ y1 + y2; Y ~ X")


@pytest.fixture(scope="module")
def mobi(reference_dir) -> pd.DataFrame:
    df = pd.read_csv(reference_dir / "mobi" / "mobi.csv")
    return df.assign(half=np.where(np.arange(len(df)) % 2 == 0, "even", "odd"))


@pytest.fixture(scope="module")
def mobi_micom(mobi) -> MicomResult:
    return micom(mobi, ecsi(), group="half", n=200, seed=4)


def simulate(n: int, rng: np.random.Generator, loadings=(1.0, 1.0, 1.0),
             shift: float = 0.0) -> pd.DataFrame:
    f = rng.normal(size=n)
    h = 0.6 * f + 0.8 * rng.normal(size=n)
    items = {f"x{i + 1}": lam * f + 0.7 * rng.normal(size=n) for i, lam in enumerate(loadings)}
    return pd.DataFrame({**items, "y1": h + shift + 0.6 * rng.normal(size=n),
                         "y2": h + shift + 0.6 * rng.normal(size=n)})


def test_step2_c_is_the_correlation_of_the_group_weighted_composites(mobi, mobi_micom):
    """Henseler, Ringle & Sarstedt (2016), eq. (1): c = cor(X w_1, X w_2), X the pooled
    standardized data, w_g the outer weights of fit_pls on group g alone (1e-10)."""
    x = mobi[list(ecsi().items)]
    z = (x - x.mean()) / x.std()
    w = {g: fit_pls(mobi[mobi.half == g], ecsi()).weights for g in ("even", "odd")}
    comp = mobi_micom.compositional.set_index("construct")
    for construct in ecsi().names:
        items = [i for i in ecsi().construct(construct).items]
        scores = [z[items].to_numpy() @ w[g].set_index("item").loc[items, "weight"].to_numpy()
                  for g in ("even", "odd")]
        assert comp.loc[construct, "c"] == pytest.approx(np.corrcoef(*scores)[0, 1], abs=1e-10)


def test_step3_uses_the_pooled_fits_scores(mobi, mobi_micom):
    """Mean difference and log variance ratio of fit_pls(pooled pair).scores by group (1e-10)."""
    scores = fit_pls(mobi, ecsi()).scores
    even = (mobi.half == "even").to_numpy()
    mean_diff = scores[even].mean() - scores[~even].mean()
    log_ratio = np.log(scores[even].var() / scores[~even].var())
    np.testing.assert_allclose(mobi_micom.means.difference, mean_diff.to_numpy(), atol=1e-10)
    np.testing.assert_allclose(mobi_micom.variances.difference, log_ratio.to_numpy(), atol=1e-10)


def test_step1_and_tables(mobi_micom):
    assert mobi_micom.configural.to_dict("list") == {
        "group": ["even", "odd"], "n": [125, 125], "n_items": [24, 24],
        "configural": [True, True]}
    comp = mobi_micom.compositional
    assert len(comp) == 7 and (comp.c <= 1 + 1e-12).all()
    single = comp.set_index("construct").loc["Complaints"]  # one item: c = 1, trivially invariant
    assert single.c == pytest.approx(1.0) and single.invariant
    ci = mobi_micom.means
    assert (ci.ci_low < 0).all() and (ci.ci_high > 0).all()
    assert set(mobi_micom.verdict.invariance) <= {"no", "partial", "full"}
    assert mobi_micom.failed == 0 and mobi_micom.n_permutations == 200


def test_p_values_are_uniform_under_the_null():
    """Random halves of one population: step 2 and step 3 (mean) permutation p-values are
    uniform (KS test does not reject at 1 %; 80 splits, 39 shuffles each)."""
    rng = np.random.default_rng(21)
    p_c, p_mean = [], []
    for _ in range(80):
        df = simulate(40, rng).assign(g=rng.permutation(np.repeat(["a", "b"], 20)))
        m = micom(df, SPEC, "g", n=39, seed=int(rng.integers(1 << 31)), n_jobs=1)
        p_c.append(m.compositional.p_value.iloc[0])
        p_mean.append(m.means.p_value.iloc[1])
    assert stats.kstest(p_mean, "uniform").pvalue > 0.01
    assert stats.kstest(p_c, "uniform").pvalue > 0.01


def test_planted_mean_shift_is_partial_invariance():
    """Y's items are 0.8 higher in group b: step 3 finds the mean difference; step 2 holds (it
    is a true null there, so a fixed seed where it does not reject at 5 % by chance)."""
    rng = np.random.default_rng(1)
    df = pd.concat([simulate(150, rng).assign(g="a"), simulate(150, rng, shift=0.8).assign(g="b")],
                   ignore_index=True)
    m = micom(df, SPEC, "g", n=499, seed=1)
    assert m.verdict.invariance.tolist() == ["full", "partial"]
    assert not m.means.equal.iloc[1] and m.means.difference.iloc[1] < 0


def test_planted_composition_difference_is_no_invariance():
    """x3 measures X in group a only, x1 in group b only: the group weights differ."""
    rng = np.random.default_rng(9)
    df = pd.concat([simulate(150, rng, loadings=(0.0, 1.0, 1.5)).assign(g="a"),
                    simulate(150, rng, loadings=(1.5, 1.0, 0.0)).assign(g="b")],
                   ignore_index=True)
    m = micom(df, SPEC, "g", n=499, seed=1)
    comp = m.compositional.set_index("construct")
    assert comp.loc["X", "c"] < comp.loc["X", "c_quantile"] and not comp.loc["X", "invariant"]
    assert m.verdict.set_index("construct").loc["X", "invariance"] == "no"


def test_three_groups_give_three_pairs(mobi):
    df = mobi.assign(region=np.array(["n", "s", "w"])[np.arange(len(mobi)) % 3])
    m = micom(df, ecsi(), "region", n=20)
    pairs = m.verdict[["group_1", "group_2"]].drop_duplicates().values.tolist()
    assert pairs == [["n", "s"], ["n", "w"], ["s", "w"]]


def test_bad_input(mobi):
    with pytest.raises(InputError, match="group 'tiny'"):
        micom(mobi.assign(g=np.where(np.arange(250) < 3, "tiny", "big")), ecsi(), "g", n=10)
    with pytest.raises(InputError, match="n=-1"):
        micom(mobi, ecsi(), "half", n=-1)
