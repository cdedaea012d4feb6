"""index_scores / index_change: hand-verifiable cases, invariances, direct recomputation."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from kamreport.errors import InputError
from kamreport.satisfaction.index import index_change, index_scores, item_scale, respondent_index
from kamreport.satisfaction.pls import PlsResult, fit_pls
from kamreport.satisfaction.presets import ecsi
from kamreport.satisfaction.spec import ModelSpec

N_BOOT = 200
SPEC = ecsi()


@pytest.fixture(scope="module")
def mobi(reference_dir) -> pd.DataFrame:
    data = pd.read_csv(reference_dir / "mobi" / "mobi.csv")
    rows = np.arange(len(data))
    return data.assign(region=np.where(rows % 3 == 0, "north", "south"), wave=rows % 2 + 1,
                       tier=np.where(rows % 5 == 0, "key", "other"))


@pytest.fixture(scope="module")
def fit(mobi) -> PlsResult:
    return fit_pls(mobi, SPEC, bootstrap=N_BOOT, seed=11)


def brief_index(data: pd.DataFrame, fit: PlsResult, construct: str, lo: float = 1,
                hi: float = 10) -> pd.Series:
    """The ACSI recipe as the brief words it: weighted mean of the raw item scores with the
    unstandardized weights w / sd rescaled to sum to 1, then mapped 100·(x − min)/(max − min)."""
    items = list(fit.spec.construct(construct).items)
    u = fit.weights.set_index("item").weight[items] / fit.item_sds[items]
    return 100 * (data[items] @ (u / u.sum()) - lo) / (hi - lo)


# -- index scores --------------------------------------------------------------------------------
def test_index_matches_manual_computation_on_mobi(mobi, fit):
    """mobi (1–10 scale), ECSI: mean, SE = sd/sqrt(n) and t interval (scipy.stats.t.interval)
    of the respondent-level index computed by the brief's recipe, within 1e-10."""
    out = index_scores(mobi, SPEC, fit, scale=(1, 10)).set_index("construct")
    assert list(out.index) == list(SPEC.names)
    for name in SPEC.names:
        v = brief_index(mobi, fit, name)
        se = v.std(ddof=1) / np.sqrt(len(v))
        lo, hi = stats.t.interval(0.95, len(v) - 1, loc=v.mean(), scale=se)
        row = out.loc[name]
        assert (row.n, row.n_excluded) == (250, 0)
        np.testing.assert_allclose([row["index"], row.std_error, row.ci_low, row.ci_high],
                                   [v.mean(), se, lo, hi], rtol=0, atol=1e-10)
    assert 60 < out["index"].min() < out["index"].max() < 80  # mobi indices lie in 62 .. 75


