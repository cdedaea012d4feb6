"""Per-account view of the relationship: loyalty types and the satisfaction x value grid.

Joins what customers say (survey construct scores, per respondent) with what they do
(transactions, per account), as key-account management (大客户管理) asks: one row per account.
Everything is keyed by account id; respondents are first averaged within their account.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from kamreport.errors import InputError

#: loyalty class -> recommended action code (the words are the report layer's)
LOYALTY_ACTIONS: dict[str, str] = {
    "true": "retain",          # 绝对忠诚: keep and reward; ask for referrals
    "latent": "develop",       # 潜在忠诚: remove what keeps them from buying more (share of wallet)
    "spurious": "convert",     # 惯性忠诚: build attachment before circumstances change
    "none": "deprioritise",    # 非忠诚: do not invest beyond the basic level
}
LOYALTY_CLASSES: tuple[str, ...] = tuple(LOYALTY_ACTIONS)


def _unique_index(series: pd.Series, role: str) -> None:
    if series.index.has_duplicates:
        dup = series.index[series.index.duplicated()][0]
        raise InputError(f"{role}: account {dup!r} appears more than once; fix: one value per account")


def _numeric(series, role: str) -> pd.Series:
    if isinstance(series, pd.DataFrame):
        if series.shape[1] != 1:
            raise InputError(f"{role}: pass one column (a Series per account), got {series.shape[1]}")
        series = series.iloc[:, 0]
    if not isinstance(series, pd.Series):
        raise InputError(f"{role}: pass a Series indexed by account, got {type(series).__name__}")
    values = pd.to_numeric(series, errors="coerce").astype(np.float64)
    if (values.isna() & series.notna()).any():
        raise InputError(f"{role}: non-numeric values; fix: recode them or set them missing")
    _unique_index(values, role)
    return values


def _account_of(frame, account, role: str) -> pd.Series:
    """The account id of each row: a column name of ``frame`` or a Series aligned with it."""
    if isinstance(account, str):
        if not isinstance(frame, pd.DataFrame) or account not in frame.columns:
            raise InputError(f"{role}: account column {account!r} not found; fix: pass the column name "
                             "or a Series of account ids aligned with the rows")
        return frame[account]
    if not isinstance(account, pd.Series):
        raise InputError(f"{role}: account must be a column name or a Series, got {type(account).__name__}")
    if not account.index.equals(frame.index):
        raise InputError(f"{role}: the account Series is not aligned with the rows (different index); "
                         "fix: pass survey['account_id'] for the same rows")
    return account


def loyalty_matrix(attitude: pd.Series, behaviour: pd.Series,
                   cuts: tuple[float | None, float | None] | None = None) -> pd.Series:
    """Loyalty type of each account from attitudinal and behavioural loyalty (Dick & Basu 1994).

    ==================  ======================  =====================
    attitude \\ behav.   high                    low
    ==================  ======================  =====================
    high                 ``true`` 绝对忠诚         ``latent`` 潜在忠诚
    low                  ``spurious`` 惯性忠诚      ``none`` 非忠诚
    ==================  ======================  =====================

    Parameters
    ----------
    attitude, behaviour : Series indexed by account
        E.g. :func:`attitudinal_loyalty` ``["attitude"]`` and :func:`behavioural_loyalty`
        ``["behaviour"]``. The indexes are aligned by an outer join.
    cuts : (attitude cut, behaviour cut), optional
        A value at or above its cut is *high*. ``None`` (either or both) means the median of
        that side's non-missing values.

    Returns
    -------
    Series
        ``loyalty``: "true", "latent", "spurious" or "none" per account of the union of both
        indexes (attitude's order, then accounts only in behaviour); NaN where either side is
        missing (kept, never dropped). ``attrs["cuts"]`` holds the cuts used.

    References
    ----------
    Dick, A. S. & Basu, K. (1994). Customer loyalty: toward an integrated conceptual framework.
    *Journal of the Academy of Marketing Science* 22(2), 99-113. Method text 004, 3.3
    顾客忠诚类型分析 (非忠诚、潜在忠诚、惯性忠诚、绝对忠诚).

    Examples
    --------
    >>> att = pd.Series([5., 5, 1, 1], index=list("abcd"))
    >>> beh = pd.Series([.9, .1, .9, .1], index=list("abcd"))
    >>> loyalty_matrix(att, beh, cuts=(3, .5)).tolist()
    ['true', 'latent', 'spurious', 'none']
    """
    a, b = _numeric(attitude, "loyalty_matrix attitude"), _numeric(behaviour, "loyalty_matrix behaviour")
    cut_a, cut_b = (None, None) if cuts is None else cuts
    cut_a = float(a.median()) if cut_a is None else float(cut_a)
    cut_b = float(b.median()) if cut_b is None else float(cut_b)
    index = a.index.append(b.index.difference(a.index, sort=False))
    a, b = a.reindex(index), b.reindex(index)
    high_a, high_b = (a >= cut_a).to_numpy(), (b >= cut_b).to_numpy()
    labels = np.where(high_a, np.where(high_b, "true", "latent"), np.where(high_b, "spurious", "none"))
    out = pd.Series(labels.astype(object), index=index, name="loyalty", dtype=object)
    out = out.where(a.notna() & b.notna())
    out.attrs["cuts"] = (cut_a, cut_b)
    return out


def account_construct_scores(scores: pd.DataFrame, account) -> pd.DataFrame:
    """Mean construct score of each account's respondents (each respondent counts once).

    Parameters
    ----------
    scores : DataFrame
        One row per respondent, one numeric column per construct (e.g. the 0-100
        ``respondent_index``); a column named by ``account`` is left out of the means.
    account : str or Series
        Column of ``scores`` with the account id, or a Series aligned with its rows.
        Respondents without an account are left out.

    Returns
    -------
    DataFrame
        Index account (sorted), the mean of each construct over respondents who have it, and
        ``n_respondents``.

    Examples
    --------
    >>> s = pd.DataFrame({"Loyalty": [80., 60, 50], "acc": ["a", "a", "b"]})
    >>> account_construct_scores(s, "acc")["Loyalty"].tolist()
    [70.0, 50.0]
    """
    ids = _account_of(scores, account, "account_construct_scores")
    values = scores.drop(columns=[account]) if isinstance(account, str) else scores
    values = values.apply(pd.to_numeric, errors="coerce").astype(np.float64)
    groups = values.groupby(ids.to_numpy(), sort=True, dropna=True)
    out = groups.mean()
    out["n_respondents"] = groups.size().astype("int64")
    out.index.name = "account"
    return out


def attitudinal_loyalty(scores: pd.DataFrame, account, *, construct: str = "Loyalty") -> pd.DataFrame:
    """Attitudinal loyalty (态度忠诚) per account: the mean Loyalty score of its respondents.

    Parameters
    ----------
    scores : DataFrame
        Per respondent, with a column ``construct`` (e.g. the 0-100 index of Loyalty).
    account : str or Series
        As :func:`account_construct_scores`.
    construct : str, default "Loyalty"

    Returns
    -------
    DataFrame
        Index account; ``attitude`` (mean, NaN when no respondent answered) and ``n``
        (respondents with a score).

    Examples
    --------
    >>> s = pd.DataFrame({"Loyalty": [80., None, 50], "acc": ["a", "a", "b"]})
    >>> attitudinal_loyalty(s, "acc")["n"].tolist()
    [1, 1]
    """
    if construct not in scores.columns:
        raise InputError(f"attitudinal_loyalty: construct column {construct!r} not in scores; "
                         "fix: pass construct=<the loyalty construct's name>")
    ids = _account_of(scores, account, "attitudinal_loyalty")
    values = pd.to_numeric(scores[construct], errors="coerce").astype(np.float64)
    groups = values.groupby(ids.to_numpy(), sort=True, dropna=True)
    out = pd.DataFrame({"attitude": groups.mean(), "n": groups.count().astype("int64")})
    out.index.name = "account"
    return out


def behavioural_loyalty(summary: pd.DataFrame, *, active_share: pd.Series | None = None,
                        p_alive: pd.Series | None = None,
                        weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Behavioural loyalty (行为忠诚) per account: a weighted mean of up to three 0-1 components.

    - ``repeat_share`` = x / (x + 1), x the repeat purchase days (``frequency`` of the customer
      summary): the share of the account's purchase days that were repeat purchases;
    - ``active_share``: the share of recent periods with an order (e.g. from
      :func:`kamreport.value.lifecycle.active_period_share`), when given;
    - ``p_alive``: the BG/NBD probability of being alive, when given.

    ``behaviour`` = sum_k w_k c_k over the components given, weights equal by default (each
    1/k) or ``weights`` (keys among the component names, renormalised to sum to 1). An account
    missing a given component gets NaN (never a score from fewer components).

    Parameters
    ----------
    summary : DataFrame
        From :func:`kamreport.value.customer_summary` (index account, ``frequency``).
    active_share, p_alive : Series indexed by account, optional
    weights : mapping component -> weight, optional

    Returns
    -------
    DataFrame
        Index of ``summary``; the components used and ``behaviour``.

    Examples
    --------
    >>> s = pd.DataFrame({"frequency": [3., 0]}, index=["a", "b"])
    >>> behavioural_loyalty(s, p_alive=pd.Series([.9, .5], index=["a", "b"]))["behaviour"].tolist()
    [0.825, 0.25]
    """
    if "frequency" not in summary.columns:
        raise InputError("behavioural_loyalty: summary has no 'frequency' column; fix: pass the result "
                         "of customer_summary()")
    x = _numeric(summary["frequency"], "behavioural_loyalty frequency")
    parts = {"repeat_share": x / (x + 1.0)}
    for name, given in (("active_share", active_share), ("p_alive", p_alive)):
        if given is not None:
            parts[name] = _numeric(given, f"behavioural_loyalty {name}").reindex(summary.index)
    w = {k: 1.0 for k in parts} if weights is None else {k: float(v) for k, v in weights.items()}
    unknown = [k for k in w if k not in parts]
    if unknown or sum(w.values()) <= 0 or min(w.values()) < 0:
        raise InputError(f"behavioural_loyalty: weights {w} must be >= 0, not all 0, over the components "
                         f"given ({', '.join(parts)}); fix them")
    total = sum(w.values())
    out = pd.DataFrame(parts, index=summary.index)
    out["behaviour"] = sum(out[k] * (v / total) for k, v in w.items())
    return out


def loyalty_summary(classes: pd.Series, revenue: pd.Series) -> pd.DataFrame:
    """Accounts and revenue per loyalty type, with the action code of each type.

    Parameters
    ----------
    classes : Series
        From :func:`loyalty_matrix` (index account).
    revenue : Series indexed by account
        E.g. ``total_revenue`` of the customer summary; missing revenue counts as 0.

    Returns
    -------
    DataFrame
        Index ``loyalty`` (true, latent, spurious, none); ``n_accounts``, ``share_accounts``,
        ``revenue``, ``share_revenue`` (shares over the classified accounts: each sums to 1;
        NaN when the classified revenue is 0) and ``action``: :data:`LOYALTY_ACTIONS` -
        ``retain`` (true: keep, reward, ask for referrals), ``develop`` (latent: remove the
        barriers to buying more), ``convert`` (spurious: turn habit into attachment before
        circumstances change), ``deprioritise`` (none: basic service only). Unclassified
        accounts (NaN) are counted in ``attrs["n_unclassified"]``.

    Examples
    --------
    >>> c = pd.Series(["true", "none", None], index=list("abc"))
    >>> out = loyalty_summary(c, pd.Series([75., 25, 10], index=list("abc")))
    >>> out[["share_accounts", "share_revenue"]].sum().tolist(), out.loc["true", "action"]
    ([1.0, 1.0], 'retain')
    """
    _unique_index(classes, "loyalty_summary classes")
    bad = classes.dropna()[~classes.dropna().isin(LOYALTY_CLASSES)]
    if len(bad):
        raise InputError(f"loyalty_summary: class {bad.iloc[0]!r} unknown; fix: pass loyalty_matrix() output")
    money = _numeric(revenue, "loyalty_summary revenue").reindex(classes.index).fillna(0.0)
    known = classes.notna()
    counts = classes[known].value_counts().reindex(LOYALTY_CLASSES, fill_value=0).astype("int64")
    money_by = money[known].groupby(classes[known]).sum().reindex(LOYALTY_CLASSES, fill_value=0.0)
    total = float(money_by.sum())
    out = pd.DataFrame({
        "n_accounts": counts,
        "share_accounts": counts / counts.sum() if counts.sum() else np.nan,
        "revenue": money_by,
        "share_revenue": money_by / total if total != 0 else np.nan,
        "action": [LOYALTY_ACTIONS[c] for c in LOYALTY_CLASSES],
    }, index=pd.Index(LOYALTY_CLASSES, name="loyalty"))
    out.attrs["n_unclassified"] = int((~known).sum())
    return out
