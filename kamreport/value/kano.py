"""Kano model (卡诺模型): the evaluation table, categories per attribute, Better/Worse coefficients.

Each attribute is asked twice: the *functional* question ("if the supplier offers X, how do you
feel?") and the *dysfunctional* one ("if it does not offer X?"), both answered 1 like (我喜欢),
2 must-be (理应如此), 3 neutral (无所谓), 4 live-with (能忍受), 5 dislike (我不喜欢). The pair
names one of six categories (Berger et al. 1993, table 2):

- ``A`` attractive (魅力质量 / 令人高兴的因素): delights when present, no harm when absent;
- ``O`` one-dimensional (期望质量 / 越舒服、越快、越好的因素): more is better;
- ``M`` must-be (当然质量 / 必须具备的因素): taken for granted, absence dissatisfies;
- ``I`` indifferent (无差异); ``R`` reverse (反向); ``Q`` questionable (可疑: contradictory answer).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from kamreport.errors import InputError

#: functional answer (rows) x dysfunctional answer (columns), both 1 like .. 5 dislike
EVALUATION_TABLE: tuple[tuple[str, ...], ...] = (
    ("Q", "A", "A", "A", "O"),   # like
    ("R", "I", "I", "I", "M"),   # must-be
    ("R", "I", "I", "I", "M"),   # neutral
    ("R", "I", "I", "I", "M"),   # live-with
    ("R", "R", "R", "R", "Q"),   # dislike
)
#: categories in the tie-break order of Berger et al. (1993), M > O > A > I, then R, Q
CATEGORIES: tuple[str, ...] = ("M", "O", "A", "I", "R", "Q")

_TABLE = np.array(EVALUATION_TABLE, dtype=object)


def _answers(values, side: str) -> tuple[np.ndarray, np.ndarray]:
    """Answers as int codes 1..5 (0 where missing) and the missing mask; InputError otherwise."""
    flat = pd.Series(np.asarray(values, dtype=object).ravel())
    missing = flat.isna().to_numpy()
    present = flat[~missing]
    numbers = pd.to_numeric(present, errors="coerce")
    bad = present[numbers.isna() | (numbers % 1 != 0) | (numbers < 1) | (numbers > 5)]
    if len(bad):
        raise InputError(f"kano: {side} answer {bad.iloc[0]!r} is not one of 1 like, 2 must-be, "
                         "3 neutral, 4 live-with, 5 dislike; fix: recode it or set it missing")
    codes = np.zeros(flat.size, dtype=np.int64)
    codes[~missing] = numbers.to_numpy(dtype=np.float64).astype(np.int64)
    return codes, missing


def classify(functional, dysfunctional):
    """Kano category of each (functional, dysfunctional) answer pair.

    Parameters
    ----------
    functional, dysfunctional : int, array-like or Series
        Answers coded 1 like, 2 must-be, 3 neutral, 4 live-with, 5 dislike (same shape).
        Missing answers (None, NaN, pd.NA) give a missing category.

    Returns
    -------
    str, ndarray or Series
        ``"A"``, ``"O"``, ``"M"``, ``"I"``, ``"R"`` or ``"Q"`` from :data:`EVALUATION_TABLE`
        (NaN where either answer is missing): a str for scalars, a Series (index of
        ``functional``) for a Series, an object array of the input's shape otherwise.

    Raises
    ------
    InputError
        An answer outside 1..5 or not a whole number (the message names the value), or
        shapes that differ.

    References
    ----------
    Kano, N., Seraku, N., Takahashi, F. & Tsuji, S. (1984). Attractive quality and must-be
    quality. *Hinshitsu* 14(2), 39-48. Berger, C. et al. (1993). Kano's methods for
    understanding customer-defined quality. *Center for Quality Management Journal* 2(4), 3-36.

    Examples
    --------
    >>> classify(1, 5), classify(2, 5), classify(1, 3), classify(3, 3)
    ('O', 'M', 'A', 'I')
    >>> classify(pd.Series([1, 5, None]), pd.Series([1, 1, 5])).tolist()
    ['Q', 'R', nan]
    """
    shape_f, shape_d = np.shape(functional), np.shape(dysfunctional)
    if shape_f != shape_d:
        raise InputError(f"kano: functional has shape {shape_f} but dysfunctional {shape_d}; "
                         "fix: pass one answer pair per respondent")
    f, f_missing = _answers(functional, "functional")
    d, d_missing = _answers(dysfunctional, "dysfunctional")
    missing = f_missing | d_missing
    out = np.full(f.size, np.nan, dtype=object)
    out[~missing] = _TABLE[f[~missing] - 1, d[~missing] - 1]
    if shape_f == ():
        return out[0]
    if isinstance(functional, pd.Series):
        return pd.Series(out, index=functional.index, name="kano", dtype=object)
    return out.reshape(shape_f)


def _shares_stats(counts: pd.DataFrame, strength_cut: float) -> pd.DataFrame:
    """Mode (tie order M > O > A > I > R > Q), strengths, Fong's test, Better and Worse."""
    c = counts[list(CATEGORIES)].to_numpy(dtype=np.float64)
    n = c.sum(axis=1)
    order = np.argsort(-c, axis=1, kind="stable")     # stable: ties keep CATEGORIES order
    top, second = np.take_along_axis(c, order[:, :2], axis=1).T
    with np.errstate(divide="ignore", invalid="ignore"):
        strength = (top - second) / n
        total_strength = (counts["A"] + counts["O"] + counts["M"]).to_numpy(np.float64) / n
        fong_limit = 1.65 * np.sqrt((top + second) * (2 * n - top - second) / (2 * n))
        aomi = (counts["A"] + counts["O"] + counts["M"] + counts["I"]).to_numpy(np.float64)
        better = (counts["A"] + counts["O"]).to_numpy(np.float64) / aomi
        worse = -(counts["O"] + counts["M"]).to_numpy(np.float64) / aomi
    answered = n > 0
    category = np.where(answered, np.array(CATEGORIES, dtype=object)[order[:, 0]], np.nan)
    return pd.DataFrame({
        "category": category,
        "strength": strength,
        "total_strength": total_strength,
        "tie": answered & (top == second),
        "weak": answered & (strength < strength_cut),
        "fong_significant": answered & (np.abs(top - second) >= fong_limit),
        "better": np.where(aomi > 0, better, np.nan),
        "worse": np.where(aomi > 0, worse, np.nan),
    }, index=counts.index)


