"""Resampling engine and interval arithmetic for PLS-SEM (and any statistic of weighted data).

A bootstrap resample is a vector of row *counts* (how often each respondent was drawn). Every
statistic the PLS estimator needs is a function of the resample's weighted item correlation
matrix, so a block of resamples is one matrix product ``counts @ (item products)``; the PLS
iterations then run on a stack of small correlation matrices (see :mod:`.pls`).

Clusters and weights: a cluster bootstrap draws G clusters with replacement (a row's count is
its cluster's); a weighted fit multiplies each row's count by its case weight. The resample
loop (:func:`run_blocks`, :meth:`BootstrapDraws.map`) and the block size (:func:`block_size`)
exist once, here, for the fits, the HTMT intervals and the index intervals.

Reproducibility: all row (or cluster) indices are drawn up front from ``numpy.random.default_rng(seed)``
(resample b is ``integers(0, n, n)``, the b-th draw of that stream, which is also what the
seminr PyPI package draws for the same seed) and the resamples are processed in blocks whose
size never depends on ``n_jobs``, so results are bit-identical for any ``n_jobs``.

Parallelism: blocks run in a thread pool with BLAS held to one thread per worker
(threadpoolctl). Measured on mobi (250 x 24, ECSI, 2 cores shared with other jobs): 5000
resamples take 0.2-0.35 s on one thread and gain only ~1.2x on two, because much of the time is
small numpy calls under the GIL; a process pool was not used because starting workers (each
importing numpy and pandas) costs more than the whole run. Larger data (more rows) shifts the
work into matrix products that release the GIL, where the threads help more.

Intervals and p-values: :mod:`kamreport.satisfaction.intervals` (re-exported here).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np

from kamreport.satisfaction.intervals import bca_levels, quantile_linear, summarize

__all__ = ["BLOCK_SIZE", "PARALLEL_MIN", "BlockStatistic", "BootstrapDraws", "Statistic",
           "bca_levels", "block_size", "bootstrap_correlations", "counts_from_indices",
           "draw_indices", "jackknife_counts", "quantile_linear", "resolve_jobs", "run_blocks",
           "summarize", "unit_counts", "weighted_correlations"]

#: Resamples per block (fewer for large n, to bound memory). Never derived from n_jobs, so
#: results do not depend on n_jobs.
BLOCK_SIZE = 250
_BLOCK_CELLS = 4_000_000  # counts cells per block: 32 MB of float64
#: Runs with fewer resamples stay on one thread (thread start-up would cost more than it saves).
PARALLEL_MIN = 1000
#: Upper bound of the bytes of one block's item-product array (chunked over respondents).
_CHUNK_BYTES = 32 * 2**20

Statistic = Callable[[np.ndarray], Mapping[str, np.ndarray]]
#: (counts (b, n), the resamples' positions as a slice) -> {name: array with b on axis 0}
BlockStatistic = Callable[[np.ndarray, slice], Mapping[str, np.ndarray]]


@dataclass(frozen=True)
class BootstrapDraws:
    """Raw resample arrays of a bootstrapped fit, for intervals computed later (HTMT, indices).

    Attributes
    ----------
    indices : (B, n) int32, the rows drawn in each resample (row positions of the data used);
        for a cluster bootstrap (B, G), the clusters drawn (codes of ``clusters``).
    draws : statistic name -> array with the resamples on axis 0. From ``fit_pls``: ``weights``,
        ``loadings``, ``item_means``, ``item_sds`` (B, p, spec item order); ``cross_loadings``
        (B, p, K); ``paths`` (B, n_paths, spec path order); ``r2`` (B, n_endogenous);
        ``construct_correlations``, ``total_effects``, ``indirect_effects`` (B, K, K, [source,
        target]); ``converged``, ``iterations`` (B,); ``sign_flips`` (B, K). Weights, scores and
        paths are sign-aligned with the estimate. Resamples that failed (non-finite statistics,
        e.g. an item constant in the resample) hold NaN and are left out of every interval;
        resamples that hit ``max_iter`` are kept (as SmartPLS) and flagged in ``converged``.
    jackknife : the same statistics for the n leave-one-out samples (BCa only), else None.
    seed, ci, alpha : the settings that produced them.
    clusters : (n,) cluster code 0..G-1 of each row (cluster bootstrap), else None.
    case_weights : (n,) row weights of a weighted fit (mean 1), else None.
    cluster : the name of the cluster column, else None.

    Every consumer turns resamples into row weights with :meth:`counts` (or runs a statistic
    over all of them with :meth:`map`), so rows, clusters and weights are handled in one place.

    Examples
    --------
    >>> draws = BootstrapDraws(np.zeros((3, 5), np.int32), {"paths": np.ones((3, 2))})
    >>> draws.n_resamples, draws.valid.tolist()
    (3, [True, True, True])
    """

    indices: np.ndarray
    draws: Mapping[str, np.ndarray]
    jackknife: Mapping[str, np.ndarray] | None = None
    seed: int | None = None
    ci: Literal["percentile", "bca"] = "percentile"
    alpha: float = 0.05
    clusters: np.ndarray | None = None
    case_weights: np.ndarray | None = None
    cluster: str | None = None

    @property
    def n_resamples(self) -> int:
        """Number of resamples drawn (valid or not)."""
        return int(self.indices.shape[0])

    @property
    def n_rows(self) -> int:
        """Rows of the data the resamples were drawn from."""
        return int(self.indices.shape[1] if self.clusters is None else self.clusters.shape[0])

    @property
    def n_units(self) -> int:
        """Units drawn per resample: the rows, or the clusters for a cluster bootstrap."""
        return int(self.indices.shape[1])

    def counts(self, lo: int, hi: int, case_weights: np.ndarray | None = None) -> np.ndarray:
        """(hi - lo, n_rows) weight of each row in resamples lo..hi-1: draw count x case weight
        (``case_weights`` (n,), default those of the fit)."""
        w = self.case_weights if case_weights is None else case_weights
        return unit_counts(self.indices[lo:hi], self.clusters, w)

    def jackknife_counts(self, lo: int, hi: int) -> np.ndarray:
        """Row weights of the leave-one-unit-out samples lo..hi-1 (a row, or a whole cluster)."""
        counts = jackknife_counts(self.n_units, lo, hi)
        return _expand(counts, self.clusters, self.case_weights)

    def map(self, statistic: BlockStatistic, *, n_jobs: int = 1, progress: bool = False,
            desc: str = "bootstrap", case_weights: np.ndarray | None = None
            ) -> dict[str, np.ndarray]:
        """Evaluate ``statistic(counts, rows)`` on every resample, block by block (counts as
        :meth:`counts`)."""
        return run_blocks(lambda lo, hi: self.counts(lo, hi, case_weights), self.n_resamples,
                          statistic, n_jobs=n_jobs, progress=progress, desc=desc,
                          block=block_size(self.n_rows), with_rows=True)

    @property
    def valid(self) -> np.ndarray:
        """(B,) bool: the resamples whose statistics are all finite."""
        ok = np.ones(self.n_resamples, dtype=bool)
        for arr in self.draws.values():
            if arr.dtype.kind == "f":
                ok &= np.isfinite(arr.reshape(arr.shape[0], -1)).all(axis=1)
        return ok


# -- drawing and running ------------------------------------------------------------------------
def draw_indices(n: int, n_resamples: int, seed: int | np.random.Generator | None) -> np.ndarray:
    """(n_resamples, n) row indices drawn with replacement from ``default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, n, size=(n_resamples, n)).astype(np.int32)


