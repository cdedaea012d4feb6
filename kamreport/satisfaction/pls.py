"""PLS-SEM: Lohmöller's PLS path-modeling algorithm on stacks of item correlation matrices.

Every quantity of a PLS fit on standardized data is a function of the item correlation matrix
S and the outer weights W (scores Y = Z W): construct correlations W'SW, item-score
correlations SW (loadings, cross-loadings), mode A updates SW·E, mode B updates S_jj⁻¹(SW·E)_j.
The estimator therefore iterates on S alone, for one fit or for a stack of bootstrap resamples
at once (arrays of shape (B, p, p)); the point estimate and every resample run the same code.

Conventions (they reproduce SmartPLS 2/3 and seminr to ~1e-8 on ``mobi``; see DESIGN.md):
data and scores are standardized with the same (n - 1) variance, so weights and scores have
sample variance 1; initial outer weights 1; factorial / centroid inner weights only between
constructs linked by a path; path weighting: regression weights on a construct's predecessors,
correlations with its successors; stop when the largest absolute change of any outer weight is
below ``tol``. Mode A weights are item-proxy covariances, mode B weights regression weights;
loadings are item-score correlations (also for mode B constructs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from kamreport.errors import ConvergenceError, InputError
from kamreport.satisfaction import bootstrap as boot
from kamreport.satisfaction.spec import ModelSpec

Weighting = Literal["path", "factorial", "centroid"]
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


@dataclass(frozen=True)
class _Structure:
    """The spec as index arrays (items p, constructs K)."""

    mask: np.ndarray  # (p, K) 1 where the item belongs to the construct
    owner: np.ndarray  # (p,) the construct of each item
    blocks: tuple[np.ndarray, ...]  # item positions of each construct
    mode_b: tuple[int, ...]
    adjacency: np.ndarray  # (K, K) 1 for a path i -> j
    preds: tuple[np.ndarray, ...]
    endogenous: tuple[int, ...]
    path_rows: np.ndarray
    path_cols: np.ndarray

    @classmethod
    def of(cls, spec: ModelSpec) -> _Structure:
        names, items = spec.names, spec.items
        mask = np.zeros((len(items), len(names)))
        blocks = []
        for j, c in enumerate(spec.constructs):
            pos = np.array([items.index(i) for i in c.items])
            mask[pos, j] = 1.0
            blocks.append(pos)
        rows = np.array([names.index(s) for s, _ in spec.paths])
        cols = np.array([names.index(t) for _, t in spec.paths])
        adjacency = np.zeros((len(names), len(names)))
        adjacency[rows, cols] = 1.0
        preds = tuple(np.flatnonzero(adjacency[:, j]) for j in range(len(names)))
        mode_b = tuple(j for j, c in enumerate(spec.constructs) if c.mode == "B")
        return cls(mask, mask.argmax(axis=1), tuple(blocks), mode_b, adjacency, preds,
                   tuple(names.index(n) for n in spec.endogenous), rows, cols)


# -- the algorithm on stacks of correlation matrices --------------------------------------------
# Outer weights are kept as a vector w (B, p); the weight matrix is W = diag(w) mask, so S W and
# W'S W are plain 2-D matrix products over the whole stack (fast BLAS, no per-resample loop).
def _item_proxy(s: np.ndarray, w: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """S W: covariances of the items with the construct scores, (B, p, K)."""
    b, p, _ = s.shape
    return ((s * w[:, None, :]).reshape(b * p, p) @ mask).reshape(b, p, -1)


def _construct_cov(sw: np.ndarray, w: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """W'S W = mask' diag(w) S W: covariances of the construct scores, (B, K, K)."""
    b, p, k = sw.shape
    x = (w[:, :, None] * sw).transpose(1, 0, 2).reshape(p, b * k)
    return (mask.T @ x).reshape(k, b, k).transpose(1, 0, 2)


def _unit_variance(s: np.ndarray, w: np.ndarray, st: _Structure) -> tuple[np.ndarray, np.ndarray]:
    """Rescale w so that every score has variance 1; return (w, S W)."""
    sw = _item_proxy(s, w, st.mask)
    scale = 1.0 / np.sqrt((w[:, :, None] * sw * st.mask).sum(axis=1))  # (B, K)
    return w * scale[:, st.owner], sw * scale[:, None, :]


def _solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Stacked solve of a (B, m, m) x = b (B, m); NaN rows where a matrix is singular."""
    try:
        return np.linalg.solve(a, b[..., None])[..., 0]
    except np.linalg.LinAlgError:
        out = np.full(b.shape, np.nan)
        for i in range(a.shape[0]):
            with np.errstate(all="ignore"):
                if np.isfinite(a[i]).all() and np.linalg.cond(a[i]) < 1e14:
                    out[i] = np.linalg.solve(a[i], b[i])
        return out