def summary(df: pd.DataFrame, pairs: Mapping[str, tuple[str, str]],
            by: str | Sequence[str] | None = None, *, strength_cut: float = 0.06) -> pd.DataFrame:
    """Kano categories per attribute (and segment): counts, the modal category, Better / Worse.

    Parameters
    ----------
    df : DataFrame
        One row per respondent.
    pairs : mapping attribute -> (functional column, dysfunctional column)
        E.g. ``{"delivery": ("KANO1_F", "KANO1_D")}``.
    by : str or list of str, optional
        Segment column(s) (e.g. ``"account_id"`` or ``"region"``); respondents with a missing
        segment are left out.
    strength_cut : float, default 0.06
        A category whose strength is below this share is flagged ``weak`` (Lee & Newcomb 1997
        suggest 6 percentage points).

    Returns
    -------
    DataFrame
        Index ``attribute`` (then the ``by`` columns). ``n``: respondents with both answers
        (``n_missing``: with one or both missing, left out); counts ``M O A I R Q``;
        ``category``: the most frequent of the six, ties broken in the order M > O > A > I
        (Berger et al. 1993), then R > Q (NaN when n = 0); ``strength``: the top share minus
        the second share (category strength, Lee & Newcomb 1997); ``total_strength``:
        (A + O + M) / n; ``tie``: the two largest counts are equal; ``weak``:
        strength < ``strength_cut``; ``fong_significant``: |a - b| >= 1.65 sqrt((a + b)
        (2n - a - b) / 2n) for the two largest counts a, b (Fong 1996); ``better`` =
        (A + O) / (A + O + M + I) and ``worse`` = -(O + M) / (A + O + M + I) (Matzler &
        Hinterhuber 1998; NaN when A + O + M + I = 0).

    References
    ----------
    Berger, C. et al. (1993), *Center for Quality Management Journal* 2(4), 3-36. Lee, M. C. &
    Newcomb, J. F. (1997). Applying the Kano methodology to meet customer requirements: NASA's
    microgravity science program. *Quality Management Journal* 4(3), 95-106. Fong, D. (1996).
    Using the self-stated importance questionnaire to interpret Kano questionnaire results.
    *Center for Quality Management Journal* 5(3), 21-24. Matzler, K. & Hinterhuber, H. H. (1998).
    How to make product development projects more successful by integrating Kano's model of
    customer satisfaction into quality function deployment. *Technovation* 18(1), 25-38.

    Examples
    --------
    >>> df = pd.DataFrame({"f": [1, 1, 2, 3], "d": [5, 3, 5, 5]})
    >>> row = summary(df, {"delivery": ("f", "d")}).loc["delivery"]
    >>> int(row["n"]), row["category"], float(row["better"]), float(row["worse"])
    (4, 'M', 0.5, -0.75)
    """
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    needed = [c for f, d in pairs.values() for c in (f, d)] + keys
    lost = [c for c in needed if c not in df.columns]
    if lost:
        raise InputError(f"kano.summary: column(s) {', '.join(map(str, lost))} not in the data; "
                         "fix: check pairs= and by=")
    if not pairs:
        raise InputError("kano.summary: pairs is empty; fix: pass {attribute: (functional, dysfunctional)}")
    frames = []
    for attribute, (f_col, d_col) in pairs.items():
        part = df[keys].copy() if keys else pd.DataFrame(index=df.index)
        part["attribute"] = attribute
        part["category"] = classify(df[f_col], df[d_col]).to_numpy()
        frames.append(part)
    long = pd.concat(frames, ignore_index=True)
    if keys:
        long = long.dropna(subset=keys)
    groups = ["attribute"] + keys
    counts = pd.crosstab([long[g] for g in groups], long["category"])
    counts = counts.reindex(columns=list(CATEGORIES), fill_value=0).astype("int64")
    totals = long.groupby(groups, sort=False, observed=True).size()
    counts = counts.reindex(totals.index, fill_value=0)
    counts.columns.name = None
    out = pd.DataFrame({"n": counts.sum(axis=1).astype("int64")}, index=counts.index)
    out["n_missing"] = (totals - out["n"]).astype("int64")
    out = out.join(counts).join(_shares_stats(counts, strength_cut))
    out = out.sort_index()
    order = {a: i for i, a in enumerate(pairs)}
    position = out.index.get_level_values("attribute").map(order)
    return out.iloc[np.argsort(position, kind="stable")]
