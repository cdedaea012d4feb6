"""Write seminr_predict.csv: seminr's PLSpredict metrics on mobi (ECSI) and corporate reputation.

Run from the repo root:  .venv/bin/python tests/satisfaction/reference/make_seminr_predict.py
seminr 0.2.1 (PyPI) ``predict_pls``, path weighting, techniques predict_DA and predict_EA, with
``no_folds=None`` (leave-one-out, deterministic) and ``no_folds=10, seed=1`` (one 10-fold split,
rows shuffled by seminr's own seeded permutation). Data: mobi (../shared/reference/mobi) with the
ECSI model; seminr's bundled ``corp_rep_data`` (Hair, Hult, Ringle & Sarstedt, *A Primer on
PLS-SEM*, 3rd ed., corporate reputation, missing code -99) with the primer's extended model
(QUAL, PERF, CSOR, ATTR formative mode B; COMP, LIKE, CUSL mode A; single-item CUSA).

Columns: data, technique, folds (0 = leave-one-out), kind ("item" or "construct"), name, and
rmse_pls, mae_pls, rmse_lm, mae_lm (items, from seminr's item_metrics out of sample) and
q2_predict. seminr has no Q²predict: it is computed here from seminr's out-of-sample predictions,
1 - SSE(prediction) / SSE(training-fold mean), items against the data, constructs (seminr's
composite_out_of_sample) against the full-sample construct scores (actuals_star).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import seminr
from seminr.predict.metrics import item_metrics
from seminr.predict.predict_pls import cut_folds
from seminr.predict.techniques import predict_DA, predict_EA

HERE = Path(__file__).resolve().parent
MOBI = HERE.parents[2].parent / "shared" / "reference" / "mobi" / "mobi.csv"
CORP = Path(seminr.__file__).parent / "datasets" / "corp_rep_data.csv"

ECSI_BLOCKS = {"Image": ["IMAG1", "IMAG2", "IMAG3", "IMAG4", "IMAG5"],
               "Expectation": ["CUEX1", "CUEX2", "CUEX3"],
               "Quality": ["PERQ1", "PERQ2", "PERQ3", "PERQ4", "PERQ5", "PERQ6", "PERQ7"],
               "Value": ["PERV1", "PERV2"], "Satisfaction": ["CUSA1", "CUSA2", "CUSA3"],
               "Complaints": ["CUSCO"], "Loyalty": ["CUSL1", "CUSL2", "CUSL3"]}
ECSI_PATHS = [("Image", "Expectation"), ("Expectation", "Quality"), ("Expectation", "Value"),
              ("Quality", "Value"), ("Image", "Satisfaction"), ("Expectation", "Satisfaction"),
              ("Quality", "Satisfaction"), ("Value", "Satisfaction"),
              ("Satisfaction", "Complaints"), ("Image", "Loyalty"), ("Satisfaction", "Loyalty"),
              ("Complaints", "Loyalty")]
CORP_BLOCKS = {"QUAL": ([f"qual_{i}" for i in range(1, 9)], "B"),
               "PERF": ([f"perf_{i}" for i in range(1, 6)], "B"),
               "CSOR": ([f"csor_{i}" for i in range(1, 6)], "B"),
               "ATTR": ([f"attr_{i}" for i in range(1, 4)], "B"),
               "COMP": (["comp_1", "comp_2", "comp_3"], "A"),
               "LIKE": (["like_1", "like_2", "like_3"], "A"),
               "CUSA": (["cusa"], "A"), "CUSL": (["cusl_1", "cusl_2", "cusl_3"], "A")}
CORP_PATHS = [(s, t) for s in ("QUAL", "PERF", "CSOR", "ATTR") for t in ("COMP", "LIKE")] + [
    ("COMP", "CUSA"), ("LIKE", "CUSA"), ("COMP", "CUSL"), ("LIKE", "CUSL"), ("CUSA", "CUSL")]


def train_means(values: np.ndarray, folds: int | None, seed: int) -> np.ndarray:
    """Each row's training-fold mean, with seminr's fold assignment."""
    n = len(values)
    if folds is None:
        return (values.sum(axis=0) - values) / (n - 1)
    order = np.random.Generator(np.random.PCG64(seed)).permutation(n)
    fold = np.empty(n, dtype=int)
    fold[order] = cut_folds(n, folds)
    out = np.empty_like(values)
    for f in np.unique(fold):
        out[fold == f] = values[fold != f].mean(axis=0)
    return out


def cols(matrix, names) -> np.ndarray:
    return np.column_stack([matrix.column(c) for c in names])


def q2(actual: np.ndarray, predicted: np.ndarray, naive: np.ndarray) -> np.ndarray:
    return 1 - ((actual - predicted) ** 2).sum(axis=0) / ((actual - naive) ** 2).sum(axis=0)


def rows_for(name: str, model, folds: int | None) -> list[dict]:
    out = []
    for technique, fn in (("DA", predict_DA), ("EA", predict_EA)):
        pred = seminr.predict_pls(model, technique=fn, no_folds=folds, seed=1)
        metrics = item_metrics(pred)
        items = pred.items
        actual = cols(items.item_actuals, items.pls_out_of_sample.cols)
        item_q2 = q2(actual, items.pls_out_of_sample.values, train_means(actual, folds, 1))
        for j, item in enumerate(metrics.pls_out_of_sample.cols):
            out.append({"data": name, "technique": technique, "folds": folds or 0, "kind": "item",
                        "name": item,
                        "rmse_pls": metrics.pls_out_of_sample.values[0, j],
                        "mae_pls": metrics.pls_out_of_sample.values[1, j],
                        "rmse_lm": metrics.lm_out_of_sample.values[0, j],
                        "mae_lm": metrics.lm_out_of_sample.values[1, j],
                        "q2_predict": item_q2[j]})
        comp = pred.composites
        endogenous = model.sm_matrix.all_endogenous()
        eta = cols(comp.actuals_star, endogenous)
        eta_hat = cols(comp.composite_out_of_sample, endogenous)
        construct_q2 = q2(eta, eta_hat, train_means(eta, folds, 1))
        for j, construct in enumerate(endogenous):
            out.append({"data": name, "technique": technique, "folds": folds or 0,
                        "kind": "construct", "name": construct, "q2_predict": construct_q2[j]})
    return out


def main() -> None:
    mobi = pd.read_csv(MOBI)
    mm = seminr.constructs(*[seminr.composite(c, items) for c, items in ECSI_BLOCKS.items()])
    sm = seminr.relationships(*[seminr.paths(s, t) for s, t in ECSI_PATHS])
    ecsi_model = seminr.estimate_pls(mobi, mm, sm)
    corp = pd.read_csv(CORP)
    mm = seminr.constructs(*[seminr.composite(c, items, weights=seminr.mode_B if mode == "B"
                                              else seminr.mode_A)
                             for c, (items, mode) in CORP_BLOCKS.items()])
    sm = seminr.relationships(*[seminr.paths(s, t) for s, t in CORP_PATHS])
    corp_model = seminr.estimate_pls(corp, mm, sm, missing_value=-99)
    rows = []
    for folds in (None, 10):
        rows += rows_for("mobi", ecsi_model, folds)
        rows += rows_for("corp_rep", corp_model, folds)
    pd.DataFrame(rows).to_csv(HERE / "seminr_predict.csv", index=False, float_format="%.10f")


if __name__ == "__main__":
    main()