def test_hand_verifiable_two_item_block(mobi, fit):
    """Weights 0.6 / 0.3 and item SDs 1 / 2 on a 1–5 scale give index weights 0.8 / 0.2, so
    answers (5, 1) -> 80, (1, 5) -> 20, (3, 3) -> 50; with the second item on 0–10 the weights
    become 2.4 : 1.5 (w·span/sd, Ringle & Sarstedt 2016) and (5, 0) -> 100·2.4/3.9."""
    spec = ModelSpec.from_text("A =~ a1 + a2\nB =~ b1 + b2\nB ~ A")
    rng = np.random.default_rng(0)
    data = pd.DataFrame(rng.integers(1, 6, size=(30, 4)), columns=["a1", "a2", "b1", "b2"])
    base = fit_pls(data, spec)
    fake = dataclasses.replace(
        base, weights=base.weights.assign(weight=[0.6, 0.3, 0.5, 0.5]),
        item_sds=pd.Series([1.0, 2.0, 1.0, 1.0], index=base.item_sds.index))
    rows = pd.DataFrame({"a1": [5, 1, 3], "a2": [1, 5, 3], "b1": [1, 1, 1], "b2": [1, 1, 1]})
    np.testing.assert_allclose(respondent_index(rows, spec, fake, scale=(1, 5))["A"], [80, 20, 50])
    mixed = {"a1": (1, 5), "a2": (0, 10), "B": (1, 5)}
    value = respondent_index(rows.assign(a2=[0, 10, 5]), spec, fake, scale=mixed)["A"]
    np.testing.assert_allclose(value, [100 * 2.4 / 3.9, 100 * 1.5 / 3.9, 50], atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(construct=st.sampled_from(SPEC.names), rows=st.lists(st.integers(0, 249), min_size=1,
                                                             max_size=20, unique=True))
def test_block_at_scale_ends_gives_0_and_100(mobi, fit, construct, rows):
    items = list(SPEC.construct(construct).items)
    data = mobi.copy()
    data.loc[rows, items] = 10
    assert np.allclose(respondent_index(data, SPEC, fit, scale=(1, 10)).loc[rows, construct], 100)
    data.loc[rows, items] = 1
    assert np.allclose(respondent_index(data, SPEC, fit, scale=(1, 10)).loc[rows, construct], 0)


@settings(max_examples=15, deadline=None)
@given(a=st.floats(0.1, 20), b=st.floats(-100, 100))
def test_affine_item_recoding_leaves_the_index_unchanged(mobi, fit, a, b):
    """Recode every item x -> a·x + b (a > 0) with the scale mapped alike and refit: the
    standardized weights, hence every index and interval, are the same."""
    items = list(SPEC.items)
    recoded = mobi.assign(**{i: a * mobi[i] + b for i in items})
    ref = index_scores(mobi, SPEC, fit, scale=(1, 10))
    out = index_scores(recoded, SPEC, fit_pls(recoded, SPEC), scale=(a + b, 10 * a + b))
    cols = ["index", "std_error", "ci_low", "ci_high"]
    np.testing.assert_allclose(out[cols].to_numpy(), ref[cols].to_numpy(), rtol=1e-8, atol=1e-8)


def test_equal_weights_is_the_plain_mean(mobi, fit):
    out = index_scores(mobi, SPEC, fit, scale=(1, 10), weights="equal").set_index("construct")
    items = list(SPEC.construct("Quality").items)
    assert out.loc["Quality", "index"] == pytest.approx(100 * (mobi[items].to_numpy().mean() - 1) / 9)


def test_scale_inferred_from_data(mobi, fit):
    """scale=None: one common scale from the smallest and largest answer (mobi: 1 and 10)."""
    assert item_scale(mobi, SPEC).drop_duplicates().to_numpy().tolist() == [[1.0, 10.0]]
    pd.testing.assert_frame_equal(index_scores(mobi, SPEC, fit), index_scores(mobi, SPEC, fit, scale=(1, 10)))
    narrow = mobi[list(SPEC.items)].clip(2, 9)
    assert item_scale(narrow, SPEC).iloc[0].tolist() == [2.0, 9.0]


def test_segments_equal_the_subsets(mobi, fit):
    """by="region" (and two columns) equals index_scores on each subset; n adds up."""
    out = index_scores(mobi, SPEC, fit, by="region", scale=(1, 10))
    assert list(out.columns[:2]) == ["region", "construct"] and "boot_ci_low" not in out
    for region, part in mobi.groupby("region"):
        sub = index_scores(part, SPEC, fit, scale=(1, 10))
        got = out[out.region == region].drop(columns="region").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, sub[got.columns])
    assert out.groupby("construct").n.sum().eq(250).all()
    two = index_scores(mobi, SPEC, fit, by=["region", "tier"], scale=(1, 10))
    assert len(two) == 4 * 7 and two.groupby("construct").n.sum().eq(250).all()
    gaps = mobi.assign(region=mobi.region.where(mobi.index >= 10))
    counted = index_scores(gaps, SPEC, fit, by="region", scale=(1, 10)).groupby("construct").n.sum()
    assert counted.eq(240).all()


def test_missing_answers(mobi, fit):
    """A respondent with no answer in a block is left out of that construct and counted; one
    with part of a block gets the weighted mean of the answered items."""
    data = mobi.astype({i: float for i in SPEC.items})
    data.loc[[0, 1], ["CUSA1", "CUSA2", "CUSA3"]] = np.nan
    data.loc[2, "CUSA1"] = np.nan
    out = index_scores(data, SPEC, fit, scale=(1, 10)).set_index("construct")
    assert (out.loc["Satisfaction", "n"], out.loc["Satisfaction", "n_excluded"]) == (248, 2)
    assert (out.loc["Image", "n"], out.loc["Image", "n_excluded"]) == (250, 0)
    values = respondent_index(data, SPEC, fit, scale=(1, 10))
    assert values.loc[[0, 1], "Satisfaction"].isna().all()
    u = fit.weights.set_index("item").weight[["CUSA2", "CUSA3"]] / fit.item_sds[["CUSA2", "CUSA3"]]
    by_hand = 100 * ((data.loc[2, ["CUSA2", "CUSA3"]] @ u) / u.sum() - 1) / 9
    assert values.loc[2, "Satisfaction"] == pytest.approx(by_hand, abs=1e-12)
    assert out.loc["Satisfaction", "index"] == pytest.approx(values.Satisfaction.mean(), abs=1e-12)


def test_bootstrap_interval_by_direct_loop(mobi, fit):
    """Bootstrap columns = a plain loop over the fit's resamples (rows drawn, that resample's
    weights and item SDs), SD and type-7 percentiles; close to the analytic SE."""
    out = index_scores(mobi, SPEC, fit, scale=(1, 10)).set_index("construct")
    draws = fit.bootstrap
    items = list(SPEC.items)
    for name in ("Satisfaction", "Loyalty"):
        pos = [items.index(i) for i in SPEC.construct(name).items]
        means = []
        for b in range(draws.n_resamples):
            u = draws.draws["weights"][b, pos] / draws.draws["item_sds"][b, pos]
            raw = mobi.iloc[draws.indices[b]][[items[p] for p in pos]].to_numpy() @ (u / u.sum())
            means.append(100 * (raw.mean() - 1) / 9)
        means = np.array(means)
        row = out.loc[name]
        assert row.boot_std_error == pytest.approx(means.std(ddof=1), abs=1e-10)
        assert row.boot_ci_low == pytest.approx(np.percentile(means, 2.5), abs=1e-10)
        assert row.boot_ci_high == pytest.approx(np.percentile(means, 97.5), abs=1e-10)
    assert 0.8 < out.loc["Satisfaction", "boot_std_error"] / out.loc["Satisfaction", "std_error"] < 1.25
    assert "boot_ci_low" not in index_scores(mobi.iloc[:100], SPEC, fit, scale=(1, 10))


