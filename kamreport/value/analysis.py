"""The whole customer-value analysis of one transaction log in one call, for the report.

Calibration / holdout: the customer-base models are fitted on the transactions up to
``observation_end`` and checked against what customers actually bought up to ``holdout_end``
(Fader, Hardie & Lee 2005); the forecast (CLV, P(alive)) then comes from models refitted on
everything up to ``holdout_end``. The pyramid, concentration and RFM describe the whole window;
tier migration compares the calibration period with the holdout period. Each step is a public
function of :mod:`kamreport.value`; this module only chains them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from kamreport.data.joins import join_accounts
from kamreport.data.remote import RemoteTransactions  # noqa: F401 - re-exported (defined in data: inputs.py needs it without this module's imports)
from kamreport.errors import InputError, KamreportError
from kamreport.value.bgnbd import BgNbdFit, fit_bgnbd
from kamreport.value.lifetime import clv as lifetime_value
from kamreport.value.lifetime import holdout_table
from kamreport.value.lorenz import Concentration, concentration
from kamreport.value.gammagamma import GammaGammaFit, fit_gamma_gamma
from kamreport.value.rfm import TierMigration, pyramid, rfm_scores, tier_migration, tier_profile
from kamreport.value.summary import customer_summary


@dataclass(frozen=True)
class ValueAnalysis:
    """Everything the customer-value report shows."""

    summary: pd.DataFrame                 # whole window, up to holdout_end
    calibration: pd.DataFrame             # up to observation_end, with holdout columns
    rfm: pd.DataFrame
    tiers: pd.Series
    profile: pd.DataFrame
    concentration: Concentration
    migration: TierMigration
    bgnbd_calibration: BgNbdFit
    holdout: pd.DataFrame
    bgnbd: BgNbdFit
    gamma_gamma: GammaGammaFit | None
    values: pd.DataFrame                  # per customer: tier, revenue, p_alive, expected purchases, clv, at_risk
    observation_end: pd.Timestamp
    holdout_end: pd.Timestamp
    months: int
    at_risk_p_alive: float = 0.5          # the P(alive) below which a top-tier account is at risk
    spend_model_error: str | None = None


def analyse_value(tx: pd.DataFrame, *, observation_end=None, holdout_end=None, freq: str = "W",
                  tiers: Mapping[str, float] | None = None, months: int = 12, discount_rate: float = 0.01,
                  margin: float = 1.0, at_risk_p_alive: float = 0.5, accounts: pd.DataFrame | None = None,
                  account_key: str = "account_id", order_id: str | None = None) -> ValueAnalysis:
    """Run the customer-value analysis on canonical transactions (``customer_id, date, amount``).

    Parameters
    ----------
    tx : transactions from :func:`kamreport.data.read_transactions`, or :class:`RemoteTransactions`
        (``data.transactions.engine: spark``): then both summaries are computed in the engine and
        only per-customer rows come back
    observation_end, holdout_end : end of the calibration period and of the whole window;
        defaults: the last date in the data for ``holdout_end`` and 26 weeks before it for
        ``observation_end``
    tiers : pyramid shares, top-down (default VIP 1 % / Key 4 % / Ordinary 15 % / Small 80 %)
    months, discount_rate, margin : CLV horizon, monthly discount rate and margin
    at_risk_p_alive : a customer of the top two tiers with P(alive) below this is "at risk"
    accounts : optional account master; its columns are joined to ``values`` on ``account_key``
    order_id : order id column: exact duplicate order rows are then dropped (and counted)
    """
    remote = isinstance(tx, RemoteTransactions)
    summarize = tx.summary if remote else (lambda **kw: customer_summary(tx, **kw))
    last = (tx.last_date() if remote else pd.Timestamp(tx["date"].max()).normalize()) if holdout_end is None else None
    end = pd.Timestamp(holdout_end) if holdout_end is not None else last
    start = pd.Timestamp(observation_end) if observation_end is not None else end - pd.Timedelta(weeks=26)
    if not start < end:
        raise InputError(f"observation_end {start.date()} must be before holdout_end {end.date()}; fix value.observation_end")
    calibration = summarize(observation_end=start.date(), holdout_end=end.date(), freq=freq, order_id=order_id)
    summary = summarize(observation_end=end.date(), freq=freq, order_id=order_id)
    tiering = pyramid(summary, by="total_revenue", tiers=tiers)
    profile = tier_profile(summary, tiering, by="total_revenue")
    before = pyramid(calibration, by="total_revenue", tiers=tiers)
    after_revenue = calibration["holdout_revenue"].reindex(summary.index)
    new = after_revenue.isna()
    after_revenue[new] = summary.loc[new, "total_revenue"]
    active_after = after_revenue[after_revenue > 0]
    after = pyramid(pd.DataFrame({"revenue": active_after}), by="revenue", tiers=tiers)
    bg_cal = fit_bgnbd(calibration)
    bg = fit_bgnbd(summary)
    gg, gg_error = None, None
    try:
        gg = fit_gamma_gamma(summary)
    except KamreportError as exc:  # shown in the report; CLV is then left out, never invented
        gg_error = str(exc)
    values = pd.DataFrame({
        "tier": tiering, "total_revenue": summary["total_revenue"], "frequency": summary["frequency"],
        "p_alive": bg.p_alive(summary["frequency"].to_numpy(), summary["recency"].to_numpy(), summary["T"].to_numpy()),
    }, index=summary.index)
    if gg is not None:
        cv = lifetime_value(bg, gg, summary, months=months, discount_rate=discount_rate, margin=margin, freq=freq)
        values = values.join(cv.drop(columns=["p_alive"], errors="ignore"))
    top_tiers = list(profile.index[:2])
    values["at_risk"] = values["tier"].isin(top_tiers) & (values["p_alive"] < at_risk_p_alive)
    if accounts is not None:
        values = join_accounts(values, accounts, account_key, source="the account master", on_index=True,
                               unknown="keep")
    return ValueAnalysis(
        summary=summary, calibration=calibration, rfm=rfm_scores(summary), tiers=tiering, profile=profile,
        # an account whose returns exceed its purchases holds no share of revenue (not an error)
        concentration=concentration(summary, by="total_revenue", negative="clip"), migration=tier_migration(before, after),
        bgnbd_calibration=bg_cal, holdout=holdout_table(bg_cal, calibration), bgnbd=bg, gamma_gamma=gg,
        values=values, observation_end=start, holdout_end=end, months=months, at_risk_p_alive=at_risk_p_alive,
        spend_model_error=gg_error,
    )
