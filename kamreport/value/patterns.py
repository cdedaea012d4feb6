"""Customer histories for the customer-base models: checked, collapsed, and broadcast.

One idea: the ``(x, t_x, T[, m])`` data of :mod:`kamreport.value.lifetime`'s models, on the way in
(:func:`validate_summary` raises :class:`~kamreport.errors.InputError` naming the column and the
first offending customers; :func:`collapse` folds customers onto their distinct patterns, with
counts as weights, as Fader & Hardie fit CDNOW) and in predictions (:func:`broadcast_history`
takes the fitted summary's customers by default; :func:`label` returns Series on their index).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypeAlias, overload

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from kamreport.errors import InputError

#: what a prediction method returns: a float for scalar input, a Series on the customers' index
#: for the fitted summary (or pandas input), else an array
Prediction: TypeAlias = float | np.ndarray | pd.Series


def offending_rows(index: pd.Index, mask: np.ndarray, limit: int = 5) -> str:
    """The first ``limit`` index labels where ``mask`` holds, for an error message."""
    labels = [str(v) for v in index[np.flatnonzero(mask)[:limit]]]
    more = int(mask.sum()) - len(labels)
    return ", ".join(labels) + (f" and {more} more" if more > 0 else "")


def validate_summary(
    summary: pd.DataFrame, columns: Sequence[str], *, model: str
) -> dict[str, np.ndarray]:
    """Check a customer summary and return its ``columns`` as float64 arrays.

    Parameters
    ----------
    summary : DataFrame
        One row per customer, the columns of :func:`kamreport.value.customer_summary`.
    columns : sequence of str
        Required columns, out of ``frequency``, ``recency``, ``T``, ``monetary_value``.
    model : str
        Name of the calling function, used in messages.

    Returns
    -------
    dict
        Column name -> float64 array (``frequency`` holds whole numbers).

    Raises
    ------
    InputError
        Not a DataFrame, no rows, a missing or non-numeric column, missing or infinite values,
        negative values, a non-integer ``frequency``, ``recency`` > ``T``, or ``recency`` != 0
        where ``frequency`` == 0. The message names the column and the first offending rows.
    """
    if not isinstance(summary, pd.DataFrame):
        raise InputError(
            f"{model}: summary must be a pandas DataFrame, got {type(summary).__name__}; "
            "build it with kamreport.value.customer_summary"
        )
    missing = [c for c in columns if c not in summary.columns]
    if missing:
        raise InputError(
            f"{model}: summary lacks column(s) {', '.join(map(repr, missing))} "
            f"(has {', '.join(map(repr, map(str, summary.columns)))}); "
            "build it with kamreport.value.customer_summary"
        )
    if len(summary) == 0:
        raise InputError(f"{model}: summary has no rows; pass at least one customer")
    out: dict[str, np.ndarray] = {}
    for name in columns:
        col = summary[name]
        if not (pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)):
            raise InputError(
                f"{model}: column {name!r} has dtype {col.dtype}, not numbers; convert it first"
            )
        if col.dtype == np.float64:
            values = col.to_numpy()          # no copy
        else:
            values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~np.isfinite(values)
        if bad.any():
            raise InputError(
                f"{model}: column {name!r} is missing or infinite in {int(bad.sum())} rows "
                f"(customers {offending_rows(summary.index, bad)}); drop or fill those customers"
            )
        bad = values < 0
        if bad.any():
            raise InputError(
                f"{model}: column {name!r} is negative in {int(bad.sum())} rows "
                f"(customers {offending_rows(summary.index, bad)}); it must be >= 0"
            )
        out[name] = values
    if "frequency" in out:
        x = out["frequency"]
        bad = x != np.floor(x)
        if bad.any():
            raise InputError(
                f"{model}: column 'frequency' is not a whole number in {int(bad.sum())} rows "
                f"(customers {offending_rows(summary.index, bad)}); it counts repeat purchase days"
            )
    if "recency" in out and "T" in out:
        tx, big_t = out["recency"], out["T"]
        bad = tx > big_t * (1 + 1e-12) + 1e-12
        if bad.any():
            raise InputError(
                f"{model}: column 'recency' exceeds 'T' in {int(bad.sum())} rows "
                f"(customers {offending_rows(summary.index, bad)}); both must run from the first purchase "
                "in the same unit (customer_summary does this)"
            )
        if "frequency" in out:
            bad = (out["frequency"] == 0) & (tx != 0)
            if bad.any():
                raise InputError(
                    f"{model}: column 'recency' is not 0 where 'frequency' is 0 in "
                    f"{int(bad.sum())} rows (customers {offending_rows(summary.index, bad)}); recency is "
                    "first -> last purchase, not time since the last purchase"
                )
    return out


@overload
def collapse(
    *columns: np.ndarray, return_inverse: Literal[False] = ...
) -> tuple[list[np.ndarray], np.ndarray]: ...


@overload
def collapse(
    *columns: np.ndarray, return_inverse: Literal[True]
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]: ...


def collapse(
    *columns: np.ndarray, return_inverse: bool = False
) -> tuple[list[np.ndarray], np.ndarray] | tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Unique rows of equal-length columns and how often each occurs.

    Hash-based (``pandas.factorize``, no sort) and in place where it can be, so 10^7 rows take
    well under a second and a few int64 arrays of their length. Patterns come in the order of
    their first appearance.

    Parameters
    ----------
    *columns : ndarray
        Columns of the same length.

    return_inverse : bool
        Also return, for every row, the number of its pattern.

    Returns
    -------
    (list of ndarray, ndarray[, ndarray])
        The columns of the unique patterns, the count (float64 weight) of each pattern and, with
        ``return_inverse``, the pattern number of each row.

    Examples
    --------
    >>> (x, t), w = collapse(np.array([1.0, 1.0, 2.0]), np.array([3.0, 3.0, 3.0]))
    >>> x.tolist(), t.tolist(), w.tolist()
    ([1.0, 2.0], [3.0, 3.0], [2.0, 1.0])
    """
    codes, first = pd.factorize(columns[0], sort=False)
    stages = []  # per further column: (its unique values, combined keys of the new codes)
    for col in columns[1:]:
        labels, uniques = pd.factorize(col, sort=False)
        # key = previous code * len(uniques) + label, in place (< n * n, far below 2**63)
        key = codes.astype(np.int64, copy=False)
        np.multiply(key, len(uniques), out=key)
        np.add(key, labels, out=key)
        del labels
        codes, keys = pd.factorize(key, sort=False)
        del key
        stages.append((np.asarray(uniques), np.asarray(keys, dtype=np.int64)))
    n_patterns = int(codes.max()) + 1
    counts = np.bincount(codes, minlength=n_patterns).astype(np.float64)
    # decode each pattern's values from the keys, last column first (pattern-sized arrays only)
    patterns: list[np.ndarray] = []
    index = np.arange(n_patterns)
    for uniques, keys in reversed(stages):
        key = keys[index]
        patterns.append(uniques[key % len(uniques)])
        index = key // len(uniques)
    patterns.append(np.asarray(first)[index])
    patterns.reverse()
    if return_inverse:
        return patterns, counts, codes
    return patterns, counts


