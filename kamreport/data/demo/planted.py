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


# --- issue 14: satisfaction x loyalty types, a worse cohort ----------------------------------------
N_TYPOLOGY = 6               # accounts per planted type
MAX_RESPONDENTS = 4          # typed accounts have few respondents, so the ECSI correlations stay as drawn
WORSE_COHORT = "2024-02"     # month of first purchase whose accounts defect early
WORSE_COHORT_SHARE = 0.6     # share of that cohort's eligible accounts cut off
TYPE_SHIFT = 1               # scale points added to (subtracted from) the high (low) construct's answers
TYPES: dict[str, tuple[int, int, bool]] = {
    # type: direction of Satisfaction, of Loyalty, defects (orders stop 200-300 days before the end)
    "apostles": (1, 1, False), "mercenaries": (1, -1, True),
    "hostages": (-1, 1, False), "terrorists": (-1, -1, True),
}


def _cut(tx: pd.DataFrame, accounts, cut_dates: dict[str, pd.Timestamp]) -> pd.DataFrame:
    """Drop the order lines of ``accounts`` after their cut date (the account defects)."""
    if not cut_dates:       # a small demo may have no account to cut
        return tx
    cut = tx["account_id"].map(cut_dates)
    return tx[~(tx["account_id"].isin(accounts) & (tx["order_date"] > cut))]


def plant_types(truth: DemoTruth, survey: pd.DataFrame, transactions: pd.DataFrame, taken: set[str],
                rng: np.random.Generator) -> Planted:
    """Jones & Sasser (1995) types and one cohort with worse retention, on top of :func:`plant`.

    The accounts of each type are those (with 1-:data:`MAX_RESPONDENTS` respondents) whose drawn
    Satisfaction and Loyalty answers lie furthest inside the type's quadrant (account means,
    standardized; chosen, not forced, so the ECSI correlations stay close to the model); their
    answers are then moved :data:`TYPE_SHIFT` points further out (blank and don't-know stay).
    Mercenaries and terrorists stop ordering 200-300 days before the end (they defect), apostles
    and hostages buy to the end. Then
    :data:`WORSE_COHORT_SHARE` of the remaining accounts whose first purchase falls in
    :data:`WORSE_COHORT` stop ordering 90-300 days after their first purchase. Only accounts
    without dirt rows and outside ``taken`` are used, all groups are disjoint.
    """
    end = pd.Timestamp(truth.end_date)
    clean = transactions[transactions["amount"] > 0]
    dirty = set(transactions.loc[(transactions["amount"] <= 0) | transactions.duplicated(keep=False),
                                 "account_id"])
    days = clean.groupby("account_id")["order_date"].agg(["min", "max", "nunique"])
    respondents = survey["account_id"].value_counts()
    surveyed = set(respondents.index[respondents <= MAX_RESPONDENTS])
    taken = set(taken) | dirty
    groups: dict[str, tuple[str, ...]] = {}
    cut_dates: dict[str, pd.Timestamp] = {}
    z = {}
    for construct in ("Satisfaction", "Loyalty"):
        items = [i for i, c, *_ in truth.items if c == construct]
        answers = survey[items].astype("Float64")
        mean = answers.mask(answers == truth.dont_know_code).mean(axis=1).groupby(survey["account_id"]).mean()
        z[construct] = ((mean - mean.mean()) / mean.std()).astype(float)
    for name, (sat, loy, defects) in TYPES.items():
        pool = sorted(a for a in days.index if a in surveyed and a not in taken
                      and days.at[a, "nunique"] >= 5 and days.at[a, "max"] >= end - pd.Timedelta(days=90))
        inside = pd.Series({a: min(sat * z["Satisfaction"].get(a, 0.0), loy * z["Loyalty"].get(a, 0.0))
                            for a in pool}, dtype=float)
        inside = inside[inside > 0].sort_values(ascending=False, kind="stable")
        chosen = tuple(sorted(map(str, inside.index[:N_TYPOLOGY])))
        groups[name] = chosen
        taken |= set(chosen)
        if defects:
            cut_dates |= {a: end - pd.Timedelta(days=int(rng.integers(200, 301))) for a in chosen}
    cohort = days.index[(days["min"].dt.strftime("%Y-%m") == WORSE_COHORT)]
    pool = sorted(a for a in cohort if a not in taken)   # not chosen on the outcome: the rest stays a model draw
    k = int(round(WORSE_COHORT_SHARE * len(pool)))
    churned = tuple(sorted(map(str, rng.choice(pool, size=k, replace=False)))) if k else ()
    groups["worse_cohort"] = churned
    cut_dates |= {a: days.at[a, "min"] + pd.Timedelta(days=int(rng.integers(90, 301))) for a in churned}

    survey = survey.copy()
    for name, (sat, loy, _) in TYPES.items():
        rows = survey["account_id"].isin(groups[name])
        for construct, sign in (("Satisfaction", sat), ("Loyalty", loy)):
            for item in (i for i, c, *_ in truth.items if c == construct):
                valid = rows & survey[item].notna() & (survey[item] != truth.dont_know_code)
                survey.loc[valid, item] = (survey.loc[valid, item] + sign * TYPE_SHIFT).clip(1, 10)
        if "referrals" in survey:
            survey.loc[rows, "referrals"] = survey.loc[rows, "referrals"] + 2 if loy > 0 else 0
            survey.loc[rows, "cross_buy"] = (survey.loc[rows, "cross_buy"] + loy).clip(1, 5)
    tx = _cut(transactions, set(cut_dates), cut_dates)
    return Planted(survey=survey, transactions=tx.reset_index(drop=True), groups=groups)