def _regress(r: np.ndarray, x: np.ndarray, y: int) -> np.ndarray:
    """Standardized regression weights of construct y on constructs x, from correlations r."""
    return _solve(r[:, x[:, None], x], r[:, x, y])


def _inner_weights(r: np.ndarray, st: _Structure, weighting: Weighting) -> np.ndarray:
    linked = st.adjacency + st.adjacency.T
    if weighting == "centroid":
        return np.sign(r) * linked
    if weighting == "factorial":
        return r * linked
    e = r * st.adjacency.T  # successors: correlations
    for j in st.endogenous:
        e[:, st.preds[j], j] = _regress(r, st.preds[j], j)  # predecessors: regression weights
    return e


def outer_weights(s: np.ndarray, st: _Structure, weighting: Weighting, tol: float,
                  max_iter: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Iterate to the outer weights of each correlation matrix in ``s`` (B, p, p).

    Returns ``(w (B, p), converged (B,), iterations (B,))``, w holding each item's weight on
    its construct. A matrix that is not finite or makes a mode B block singular gets NaN
    weights and ``converged=False``; each matrix stops at its own convergence, so a stack gives
    the same numbers as one fit per matrix.
    """
    b, p, _ = s.shape
    finite = np.isfinite(s).all(axis=(1, 2))
    s = np.where(finite[:, None, None], s, np.eye(p))
    w, sw = _unit_variance(s, np.ones((b, p)), st)
    active, iterations = finite.copy(), np.zeros(b, dtype=np.int64)
    items = np.arange(p)
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        sa, wa, swa = (s, w, sw) if idx.size == b else (s[idx], w[idx], sw[idx])
        e = _inner_weights(_construct_cov(swa, wa, st.mask), st, weighting)
        g = swa @ e  # (B, p, K) covariances of the items with the inner proxies
        new = g[:, items, st.owner]  # mode A
        for j in st.mode_b:
            blk = st.blocks[j]
            new[:, blk] = _solve(sa[:, blk[:, None], blk], g[:, blk, j])
        new, sw_new = _unit_variance(sa, new, st)
        change = np.abs(new - wa).max(axis=1)
        w[idx], sw[idx] = new, sw_new
        iterations[idx] += 1
        active[idx[~(change >= tol)]] = False  # NaN change (degenerate) stops too
    w[~finite] = np.nan
    converged = finite & ~active & np.isfinite(w).all(axis=1)
    return w, converged, iterations


def derived(s: np.ndarray, w: np.ndarray, st: _Structure) -> dict[str, np.ndarray]:
    """Loadings, construct correlations, paths, R², total effects from S and w (stacked)."""
    sw = _item_proxy(s, w, st.mask)
    r = _construct_cov(sw, w, st.mask)
    k = st.mask.shape[1]
    coef = np.zeros((s.shape[0], k, k))
    r2 = np.zeros((s.shape[0], len(st.endogenous)))
    for e, j in enumerate(st.endogenous):
        beta = _regress(r, st.preds[j], j)
        coef[:, st.preds[j], j] = beta
        r2[:, e] = (beta * r[:, st.preds[j], j]).sum(axis=1)
    total = np.linalg.inv(np.eye(k) - coef) - np.eye(k)  # sum of all powers (acyclic model)
    return {"weights": w, "loadings": sw[:, np.arange(len(st.owner)), st.owner],
            "cross_loadings": sw, "construct_correlations": r, "r2": r2,
            "paths": coef[:, st.path_rows, st.path_cols], "total_effects": total,
            "indirect_effects": total - coef}


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

    Returns
    -------
    PlsResult. Resamples are aligned to the original signs: a construct whose resample weights
    point away from the original weights (negative inner product) has its weights, and so its
    scores, loadings and paths, multiplied by -1 ("construct-level sign change").

    References
    ----------
    Lohmöller (1989), *Latent Variable Path Modeling with Partial Least Squares*, ch. 2;
    Tenenhaus, Esposito Vinzi, Chatelin & Lauro (2005), *CSDA* 48(1), 159-205 (algorithm,
    sign changes); Hair, Hult, Ringle & Sarstedt (2022), *A Primer on PLS-SEM*, 3rd ed. (f²).

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

    With mobi, ``fit_pls(mobi, ecsi(), bootstrap=5000, seed=1)`` reproduces SmartPLS's paths,
    weights, loadings and total effects to ~1e-8 and takes about 0.3 s.
    """
    _check_options(weighting, missing, ci, alpha, tol, max_iter, bootstrap)
    x, replaced = _item_matrix(data, spec, missing)
    means, sds = np.nanmean(x, axis=0), np.nanstd(x, axis=0, ddof=1)  # n - 1, as the scores
    constant = [i for i, sd in zip(spec.items, sds) if not sd > 1e-12]
    if constant:
        raise InputError(f"item(s) {', '.join(constant)} do not vary (zero variance); drop them "
                         "from the model or check the data")
    z = (x - means) / sds
    st = _Structure.of(spec)
    s = boot.weighted_correlations(z, np.ones((1, len(z))))[0]
    _check_correlations(s[0], spec, st)
    w, converged, iterations = outer_weights(s, st, weighting, tol, max_iter)
    if strict and not converged[0]:
        raise ConvergenceError(f"PLS did not converge in {max_iter} iterations (tol {tol:g}); "
                               "raise max_iter, loosen tol or check the model")
    est = {k: v[0] for k, v in derived(s, w, st).items()}
    draws = None
    if bootstrap:
        draws = _bootstrap(z, means, sds, st, w[0], weighting, tol, max_iter, bootstrap, seed, ci,
                           alpha, n_jobs, progress)
    scores = np.nan_to_num(z) @ (w[0][:, None] * st.mask)
    scores = (scores - scores.mean(axis=0)) / scores.std(axis=0, ddof=1)
    items, names = list(spec.items), list(spec.names)
    tables = _tables(spec, st, est, draws, len(z))
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
    )


