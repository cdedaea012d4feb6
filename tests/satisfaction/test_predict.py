"""pls_predict: PLSpredict metrics against seminr, folds, verdicts, inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kamreport.errors import InputError, ModelError
from kamreport.satisfaction import predict as pred_mod
from kamreport.satisfaction.predict import PredictResult, pls_predict
from kamreport.satisfaction.presets import ecsi

from kamreport.satisfaction.spec import ModelSpec
from oracles import CORP_REP_EXTENDED, optional  # tests/oracles.py

seminr = optional("seminr")  # only the tests that use it skip without it

REFERENCE = Path(__file__).parent / "reference" / "seminr_predict.csv"
CORP = Path(seminr.__file__).parent / "datasets" / "corp_rep_data.csv"
#: seminr stops on the sum of absolute weight changes, we on the largest: ~1e-10 apart here.
TOL_SEMINR = 1e-6
CORP_SPEC = CORP_REP_EXTENDED


@pytest.fixture(scope="module")
def data(reference_dir) -> dict[str, tuple[pd.DataFrame, ModelSpec]]:
    corp = pd.read_csv(CORP).replace(-99, np.nan)  # the primer's missing code
    return {"mobi": (pd.read_csv(reference_dir / "mobi" / "mobi.csv"), ecsi()),
            "corp_rep": (corp, ModelSpec.from_text(CORP_SPEC))}


@pytest.mark.parametrize("name", ["mobi", "corp_rep"])
@pytest.mark.parametrize("technique", ["DA", "EA"])
@pytest.mark.parametrize("folds", [None, 10])
def test_matches_seminr(data, name, technique, folds):
    """seminr 0.2.1 (PyPI) predict_pls, path weighting, no_folds=None (LOOCV) and no_folds=10 with
    seed=1 (same row shuffle: default_rng(1).permutation), on mobi/ECSI and on the corporate-
    reputation data and extended model of Hair et al., *A Primer on PLS-SEM* (3rd ed.; seminr's
    corp_rep_data, mode B drivers, 11 cells coded -99 mean-replaced). Reference rows written by
    reference/make_seminr_predict.py (Q²predict from seminr's own out-of-sample predictions)."""
    ref = pd.read_csv(REFERENCE)
    ref = ref[(ref.data == name) & (ref.technique == technique) & (ref.folds == (folds or 0))]
    df, spec = data[name]
    result = pls_predict(df, spec, folds=folds, repetitions=1, technique=technique, seed=1)
    items = ref[ref.kind == "item"].set_index("name")
    ours = result.items.set_index("item")
    assert list(ours.index) == list(items.index)
    for column in ("rmse_pls", "mae_pls", "rmse_lm", "mae_lm", "q2_predict"):
        np.testing.assert_allclose(ours[column], items[column], rtol=0, atol=TOL_SEMINR)
    constructs = ref[ref.kind == "construct"].set_index("name")
    np.testing.assert_allclose(result.constructs.set_index("construct")["q2_predict"],
                               constructs["q2_predict"], rtol=0, atol=TOL_SEMINR)


def test_loocv_is_deterministic_and_ignores_repetitions(data):
    df, spec = data["mobi"]
    a = pls_predict(df, spec, folds=None, repetitions=7, seed=3)
    b = pls_predict(df, spec, folds=None, seed=99)
    pd.testing.assert_frame_equal(a.items, b.items)
    assert (a.folds, a.repetitions, a.seed, a.n) == (None, 1, None, 250)


def test_repetitions_pool_and_seed_reproduces(data):
    df, spec = data["mobi"]
    a = pls_predict(df, spec, folds=5, repetitions=3, seed=7)
    b = pls_predict(df, spec, folds=5, repetitions=3, seed=7)
    c = pls_predict(df, spec, folds=5, repetitions=3, seed=8)
    pd.testing.assert_frame_equal(a.items, b.items)
    assert not np.allclose(a.items.rmse_pls, c.items.rmse_pls)
    # the first repetition of a run is the single-repetition run with the same seed; pooling
    # three repetitions moves the errors, but only a little (same model, other splits)
    one = pls_predict(df, spec, folds=5, repetitions=1, seed=7)
    assert not np.allclose(a.items.rmse_pls, one.items.rmse_pls)
    np.testing.assert_allclose(a.items.rmse_pls, one.items.rmse_pls, rtol=0.05)
    assert isinstance(a, PredictResult) and a.not_converged == 0


def test_weighting_scheme_is_passed_to_every_fold(data):
    df, spec = data["mobi"]
    path = pls_predict(df, spec, folds=None)
    factorial = pls_predict(df, spec, folds=None, weighting="factorial")
    difference = np.abs(path.items.rmse_pls - factorial.items.rmse_pls)
    assert 0 < difference.max() < 0.05
    pd.testing.assert_series_equal(path.items.rmse_lm, factorial.items.rmse_lm)  # no PLS in LM


def test_chunked_paths_give_the_same_numbers(data, monkeypatch):
    """Row-chunked moments and repetition-chunked predictions (large data) change nothing."""
    df, spec = data["mobi"]
    expected = pls_predict(df, spec, folds=10, repetitions=3, seed=2)
    monkeypatch.setattr(pred_mod, "_PRODUCT_BYTES", 8 * 576 * 17)  # 17 rows a chunk
    monkeypatch.setattr(pred_mod, "_CHUNK_CELLS", 1)  # one repetition a chunk
    monkeypatch.setattr(pred_mod, "_EVERY_CELLS", 1)  # LM predictions gathered by fold
    got = pls_predict(df, spec, folds=10, repetitions=3, seed=2)
    pd.testing.assert_frame_equal(got.items, expected.items, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("n", "k"), [(23, 4), (250, 10), (344, 7), (10, 10)])
def test_fold_assignment_is_seminrs(n, k):
    """seminr 0.2.1 predict_pls: rows shuffled by Generator(PCG64(seed)).permutation(n), then
    R's cut(seq_len(n), breaks=k) over the shuffled positions (seminr's cut_folds)."""
    from seminr.predict.predict_pls import cut_folds

    folds = pred_mod._assign_folds(n, k, 2, seed=4)
    expected = np.empty(n, dtype=int)
    expected[np.random.Generator(np.random.PCG64(4)).permutation(n)] = cut_folds(n, k)
    assert (folds[0] + 1 == expected).all()
    assert not (folds[0] == folds[1]).all()
    loo = pred_mod._assign_folds(5, None, 1, seed=0)
    assert loo.tolist() == [[0, 1, 2, 3, 4]]


@pytest.mark.parametrize(("n_better", "n_items", "verdict"),
                         [(0, 3, "none"), (1, 3, "low"), (2, 4, "medium"), (2, 3, "medium"),
                          (3, 3, "high"), (1, 1, "high")])
def test_verdict_rule(n_better, n_items, verdict):
    """Shmueli et al. (2019), European J. Marketing 53(11), p. 2336: PLS below LM on no
    indicator: no predictive power; a minority: low; the majority (or half): medium; all: high."""
    assert pred_mod._verdict(n_better, n_items) == verdict


def test_item_without_predictive_relevance_never_counts_as_better():
    """Unrelated constructs: y1 has PLS RMSE below LM's but Q²predict < 0, so it does not count."""
    rng = np.random.default_rng(5)
    f, g = rng.normal(size=(2, 120))
    df = pd.DataFrame({"x1": f + rng.normal(size=120), "x2": f + rng.normal(size=120),
                       "y1": g + rng.normal(size=120), "y2": g + rng.normal(size=120)})
    result = pls_predict(df, ModelSpec.from_text("X =~ x1 + x2; Y =~ y1 + y2; Y ~ X"),
                         folds=None)
    items = result.items.set_index("item")
    assert items.loc["y1", "rmse_pls"] < items.loc["y1", "rmse_lm"]
    assert items.loc["y1", "q2_predict"] <= 0 < items.loc["y2", "q2_predict"]
    assert result.constructs.n_better.tolist() == [1]
    assert result.verdict == "medium"  # one of two items: half


def test_mae_metric_and_columns(data):
    df, _ = data["mobi"]
    strong = ModelSpec.from_text("Q =~ PERQ1 + PERQ2 + PERQ3; S =~ CUSA1 + CUSA2 + CUSA3; S ~ Q")
    result = pls_predict(df, strong, folds=None, metric="mae")
    assert result.metric == "mae"
    assert (result.items.q2_predict > 0).all()
    assert set(result.items.columns) == {"construct", "item", "rmse_pls", "mae_pls", "rmse_lm",
                                         "mae_lm", "q2_predict"}


@pytest.mark.parametrize(("kwargs", "match"),
                         [({"technique": "XX"}, "technique"), ({"folds": 1}, "folds"),
                          ({"folds": 251}, "folds"), ({"folds": 2.5}, "folds"),
                          ({"repetitions": 0}, "repetitions"), ({"metric": "mse"}, "metric")])
def test_bad_options(data, kwargs, match):
    df, spec = data["mobi"]
    with pytest.raises(InputError, match=match):
        pls_predict(df, spec, **kwargs)


def test_bad_data(data):
    df, spec = data["mobi"]
    with pytest.raises(ModelError, match="CUSCO"):
        pls_predict(df.drop(columns="CUSCO"), spec)
    with pytest.raises(InputError, match="do not vary"):
        pls_predict(df.assign(CUSCO=1.0), spec)
    with pytest.raises(InputError, match="not numeric"):
        pls_predict(df.assign(CUSCO="x"), spec)
    with pytest.raises(InputError, match="DataFrame"):
        pls_predict(df.to_numpy(), spec)
    with pytest.raises(InputError, match="duplicate column"):
        pls_predict(pd.concat([df, df[["CUSCO"]]], axis=1), spec)
