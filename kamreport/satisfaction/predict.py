"""PLSpredict: out-of-sample predictive power of a PLS path model (Shmueli et al. 2016, 2019).

k-fold cross-validation (repeated) or leave-one-out: the model is re-estimated on each training
fold and predicts the indicators of the endogenous constructs of the held-out rows; the same
rows are predicted by a linear-regression benchmark (LM: each endogenous indicator regressed on
the indicators of the predicting constructs) and by the naive training mean (Q²predict).

Every fold is a count vector (1 = training row), so all folds of all repetitions are one stack
of training correlation matrices and run through the PLS core together
(:func:`~kamreport.satisfaction.plsalgorithm.outer_weights`); the LM benchmark comes from the
same training moments (OLS from covariances). Predictions, as seminr's ``predict_pls``: test
items are standardized with the training means and SDs (n - 1); construct scores are those items
times the training weights; "DA" (direct antecedents) predicts each endogenous score from the
scores of its predecessors, "EA" (earliest antecedents) from the purely exogenous constructs
through the total effects; an item's prediction is its training loading times the predicted
score, back in the item's units. Folds follow seminr: the rows are shuffled by
``default_rng(seed).permutation(n)`` (repetition r takes the r-th permutation of that stream) and
cut into contiguous blocks as R's ``cut(seq_len(n), breaks = folds)``.

Metrics pool the out-of-sample residuals of all repetitions (as cSEM): RMSE, MAE, and
Q²predict = 1 - SSE(PLS) / SSE(training mean). Construct Q²predict compares the predicted
construct scores with the full-sample scores (SmartPLS's latent-variable Q²predict).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse

from kamreport.errors import InputError
from kamreport.satisfaction.plsalgorithm import Structure, Weighting, derived, outer_weights
from kamreport.satisfaction.plsinput import item_array
from kamreport.satisfaction.spec import ModelSpec

Technique = Literal["DA", "EA"]
Verdict = Literal["none", "low", "medium", "high"]


@dataclass(frozen=True, eq=False)
class PredictResult:
    """Out-of-sample prediction metrics of a PLS model.

    ``items``: one row per indicator of an endogenous construct: construct, item, rmse_pls,
    mae_pls, rmse_lm, mae_lm, q2_predict (in the item's units; LM = linear-regression benchmark).
    ``constructs``: construct, q2_predict (predicted vs full-sample scores), n_items, n_better
    (items whose PLS error, by ``metric``, is below LM's and whose q2_predict > 0), verdict.
    ``verdict``: "none", "low", "medium" or "high" over all predicted items (Shmueli et al.
    2019): PLS better than LM on no item -> none, on a minority -> low, on a majority -> medium,
    on all -> high; an item with q2_predict <= 0 (no better than the training mean: no
    predictive relevance) never counts as better. ``metric``: "rmse" or "mae" (use MAE when the
    prediction errors are strongly skewed). ``not_converged``: folds whose PLS hit max_iter (their
    predictions are kept, as SmartPLS). ``folds`` is None for leave-one-out.
    """

    items: pd.DataFrame
    constructs: pd.DataFrame
    verdict: Verdict
    technique: Technique
    folds: int | None
    repetitions: int
    seed: int | None
    metric: Literal["rmse", "mae"]
    n: int
    not_converged: int


def pls_predict(
    df: pd.DataFrame,
    spec: ModelSpec,
    folds: int | None = 10,
    repetitions: int = 10,
    technique: Technique = "DA",
    seed: int | None = 1,
    *,
    weighting: Weighting = "path",
    metric: Literal["rmse", "mae"] = "rmse",
    tol: float = 1e-7,
    max_iter: int = 300,
) -> PredictResult:
    """PLSpredict: cross-validated item predictions of a PLS model against an LM benchmark.

    Parameters
    ----------
    df : one row per respondent with the model's item columns (missing cells are replaced by
        the full-sample item mean before the folds are drawn, as seminr).
    spec : the model; it needs at least one structural path.
    folds : number of cross-validation folds (10); None = leave-one-out (deterministic; then
        ``repetitions`` is 1 and ``seed`` unused).
    repetitions : how often the k-fold split is redrawn (10); residuals of all are pooled.
    technique : "DA" (direct antecedents) or "EA" (earliest antecedents).
    seed : seed of ``numpy.random.default_rng`` for the row shuffles.
    weighting, tol, max_iter : PLS settings of every fold (as :func:`fit_pls`).
    metric : "rmse" or "mae", the error the verdict compares.

    Returns
    -------
    PredictResult

    References
    ----------
    Shmueli, Ray, Velasquez Estrada & Chatla (2016), "The elephant in the room: predictive
    performance of PLS models", *J. Business Research* 69(10), 4552-4564; Shmueli, Sarstedt,
    Hair, Cheah, Ting, Vaithilingam & Ringle (2019), "Predictive model assessment in PLS-SEM:
    guidelines for using PLSpredict", *European J. Marketing* 53(11), 2322-2347; Danks & Ray
    (2018) on the EA / DA approaches (seminr's ``predict_pls``).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=200)
    >>> df = pd.DataFrame({"x1": f + rng.normal(size=200), "x2": f + rng.normal(size=200),
    ...                    "y1": f + rng.normal(size=200), "y2": f + rng.normal(size=200)})
    >>> spec = ModelSpec.from_text("X =~ x1 + x2; Y =~ y1 + y2; Y ~ X")
    >>> pred = pls_predict(df, spec, folds=None)
    >>> pred.items[["item", "rmse_pls", "rmse_lm", "q2_predict"]].round(3).to_dict("list")
    {'item': ['y1', 'y2'], 'rmse_pls': [1.178, 1.041], 'rmse_lm': [1.182, 1.045], \
'q2_predict': [0.331, 0.389]}
    >>> pred.verdict
    'high'
    """
    _check_options(spec, folds, repetitions, technique, metric)
    x = _items(df, spec)
    n = len(x)
    if folds is not None and not 2 <= folds <= n:
        raise InputError(f"folds={folds!r} must be between 2 and the number of rows ({n}), or "
                         "None for leave-one-out")
    means, sds = x.mean(axis=0), x.std(axis=0, ddof=1)
    z = (x - means) / sds
    st = Structure.of(spec)
    n_folds = n if folds is None else folds
    fold_of = _assign_folds(n, folds, 1 if folds is None else repetitions, seed)
    test = _test_indicator(fold_of, n_folds)
    s, m, sd = _training_moments(z, test)  # (R * folds + 1 full sample, ...)
    w, converged, _ = outer_weights(s, st, weighting, tol, max_iter)
    est = derived(s, w, st)
    eta = z @ (w[-1][:, None] * st.mask)  # full-sample construct scores (variance 1)
    plan = _Plan.of(spec, st, technique)
    sums = _Sums(len(plan.items), len(st.endogenous))
    lm = [_Regression.of(s, m, sd, xs, ys) for xs, ys in plan.lm]
    endo = np.array(st.endogenous)
    n_train = (n - test.sum(axis=1))[:, None]
    eta_mean = (eta[:, endo].sum(axis=0) - test @ eta[:, endo]) / n_train
    chunk = max(1, _CHUNK_CELLS // (n * len(spec.items)))
    for lo in range(0, len(fold_of), chunk):  # repetitions in chunks bound the memory
        reps = fold_of[lo:lo + chunk]
        g = (reps + n_folds * np.arange(lo, lo + len(reps))[:, None]).ravel()  # global fold id
        rows = np.tile(np.arange(n), len(reps))
        _predict_rows(z, rows, eta[rows][:, endo], g, m, sd, w, est, lm, eta_mean, st, plan, sums)
    items = sums.item_table(spec, plan, sds)
    constructs, verdict = _verdicts(spec, st, items, sums, metric)
    return PredictResult(items, constructs, verdict, technique, folds,
                         1 if folds is None else repetitions, seed if folds is not None else None,
                         metric, n, int((~converged[:-1]).sum()))


def _check_options(spec: ModelSpec, folds: int | None, repetitions: int, technique: str,
                   metric: str) -> None:
    if technique not in ("DA", "EA"):
        raise InputError(f"technique={technique!r} is not 'DA' (direct antecedents) or 'EA' "
                         "(earliest antecedents)")
    if metric not in ("rmse", "mae"):
        raise InputError(f"metric={metric!r} is not 'rmse' or 'mae'")
    if folds is not None and (not isinstance(folds, (int, np.integer)) or isinstance(folds, bool)):
        raise InputError(f"folds={folds!r} must be an integer (10) or None for leave-one-out")
    if folds is not None and (not isinstance(repetitions, (int, np.integer)) or repetitions < 1):
        raise InputError(f"repetitions={repetitions!r} must be a positive integer (10)")
    if not spec.paths:
        raise InputError("PLSpredict needs a structural model: the spec has no '~' paths")


def _assign_folds(n: int, folds: int | None, repetitions: int, seed: int | None) -> np.ndarray:
    """(repetitions, n) fold index (0-based) of every row."""
    if folds is None:
        return np.arange(n)[None, :]
    rng = np.random.default_rng(seed)
    # R's cut(seq_len(n), breaks = folds): equal-width intervals over positions 1..n
    breaks = 1 + np.arange(folds + 1) * (n - 1) / folds
    fuzz = (n - 1) / 1000
    breaks[0], breaks[-1] = 1 - fuzz, n + fuzz
    by_position = np.searchsorted(breaks, np.arange(1, n + 1), side="left") - 1
    out = np.empty((repetitions, n), dtype=np.int64)
    for r in range(repetitions):
        out[r, rng.permutation(n)] = by_position
    return out


@dataclass(frozen=True)
class _Plan:
    """Which items are predicted, and from what (index arrays into the spec)."""

    items: np.ndarray  # positions of the predicted items (indicators of endogenous constructs)
    sources: np.ndarray  # score-prediction pairs: source construct -> endogenous construct
    targets: np.ndarray
    total: bool  # EA: use total effects (from purely exogenous constructs)
    lm: tuple[tuple[np.ndarray, np.ndarray], ...]  # per endogenous: (predictor items, its items)

    @classmethod
    def of(cls, spec: ModelSpec, st: Structure, technique: str) -> _Plan:
        names = list(spec.names)
        exogenous = [names.index(c) for c in spec.exogenous]
        items = np.concatenate([st.blocks[j] for j in st.endogenous])
        if technique == "DA":
            sources, targets = st.path_rows, st.path_cols
        else:
            k = len(names)
            routes = np.linalg.inv(np.eye(k) - st.adjacency) - np.eye(k)
            pairs = [(i, j) for i in exogenous for j in st.endogenous if routes[i, j] > 0.5]
            sources, targets = np.array(pairs, dtype=np.int64).reshape(-1, 2).T
        lm = []
        for j in st.endogenous:
            predictors = st.preds[j] if technique == "DA" else np.array(exogenous)
            lm.append((np.concatenate([st.blocks[c] for c in predictors]), st.blocks[j]))
        return cls(items, sources, targets, technique == "EA", tuple(lm))


class _Sums:
    """Running sums of squared / absolute residuals over repetitions."""

    def __init__(self, n_items: int, n_endogenous: int) -> None:
        z = np.zeros
        self.count = 0
        self.pls_sq, self.pls_abs = z(n_items), z(n_items)
        self.lm_sq, self.lm_abs = z(n_items), z(n_items)
        self.naive_sq = z(n_items)
        self.eta_sq, self.eta_naive_sq = z(n_endogenous), z(n_endogenous)

    def add(self, actual: np.ndarray, pls: np.ndarray, lm: np.ndarray, naive: np.ndarray,
            eta: np.ndarray, eta_hat: np.ndarray, eta_naive: np.ndarray) -> None:
        self.count += len(actual)
        for name, pred in (("pls", pls), ("lm", lm)):
            e = actual - pred
            setattr(self, f"{name}_sq", getattr(self, f"{name}_sq") + (e * e).sum(axis=0))
            setattr(self, f"{name}_abs", getattr(self, f"{name}_abs") + np.abs(e).sum(axis=0))
        self.naive_sq = self.naive_sq + ((actual - naive) ** 2).sum(axis=0)
        self.eta_sq = self.eta_sq + ((eta - eta_hat) ** 2).sum(axis=0)
        self.eta_naive_sq = self.eta_naive_sq + ((eta - eta_naive) ** 2).sum(axis=0)

    def item_table(self, spec: ModelSpec, plan: _Plan, sds: np.ndarray) -> pd.DataFrame:
        # residuals were summed in pooled-standardized units: back to the items' units
        scale = sds[plan.items]
        owner = {item: c.name for c in spec.constructs for item in c.items}
        names = [spec.items[i] for i in plan.items]
        return pd.DataFrame({
            "construct": [owner[i] for i in names], "item": names,
            "rmse_pls": np.sqrt(self.pls_sq / self.count) * scale,
            "mae_pls": self.pls_abs / self.count * scale,
            "rmse_lm": np.sqrt(self.lm_sq / self.count) * scale,
            "mae_lm": self.lm_abs / self.count * scale,
            "q2_predict": 1 - self.pls_sq / self.naive_sq,
        })


@dataclass(frozen=True)
class _Regression:
    """The LM benchmark of one endogenous construct in every fold: items ys on items xs."""

    xs: np.ndarray
    beta: np.ndarray  # (F, q, r) slopes (pooled-z units)
    intercept: np.ndarray  # (F, r)

    @classmethod
    def of(cls, s: np.ndarray, m: np.ndarray, sd: np.ndarray, xs: np.ndarray,
           ys: np.ndarray) -> _Regression:
        """OLS from the training correlations ``s``, means ``m`` and SDs ``sd`` of each fold."""
        beta = np.linalg.solve(s[:, xs[:, None], xs], s[:, xs[:, None], ys])  # standardized
        beta *= sd[:, None, ys] / sd[:, xs, None]
        return cls(xs, beta, m[:, ys] - np.einsum("fq,fqr->fr", m[:, xs], beta))

    def predict(self, z: np.ndarray, rows: np.ndarray, g: np.ndarray) -> np.ndarray:
        """Predictions of rows ``z[rows]`` by the folds ``g`` (all in ``lo <= g < hi``)."""
        lo, hi = int(g.min()), int(g.max()) + 1
        q, r = self.beta.shape[1:]
        if len(z) * (hi - lo) * r <= _EVERY_CELLS:  # every row by each of these folds
            every = z[:, self.xs] @ self.beta[lo:hi].transpose(1, 0, 2).reshape(q, -1)
            return self.intercept[g] + every.reshape(len(z), hi - lo, r)[rows, g - lo]
        return self.intercept[g] + np.einsum("nq,nqr->nr", z[rows][:, self.xs], self.beta[g])


def _predict_rows(z: np.ndarray, rows: np.ndarray, eta: np.ndarray, g: np.ndarray,
                  m: np.ndarray, sd: np.ndarray, w: np.ndarray, est: dict[str, np.ndarray],
                  lm: list[_Regression], eta_mean: np.ndarray, st: Structure, plan: _Plan,
                  sums: _Sums) -> None:
    """Predict rows ``z[rows]`` from the folds ``g`` that hold them out (arrays gathered)."""
    mf, sdf = m[g], sd[g]  # (N, p) training means / SDs of each row's fold
    zr = z[rows]
    scores = ((zr - mf) / sdf * w[g]) @ st.mask  # scores in the training fold's metric
    coef = est["total_effects"][:, plan.sources, plan.targets] if plan.total else est["paths"]
    onehot = np.zeros((len(plan.targets), st.mask.shape[1]))
    onehot[np.arange(len(plan.targets)), plan.targets] = 1.0
    eta_hat = (scores[:, plan.sources] * coef[g]) @ onehot  # predicted endogenous scores
    items = plan.items
    pls = mf[:, items] + sdf[:, items] * est["loadings"][g][:, items] * eta_hat[:, st.owner[items]]
    bench = np.hstack([reg.predict(z, rows, g) for reg in lm])
    sums.add(zr[:, items], pls, bench, mf[:, items], eta, eta_hat[:, list(st.endogenous)],
             eta_mean[g])


def _items(df: pd.DataFrame, spec: ModelSpec) -> np.ndarray:
    """The item columns as float64, missing cells replaced by the item mean."""
    x = item_array(df, spec)
    with np.errstate(invalid="ignore"):
        means = np.nanmean(x, axis=0) if np.isnan(x).any() else x.mean(axis=0)
    x = np.where(np.isnan(x), means, x)
    flat = [i for i, sd in zip(spec.items, x.std(axis=0)) if not sd > 1e-12]
    if flat:
        raise InputError(f"item(s) {', '.join(flat)} do not vary (or have no answers); drop them "
                         "from the model or check the data")
    return x


#: Largest (rows x items²) float64 product array built at once (chunked over rows).
_PRODUCT_BYTES = 32 * 2**20
#: Cells of the gathered (rows x items) arrays per chunk of repetitions: small temporaries are
#: reused heap memory, large ones fresh pages (measured: 10x slower on a busy machine).
_CHUNK_CELLS = 2**14
#: Largest (rows x folds x items) LM prediction array computed for every row by every fold of
#: a chunk (else the slopes are gathered row by row).
_EVERY_CELLS = 2**14


def _test_indicator(fold_of: np.ndarray, n_folds: int) -> sparse.csr_array:
    """(R * n_folds, n) sparse, 1 where a row is in the test fold (repetition r: r * n_folds + f).

    Sparse: leave-one-out on n rows is an n x n identity, too large to hold densely for big n.
    """
    r, n = fold_of.shape
    fold = (fold_of + n_folds * np.arange(r)[:, None]).ravel()
    return sparse.csr_array((np.ones(r * n), (fold, np.tile(np.arange(n), r))),
                            shape=(r * n_folds, n))


def _training_moments(z: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, ...]:
    """Correlations, means, SDs (ddof 1) of every training fold, then of the full sample.

    A training fold is the full sample minus its test fold, so its sums are the full sums minus
    the test rows' sums: one product of the test indicator with each row's item products, in
    row chunks that bound the memory.
    """
    n, p = z.shape
    f = test.shape[0]
    sums = np.zeros((f + 1, p * p))  # training sums of products of every fold, then the total
    step = max(1, _PRODUCT_BYTES // (8 * p * p))
    for lo in range(0, n, step):
        prod = (z[lo:lo + step, :, None] * z[lo:lo + step, None, :]).reshape(-1, p * p)
        sums[:f] -= (test if step >= n else test[:, lo:lo + step]) @ prod
        sums[f] += prod.sum(axis=0)
    sums[:f] += sums[f]
    cnt = np.append(n - test.sum(axis=1), n).astype(np.float64)
    m = np.vstack([z.sum(axis=0) - test @ z, z.sum(axis=0)]) / cnt[:, None]
    # in place from here: few large temporaries (each would be fresh memory)
    s = sums.reshape(-1, p, p)
    s -= m[:, :, None] * (cnt[:, None] * m)[:, None, :]
    s /= (cnt - 1)[:, None, None]
    sd = np.sqrt(np.diagonal(s, axis1=1, axis2=2))
    s /= sd[:, :, None]
    s /= sd[:, None, :]
    idx = np.arange(p)
    s[:, idx, idx] = 1.0
    return s, m, sd


def _verdicts(spec: ModelSpec, st: Structure, items: pd.DataFrame, sums: _Sums,
              metric: str) -> tuple[pd.DataFrame, Verdict]:
    better = ((items[f"{metric}_pls"].to_numpy() < items[f"{metric}_lm"].to_numpy())
              & (items["q2_predict"].to_numpy() > 0))
    owner = items["construct"].to_numpy()
    names = [spec.names[j] for j in st.endogenous]
    n_items = np.array([(owner == c).sum() for c in names])
    n_better = np.array([better[owner == c].sum() for c in names])
    with np.errstate(divide="ignore", invalid="ignore"):  # a construct scored as a constant
        q2 = 1 - sums.eta_sq / sums.eta_naive_sq
    table = pd.DataFrame({"construct": names, "q2_predict": q2, "n_items": n_items,
                          "n_better": n_better,
                          "verdict": [_verdict(b, k) for b, k in zip(n_better, n_items)]})
    return table, _verdict(int(better.sum()), len(better))


def _verdict(n_better: int, n_items: int) -> Verdict:
    if n_better == 0:
        return "none"
    if n_better == n_items:
        return "high"
    return "medium" if 2 * n_better >= n_items else "low"  # majority or half
