"""What the account review must find in the demo data, planted on top of the model-drawn data.

Three groups of accounts (disjoint, chosen by the seed), written to ``account_truth["planted"]``
and the README:

- ``at_risk``: high-value accounts (the top 5 % by revenue) whose wave-2 respondents answer the
  Satisfaction and Quality items ``AT_RISK_DROP`` scale points lower than the model says
  (falling satisfaction, weakest driver Quality);
- ``exploration``: small accounts that become customers only in the last ``NEW_DAYS`` days of
  the window (their earlier order lines are removed, one or two purchase days remain);
- ``build_up``: accounts active to the end whose last 90 days carry their earlier order lines
  again (twice the purchase days of before: a rising trend).

Planted accounts are not draws of the BG/NBD / Gamma-Gamma model, so tests of those truths
leave them out. Loyalty types and declining accounts need no planting: the model makes all four
loyalty types and many dropouts (the README counts them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamreport.data.demo.truth import DemoTruth

AT_RISK_DROP = 3.0          # scale points off wave-2 Satisfaction and Quality answers
N_AT_RISK, N_EXPLORATION, N_BUILD_UP = 6, 10, 10
NEW_DAYS = 45


@dataclass(frozen=True)
class Planted:
    survey: pd.DataFrame
    transactions: pd.DataFrame
    groups: dict[str, tuple[str, ...]]


def plant(truth: DemoTruth, survey: pd.DataFrame, transactions: pd.DataFrame, account_truth: pd.DataFrame,
          rng: np.random.Generator) -> Planted:
    """The survey and transactions with the three groups planted (see the module docstring)."""
    clean = transactions[transactions["amount"] > 0]
    revenue = clean.groupby("account_id")["amount"].sum().sort_values(ascending=False)
    surveyed_w2 = set(survey.loc[survey["wave"] == 2, "account_id"])
    top = [a for a in revenue.index[: max(len(revenue) // 20, N_AT_RISK)] if a in surveyed_w2]
    at_risk = tuple(sorted(map(str, rng.choice(top, size=min(N_AT_RISK, len(top)), replace=False))))
    end = pd.Timestamp(truth.end_date)
    last_day = clean.groupby("account_id")["order_date"].max()
    alive = account_truth.set_index("account_id")["alive_at_end"]
    # accounts without dirt rows (returns, zero amounts, duplicates), so that dirt stays as documented
    dirty = set(transactions.loc[(transactions["amount"] <= 0) | transactions.duplicated(keep=False),
                                 "account_id"])
    taken = set(at_risk) | dirty
    small = [a for a in revenue.index[len(revenue) // 2:] if a not in taken]
    exploration = tuple(sorted(map(str, rng.choice(small, size=min(N_EXPLORATION, len(small)), replace=False))))
    taken |= set(exploration)
    days_active = clean.groupby("account_id")["order_date"].nunique()
    steady = [a for a in revenue.index if a not in taken and bool(alive.get(a, False))
              and last_day[a] >= end - pd.Timedelta(days=14) and 12 <= days_active.get(a, 0) <= 80]
    build_up = tuple(sorted(map(str, rng.choice(steady, size=min(N_BUILD_UP, len(steady)), replace=False))))

    survey = survey.copy()
    items = [i for i, construct, *_ in truth.items if construct in ("Satisfaction", "Quality")]
    lo = 1  # the demo's items are on the 1-10 scale
    rows = survey["account_id"].isin(at_risk) & (survey["wave"] == 2)
    for item in items:
        answers = survey.loc[rows, item]
        valid = answers.notna() & (answers != truth.dont_know_code)
        survey.loc[rows & valid.reindex(survey.index, fill_value=False), item] = \
            np.maximum(answers[valid] - AT_RISK_DROP, lo)

    tx = transactions
    new_lines = []
    for account in exploration:
        lines = tx[tx["account_id"] == account]
        days = lines["order_date"].drop_duplicates().sort_values()
        keep = days.iloc[: int(rng.integers(1, 3))]
        shift = end - pd.Timedelta(days=int(rng.integers(5, NEW_DAYS))) - keep.iloc[-1]
        kept = lines[lines["order_date"].isin(keep)].assign(order_date=lambda f: f["order_date"] + shift)
        new_lines.append(kept)
    tx = tx[~tx["account_id"].isin(exploration)]
    for account in build_up:
        lines = tx[(tx["account_id"] == account) & (tx["order_date"] <= end - pd.Timedelta(days=90))]
        lines = lines[lines["amount"] > 0].drop_duplicates()
        recent = lines[lines["order_date"] > lines["order_date"].max() - pd.Timedelta(days=180)]
        squeezed = end - (recent["order_date"].max() - recent["order_date"]) / 2 - pd.Timedelta(days=1)
        copy = recent.assign(order_date=squeezed.dt.floor("D"))
        new_lines.append(copy[copy["order_date"] > end - pd.Timedelta(days=90)])
    copies = pd.concat(new_lines[len(exploration):], ignore_index=True) if build_up else tx.iloc[:0]
    start = int(transactions["order_id"].str[2:].astype(int).max()) + 1
    copies = copies.assign(order_id=[f"SO{i:07d}" for i in range(start, start + len(copies))])
    tx = pd.concat([tx, *new_lines[:len(exploration)], copies], ignore_index=True)
    tx = tx.sort_values(["order_date", "order_id"], kind="stable")
    return Planted(survey=survey, transactions=tx.reset_index(drop=True),
                   groups={"at_risk": at_risk, "exploration": exploration, "build_up": build_up})
