"""What survey tools export besides answers, made explicit and counted.

Survey tools write "N/A", "不适用" or "Don't know" into answer columns; those become missing and
are counted by text. Patterns that are legal but suspicious are flagged, never fatal:
straight-lining (every answered item the same), items nobody varies on, columns the codebook
does not know. Counts land in ``frame.attrs["cleaning"]`` so that a report can state them.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

#: texts that mean "no answer" in answer columns (compared stripped and case-insensitively);
#: pandas already reads blank, NA, N/A, #N/A, NULL, null and nan as missing in CSV files
MISSING_TEXTS = frozenset({
    "n/a", "na", "#n/a", "n.a.", "null", "none", "nan", "-", "—", ".", "?",
    "don't know", "dont know", "dk", "not applicable", "refused",
    "不适用", "不知道", "无法回答", "拒答", "无", "缺失", "说不清",
})
#: straight-lining needs at least this many answered items to mean anything
MIN_ITEMS_STRAIGHT = 4


def missing_texts(frame: pd.DataFrame, columns: Iterable[str]) -> tuple[pd.DataFrame, dict[str, int]]:
    """``frame`` with "no answer" texts in ``columns`` set to missing, and their counts by text.

    Examples
    --------
    >>> df = pd.DataFrame({"Q1": ["7", "N/A", "不适用", "5"]})
    >>> out, counts = missing_texts(df, ["Q1"])
    >>> out["Q1"].tolist(), counts
    (['7', nan, nan, '5'], {'N/A': 1, '不适用': 1})
    """
    counts: dict[str, int] = {}
    out = frame.copy()
    for col in columns:
        values = out[col]
        if pd.api.types.is_numeric_dtype(values):
            continue
        text = values.astype("string").str.strip()
        hit = text.str.lower().isin(MISSING_TEXTS).fillna(False).astype(bool)
        if hit.any():
            for word, n in text[hit].value_counts().items():
                counts[str(word)] = counts.get(str(word), 0) + int(n)
            out[col] = values.astype(object).mask(hit, float("nan"))
    return out, counts


def straight_liners(frame: pd.DataFrame, items: Iterable[str]) -> pd.Series:
    """Mask of respondents who gave the same answer to every item they answered (at least
    :data:`MIN_ITEMS_STRAIGHT` of them; fewer items cannot show the pattern).

    Examples
    --------
    >>> df = pd.DataFrame({"a": [5, 5, 1], "b": [5, 4, 1], "c": [5, 3, 1], "d": [5, 2, None]})
    >>> straight_liners(df, ["a", "b", "c", "d"]).tolist()
    [True, False, False]
    """
    answers = frame[list(items)]
    answered = answers.notna().sum(axis=1)
    return (answered >= MIN_ITEMS_STRAIGHT) & (answers.nunique(axis=1) == 1)


def constant_items(frame: pd.DataFrame, items: Iterable[str]) -> list[str]:
    """Items with fewer than two distinct answers: they carry no information for a model.

    Examples
    --------
    >>> constant_items(pd.DataFrame({"a": [3, 3, None], "b": [1, 2, 3]}), ["a", "b"])
    ['a']
    """
    return [i for i in items if frame[i].nunique(dropna=True) < 2]


__all__ = ["MISSING_TEXTS", "constant_items", "missing_texts", "straight_liners"]
