"""ipma (importance.py): Ringle & Sarstedt (2016) steps written out, quadrants, caveats."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest

from kamreport.errors import InputError
from kamreport.satisfaction.importance import QUADRANTS, ipma
from kamreport.satisfaction.pls import PlsResult, fit_pls
from kamreport.satisfaction.presets import ecsi

SPEC = ecsi()


@pytest.fixture(scope="module")
def mobi(reference_dir) -> pd.DataFrame:
    return pd.read_csv(reference_dir / "mobi" / "mobi.csv")


@pytest.fixture(scope="module")
def fit(mobi) -> PlsResult:
    return fit_pls(mobi, SPEC, bootstrap=200, seed=11)


# -- IPMA ----------------------------------------------------------------------------------------
def rescaled_lv_total_effects(mobi: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ringle & Sarstedt (2016), steps 1–3 written out: rescale the items to 0–100, run PLS on
    them, build latent scores with the rescaled unstandardized weights, OLS (with intercept)
    of each endogenous construct on its predecessors, total effects = (I − B)⁻¹ − I."""
    items = list(SPEC.items)
    y = 100 * (mobi[items] - 1) / 9
    refit = fit_pls(y, SPEC)
    u = refit.weights.set_index("item").weight[items] / refit.item_sds[items]
    lv = pd.DataFrame({c.name: y[list(c.items)] @ (u[list(c.items)] / u[list(c.items)].sum())
                       for c in SPEC.constructs})
    names = list(SPEC.names)
    b = pd.DataFrame(0.0, index=names, columns=names)
    for target in SPEC.endogenous:
        preds = list(SPEC.predecessors(target))
        x = np.column_stack([np.ones(len(lv)), lv[preds].to_numpy()])
        b.loc[preds, target] = np.linalg.lstsq(x, lv[target].to_numpy(), rcond=None)[0][1:]
    total = np.linalg.inv(np.eye(len(names)) - b.to_numpy()) - np.eye(len(names))
    return pd.DataFrame(total, index=names, columns=names), lv


def test_ipma_importance_is_the_unstandardized_total_effect(mobi, fit):
    """Importance = total effect by OLS on the rescaled (0–100) latent scores of a PLS fit on
    the rescaled data (computed directly here), performance = their mean (Ringle & Sarstedt
    2016); importance_std = the fit's standardized total effect."""
    total, lv = rescaled_lv_total_effects(mobi)
    out = ipma(mobi, SPEC, fit, target="Satisfaction", scale=(1, 10)).set_index("construct")
    assert list(out.index) == ["Image", "Expectation", "Quality", "Value"]
    np.testing.assert_allclose(out.importance, total.loc[out.index, "Satisfaction"], rtol=1e-8)
    np.testing.assert_allclose(out.performance, lv[out.index].mean(), rtol=1e-10)
    te = fit.total_effects.query("target == 'Satisfaction'").set_index("source").estimate
    np.testing.assert_allclose(out.importance_std, te[out.index], atol=1e-12)
    # not the standardized effect: Value's 0.195 becomes 0.138 on the 0–100 scale
    assert abs(out.loc["Value", "importance"] - out.loc["Value", "importance_std"]) > 0.03
    loyal = ipma(mobi, SPEC, fit, target="Loyalty", scale=(1, 10)).set_index("construct")
    np.testing.assert_allclose(loyal.importance, total.loc[loyal.index, "Loyalty"], rtol=1e-8)


def test_ipma_item_level(mobi, fit):
    """Item importance = rescaled weight × its construct's unstandardized total effect; the
    weights of a block sum to 1; performance = the item's 0–100 mean."""
    items = ipma(mobi, SPEC, fit, scale=(1, 10), level="item")
    constructs = ipma(mobi, SPEC, fit, scale=(1, 10)).set_index("construct")
    assert len(items) == 5 + 3 + 7 + 2
    np.testing.assert_allclose(items.groupby("construct").weight.sum(), 1.0)
    np.testing.assert_allclose(items.importance,
                               items.weight * constructs.importance[items.construct].to_numpy())
    np.testing.assert_allclose(items.performance,
                               [100 * (mobi[i].mean() - 1) / 9 for i in items["item"]])
    perf = (items.weight * items.performance).groupby(items.construct).sum()
    np.testing.assert_allclose(perf[constructs.index], constructs.performance, rtol=1e-12)


def test_ipma_quadrants_and_priority(mobi, fit):
    """Quadrants against the mean importance / performance; priority: "concentrate here"
    first, then by potential = importance × (100 − performance), largest first."""
    for level in ("construct", "item"):
        out = ipma(mobi, SPEC, fit, scale=(1, 10), level=level)
        hi_i = out.importance >= out.importance.mean()
        hi_p = out.performance >= out.performance.mean()
        expected = np.select([hi_i & ~hi_p, hi_i & hi_p, ~hi_i & ~hi_p], list(QUADRANTS[:3]), QUADRANTS[3])
        np.testing.assert_array_equal(out.quadrant, expected)
        assert sorted(out.priority) == list(range(1, len(out) + 1))
        ranked = out.sort_values("priority")
        focus = (ranked.quadrant == "concentrate here").to_numpy()
        assert not (np.diff(focus.astype(int)) > 0).any()  # focus rows come first
        for part in (ranked[focus], ranked[~focus]):
            assert part.potential.is_monotonic_decreasing
        np.testing.assert_allclose(out.potential, out.importance * (100 - out.performance))
    items = ipma(mobi, SPEC, fit, scale=(1, 10), level="item").set_index("item")
    assert items.loc["CUEX3", "quadrant"] == "concentrate here" and items.loc["CUEX3", "priority"] == 1


def test_ipma_inputs(mobi, fit):
    with pytest.raises(InputError, match="no antecedents"):
        ipma(mobi, SPEC, fit, target="Image")
    with pytest.raises(InputError, match="not a construct"):
        ipma(mobi, SPEC, fit, target="Trust")
    with pytest.raises(InputError, match="outside its scale"):
        ipma(mobi, SPEC, fit, scale=(1, 7))
    flipped = dataclasses.replace(fit, weights=fit.weights.assign(
        weight=np.where(fit.weights["item"] == "PERQ2", -0.05, fit.weights.weight)))
    with warnings.catch_warnings():  # caveats are result fields, never warnings
        warnings.simplefilter("error")
        out = ipma(mobi, SPEC, flipped, scale=(1, 10)).set_index("construct")
        clean = ipma(mobi, SPEC, fit, scale=(1, 10))
    assert out.loc["Quality", "caveat"].startswith("negative outer weight(s) for PERQ2")
    assert out.drop(index="Quality").caveat.isna().all() and clean.caveat.isna().all()
    items = ipma(mobi, SPEC, flipped, scale=(1, 10), level="item")
    assert items.set_index("item").caveat.notna().groupby(items.construct.to_numpy()).all()["Quality"]
