"""The account review of one parameter set in one call: survey and transactions joined per account.

:mod:`kamreport.satisfaction` and :mod:`kamreport.value` never import each other; this module
joins their public results for notebook 03 (as :mod:`kamreport.inputs` joins parameters and
readers): the PLS model gives each respondent's 0-100 construct scores, the customer-value
analysis gives tiers, CLV and P(alive), and the account-review functions of
:mod:`kamreport.value` (loyalty matrix, satisfaction x value grid, lifecycle stage, Kano,
key-account score, Kotler levels, cards) turn them into the per-account view. Each part that
the data cannot support is left out with the reason in ``skipped`` (never an invented number).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from kamreport.data.schemas import Codebook
from kamreport.data.sources import as_id
from kamreport.errors import KamreportError
from kamreport.satisfaction.index import respondent_index
from kamreport.satisfaction.pls import fit_pls
from kamreport.satisfaction.spec import ModelSpec
from kamreport.value import kano
from kamreport.value.analysis import RemoteTransactions, ValueAnalysis
from kamreport.value.cards import account_cards
from kamreport.value.keyaccount import key_account_score, tier_relationship_levels, weight_sensitivity
from kamreport.value.lifecycle import LifecycleThresholds, active_period_share, lifecycle_stage, stage_transitions
from kamreport.value.relationship import (account_construct_scores, attitudinal_loyalty, behavioural_loyalty,
                                          loyalty_matrix, loyalty_summary)
from kamreport.value.satisfaction_grid import (account_satisfaction, at_risk_list, driver_gaps,
                                               value_satisfaction_grid)


@dataclass(frozen=True)
class AccountReview:
    """Everything notebook 03 shows; ``None`` where a part was skipped (reason in ``skipped``)."""

    construct_scores: pd.DataFrame | None          # account x construct, 0-100
    satisfaction: pd.DataFrame | None               # account: n, satisfaction, CI
    loyalty: pd.Series | None                       # account -> true / latent / spurious / none
    loyalty_inputs: pd.DataFrame | None             # attitude, behaviour per account
    loyalty_summary: pd.DataFrame | None
    grid: pd.DataFrame | None                       # satisfaction x value cells
    at_risk: pd.DataFrame | None
    lifecycle: pd.DataFrame
    transitions: pd.DataFrame | None
    kano: pd.DataFrame | None
    kano_by_segment: pd.DataFrame | None            # the Kano table per value of the segment column
    key_accounts: pd.DataFrame | None
    sensitivity: pd.DataFrame | None
    levels: pd.DataFrame | None
    cards: pd.DataFrame
    satisfaction_construct: str
    window: str = "90D"
    thresholds: LifecycleThresholds = LifecycleThresholds()
    skipped: dict[str, str] = field(default_factory=dict)
    respondent_scores: pd.DataFrame | None = None   # respondent x construct, 0-100 (survey's index)


def _unchanged(per_account: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
    return per_account


def analyse_accounts(survey: pd.DataFrame | None, codebook: Codebook | None, spec: ModelSpec | None,
                     value: ValueAnalysis, transactions: pd.DataFrame | RemoteTransactions, *, accounts: pd.DataFrame | None = None,
                     account_key: str = "account_id", satisfaction: str = "Satisfaction",
                     loyalty: str = "Loyalty", drivers: tuple[str, ...] | None = None,
                     key_weights: Mapping[str, float] | None = None,
                     key_directions: Mapping[str, str] | None = None, top_n: int = 10,
                     margin_column: str | None = None, margin_cuts: tuple[float, float] | None = None,
                     window: str = "90D", thresholds: LifecycleThresholds = LifecycleThresholds(),
                     weighting: str = "path", segment: str | None = None) -> AccountReview:
    """The per-account view (see the module docstring).

    Parameters
    ----------
    survey, codebook, spec : the validated survey, its codebook and the satisfaction model
        (None: the survey-based parts are skipped)
    value : :func:`kamreport.value.analysis.analyse_value` of the same accounts' transactions
    transactions : canonical transactions (``customer_id``, ``date``, ``amount``), or
        :class:`~kamreport.value.analysis.RemoteTransactions` (``engine: spark``): the lifecycle
        stages, transitions and active-window shares are then aggregated in the engine and only
        per-account rows come back
    accounts : the account master (key-account criteria, margin), optional
    account_key : the survey's and the master's account column
    satisfaction, loyalty : the constructs read as satisfaction and attitudinal loyalty
    drivers : the constructs compared with the tier mean for the weakest driver (default the
        satisfaction construct's antecedents in the model)
    key_weights, key_directions : the key-account score's criteria (columns of ``accounts``)
    margin_column, margin_cuts : a numeric margin measure of ``accounts`` and its medium/high
        cuts, for Kotler's level per tier
    window, thresholds : lifecycle windows and rules
    segment : a survey column: the Kano categories per segment too
    """
    skipped: dict[str, str] = {}
    tiers = value.tiers.rename(None)   # ordered categories, top tier first
    remote = isinstance(transactions, RemoteTransactions)   # aggregated in the engine, per account back
    orders = transactions.table if remote else transactions
    ids = transactions.renamed if remote else _unchanged
    end = transactions.last_date() if remote else pd.Timestamp(transactions["date"].max()).normalize()
    lifecycle = ids(lifecycle_stage(orders, window=window, thresholds=thresholds))
    try:
        transitions = stage_transitions(orders, window=window, thresholds=thresholds,
                                        at=(end - pd.Timedelta(days=182), end))
    except KamreportError as exc:
        transitions, skipped["transitions"] = None, str(exc)

    scores = sat = loyal = loyalty_inputs = loyal_summary = grid = risk = kano_table = gaps = respondent = None
    kano_by_account = kano_by_segment = None
    if survey is None or spec is None:
        skipped["survey"] = "no survey in this parameter set"
    elif account_key not in survey.columns:
        skipped["survey"] = f"the survey has no account column {account_key!r} (data.account_key)"
    else:
        accounts_of = as_id(survey[account_key])
        fit = fit_pls(survey, spec, bootstrap=0, weighting=weighting)
        scale = (codebook.scale.min, codebook.scale.max) if codebook else None
        respondent = respondent_index(survey, spec, fit, scale=scale)
        scores = account_construct_scores(respondent, accounts_of)
        if satisfaction in respondent.columns:
            sat = account_satisfaction(respondent[satisfaction], accounts_of)
            if drivers is None:
                drivers = tuple(s for s, t in spec.paths if t == satisfaction)
            gaps = driver_gaps(scores, tiers, drivers=list(drivers) or None)
            stake = value.values["clv"] if "clv" in value.values else value.values["total_revenue"]
            grid = value_satisfaction_grid(sat, stake, tiers=tiers)
            risk = at_risk_list(grid, "value", scores, tiers, drivers=list(drivers) or None)
        else:
            skipped["satisfaction"] = f"the model has no construct {satisfaction!r}"
        if loyalty in respondent.columns:
            attitude = attitudinal_loyalty(respondent, accounts_of, construct=loyalty)
            behaviour = behavioural_loyalty(value.summary, active_share=ids(active_period_share(orders)),
                                            p_alive=value.values["p_alive"])
            loyalty_inputs = attitude[["attitude"]].join(behaviour[["behaviour"]], how="outer")
            loyal = loyalty_matrix(attitude["attitude"], behaviour["behaviour"])
            loyal_summary = loyalty_summary(loyal, value.summary["total_revenue"])
        else:
            skipped["loyalty"] = f"the model has no construct {loyalty!r}"
        pairs = {name: (a.functional, a.dysfunctional) for name, a in codebook.kano.attributes.items()} \
            if codebook else {}
        if pairs:
            kano_table = kano.summary(survey, pairs)
            if segment and segment in survey.columns:
                kano_by_segment = kano.summary(survey, pairs, by=segment)
            kano_by_account = kano.summary(survey.assign(**{account_key: accounts_of}), pairs, by=account_key)
        else:
            skipped["kano"] = "the codebook declares no Kano question pairs (kano.attributes)"

    key = sens = levels = None
    master = None
    if accounts is not None and account_key in accounts.columns:
        master = accounts.assign(**{account_key: as_id(accounts[account_key])}).set_index(account_key)
    if key_weights and master is not None:
        key = key_account_score(master, dict(key_weights), dict(key_directions or {}))
        sens = weight_sensitivity(master, dict(key_weights), dict(key_directions or {}), top_n=top_n)
    else:
        skipped["key_accounts"] = ("no review.key_weights in the parameters" if not key_weights
                                   else "no account master (data.accounts) with the criteria")
    if margin_column and master is not None and margin_column in master.columns:
        margin = pd.to_numeric(master[margin_column], errors="coerce").groupby(tiers.reindex(master.index)).mean()
        levels = tier_relationship_levels(value.profile, margin, margin_cuts=margin_cuts)
    else:
        skipped["levels"] = "no margin measure (review.margin_column in the account master)"
    cards = account_cards(tiers, satisfaction=sat, loyalty=loyal, values=value.values, lifecycle=lifecycle,
                          driver_gaps=gaps, kano=kano_by_account,
                          levels=levels["level"] if levels is not None else None)
    return AccountReview(
        construct_scores=scores, satisfaction=sat, loyalty=loyal, loyalty_inputs=loyalty_inputs,
        loyalty_summary=loyal_summary, grid=grid, at_risk=risk, lifecycle=lifecycle, transitions=transitions,
        kano=kano_table, kano_by_segment=kano_by_segment, key_accounts=key, sensitivity=sens, levels=levels, cards=cards,
        satisfaction_construct=satisfaction, window=window, thresholds=thresholds, skipped=skipped,
        respondent_scores=respondent,
    )
