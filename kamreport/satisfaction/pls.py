"""PLS-SEM: :func:`fit_pls` turns survey data and a :class:`ModelSpec` into a :class:`PlsResult`.

``fit_pls`` checks the options and the item columns, standardizes the data, runs Lohmöller's
algorithm (:mod:`kamreport.satisfaction.plsalgorithm`) on the item correlation matrix (and, for
the bootstrap, on a stack of resampled correlation matrices) and builds the result tables.

Conventions (they reproduce SmartPLS 2/3 and seminr to ~1e-8 on ``mobi``; see DESIGN.md):
data and scores are standardized with the same (n - 1) variance, so weights and scores have
sample variance 1; the algorithm's own conventions (initial weights, inner weighting schemes,
stopping rule, modes A and B) are listed in :mod:`kamreport.satisfaction.plsalgorithm`.

Beyond SmartPLS's defaults: ``consistent=True`` applies PLSc (:mod:`.plsc`), ``cluster=``
resamples whole clusters and ``weights=`` weights the rows (:mod:`.bootstrap`, input checks in
:mod:`.plsinput`), and every fit lists its specific indirect effects (:mod:`.mediation`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from kamreport.errors import ConvergenceError, InputError, ModelError
from kamreport.satisfaction import bootstrap as boot
from kamreport.satisfaction import plsc, plsinput
from kamreport.satisfaction.mediation import specific_indirect_effects
from kamreport.satisfaction.plsalgorithm import (Structure, Weighting, derived, outer_weights,
                                                 regress)
from kamreport.satisfaction.spec import ModelSpec

Missing = Literal["mean", "pairwise", "error"]


@dataclass(frozen=True, eq=False)
class PlsResult:
    """A fitted PLS path model (all numbers standardized unless named otherwise).

    ``paths``: source, target, estimate; ``loadings`` / ``weights``: construct, item, loading /
    weight; ``total_effects`` / ``indirect_effects``: source, target, estimate (every pair joined
    by a directed route / by a route of two or more paths). When bootstrapped these tables gain
    std_error, t, p_value, ci_low, ci_high. ``r2`` / ``r2_adj``: Series by endogenous construct;
    ``f2``: source, target, f2 (Cohen's effect size of each path); ``scores``: respondents x
    constructs (mean 0, sample SD 1); ``cross_loadings``: items x constructs correlations;
    ``construct_correlations``: constructs x constructs. ``item_means`` / ``item_sds`` (ddof 1)
    are those of the data the model standardized (after mean replacement): the unstandardized
    weight of an item is ``weight / item_sd``. ``missing_replaced``: per item, the cells replaced
    by the item mean (``missing="mean"``), or, for ``"pairwise"``, the missing cells (estimation
    uses pairwise correlations; only the scores treat those cells as the mean). ``bootstrap``:
    None or the raw resample arrays (:class:`~kamreport.satisfaction.bootstrap.BootstrapDraws`).
    ``specific_indirect_effects``: every chain of two or more paths (source, via, target,
    estimate, std_error, ci_low, ci_high, p_value, direct, direct_p, type; see
    :mod:`~kamreport.satisfaction.mediation`). ``consistent``: PLSc was applied (paths, R², f²,
    construct correlations, total / indirect effects and the loadings of reflective blocks are
    the corrected ones; ``rho_a`` the reliabilities used). ``cluster``: the cluster label of each
    row when the bootstrap resampled clusters; ``case_weights``: the row weights of a weighted
    fit (scaled to mean 1), else None.
    """

    paths: pd.DataFrame
    loadings: pd.DataFrame
    weights: pd.DataFrame
    r2: pd.Series
    r2_adj: pd.Series
    f2: pd.DataFrame
    total_effects: pd.DataFrame
    indirect_effects: pd.DataFrame
    scores: pd.DataFrame
    cross_loadings: pd.DataFrame
    construct_correlations: pd.DataFrame
    converged: bool
    iterations: int
    weighting: Weighting
    spec: ModelSpec
    n: int
    missing: Missing
    missing_replaced: pd.Series
    item_means: pd.Series
    item_sds: pd.Series
    bootstrap: boot.BootstrapDraws | None = None
    consistent: bool = False
    rho_a: pd.Series | None = None
    cluster: pd.Series | None = None
    case_weights: pd.Series | None = None

    @functools.cached_property
    def specific_indirect_effects(self) -> pd.DataFrame:
        """Every chain of two or more paths with its bootstrap interval, p-value and mediation
        type (:func:`~kamreport.satisfaction.mediation.specific_indirect_effects`); computed on
        first access, so fits that never look (PLSpredict, permutations) do not pay for it."""
        direct = None if self.bootstrap is None else {
            c: self.paths[c].to_numpy() for c in ("p_value", "ci_low", "ci_high")}
        return specific_indirect_effects(list(self.spec.names), Structure.of(self.spec),
                                         self.paths["estimate"].to_numpy(), direct, self.bootstrap)


# -- the public estimator -----------------------------------------------------------------------
def fit_pls(
    data: pd.DataFrame,
    spec: ModelSpec,
    *,
    weighting: Weighting = "path",
    tol: float = 1e-7,
    max_iter: int = 300,
    missing: Missing = "mean",
    bootstrap: int = 0,
    seed: int | None = None,
    ci: Literal["percentile", "bca"] = "percentile",
    alpha: float = 0.05,
    n_jobs: int = -1,
    progress: bool = False,
    strict: bool = False,
    consistent: bool = False,
    cluster: str | None = None,
    weights: str | None = None,
) -> PlsResult:
    """Estimate a PLS path model (Lohmöller's algorithm), optionally with bootstrap inference.

    Parameters
    ----------
    data : one row per respondent; the model's item columns must be numeric (others ignored).
    spec : the model (:class:`~kamreport.satisfaction.spec.ModelSpec`).
    weighting : inner weighting scheme, "path" (default), "factorial" or "centroid".
    tol : stop when the largest absolute change of any outer weight is below this (1e-7, as
        SmartPLS).
    max_iter : iteration cap (300); when reached the result has ``converged=False``.
    missing : "mean" replaces missing cells by the item mean (SmartPLS, seminr; resamples are
        drawn from the completed data, where seminr re-replaces inside each resample);
        "pairwise" estimates from pairwise-complete correlations (scores use the mean for
        missing cells; ``n`` stays the number of rows); "error" raises InputError if any model
        item has a missing cell.
    bootstrap : number of bootstrap resamples (0 = none; 5000 is the usual choice).
    seed : seed of ``numpy.random.default_rng`` for the resamples (results do not depend on
        ``n_jobs``).
    ci : "percentile" or "bca" (bias-corrected and accelerated; costs n extra jackknife fits).
    alpha : 1 - confidence level of the intervals (0.05 gives 95 % intervals).
    n_jobs : worker threads for >= 1000 resamples (-1 = all cores; smaller runs use one).
    progress : show a tqdm progress bar while bootstrapping.
    strict : raise ConvergenceError instead of returning ``converged=False``.
    consistent : apply PLSc (Dijkstra & Henseler 2015) to reflective (mode A) blocks of two or
        more items: paths, R² and loadings disattenuated by rho_A, in every resample too
        (:mod:`~kamreport.satisfaction.plsc`).
    cluster : column of ``data`` (e.g. "account_id"): the bootstrap (and BCa's jackknife)
        resamples whole clusters instead of rows, for respondents nested in accounts; p-values
        then use G - 1 degrees of freedom (G clusters). Needs at least 2 clusters.
    weights : column of ``data`` with non-negative case weights (survey / post-stratification):
        weighted means and covariances (Becker & Ismail 2016), scaled to mean 1; each resample
        weights a row by its draw count times its weight. Integer weights give the estimates
        of the data with rows repeated that often.

    Returns
    -------
    PlsResult. Resamples are aligned to the original signs: a construct whose resample weights
    point away from the original weights (negative inner product) has its weights, and so its
    scores, loadings and paths, multiplied by -1 ("construct-level sign change").

    References
    ----------
    Lohmöller (1989), *Latent Variable Path Modeling with Partial Least Squares*, ch. 2;
    Tenenhaus, Esposito Vinzi, Chatelin & Lauro (2005), *CSDA* 48(1), 159-205 (algorithm,
    sign changes); Hair, Hult, Ringle & Sarstedt (2022), *A Primer on PLS-SEM*, 3rd ed. (f²);
    Becker & Ismail (2016), "Accounting for sampling weights in PLS path modeling", *European
    Management J.* 34(6), 606–617; Cameron, Gelbach & Miller (2008), *Rev. Econ. Stat.* 90(3)
    (cluster bootstrap).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=300)
    >>> df = pd.DataFrame({"x1": f + rng.normal(size=300), "x2": f + rng.normal(size=300),
    ...                    "y1": f + rng.normal(size=300), "y2": rng.normal(size=300)})
    >>> spec = ModelSpec.from_text("X =~ x1 + x2; Y =~ y1 + y2; Y ~ X")
    >>> fit = fit_pls(df, spec, bootstrap=1000, seed=1)
    >>> fit.paths.round(2).to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'source': 'X', 'target': 'Y', 'estimate': 0.63, 'std_error': 0.04, 't': 16.62,
      'p_value': 0.0, 'ci_low': 0.56, 'ci_high': 0.7}]
    >>> fit.converged, fit.r2.round(2).to_dict()
    (True, {'Y': 0.39})

    Respondents nested in accounts (here 3 per account), and PLSc:

    >>> by_account = fit_pls(df.assign(account=np.arange(300) // 3), spec, bootstrap=500,
    ...                      seed=1, cluster="account")
    >>> by_account.bootstrap.n_units, bool(by_account.paths.std_error[0] > 0)
    (100, True)
    >>> round(float(fit_pls(df, spec, consistent=True).paths.estimate[0]), 2)  # disattenuated
    0.8

    With mobi, ``fit_pls(mobi, ecsi(), bootstrap=5000, seed=1)`` reproduces SmartPLS's paths,
    weights, loadings and total effects to ~1e-8 and takes about 0.3 s.
    """
    plsinput.check_options(weighting, missing, ci, alpha, tol, max_iter, bootstrap)
    if not spec.paths:
        raise InputError("the model has no structural path; PLS-SEM needs at least one 'Target ~ Source' "
                         "line (fit a measurement-only model with fit_cbsem)")
    case_w = plsinput.case_weights(data, weights)
    codes, labels = plsinput.clusters(data, cluster)
    x, replaced = plsinput.item_matrix(data, spec, missing, case_w)
    means, sds = plsinput.moments(x, case_w)
    constant = [i for i, sd in zip(spec.items, sds) if not sd > 1e-12]
    if constant:
        raise InputError(f"item(s) {', '.join(constant)} do not vary (zero variance); drop them "
                         "from the model or check the data")
    z = (x - means) / sds
    st = Structure.of(spec)
    row_w = np.ones(len(z)) if case_w is None else case_w
    s = boot.weighted_correlations(z, row_w[None])[0]
    plsinput.check_correlations(s[0], spec, st)
    w, converged, iterations = outer_weights(s, st, weighting, tol, max_iter)
    if strict and not converged[0]:
        raise ConvergenceError(f"PLS did not converge in {max_iter} iterations (tol {tol:g}); "
                               "raise max_iter, loosen tol or check the model")
    est = derived(s, w, st)
    est = {k: v[0] for k, v in (plsc.consistent(s, est, st) if consistent else est).items()}
    if consistent and not (est["rho_a"] > 0).all():
        bad = ", ".join(np.array(spec.names)[~(est["rho_a"] > 0)])
        raise ModelError(f"rho_A of {bad} is not positive, so PLSc cannot correct it; check the "
                         "items' signs or use consistent=False")
    draws = None
    if bootstrap:
        draws = _bootstrap(z, means, sds, st, w[0], weighting, tol, max_iter, bootstrap, seed, ci,
                           alpha, n_jobs, progress, consistent, codes, case_w, cluster)
    scores = np.nan_to_num(z) @ (w[0][:, None] * st.mask)
    centre = row_w @ scores / row_w.sum()
    scores = (scores - centre) / np.sqrt(row_w @ (scores - centre) ** 2 / (row_w.sum() - 1))
    items, names = list(spec.items), list(spec.names)
    tables = _tables(spec, st, est, draws)
    n_pred = np.array([len(st.preds[j]) for j in st.endogenous])
    endo = list(spec.endogenous)
    r2 = pd.Series(est["r2"], index=endo, name="r2")
    return PlsResult(
        **tables,
        r2=r2,
        r2_adj=pd.Series(1 - (1 - est["r2"]) * (len(z) - 1) / (len(z) - n_pred - 1), index=endo,
                         name="r2_adj"),
        f2=_f2(spec, st, est["construct_correlations"], est["r2"]),
        scores=pd.DataFrame(scores, index=data.index, columns=names),
        cross_loadings=pd.DataFrame(est["cross_loadings"], index=items, columns=names),
        construct_correlations=pd.DataFrame(est["construct_correlations"], index=names,
                                            columns=names),
        converged=bool(converged[0]), iterations=int(iterations[0]), weighting=weighting,
        spec=spec, n=len(z), missing=missing, missing_replaced=replaced,
        item_means=pd.Series(means, index=items, name="mean"),
        item_sds=pd.Series(sds, index=items, name="sd"), bootstrap=draws,
        consistent=consistent,
        rho_a=pd.Series(est["rho_a"], index=names, name="rho_a") if consistent else None,
        cluster=None if labels is None else pd.Series(labels, index=data.index, name=cluster),
        case_weights=None if case_w is None else pd.Series(case_w, index=data.index, name=weights),
    )


def _bootstrap(z: np.ndarray, means: np.ndarray, sds: np.ndarray, st: Structure, w0: np.ndarray,
               weighting: Weighting, tol: float, max_iter: int, n_resamples: int,
               seed: int | None, ci: Literal["percentile", "bca"], alpha: float, n_jobs: int,
               progress: bool, consistent: bool, clusters: np.ndarray | None,
               case_w: np.ndarray | None, cluster: str | None) -> boot.BootstrapDraws:
    def fit_stack(s: np.ndarray) -> dict[str, np.ndarray]:
        with np.errstate(invalid="ignore"):  # a degenerate resample (constant item) gives NaN
            w, converged, iterations = outer_weights(s, st, weighting, tol, max_iter)
            flips = (w * w0) @ st.mask < 0  # construct-level sign alignment with the estimate
            out = derived(s, np.where(flips[:, st.owner], -w, w), st)
            if consistent:
                out = plsc.consistent(s, out, st)
        return {**out, "converged": converged, "iterations": iterations, "sign_flips": flips}

    return boot.bootstrap_correlations(z, means, sds, fit_stack, n_resamples, seed=seed, ci=ci,
                                       alpha=alpha, n_jobs=n_jobs, progress=progress,
                                       clusters=clusters, case_weights=case_w, cluster=cluster)


def _tables(spec: ModelSpec, st: Structure, est: dict[str, np.ndarray],
            draws: boot.BootstrapDraws | None) -> dict[str, pd.DataFrame]:
    """paths, loadings, weights, total and indirect effects (+ bootstrap columns)."""
    names = np.array(spec.names)
    k = len(names)
    routes = np.linalg.inv(np.eye(k) - st.adjacency) - np.eye(k)  # number of directed routes
    by_item = {"construct": names[st.owner], "item": np.array(spec.items)}
    by_path = {"source": names[st.path_rows], "target": names[st.path_cols]}
    layout = {"paths": ("estimate", by_path, None), "loadings": ("loading", by_item, None),
              "weights": ("weight", by_item, None),
              "total_effects": ("estimate", None, routes > 0.5),
              "indirect_effects": ("estimate", None, routes - st.adjacency > 0.5)}
    out = {}
    for key, (column, labels, pairs) in layout.items():
        def pick(arrays: Mapping[str, np.ndarray] | None, key: str = key,
                 pairs: np.ndarray | None = pairs) -> np.ndarray | None:
            if arrays is None:
                return None
            return arrays[key] if pairs is None else arrays[key][..., pairs]

        if pairs is not None:
            source, target = np.nonzero(pairs)
            labels = {"source": names[source], "target": names[target]}
        columns = {**labels, column: pick(est)}
        if draws is not None:
            columns.update(boot.summarize(pick(est), pick(draws.draws), draws.n_units, ci=draws.ci,
                                          alpha=draws.alpha, jackknife=pick(draws.jackknife)))
        out[key] = pd.DataFrame(columns)
    return out


def _f2(spec: ModelSpec, st: Structure, r: np.ndarray, r2: np.ndarray) -> pd.DataFrame:
    """Cohen's f² of each path: (R² with - R² without the source) / (1 - R² with)."""
    rows = []
    for (source, target), i, j in zip(spec.paths, st.path_rows, st.path_cols):
        rest = st.preds[j][st.preds[j] != i]
        r2_without = 0.0
        if rest.size:
            beta = regress(r[None], rest, j)[0]
            r2_without = float(beta @ r[rest, j])
        r2_with = r2[st.endogenous.index(j)]
        rows.append((source, target, (r2_with - r2_without) / (1 - r2_with)))
    return pd.DataFrame(rows, columns=["source", "target", "f2"])
