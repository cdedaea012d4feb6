"""The survey's free-text comments in the account review: sentiment per satisfaction band, the
terms that set each band apart, and the most negative comments of the top-tier accounts.

Joins the comment column the codebook names (``answers: {comment: ...}``), each respondent's 0-100
satisfaction score (:attr:`kamreport.review.AccountReview.respondent_scores`) and the accounts'
tiers; the scoring is :mod:`kamreport.satisfaction.comments`. Without a comment column the part
is skipped with its reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kamreport.data.schemas import Codebook
from kamreport.data.sources import as_id
from kamreport.satisfaction.comments import negative_comments, score_comments, sentiment_shares, top_terms


@dataclass(frozen=True)
class CommentsAnalysis:
    """Scored comments and what notebook 03 shows of them (None where skipped)."""

    scored: pd.DataFrame | None          # respondent: text, language, sentiment, label, method
    bands: pd.Series | None              # respondent -> satisfaction band (ordered categorical)
    shares: pd.DataFrame | None          # band: n, negative, neutral, positive
    terms: pd.DataFrame | None           # group (band), term, count, share, lift
    negative: pd.DataFrame | None        # top-tier accounts' negative comments in the report's language
    n_negative_other_language: int = 0   # top-tier negative comments in another language (not listed)
    language: str = "zh"
    skipped: dict[str, str] = field(default_factory=dict)


def satisfaction_bands(scores: pd.Series, edges: Sequence[float] = (30.0, 50.0, 70.0, 90.0)) -> pd.Series:
    """0-100 scores cut into bands ``[0, 30)``, ``[30, 50)``, ..., ``[90, 100]`` (an edge belongs
    to the upper band), as an ordered categorical; NaN stays NaN.

    Examples
    --------
    >>> satisfaction_bands(pd.Series([10.0, 30.0, 100.0]), (30, 70)).astype(str).tolist()
    ['[0, 30)', '[30, 70)', '[70, 100]']
    """
    cuts = [0.0, *map(float, edges), 100.0]
    names = [f"[{lo:g}, {hi:g})" for lo, hi in zip(cuts[:-2], cuts[1:-1])] + [f"[{cuts[-2]:g}, 100]"]
    codes = np.searchsorted(np.asarray(cuts[1:-1]), scores.to_numpy(dtype=np.float64), side="right")
    values = pd.Categorical.from_codes(np.where(scores.isna(), -1, codes), categories=names, ordered=True)
    return pd.Series(values, index=scores.index, name="band")


def analyse_comments(survey: pd.DataFrame | None, codebook: Codebook | None, satisfaction: pd.Series | None,
                     tiers: pd.Series, *, account_key: str = "account_id", language: str = "zh",
                     edges: Sequence[float] = (30.0, 50.0, 70.0, 90.0), top_tiers: int = 2, n: int = 10,
                     n_terms: int = 5) -> CommentsAnalysis:
    """Comment sentiment and themes (see the module docstring).

    Parameters
    ----------
    survey, codebook : the validated survey and its codebook (the comment column is
        ``codebook.answer_columns()["comment"]``)
    satisfaction : each respondent's 0-100 satisfaction (index = the survey's), for the bands
    tiers : account -> tier, an ordered categorical with the top tier first
    account_key : the survey's account column
    language : the report's language: the terms and the listed comments are those in it (a
        quote the reader cannot read is counted, not shown)
    edges, top_tiers, n, n_terms : band edges, how many top tiers, comments listed, terms per band

    Returns
    -------
    CommentsAnalysis
    """
    column = codebook.answer_columns().get("comment") if codebook is not None else None
    if survey is None or column is None or column not in survey.columns:
        reason = ("no survey in this parameter set" if survey is None else
                  "the codebook names no comment column (answers: {comment: <column>})")
        return CommentsAnalysis(None, None, None, None, None, 0, language, {"comments": reason})
    skipped: dict[str, str] = {}
    scored = score_comments(survey[column])
    if scored.empty:
        return CommentsAnalysis(scored, None, None, None, None, 0, language,
                                {"comments": f"the comment column {column!r} is empty"})
    bands = shares = terms = None
    if satisfaction is not None:
        bands = satisfaction_bands(satisfaction.reindex(scored.index), edges)
        shares = sentiment_shares(scored, bands)
        terms = top_terms(scored["text"], bands, n=n_terms, language=language)
    else:
        skipped["bands"] = "no satisfaction score per respondent"
    negative, other = None, 0
    if account_key in survey.columns:
        accounts = as_id(survey[account_key]).reindex(scored.index)
        listed = negative_comments(scored, accounts, tiers, top_tiers=top_tiers, n=len(scored))
        mine = listed["language"] == language
        other = int((~mine).sum())
        negative = listed[mine].head(n)
    else:
        skipped["negative"] = f"the survey has no account column {account_key!r}"
    return CommentsAnalysis(scored, bands, shares, terms, negative, other, language, skipped)


__all__ = ["CommentsAnalysis", "analyse_comments", "satisfaction_bands"]