# -- wave-over-wave change -----------------------------------------------------------------------
def test_index_change_is_a_welch_test(mobi, fit):
    """change = after − before of the wave indices; t, df, p and CI of scipy's Welch test and
    of the Welch–Satterthwaite formulas written out here."""
    out = index_change(mobi, SPEC, fit, wave="wave", before=1, after=2, scale=(1, 10))
    values = respondent_index(mobi, SPEC, fit, scale=(1, 10))
    by_wave = index_scores(mobi, SPEC, fit, by="wave", scale=(1, 10))
    for row in out.itertuples():
        a = values.loc[mobi.wave == 1, row.construct].to_numpy()
        b = values.loc[mobi.wave == 2, row.construct].to_numpy()
        va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
        df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
        se = np.sqrt(va + vb)
        half = stats.t.ppf(0.975, df) * se
        t = (b.mean() - a.mean()) / se
        np.testing.assert_allclose(
            [row.change, row.std_error, row.df, row.t, row.p_value, row.ci_low, row.ci_high],
            [b.mean() - a.mean(), se, df, t, 2 * stats.t.sf(abs(t), df), b.mean() - a.mean() - half,
             b.mean() - a.mean() + half], rtol=1e-9)
        w = by_wave[by_wave.construct == row.construct].set_index("wave")["index"]
        assert row.change == pytest.approx(w[2] - w[1], abs=1e-12)
    seg = index_change(mobi, SPEC, fit, by="region", scale=(1, 10))
    assert len(seg) == 14 and (seg.n_before + seg.n_after).groupby(seg.construct).sum().eq(250).all()


def test_index_change_input_errors(mobi, fit):
    with pytest.raises(InputError, match="wave column"):
        index_change(mobi.drop(columns="wave"), SPEC, fit)
    with pytest.raises(InputError, match="no rows with wave == 3"):
        index_change(mobi, SPEC, fit, after=3)


def test_index_inputs(mobi, fit):
    with pytest.raises(InputError, match="segment column"):
        index_scores(mobi, SPEC, fit, by="country")
    with pytest.raises(InputError, match="max > min"):
        index_scores(mobi, SPEC, fit, scale=(10, 1))
    with pytest.raises(InputError, match="no entry for item"):
        index_scores(mobi, SPEC, fit, scale={"Image": (1, 10)})
    with pytest.raises(InputError, match="weights="):
        index_scores(mobi, SPEC, fit, weights="sum")
    with pytest.raises(InputError, match="another model"):
        index_scores(mobi, ecsi(modes={"Value": "B"}), fit)
    with pytest.raises(InputError, match="not numeric"):
        index_scores(mobi.assign(CUSA1=mobi.CUSA1.astype(str)), SPEC, fit)


def test_scale_from_codebook(mobi, fit):
    """A survey Codebook's scale is used for every item."""
    from kamreport.data.schemas import Codebook

    cb = Codebook.model_validate({"scale": {"min": 0, "max": 10},
                                  "constructs": {"S": {"zh": "满意", "en": "S"}},
                                  "items": {"CUSA1": {"construct": "S"}}})
    assert item_scale(mobi, SPEC, cb).drop_duplicates().to_numpy().tolist() == [[0.0, 10.0]]
    out = index_scores(mobi, SPEC, fit, scale=cb).set_index("construct")
    assert out.loc["Complaints", "index"] == pytest.approx(10 * mobi.CUSCO.mean())


def test_caveats_are_a_column_not_warnings(mobi, fit):
    """A negative outer weight is reported in the caveat column of the construct it concerns
    (index_scores and index_change), and no warning is raised."""
    import warnings

    flipped = dataclasses.replace(fit, weights=fit.weights.assign(
        weight=np.where(fit.weights["item"] == "PERQ2", -0.05, fit.weights.weight)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = index_scores(mobi, SPEC, flipped, scale=(1, 10)).set_index("construct")
        change = index_change(mobi, SPEC, flipped, scale=(1, 10)).set_index("construct")
        clean = index_scores(mobi, SPEC, fit, scale=(1, 10))
    for table in (out, change):
        assert table.loc["Quality", "caveat"].startswith("negative outer weight(s) for PERQ2")
        assert table.drop(index="Quality").caveat.isna().all()
    columns = list(clean.columns)
    assert clean.caveat.isna().all() and columns.index("caveat") > columns.index("ci_high")


