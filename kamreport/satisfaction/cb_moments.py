"""Traces of products with the unit matrices of covariance moments, shared by the robust (MLR)
and the FIML-corrected fit computations."""

from __future__ import annotations

import numpy as np


def trace_products(a: np.ndarray, b: np.ndarray, first: np.ndarray, second: np.ndarray,
                    r1: np.ndarray, c1: np.ndarray, r2: np.ndarray, c2: np.ndarray) -> np.ndarray:
    """``tr(A D_q B D_r)`` for the symmetric unit matrices ``D = E_ij + E_ji`` (``E_ii`` on the
    diagonal) of the moments ``(r1[q], c1[q])`` and ``(r2[r], c2[r])``, via
    ``tr(A E_ab B E_cd) = A_da B_bc``; ``first``/``second`` flag the diagonal moments."""
    out = np.zeros((len(r1), len(r2)))
    for x, y in ((r1, c1), (c1, r1)):
        for u, v in ((r2, c2), (c2, r2)):
            out += a[np.ix_(x, v)] * b[np.ix_(y, u)]  # A, B symmetric
    return out / np.outer(1 + first, 1 + second)


def summed_trace_products(a: np.ndarray, b: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``sum_k tr(A_k D_q B_k D_r)`` over a stack of matrices (k x p x p), for the moments
    ``(rows[q], cols[q])`` on both sides: :func:`trace_products`' identity applied to the
    Kronecker sum ``sum_k A_k kron B_k``, one matrix product instead of one gather per matrix."""
    count, p = a.shape[0], a.shape[1]
    kron = a.reshape(count, -1).T @ b.reshape(count, -1)   # [(x, v), (y, u)] = sum_k A_xv B_yu
    out = np.zeros((len(rows), len(rows)))
    for x, y in ((rows, cols), (cols, rows)):
        for u, v in ((rows, cols), (cols, rows)):
            out += kron[np.add.outer(x * p, v), np.add.outer(y * p, u)]
    diagonal = rows == cols
    return out / np.outer(1 + diagonal, 1 + diagonal)
