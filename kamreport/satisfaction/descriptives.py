"""Descriptive statistics of a survey: sample sizes and item summaries by construct."""

from __future__ import annotations

import pandas as pd

from kamreport.data.schemas import Codebook
from kamreport.errors import InputError


def sample_sizes(survey: pd.DataFrame, *, by: str | list[str] | None = None,
                 account: str | None = "account_id") -> pd.DataFrame:
    """Respondents (and distinct accounts) overall or per segment.

    Parameters
    ----------
    survey : validated survey frame
    by : column(s) to break down by, e.g. ``"wave"`` or ``["region", "wave"]``
    account : the account id column (counted as distinct accounts), or ``None``

    Returns
    -------
    DataFrame with ``respondents`` (and ``accounts``) per group, plus a ``share`` of respondents.

    Examples
    --------
    >>> df = pd.DataFrame({"account_id": ["a", "a", "b"], "wave": [1, 2, 1]})
    >>> sample_sizes(df, by="wave")["respondents"].tolist()
    [2, 1]
    """
    keys = [by] if isinstance(by, str) else list(by or [])
    for col in [*keys, *([account] if account else [])]:
        if col not in survey.columns:
            raise InputError(f"survey: column {col!r} not found for sample sizes; choose one of {', '.join(map(str, survey.columns[:10]))}")
    agg = {"respondents": (survey.columns[0], "size")}
    if account:
        agg["accounts"] = (account, "nunique")
    if keys:
        table = survey.groupby(keys, observed=True, dropna=False).agg(**agg)
    else:
        table = pd.DataFrame({k: [survey[c].size if f == "size" else survey[c].nunique()]
                              for k, (c, f) in agg.items()}, index=pd.Index(["all"], name="sample"))
    table["share"] = table["respondents"] / table["respondents"].sum()
    return table


def item_summary(survey: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Per item: construct, n answered, missing share, mean, standard deviation, min, max.

    Items are as validated by :func:`kamreport.data.read_survey` (missing codes already NA,
    reverse-coded items already reflected).
    """
    rows = []
    for construct, items in codebook.construct_items().items():
        for item in items:
            if item not in survey.columns:
                raise InputError(f"survey: item column {item!r} of construct {construct!r} is missing; check the codebook")
            col = survey[item].astype(float)
            rows.append({
                "construct": construct, "item": item, "n": int(col.notna().sum()),
                "missing_share": float(col.isna().mean()), "mean": col.mean(), "sd": col.std(ddof=1),
                "min": col.min(), "max": col.max(),
            })
    return pd.DataFrame(rows)
