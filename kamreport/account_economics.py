"""Satisfaction, loyalty and profit per account: the Jones & Sasser typology, the
satisfaction-loyalty curve, the satisfaction trap, account profitability and the discount
break-even grid, for notebook 03.

Like :mod:`kamreport.review`, this module joins public results: the account review's 0-100
construct scores per account (:class:`~kamreport.review.AccountReview`), the customer-value
analysis (revenue, P(alive), repeat buying, tiers) and the transactions' margin and cost-to-serve
columns. Each part the data cannot support is left out with its reason in ``skipped``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from kamreport.errors import KamreportError
from kamreport.review import AccountReview
from kamreport.value.analysis import ValueAnalysis
from kamreport.value.profitability import (WhaleCurve, account_profit, break_even_table, profit_by_group,
                                           tenure_year, whale_curve)
from kamreport.value.typology import (LoyaltyCurve, SatisfactionTrap, TypologyCuts, satisfaction_loyalty_curve,
                                      satisfaction_trap, typology, typology_summary)


@dataclass(frozen=True)
class AccountEconomics:
    """What notebook 03 shows on types, the loyalty curve and profit (None where skipped)."""

    types: pd.DataFrame | None                 # account: satisfaction, loyalty, quadrant, type
    typology_summary: pd.DataFrame | None      # type: n_accounts, shares, revenue, action
    trap: SatisfactionTrap | None
    curve: LoyaltyCurve | None
    profit: pd.DataFrame | None                # account: revenue, margin, cost_to_serve, profit
    whale: WhaleCurve | None
    profit_by_tier: pd.DataFrame | None
    profit_by_tenure: pd.DataFrame | None
    break_even: pd.DataFrame                   # margin x discount: extra volume needed
    cuts: TypologyCuts = TypologyCuts()
    alive_cut: float = 0.5
    margin_rate: float | None = None
    skipped: dict[str, str] = field(default_factory=dict)


def analyse_economics(review: AccountReview, value: ValueAnalysis, transactions, *, loyalty: str = "Loyalty",
                      cuts: TypologyCuts = TypologyCuts(), alive_cut: float = 0.5,
                      bands: Sequence[float] = (30.0, 50.0, 70.0, 90.0), margin: str | None = None,
                      cost_to_serve: str | None = None, margin_rate: float | None = None,
                      break_even_margins: Sequence[float] = (0.10, 0.20, 0.30, 0.40),
                      break_even_discounts: Sequence[float] = (0.02, 0.05, 0.10, 0.15)) -> AccountEconomics:
    """Typology, curve, trap and profitability of the accounts (see the module docstring).

    Parameters
    ----------
    review : :func:`kamreport.review.analyse_accounts` of the same data
    value : :func:`kamreport.value.analysis.analyse_value`
    transactions : canonical transactions (a DataFrame; order-line parts are skipped for
        transactions that stay in a remote engine)
    loyalty : the construct read as attitudinal loyalty
    cuts, alive_cut, bands : typology cut points, the P(alive) below which a satisfied account
        is defecting, the satisfaction band edges of the curve (0-100)
    margin, cost_to_serve : the transactions' margin and cost-to-serve columns (money)
    margin_rate : without a margin column, margin = amount x margin_rate
    break_even_margins, break_even_discounts : the rows and columns of the break-even grid

    Returns
    -------
    AccountEconomics
    """
    skipped: dict[str, str] = {}
    types = summary = trap = curve = None
    scores = review.construct_scores
    if review.satisfaction is None or scores is None or loyalty not in scores.columns:
        skipped["typology"] = review.skipped.get("loyalty") or review.skipped.get("satisfaction") \
            or review.skipped.get("survey") or f"the model has no construct {loyalty!r}"
    else:
        sat = review.satisfaction["satisfaction"].astype("float64")
        loy = scores[loyalty].astype("float64")
        types = typology(sat, loy, cuts)
        summary = typology_summary(types, value.summary["total_revenue"])
        p_alive = value.values["p_alive"] if "p_alive" in value.values else None
        trap = satisfaction_trap(types, p_alive, alive_cut=alive_cut)
        behaviour = {"repeat_rate": (value.summary["frequency"] > 0).astype("float64")}
        if p_alive is not None:
            behaviour["p_alive"] = p_alive.astype("float64")
        try:
            curve = satisfaction_loyalty_curve(sat, loy, behaviour, bands=bands)
        except KamreportError as exc:
            skipped["curve"] = str(exc)

    profit = whale = by_tier = by_tenure = None
    if not isinstance(transactions, pd.DataFrame):
        skipped["profit"] = "the transactions stay in their engine (Spark): order-line profit is not computed"
    elif margin is None and margin_rate is None:
        skipped["profit"] = ("no margin: name data.transactions.margin (and cost_to_serve), "
                             "or give review.margin_rate")
    else:
        profit = account_profit(transactions, margin=margin, cost_to_serve=cost_to_serve,
                                margin_rate=None if margin else margin_rate)
        whale = whale_curve(profit["profit"])
        by_tier = profit_by_group(profit, value.tiers.rename(None))
        by_tenure = profit_by_group(profit, tenure_year(transactions))
    grid = break_even_table(tuple(break_even_margins), tuple(break_even_discounts))
    return AccountEconomics(types=types, typology_summary=summary, trap=trap, curve=curve, profit=profit,
                            whale=whale, profit_by_tier=by_tier, profit_by_tenure=by_tenure, break_even=grid,
                            cuts=cuts, alive_cut=alive_cut, margin_rate=None if margin else margin_rate,
                            skipped=skipped)


__all__ = ["AccountEconomics", "analyse_economics"]