def _check_options(weighting: str, missing: str, ci: str, alpha: float, tol: float,
                   max_iter: int, bootstrap: int) -> None:
    for name, value, allowed in (("weighting", weighting, ("path", "factorial", "centroid")),
                                 ("missing", missing, ("mean", "pairwise", "error")),
                                 ("ci", ci, ("percentile", "bca"))):
        if value not in allowed:
            raise InputError(f"{name}={value!r} is not one of {', '.join(map(repr, allowed))}")
    if not 0 < alpha < 1:
        raise InputError(f"alpha={alpha!r} must be between 0 and 1 (0.05 for 95 % intervals)")
    if not tol > 0 or int(max_iter) < 1 or int(bootstrap) < 0 or int(bootstrap) == 1:
        raise InputError(f"tol={tol!r}, max_iter={max_iter!r}, bootstrap={bootstrap!r}: need "
                         "tol > 0, max_iter >= 1 and bootstrap 0 or >= 2")


def _item_matrix(data: pd.DataFrame, spec: ModelSpec, missing: str) -> tuple[np.ndarray, pd.Series]:
    """The item columns as float64 (missing cells NaN, or the item mean for missing="mean")."""
    if not isinstance(data, pd.DataFrame):
        raise InputError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    spec.validate_data(data.columns)
    items = list(spec.items)
    dup = sorted(set(data.columns[data.columns.duplicated()]) & set(items))
    if dup:
        raise InputError(f"data has duplicate column(s) {', '.join(dup)}; rename them")
    frame = data[items]
    for item, dtype in frame.dtypes.items():
        if pd.api.types.is_numeric_dtype(dtype):
            continue
        col = frame[item]
        if not col.isna().all():
            row = (pd.to_numeric(col, errors="coerce").isna() & col.notna()).idxmax()
            raise InputError(f"item column {item!r} is not numeric (row {row!r}: {col[row]!r}); "
                             "recode it to numbers or declare the code missing")
    x = frame.to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isinf(x).any():
        raise InputError(f"item column(s) {', '.join(np.array(items)[np.isinf(x).any(0)])} hold "
                         "infinite values; replace them by valid answers or missing")
    na = np.isnan(x)
    replaced = pd.Series(na.sum(axis=0), index=items, name="missing_replaced")
    if missing == "error" and na.any():
        first = data.index[na.any(axis=1)][:5].tolist()
        raise InputError(f"missing values in item(s) {', '.join(replaced[replaced > 0].index)} "
                         f"(first rows {first}); fill them or use missing='mean' or 'pairwise'")
    empty = [i for i, k in zip(items, (~na).sum(axis=0)) if k < 2]
    n_min = max(3, 2 + max([len(spec.predecessors(e)) for e in spec.endogenous] or [0]),
                1 + max([len(c.items) for c in spec.constructs if c.mode == "B"] or [0]))
    if len(x) < n_min:
        raise InputError(f"too few observations: {len(x)} rows; this model needs at least {n_min} "
                         "(more than its largest regression)")
    if empty:
        raise InputError(f"item(s) {', '.join(empty)} have fewer than 2 answers; drop them or "
                         "collect more data")
    if missing == "mean" and na.any():
        x = np.where(na, np.nanmean(x, axis=0), x)
    return x, replaced


