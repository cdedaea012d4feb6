"""The PLS path-modeling algorithm (Lohmöller) on stacks of item correlation matrices.

Every quantity of a PLS fit on standardized data is a function of the item correlation matrix
S and the outer weights W (scores Y = Z W): construct correlations W'SW, item-score
correlations SW (loadings, cross-loadings), mode A updates SW·E, mode B updates S_jj⁻¹(SW·E)_j.
The estimator therefore iterates on S alone, for one fit or for a stack of bootstrap resamples
at once (arrays of shape (B, p, p)); the point estimate and every resample run the same code.

Initial outer weights 1; factorial / centroid inner weights only between constructs linked by a
path; path weighting: regression weights on a construct's predecessors, correlations with its
successors; stop when the largest absolute change of any outer weight is below ``tol``. Mode A
weights are item-proxy covariances, mode B weights regression weights; loadings are item-score
correlations (also for mode B constructs).

This module works on numpy arrays only (the spec enters as index arrays, :class:`Structure`);
input checks, standardization, bootstrap and the result tables are in
:mod:`kamreport.satisfaction.pls`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from kamreport.satisfaction.spec import ModelSpec

Weighting = Literal["path", "factorial", "centroid"]


@dataclass(frozen=True)
class Structure:
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
    def of(cls, spec: ModelSpec) -> Structure:
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


def _unit_variance(s: np.ndarray, w: np.ndarray, st: Structure) -> tuple[np.ndarray, np.ndarray]:
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


def regress(r: np.ndarray, x: np.ndarray, y: int) -> np.ndarray:
    """Standardized regression weights of construct y on constructs x, from correlations r."""
    return _solve(r[:, x[:, None], x], r[:, x, y])


def _inner_weights(r: np.ndarray, st: Structure, weighting: Weighting) -> np.ndarray:
    linked = st.adjacency + st.adjacency.T
    if weighting == "centroid":
        return np.sign(r) * linked
    if weighting == "factorial":
        return r * linked
    e = r * st.adjacency.T  # successors: correlations
    for j in st.endogenous:
        e[:, st.preds[j], j] = regress(r, st.preds[j], j)  # predecessors: regression weights
    return e


def outer_weights(s: np.ndarray, st: Structure, weighting: Weighting, tol: float,
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


def derived(s: np.ndarray, w: np.ndarray, st: Structure) -> dict[str, np.ndarray]:
    """Loadings, construct correlations, paths, R², total effects from S and w (stacked)."""
    sw = _item_proxy(s, w, st.mask)
    r = _construct_cov(sw, w, st.mask)
    k = st.mask.shape[1]
    coef = np.zeros((s.shape[0], k, k))
    r2 = np.zeros((s.shape[0], len(st.endogenous)))
    for e, j in enumerate(st.endogenous):
        beta = regress(r, st.preds[j], j)
        coef[:, st.preds[j], j] = beta
        r2[:, e] = (beta * r[:, st.preds[j], j]).sum(axis=1)
    total = np.linalg.inv(np.eye(k) - coef) - np.eye(k)  # sum of all powers (acyclic model)
    return {"weights": w, "loadings": sw[:, np.arange(len(st.owner)), st.owner],
            "cross_loadings": sw, "construct_correlations": r, "r2": r2,
            "paths": coef[:, st.path_rows, st.path_cols], "total_effects": total,
            "indirect_effects": total - coef}
