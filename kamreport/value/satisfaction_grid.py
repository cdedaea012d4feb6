"""Satisfaction x value per account: the account index, the four-cell grid, the at-risk list.

High-value accounts with low satisfaction are the ones to act on first (value at stake); the
weakest drivers of each are its construct scores against the mean of the accounts of its tier.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from kamreport.errors import InputError
from kamreport.value.relationship import _account_of, _numeric

#: (high value, high satisfaction) -> grid cell
GRID_CELLS: dict[tuple[bool, bool], str] = {
    (True, True): "core", (True, False): "at_risk", (False, True): "grow", (False, False): "maintain",
}


def account_satisfaction(index_by_respondent: pd.Series, account, ci: float = 0.95) -> pd.DataFrame:
    """Account-level satisfaction index: mean of its respondents' index with a t-interval.

    Parameters
    ----------
    index_by_respondent : Series
        0-100 satisfaction index per respondent (e.g. ``respondent_index(...)["Satisfaction"]``).
    account : Series aligned with it (or a column name when a DataFrame is passed)
    ci : float, default 0.95

    Returns
    -------
    DataFrame
        Index account; ``n`` (respondents with an index), ``satisfaction`` (mean),
        ``std_error`` (sd / sqrt(n), sd with n - 1), ``ci_low``, ``ci_high`` (mean ± t_{n-1}
        se; NaN for n < 2).

    Examples
    --------
    >>> idx = pd.Series([70., 80, 90, 60])
    >>> out = account_satisfaction(idx, pd.Series(["a", "a", "a", "b"]))
    >>> out.loc["a", ["n", "satisfaction"]].tolist(), round(float(out.loc["a", "ci_low"]), 3)
    ([3.0, 80.0], 55.159)
    """
    if not 0 < ci < 1:
        raise InputError(f"account_satisfaction: ci must be between 0 and 1, got {ci!r}")
    ids = _account_of(index_by_respondent, account, "account_satisfaction")
    if isinstance(index_by_respondent, pd.DataFrame):
        frame = index_by_respondent.drop(columns=[account]) if isinstance(account, str) else index_by_respondent
        values = _numeric(frame, "account_satisfaction index")
    else:
        values = pd.to_numeric(index_by_respondent, errors="coerce").astype(np.float64)
    groups = values.groupby(ids.to_numpy(), sort=True, dropna=True)
    n = groups.count().astype("int64")
    se = groups.std(ddof=1) / np.sqrt(n)
    half = pd.Series(stats.t.ppf((1 + ci) / 2, np.maximum(n - 1, 1)), index=n.index) * se
    mean = groups.mean()
    out = pd.DataFrame({"n": n, "satisfaction": mean, "std_error": se.where(n > 1),
                        "ci_low": (mean - half).where(n > 1), "ci_high": (mean + half).where(n > 1)})
    out.index.name = "account"
    return out


def _high_tiers(tiers: pd.Series, high_tiers: Sequence[str] | None) -> list[str]:
    if high_tiers is not None:
        return list(high_tiers)
    if isinstance(tiers.dtype, pd.CategoricalDtype):
        return list(tiers.cat.categories[:2])
    raise InputError("value_satisfaction_grid: tiers are not ordered categories (as pyramid() returns); "
                     "fix: pass high_tiers=['VIP', 'Key']")


def value_satisfaction_grid(account_sat, value: pd.Series, tiers: pd.Series | None = None,
                            sat_cut: float | None = None, value_cut: float | None = None, *,
                            high_tiers: Sequence[str] | None = None) -> pd.DataFrame:
    """Place each account in the satisfaction x value grid.

    ============  ======================  ======================
    value \\ sat.  high                    low
    ============  ======================  ======================
    high           ``core``                 ``at_risk`` (act first)
    low            ``grow``                 ``maintain``
    ============  ======================  ======================

    Parameters
    ----------
    account_sat : DataFrame with ``satisfaction`` (from :func:`account_satisfaction`) or Series
    value : Series indexed by account
        E.g. CLV or revenue.
    tiers : Series indexed by account, optional
        Pyramid tier; when given, *high value* means a tier in ``high_tiers`` (default the top
        two categories, VIP and Key) and ``value_cut`` must be None.
    sat_cut, value_cut : float, optional
        At or above is high; default the median over the accounts that have the value.
    high_tiers : list of tier names, optional

    Returns
    -------
    DataFrame
        Index: the union of the accounts (satisfaction's order first); ``satisfaction``,
        ``value``, ``tier`` (when given), ``high_value``, ``high_satisfaction`` (boolean,
        NA when unknown) and ``cell`` (NaN where either side is missing). ``attrs``:
        ``sat_cut``, ``value_cut`` (None with tiers), ``high_tiers``.

    Examples
    --------
    >>> sat = pd.Series([90., 40, 90, 40], index=list("abcd"))
    >>> val = pd.Series([100., 100, 1, 1], index=list("abcd"))
    >>> value_satisfaction_grid(sat, val, sat_cut=50, value_cut=50)["cell"].tolist()
    ['core', 'at_risk', 'grow', 'maintain']
    """
    if isinstance(account_sat, pd.DataFrame):
        if "satisfaction" not in account_sat.columns:
            raise InputError("value_satisfaction_grid: account_sat has no 'satisfaction' column; fix: pass "
                             "account_satisfaction() output")
        account_sat = account_sat["satisfaction"]
    sat = _numeric(account_sat, "value_satisfaction_grid satisfaction")
    val = _numeric(value, "value_satisfaction_grid value")
    index = sat.index.append(val.index.difference(sat.index, sort=False))
    if tiers is not None:
        index = index.append(tiers.index.difference(index, sort=False))
    sat, val = sat.reindex(index), val.reindex(index)
    cut_s = float(sat.median()) if sat_cut is None else float(sat_cut)
    out = pd.DataFrame({"satisfaction": sat, "value": val}, index=index)
    if tiers is not None:
        if value_cut is not None:
            raise InputError("value_satisfaction_grid: pass tiers or value_cut, not both")
        top = _high_tiers(tiers, high_tiers)
        tier = tiers.reindex(index)
        out["tier"] = tier
        high_value = pd.array(tier.isin(top).to_numpy(), dtype="boolean")
        high_value[tier.isna().to_numpy()] = pd.NA
        cut_v = None
    else:
        top = None
        cut_v = float(val.median()) if value_cut is None else float(value_cut)
        high_value = pd.array(np.where(val.isna(), None, val >= cut_v), dtype="boolean")
    out["high_value"] = high_value
    out["high_satisfaction"] = pd.array(np.where(sat.isna(), None, sat >= cut_s), dtype="boolean")
    known = out["high_value"].notna() & out["high_satisfaction"].notna()
    cells = [GRID_CELLS[(bool(v), bool(s))] if k else np.nan
             for v, s, k in zip(out["high_value"].fillna(False), out["high_satisfaction"].fillna(False), known)]
    out["cell"] = pd.Series(cells, index=index, dtype=object)
    out.attrs.update(sat_cut=cut_s, value_cut=cut_v, high_tiers=top)
    return out


def driver_gaps(construct_scores: pd.DataFrame, tier: pd.Series,
                drivers: Sequence[str] | None = None) -> pd.DataFrame:
    """Each account's construct scores minus the mean of the accounts of its tier.

    Parameters
    ----------
    construct_scores : DataFrame
        Per account (e.g. :func:`~kamreport.value.relationship.account_construct_scores`);
        ``n_respondents`` is ignored.
    tier : Series indexed by account
    drivers : list of columns, optional
        Default: every numeric column but ``n_respondents``. Pass the antecedents only (e.g.
        Image, Expectation, Quality, Value), not the outcomes.

    Returns
    -------
    DataFrame
        Same index and driver columns; NaN where the account has no tier or no score. The tier
        mean counts each account of the tier with a score once.

    Examples
    --------
    >>> cs = pd.DataFrame({"Quality": [60., 80, 50]}, index=list("abc"))
    >>> driver_gaps(cs, pd.Series(["VIP", "VIP", "Key"], index=list("abc")))["Quality"].tolist()
    [-10.0, 10.0, 0.0]
    """
    cols = list(drivers) if drivers is not None else [
        c for c in construct_scores.columns if c != "n_respondents"]
    lost = [c for c in cols if c not in construct_scores.columns]
    if lost:
        raise InputError(f"driver_gaps: driver {lost[0]!r} not in construct_scores; fix: check drivers=")
    scores = construct_scores[cols].apply(pd.to_numeric, errors="coerce").astype(np.float64)
    by = tier.reindex(scores.index)
    means = scores.groupby(by.to_numpy(), dropna=True, observed=True).transform("mean")
    return (scores - means).where(by.notna(), np.nan)


def at_risk_list(grid: pd.DataFrame, value_at_stake, construct_scores: pd.DataFrame, tier: pd.Series, *,
                 drivers: Sequence[str] | None = None, n_drivers: int = 3, cell: str = "at_risk",
                 ) -> pd.DataFrame:
    """The at-risk accounts ranked by value at stake, each with its weakest drivers.

    Parameters
    ----------
    grid : DataFrame from :func:`value_satisfaction_grid`
    value_at_stake : str or Series
        A column of ``grid`` (e.g. "value") or a Series by account (e.g. CLV).
    construct_scores, tier, drivers : as :func:`driver_gaps`
    n_drivers : int, default 3
        How many of the weakest drivers to list.
    cell : str, default "at_risk"
        The grid cell to list.

    Returns
    -------
    DataFrame
        One row per account of ``cell``, highest value at stake first (NaN last): ``rank``
        (1, 2, ...), ``value_at_stake``, ``satisfaction``, ``tier``, then ``driver_1``,
        ``gap_1``, ... ``driver_k``, ``gap_k``: the drivers with the most negative gap
        (score - tier mean) first; NaN when the account has fewer scored drivers.

    Examples
    --------
    >>> grid = pd.DataFrame({"satisfaction": [40., 90], "value": [5., 9],
    ...                      "cell": ["at_risk", "core"]}, index=["a", "b"])
    >>> cs = pd.DataFrame({"Quality": [50., 70], "Value": [65., 55]}, index=["a", "b"])
    >>> out = at_risk_list(grid, "value", cs, pd.Series(["VIP", "VIP"], index=["a", "b"]), n_drivers=1)
    >>> out[["driver_1", "gap_1"]].values.tolist()
    [['Quality', -10.0]]
    """
    if "cell" not in grid.columns:
        raise InputError("at_risk_list: grid has no 'cell' column; fix: pass value_satisfaction_grid() output")
    if isinstance(value_at_stake, str):
        if value_at_stake not in grid.columns:
            raise InputError(f"at_risk_list: column {value_at_stake!r} not in grid; fix: pass a grid column "
                             "or a Series by account")
        stake = _numeric(grid[value_at_stake], "at_risk_list value_at_stake")
    else:
        stake = _numeric(value_at_stake, "at_risk_list value_at_stake").reindex(grid.index)
    chosen = grid.index[(grid["cell"] == cell).to_numpy()]
    gaps = driver_gaps(construct_scores, tier, drivers).reindex(chosen)
    out = pd.DataFrame({"value_at_stake": stake.reindex(chosen),
                        "satisfaction": grid.get("satisfaction", pd.Series(np.nan, index=grid.index)).reindex(chosen),
                        "tier": tier.reindex(chosen)}, index=chosen)
    for k in range(1, n_drivers + 1):
        out[f"driver_{k}"], out[f"gap_{k}"] = pd.Series(np.nan, index=chosen, dtype=object), np.nan
    for account, row in gaps.iterrows():
        weakest = row.dropna().sort_values(kind="stable").iloc[:n_drivers]
        for k, (name, gap) in enumerate(weakest.items(), start=1):
            out.loc[account, f"driver_{k}"], out.loc[account, f"gap_{k}"] = name, float(gap)
    out = out.sort_values("value_at_stake", ascending=False, na_position="last", kind="stable")
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out
