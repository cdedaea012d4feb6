"""Input checks and preparation of :func:`~kamreport.satisfaction.pls.fit_pls`.

Options, the item matrix (numeric, finite, enough rows, missing-data rule), case weights
(non-negative, scaled to mean 1), cluster codes (at least two clusters), weighted item moments
and the correlation checks a fit needs before the algorithm runs. Every failure is an
InputError naming the column or rows and the fix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamreport.errors import InputError
from kamreport.satisfaction.plsalgorithm import Structure
from kamreport.satisfaction.spec import ModelSpec


def check_options(weighting: str, missing: str, ci: str, alpha: float, tol: float,
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


def case_weights(data: pd.DataFrame, column: str | None) -> np.ndarray | None:
    """The weights column as float64 scaled to mean 1, or None."""
    if column is None:
        return None
    if not isinstance(data, pd.DataFrame) or column not in data.columns:
        raise InputError(f"weights column {column!r} not in the data; pass weights= a column of "
                         "case weights or None")
    col = pd.to_numeric(data[column], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(col) | (col < 0)
    if bad.any():
        rows = data.index[bad][:5].tolist()
        raise InputError(f"weights column {column!r} has missing, negative or non-numeric values "
                         f"(rows {rows}); fix them or drop those rows")
    if not col.sum() > 0:
        raise InputError(f"weights column {column!r} is all zero; pass positive case weights")
    return col / col.mean()


def clusters(data: pd.DataFrame, column: str | None) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(codes 0..G-1 of each row, the labels) of the cluster column, or (None, None)."""
    if column is None:
        return None, None
    if not isinstance(data, pd.DataFrame) or column not in data.columns:
        raise InputError(f"cluster column {column!r} not in the data; pass cluster= the column "
                         "that identifies the account (or other cluster) of each respondent, "
                         "or None")
    labels = data[column]
    if labels.isna().any():
        rows = data.index[labels.isna().to_numpy()][:5].tolist()
        raise InputError(f"cluster column {column!r} is empty in rows {rows}; fill it (a row "
                         "alone can be its own cluster) or drop those rows")
    codes, uniques = pd.factorize(labels, sort=True)
    if len(uniques) < 2:
        raise InputError(f"cluster column {column!r} has {len(uniques)} cluster; a cluster "
                         "bootstrap needs at least 2 (use cluster=None)")
    return codes.astype(np.intp), labels.to_numpy()


def moments(x: np.ndarray, case_w: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Item means and SDs (n - 1; weighted: sum of weights - 1), ignoring NaN."""
    if case_w is None:
        return np.nanmean(x, axis=0), np.nanstd(x, axis=0, ddof=1)
    present = ~np.isnan(x)
    w = present * case_w[:, None]
    total = w.sum(axis=0)
    means = (np.where(present, x, 0.0) * w).sum(axis=0) / total
    dev = np.where(present, x - means, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return means, np.sqrt((w * dev**2).sum(axis=0) / (total - 1))


def item_array(data: pd.DataFrame, spec: ModelSpec) -> np.ndarray:
    """The model's item columns as float64 (missing cells NaN), checked: a DataFrame, every item
    present once, numeric and finite; else a one-line InputError naming the column and row."""
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
    return x


def item_matrix(data: pd.DataFrame, spec: ModelSpec, missing: str,
                 case_w: np.ndarray | None = None) -> tuple[np.ndarray, pd.Series]:
    """The item columns as float64 (missing cells NaN, or the item mean for missing="mean")."""
    x = item_array(data, spec)
    items = list(spec.items)
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
        x = np.where(na, moments(x, case_w)[0], x)
    return x, replaced


def check_correlations(s: np.ndarray, spec: ModelSpec, st: Structure) -> None:
    if not np.isfinite(s).all():
        i, k = np.argwhere(~np.isfinite(s))[0]
        raise InputError(f"items {spec.items[i]} and {spec.items[k]} have too few rows answered "
                         "together for a correlation; use missing='mean' or drop one of them")
    for j in st.mode_b:
        blk = st.blocks[j]
        if np.linalg.cond(s[np.ix_(blk, blk)]) > 1e12:
            raise InputError(f"the items of composite {spec.names[j]!r} are perfectly collinear; "
                             "drop redundant items or make the construct reflective ('=~')")
