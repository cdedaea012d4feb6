"""Account cards (大客户档案): one record per VIP and key account, joining every per-account view.

The card only assembles what the other functions computed (all keyed by account id) and picks a
next-action code by a fixed, documented priority. A piece missing for an account stays NaN and
its reason code is listed in ``missing``; nothing is estimated here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamreport.errors import InputError
from kamreport.value.relationship import LOYALTY_ACTIONS


@dataclass(frozen=True)
class CardRules:
    """Cut-offs of the next-action rule of :func:`account_cards`.

    p_alive_cut : P(alive) below this -> ``win_back`` (default 0.5, as analyse_value's at-risk)
    satisfaction_gap_cut : satisfaction index minus its tier mean at or below this many index
        points -> ``recover`` (default -5)
    """

    p_alive_cut: float = 0.5
    satisfaction_gap_cut: float = -5.0


def _column(frame, column: str, role: str, index: pd.Index) -> pd.Series:
    """``frame[column]`` (or the Series itself) reindexed to the card accounts; all-NaN if absent."""
    if frame is None:
        return pd.Series(np.nan, index=index, dtype=object)
    if isinstance(frame, pd.DataFrame):
        if column not in frame.columns:
            raise InputError(f"account_cards: {role} has no column {column!r}; fix: pass the output of the "
                             "function named in the docstring")
        frame = frame[column]
    if frame.index.has_duplicates:
        raise InputError(f"account_cards: {role} has accounts more than once; fix: one row per account")
    return frame.reindex(index)


def _absent(value) -> bool:
    return not isinstance(value, tuple) and bool(pd.isna(value))


def _must_be(kano: pd.DataFrame | None, index: pd.Index) -> pd.Series:
    """Per account: attributes its respondents put in M, most negative Worse first."""
    out = pd.Series([np.nan] * len(index), index=index, dtype=object)
    if kano is None:
        return out
    if not isinstance(kano.index, pd.MultiIndex) or kano.index.nlevels != 2 or "category" not in kano.columns:
        raise InputError("account_cards: kano must be kano.summary(df, pairs, by=<account column>) output "
                         "(index attribute x account, with category and worse)")
    level = next(n for n in kano.index.names if n != "attribute")
    flat = kano.reset_index()
    flat = flat[flat[level].isin(index) & (flat["n"] > 0)]
    for account, rows in flat.groupby(level, sort=False):
        must = rows[rows["category"] == "M"].sort_values("worse", kind="stable")
        out[account] = tuple(must["attribute"])
    return out


def account_cards(tiers: pd.Series, *, card_tiers: Sequence[str] | None = None,
                  satisfaction: pd.DataFrame | None = None, loyalty: pd.Series | None = None,
                  values: pd.DataFrame | None = None, lifecycle: pd.DataFrame | None = None,
                  driver_gaps: pd.DataFrame | None = None, kano: pd.DataFrame | None = None,
                  levels: Mapping[str, str] | pd.Series | None = None,
                  rules: CardRules = CardRules()) -> pd.DataFrame:
    """One card per account of the top tiers: satisfaction, loyalty, value, stage, drivers, level.

    Parameters
    ----------
    tiers : Series indexed by account
        Pyramid tier of every account (:func:`~kamreport.value.rfm.pyramid`).
    card_tiers : list of tiers, optional
        The tiers that get a card; default the top two categories (VIP, Key).
    satisfaction : DataFrame, optional
        :func:`~kamreport.value.satisfaction_grid.account_satisfaction` (``satisfaction``, ``n``)
        for all accounts: the tier mean counts each account of the tier with an index once.
    loyalty : Series, optional
        :func:`~kamreport.value.relationship.loyalty_matrix`.
    values : DataFrame, optional
        ``clv`` and ``p_alive`` per account (:func:`~kamreport.value.lifetime.clv` or
        ``analyse_value(...).values``); a missing column stays NaN.
    lifecycle : DataFrame, optional
        :func:`~kamreport.value.lifecycle.lifecycle_stage` (``stage``).
    driver_gaps : DataFrame, optional
        :func:`~kamreport.value.satisfaction_grid.driver_gaps`: the most negative is the
        weakest driver.
    kano : DataFrame, optional
        ``kano.summary(survey, pairs, by="account_id")``: ``must_be`` lists the attributes whose
        modal category among the account's respondents is M, most negative Worse first (the
        must-be needs whose failure would dissatisfy that account most; Kano answers do not
        say whether they are met).
    levels : mapping or Series tier -> relationship level, optional
        E.g. ``tier_relationship_levels(...)["level"]``.
    rules : CardRules

    Returns
    -------
    DataFrame
        Index account, in tier order then by descending CLV. Columns: ``tier``,
        ``satisfaction``, ``n_respondents``, ``satisfaction_tier_mean``, ``satisfaction_gap``,
        ``loyalty``, ``clv``, ``p_alive``, ``stage``, ``weakest_driver``, ``weakest_driver_gap``,
        ``must_be`` (tuple; empty when no attribute is M), ``relationship_level``,
        ``next_action`` and ``missing`` (tuple of codes: ``no_survey``, ``no_loyalty``,
        ``no_clv``, ``no_p_alive``, ``no_stage``, ``no_drivers``, ``no_kano``, ``no_level``).
        ``next_action``, first that holds: ``win_back`` (stage decline, or P(alive) <
        ``p_alive_cut``); ``recover`` (satisfaction gap <= ``satisfaction_gap_cut``); the
        loyalty action (:data:`~kamreport.value.relationship.LOYALTY_ACTIONS`); ``nurture``
        (stage exploration or build_up); else NaN.

    Examples
    --------
    >>> tiers = pd.Series(pd.Categorical(["VIP", "Key", "Small"], categories=["VIP", "Key", "Small"],
    ...                                  ordered=True), index=["a", "b", "c"])
    >>> cards = account_cards(tiers, loyalty=pd.Series(["true", "latent"], index=["a", "b"]))
    >>> cards["next_action"].tolist(), cards.loc["a", "missing"][:2]
    (['retain', 'develop'], ('no_survey', 'no_clv'))
    """
    if card_tiers is None:
        if not isinstance(tiers.dtype, pd.CategoricalDtype):
            raise InputError("account_cards: tiers are not ordered categories; fix: pass card_tiers=['VIP', 'Key']")
        card_tiers = list(tiers.cat.categories[:2])
    chosen = tiers.index[tiers.isin(list(card_tiers)).to_numpy()]
    cards = pd.DataFrame({"tier": tiers.reindex(chosen)}, index=chosen)
    sat_all = _column(satisfaction, "satisfaction", "satisfaction", tiers.index).astype(np.float64)
    tier_mean = sat_all.groupby(tiers.to_numpy(), observed=True).transform("mean")
    cards["satisfaction"] = sat_all.reindex(chosen)
    cards["n_respondents"] = _column(satisfaction, "n", "satisfaction", chosen) if satisfaction is not None \
        else np.nan
    cards["satisfaction_tier_mean"] = tier_mean.reindex(chosen)
    cards["satisfaction_gap"] = cards["satisfaction"] - cards["satisfaction_tier_mean"]
    cards["loyalty"] = _column(loyalty, "loyalty", "loyalty", chosen)
    for col in ("clv", "p_alive"):
        has = values is not None and col in values.columns
        cards[col] = _column(values if has else None, col, "values", chosen).astype(np.float64)
    cards["stage"] = _column(lifecycle, "stage", "lifecycle", chosen).astype(object)
    if driver_gaps is not None:
        gaps = driver_gaps.reindex(chosen).astype(np.float64)
        known = gaps.notna().any(axis=1)
        cards["weakest_driver"] = gaps.where(known, 0.0).idxmin(axis=1).where(known)
        cards["weakest_driver_gap"] = gaps.min(axis=1)
    else:
        cards["weakest_driver"], cards["weakest_driver_gap"] = np.nan, np.nan
    cards["must_be"] = _must_be(kano, chosen)
    level_map = pd.Series(dict(levels) if isinstance(levels, Mapping) else levels, dtype=object) \
        if levels is not None else pd.Series(dtype=object)
    cards["relationship_level"] = cards["tier"].astype(object).map(level_map)

    stage, p_alive = cards["stage"], cards["p_alive"]
    loyalty_action = cards["loyalty"].map(LOYALTY_ACTIONS)
    choices = [(stage == "decline") | (p_alive < rules.p_alive_cut),
               cards["satisfaction_gap"] <= rules.satisfaction_gap_cut,
               loyalty_action.notna(), stage.isin(["exploration", "build_up"])]
    action = np.select([c.fillna(False).to_numpy(dtype=bool) for c in choices],
                       ["win_back", "recover", "loyalty", "nurture"], "")
    cards["next_action"] = pd.Series(action, index=chosen, dtype=object).replace({"": np.nan})
    cards.loc[action == "loyalty", "next_action"] = loyalty_action[action == "loyalty"]

    reasons = {"no_survey": "satisfaction", "no_loyalty": "loyalty", "no_clv": "clv", "no_p_alive": "p_alive",
               "no_stage": "stage", "no_drivers": "weakest_driver", "no_kano": "must_be",
               "no_level": "relationship_level"}
    cards["missing"] = [tuple(code for code, col in reasons.items() if _absent(cards.at[a, col]))
                        for a in chosen]
    order = np.lexsort((-cards["clv"].fillna(-np.inf).to_numpy(),
                        pd.Categorical(cards["tier"].astype(object), categories=list(card_tiers)).codes))
    return cards.iloc[order]