def planted_facts(survey: pd.DataFrame, transactions: pd.DataFrame, complaints: pd.DataFrame,
                  groups: dict[str, tuple[str, ...]]) -> dict:
    """What the issue-14 analyses must find, measured in the final data (``stats["planted_facts"]``)."""
    from kamreport.data.demo.truth import COMPLAINT_CATEGORIES, DELIVERED_VALUE_SHIFT, SERVQUAL_DIMENSIONS, \
        SERVQUAL_ITEMS

    clean = transactions[transactions["amount"] > 0].drop_duplicates()
    lines = clean.groupby("account_id")["product_line"].agg(set)
    x, y = "软件许可", "云服务"
    has_x, has_y = lines.map(lambda s: x in s), lines.map(lambda s: y in s)
    support = float((has_x & has_y).mean())
    # a small demo may have nobody buying x (or y): no rule to find, None rather than a division by 0
    confidence = support / float(has_x.mean()) if has_x.any() else None
    lift = round(confidence / float(has_y.mean()), 3) if confidence is not None and has_y.any() else None
    gaps = {}
    for key, *_ in SERVQUAL_DIMENSIONS:
        codes = [c for c, d, *_ in SERVQUAL_ITEMS if d == key]
        gaps[key] = round(float((survey[[f"SQP_{c}" for c in codes]].to_numpy(float)
                                 - survey[[f"SQE_{c}" for c in codes]].to_numpy(float)).mean()), 3)
    profit = transactions.assign(p=transactions["margin"] - transactions["cost_to_serve"]).groupby(
        "account_id")["p"].sum().sort_values(ascending=False)
    whale = profit.cumsum() / profit.sum()
    first = clean.groupby("account_id")["order_date"].min().dt.strftime("%Y-%m")
    end = clean["order_date"].max()
    recent = set(clean.loc[clean["order_date"] > end - pd.Timedelta(days=182), "account_id"])
    retained = first.index.to_series().isin(recent).groupby(first).mean()
    n = clean["account_id"].nunique()
    at_risk = set(groups.get("at_risk", ()))
    per_account = complaints["account_id"].value_counts()
    column, value, components, _ = DELIVERED_VALUE_SHIFT
    category_share = complaints["category"].value_counts(normalize=True)
    return {
        "association": {"antecedent": x, "consequent": y, "level": "account", "support": round(support, 4),
                        "confidence": None if confidence is None else round(confidence, 4), "lift": lift},
        "servqual_worst_dimension": min(gaps, key=gaps.get),
        "servqual_gaps": gaps,
        "delivered_value_segment": {"column": column, "value": value, "components": list(components)},
        "complaint_dominant_category": str(category_share.index[0]) if len(category_share) else None,
        "complaint_dominant_share": round(float(category_share.iloc[0]), 4) if len(category_share) else None,
        "complaint_categories": [zh for zh, *_ in COMPLAINT_CATEGORIES],
        "complaints_per_account_at_risk": round(float(per_account.reindex(sorted(at_risk), fill_value=0).mean()), 3)
        if at_risk else None,
        "complaints_per_account_other": round(float(per_account.sum() - per_account.reindex(
            sorted(at_risk), fill_value=0).sum()) / max(n - len(at_risk), 1), 3),
        "worse_cohort": WORSE_COHORT,
        "cohort_retention_last_26_weeks": {k: round(float(v), 3) for k, v in retained.items()},
        "loss_making_accounts": int((profit < 0).sum()),
        "whale_curve_peak": round(float(whale.max()), 4),
        "total_profit_cny": round(float(profit.sum()), 2),
    }