def counts_from_indices(indices: np.ndarray, n: int) -> np.ndarray:
    """(B, n) float64 counts: how often each row occurs in each resample."""
    b = indices.shape[0]
    flat = (indices.astype(np.int64) + n * np.arange(b)[:, None]).ravel()
    return np.bincount(flat, minlength=b * n).reshape(b, n).astype(np.float64)


def block_size(n: int) -> int:
    """Resamples of ``n`` rows processed at once: BLOCK_SIZE, fewer for large n (memory), >= 8.

    The one block rule of every resample loop (fits, HTMT intervals, index intervals). It never
    depends on ``n_jobs``, so results do not either.
    """
    return int(np.clip(_BLOCK_CELLS // max(int(n), 1), 8, BLOCK_SIZE))


def unit_counts(indices: np.ndarray, clusters: np.ndarray | None = None,
                case_weights: np.ndarray | None = None) -> np.ndarray:
    """(B, n) row weights of resamples given by drawn units (rows, or clusters of rows).

    ``indices`` (B, m): the units drawn; ``clusters`` (n,): the unit (0..m-1) of each row, or
    None when the units are the rows; ``case_weights`` (n,): multiplied in (weighted PLS).
    """
    m = indices.shape[1]
    return _expand(counts_from_indices(indices, m), clusters, case_weights)


def _expand(counts: np.ndarray, clusters: np.ndarray | None,
            case_weights: np.ndarray | None) -> np.ndarray:
    if clusters is not None:
        counts = counts[:, clusters]
    return counts if case_weights is None else counts * case_weights


def jackknife_counts(n: int, lo: int, hi: int) -> np.ndarray:
    """Counts of the leave-one-out samples lo..hi-1 (row i left out of sample i)."""
    counts = np.ones((hi - lo, n))
    counts[np.arange(hi - lo), np.arange(lo, hi)] = 0.0
    return counts


def run_blocks(
    make_counts: Callable[[int, int], np.ndarray],
    total: int,
    statistic: Statistic | BlockStatistic,
    *,
    n_jobs: int = 1,
    progress: bool = False,
    desc: str = "bootstrap",
    block: int = BLOCK_SIZE,
    with_rows: bool = False,
) -> dict[str, np.ndarray]:
    """Evaluate ``statistic`` on ``total`` resamples in fixed blocks; concatenate the results.

    The one resample loop of the package (PLS fits, HTMT and index intervals run through it).

    Parameters
    ----------
    make_counts : (lo, hi) -> (hi - lo, n) counts of resamples lo..hi-1.
    total : number of resamples.
    statistic : counts block -> {name: array with the block on axis 0}; with ``with_rows``
        it is called as ``statistic(counts, slice(lo, hi))`` (to pick per-resample inputs).
    n_jobs : worker threads (-1: all cores).
    progress : show a tqdm bar.
    block : resamples per block.
    """
    bounds = [(lo, min(lo + block, total)) for lo in range(0, total, block)]
    workers = max(1, min(resolve_jobs(n_jobs), len(bounds)))
    bar = _progress_bar(total, desc) if progress else None

    def one(bound: tuple[int, int]) -> Mapping[str, np.ndarray]:
        counts = make_counts(*bound)
        out = statistic(counts, slice(*bound)) if with_rows else statistic(counts)
        if bar is not None:
            bar.update(bound[1] - bound[0])
        return out

    try:
        with _single_threaded_blas(workers > 1):
            if workers == 1:
                parts = [one(b) for b in bounds]
            else:
                with ThreadPoolExecutor(max_workers=workers) as pool:
                    parts = list(pool.map(one, bounds))
    finally:
        if bar is not None:
            bar.close()
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def bootstrap_correlations(
    z: np.ndarray,
    means: np.ndarray,
    sds: np.ndarray,
    fit_stack: Callable[[np.ndarray], Mapping[str, np.ndarray]],
    n_resamples: int,
    *,
    seed: int | np.random.Generator | None = None,
    ci: Literal["percentile", "bca"] = "percentile",
    alpha: float = 0.05,
    n_jobs: int = -1,
    progress: bool = False,
    clusters: np.ndarray | None = None,
    case_weights: np.ndarray | None = None,
    cluster: str | None = None,
) -> BootstrapDraws:
    """Bootstrap a statistic of the item correlation matrix (and the jackknife for BCa).

    Parameters
    ----------
    z : (n, p) standardized items (NaN = missing, handled pairwise).
    means, sds : (p,) the item means and SDs that standardized ``z`` (to report each resample's
        item means and SDs in the data's units).
    fit_stack : (B, p, p) correlation matrices -> {name: array with B on axis 0}.
    n_resamples : number of resamples; from PARALLEL_MIN on they run on ``n_jobs`` threads.
    clusters : (n,) cluster code 0..G-1 of each row: resample whole clusters (G drawn with
        replacement per resample; the jackknife leaves one cluster out), else rows.
    case_weights : (n,) row weights (weighted PLS): a resample weights each row by its draw
        count times its case weight.
    cluster : the name of the cluster column (recorded in the result).
    """
    units = len(z) if clusters is None else int(clusters.max()) + 1
    indices = draw_indices(units, n_resamples, seed)
    draws_of = BootstrapDraws(indices, {}, None, seed if isinstance(seed, int) else None, ci,
                              alpha, clusters, case_weights, cluster)

    def statistic(counts: np.ndarray, rows: slice) -> dict[str, np.ndarray]:
        s, m, sd = weighted_correlations(z, counts)
        return {**fit_stack(s), "item_means": means + sds * m, "item_sds": sds * sd}

    jobs = n_jobs if n_resamples >= PARALLEL_MIN else 1
    draws = draws_of.map(statistic, n_jobs=jobs, progress=progress)
    jack = None
    if ci == "bca":
        jack = run_blocks(draws_of.jackknife_counts, units, statistic, n_jobs=jobs,
                          progress=progress, desc="jackknife", block=block_size(len(z)),
                          with_rows=True)
    return dataclasses.replace(draws_of, draws=draws, jackknife=jack)


def resolve_jobs(n_jobs: int) -> int:
    """Number of workers for ``n_jobs`` (-1 = the cores this process may use)."""
    if n_jobs == -1 or n_jobs == 0:
        try:
            return len(os.sched_getaffinity(0))
        except AttributeError:  # pragma: no cover - not Linux
            return os.cpu_count() or 1
    return max(1, int(n_jobs))


def _progress_bar(total: int, desc: str):  # noqa: ANN202 - tqdm type
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="resample")


def _single_threaded_blas(active: bool) -> contextlib.AbstractContextManager:
    if not active:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


# -- weighted item correlations -----------------------------------------------------------------
def weighted_correlations(z: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, ...]:
    """Item correlations, means and SDs (ddof 1) of each count-weighted resample of ``z``.

    ``z`` (n, p) may hold NaN: then every pair uses the rows where both items are present
    (pairwise deletion, as ``pandas.DataFrame.corr``), and means / SDs use each item's own rows.
    Returns ``(corr (B, p, p), mean (B, p), sd (B, p))``; a resample in which an item is constant
    gets NaN.
    """
    n, p = z.shape
    present = ~np.isnan(z)
    if present.all():
        sums = _chunked_products(counts, z, z)  # (B, p, p) sum c x_i x_k
        m = counts @ z / counts.sum(axis=1, keepdims=True)
        w = counts.sum(axis=1)[:, None, None]
        cov = (sums - w * m[:, :, None] * m[:, None, :]) / (w - 1)
        sd = np.sqrt(np.maximum(np.diagonal(cov, axis1=1, axis2=2), 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            corr = cov / (sd[:, :, None] * sd[:, None, :])
        return _unit_diagonal(corr, sd), m, sd
    zz = np.where(present, z, 0.0)
    mask = present.astype(np.float64)
    n_ik = _chunked_products(counts, mask, mask)
    s_i = _chunked_products(counts, zz, mask)  # sum of x_i over rows where k is present
    ss_i = _chunked_products(counts, zz * zz, mask)
    s_ik = _chunked_products(counts, zz, zz)
    s_k = np.swapaxes(s_i, 1, 2)
    ss_k = np.swapaxes(ss_i, 1, 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = s_ik - s_i * s_k / n_ik
        var_i = ss_i - s_i**2 / n_ik
        var_k = ss_k - s_k**2 / n_ik
        corr = cov / np.sqrt(var_i * var_k)
        own = np.diagonal(n_ik, axis1=1, axis2=2)
        m = np.diagonal(s_i, axis1=1, axis2=2) / own
        sd = np.sqrt(np.maximum(np.diagonal(var_i, axis1=1, axis2=2), 0.0) / (own - 1))
    return _unit_diagonal(corr, sd), m, sd


def _unit_diagonal(corr: np.ndarray, sd: np.ndarray) -> np.ndarray:
    idx = np.arange(corr.shape[1])
    corr[:, idx, idx] = np.where(sd > 0, 1.0, np.nan)
    return corr


def _chunked_products(counts: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(B, p, p) sums over rows r of counts[:, r] * a[r, i] * b[r, k], chunked over rows."""
    n, p = a.shape
    step = max(1, _CHUNK_BYTES // (8 * p * p))
    out = np.zeros((counts.shape[0], p * p))
    for lo in range(0, n, step):
        prod = (a[lo : lo + step, :, None] * b[lo : lo + step, None, :]).reshape(-1, p * p)
        out += counts[:, lo : lo + step] @ prod
    return out.reshape(-1, p, p)
