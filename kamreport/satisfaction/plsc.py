"""Consistent PLS (PLSc): disattenuate the paths and loadings of reflective blocks by rho_A.

PLS composites of reflective (mode A) blocks carry measurement error, so their correlations
understate the correlations of the common factors behind them and their loadings overstate the
factor loadings. Dijkstra & Henseler (2015) correct both with the block's reliability

    rho_A = (w'w)² · w'(S − diag S)w / w'(ww' − diag(ww'))w

(w the block's outer weights of unit-variance scores, S the block's item correlations): factor
correlations ``r_ij / sqrt(rho_i rho_j)``, factor loadings ``w · sqrt(rho_A) / (w'w)``; the paths
and R² are the regressions on the corrected correlations. Mode B and single-item blocks keep
rho_A = 1 (no correction). Everything works on stacks (B, ...) so the bootstrap corrects every
resample with the same code (seminr 0.2.1's ``PLSc``, to which the tests compare).

References
----------
Dijkstra & Henseler (2015), "Consistent partial least squares path modeling", *MIS Quarterly*
39(2), 297–316; Dijkstra & Henseler (2015), "Consistent and asymptotically normal PLS
estimators for linear structural equations", *CSDA* 81, 10–23.
"""

from __future__ import annotations

import numpy as np

from kamreport.satisfaction.plsalgorithm import Structure, regress


def corrected_blocks(st: Structure) -> list[int]:
    """The constructs PLSc corrects: mode A blocks of two or more items."""
    return [j for j, blk in enumerate(st.blocks) if j not in st.mode_b and len(blk) > 1]


def rho_a(s: np.ndarray, w: np.ndarray, st: Structure) -> np.ndarray:
    """(B, K) rho_A of every construct (1 for mode B and single-item blocks).

    Examples
    --------
    >>> from kamreport.satisfaction.spec import ModelSpec
    >>> st = Structure.of(ModelSpec.from_text("A =~ a1 + a2; B =~ b1; B ~ A"))
    >>> s = np.array([[[1, .49, 0], [.49, 1, 0], [0, 0, 1]]])
    >>> w = np.full((1, 3), 1 / np.sqrt(2 * 1.49))        # equal weights, unit-variance score
    >>> rho_a(s, w, st).round(4).tolist()                  # two items of loading 0.7 each
    [[0.6577, 1.0]]
    """
    out = np.ones((s.shape[0], len(st.blocks)))
    for j in corrected_blocks(st):
        blk = st.blocks[j]
        wb = w[:, blk]
        sb = s[:, blk[:, None], blk]
        wtw = (wb * wb).sum(axis=1)
        quad = np.einsum("bi,bij,bj->b", wb, sb, wb) - (wb * wb * np.diagonal(sb, axis1=1,
                                                                                axis2=2)).sum(1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[:, j] = wtw**2 * quad / (wtw**2 - (wb**4).sum(axis=1))
    return out


def consistent(s: np.ndarray, est: dict[str, np.ndarray], st: Structure) -> dict[str, np.ndarray]:
    """The PLSc version of :func:`~kamreport.satisfaction.plsalgorithm.derived`'s output.

    Replaces construct_correlations (factor correlations, unit diagonal), paths, r2,
    total_effects, indirect_effects and the loadings of corrected blocks; adds ``rho_a``
    (B, K). Weights, cross-loadings and scores stay those of PLS.
    """
    w = est["weights"]
    rho = rho_a(s, w, st)
    with np.errstate(invalid="ignore"):
        root = np.sqrt(rho)
    r = est["construct_correlations"] / (root[:, :, None] * root[:, None, :])
    k = r.shape[1]
    r[:, np.arange(k), np.arange(k)] = 1.0
    coef = np.zeros_like(r)
    r2 = np.zeros((s.shape[0], len(st.endogenous)))
    for e, j in enumerate(st.endogenous):
        beta = regress(r, st.preds[j], j)
        coef[:, st.preds[j], j] = beta
        r2[:, e] = (beta * r[:, st.preds[j], j]).sum(axis=1)
    total = np.linalg.inv(np.eye(k) - coef) - np.eye(k)
    loadings = est["loadings"].copy()
    for j in corrected_blocks(st):
        blk = st.blocks[j]
        wtw = (w[:, blk] ** 2).sum(axis=1, keepdims=True)
        loadings[:, blk] = w[:, blk] * root[:, j, None] / wtw
    return {**est, "construct_correlations": r, "r2": r2, "loadings": loadings,
            "paths": coef[:, st.path_rows, st.path_cols], "total_effects": total,
            "indirect_effects": total - coef, "rho_a": rho}