def broadcast_history(
    stored: tuple[pd.Series, pd.Series, pd.Series],
    frequency: ArrayLike | None,
    recency: ArrayLike | None,
    T: ArrayLike | None,
    *,
    model: str,
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], pd.Index | None]:
    """Customer histories for a prediction: the fitted summary's by default, else the arguments.

    Returns the three arrays (broadcast, float64) and the index to label results with (the
    customer index of the fitted summary, or of the first pandas argument), or None.
    """
    given = [v is not None for v in (frequency, recency, T)]
    if not any(given):
        return tuple(s.to_numpy(np.float64) for s in stored), stored[0].index  # type: ignore[return-value]
    if not all(given):
        raise InputError(
            f"{model}: pass all of frequency, recency and T, or none (then the fitted summary is used)"
        )
    index = next((v.index for v in (frequency, recency, T) if isinstance(v, pd.Series)), None)
    arrays = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (frequency, recency, T)))
    return tuple(np.array(a) for a in arrays), index  # type: ignore[return-value]


def label(values: np.ndarray, index: pd.Index | None, name: str) -> Prediction:
    """Return ``values`` as a Series on ``index``, a float for a 0-d result, else the array."""
    if index is not None and values.ndim == 1 and len(index) == values.size:
        return pd.Series(values, index=index, name=name)
    if values.ndim == 0:
        return float(values)
    return values