def _check_correlations(s: np.ndarray, spec: ModelSpec, st: _Structure) -> None:
    if not np.isfinite(s).all():
        i, k = np.argwhere(~np.isfinite(s))[0]
        raise InputError(f"items {spec.items[i]} and {spec.items[k]} have too few rows answered "
                         "together for a correlation; use missing='mean' or drop one of them")
    for j in st.mode_b:
        blk = st.blocks[j]
        if np.linalg.cond(s[np.ix_(blk, blk)]) > 1e12:
            raise InputError(f"the items of composite {spec.names[j]!r} are perfectly collinear; "
                             "drop redundant items or make the construct reflective ('=~')")


def _bootstrap(z: np.ndarray, means: np.ndarray, sds: np.ndarray, st: _Structure, w0: np.ndarray,
               weighting: Weighting, tol: float, max_iter: int, n_resamples: int,
               seed: int | None, ci: Literal["percentile", "bca"], alpha: float, n_jobs: int,
               progress: bool) -> boot.BootstrapDraws:
    def fit_stack(s: np.ndarray) -> dict[str, np.ndarray]:
        with np.errstate(invalid="ignore"):  # a degenerate resample (constant item) gives NaN
            w, converged, iterations = outer_weights(s, st, weighting, tol, max_iter)
            flips = (w * w0) @ st.mask < 0  # construct-level sign alignment with the estimate
            out = derived(s, np.where(flips[:, st.owner], -w, w), st)
        return {**out, "converged": converged, "iterations": iterations, "sign_flips": flips}

    return boot.bootstrap_correlations(z, means, sds, fit_stack, n_resamples, seed=seed, ci=ci,
                                       alpha=alpha, n_jobs=n_jobs, progress=progress)


def _tables(spec: ModelSpec, st: _Structure, est: dict[str, np.ndarray],
            draws: boot.BootstrapDraws | None, n: int) -> dict[str, pd.DataFrame]:
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
            columns.update(boot.summarize(pick(est), pick(draws.draws), n, ci=draws.ci,
                                          alpha=draws.alpha, jackknife=pick(draws.jackknife)))
        out[key] = pd.DataFrame(columns)
    return out


def _f2(spec: ModelSpec, st: _Structure, r: np.ndarray, r2: np.ndarray) -> pd.DataFrame:
    """Cohen's f² of each path: (R² with - R² without the source) / (1 - R² with)."""
    rows = []
    for (source, target), i, j in zip(spec.paths, st.path_rows, st.path_cols):
        rest = st.preds[j][st.preds[j] != i]
        r2_without = 0.0
        if rest.size:
            beta = _regress(r[None], rest, j)[0]
            r2_without = float(beta @ r[rest, j])
        r2_with = r2[st.endogenous.index(j)]
        rows.append((source, target, (r2_with - r2_without) / (1 - r2_with)))
    return pd.DataFrame(rows, columns=["source", "target", "f2"])
