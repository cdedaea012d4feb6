"""Demo complaints: one row per complaint, with category, severity 1-3 and days to resolution.

Each account complains at a yearly rate that grows with its number of purchase days (square
root, capped at :data:`MAX_ACTIVITY`) and falls with its survey satisfaction effect; the planted at-risk accounts complain
:data:`AT_RISK_FACTOR` times as often (in the second half of the window) and more severely,
terrorists and hostages :data:`UNHAPPY_FACTOR` times. Dates fall in the account's active span
(first to last purchase + 30 days); categories follow
:data:`~kamreport.data.demo.truth.COMPLAINT_CATEGORIES` (late delivery dominates); days to
resolution are Gamma(2, 1.5 * severity^1.5), blank for half of the complaints of the last 14 days
(still open).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from kamreport.data.demo.truth import COMPLAINT_CATEGORIES, DemoTruth

BASE_RATE = 0.8          # complaints per account-year at the median number of purchase days
AT_RISK_FACTOR, UNHAPPY_FACTOR = 3.0, 2.0
MAX_ACTIVITY = 2.0      # cap of the activity factor sqrt(purchase days / median)
SEVERITY_P = (0.55, 0.33, 0.12)
SEVERITY_P_UNHAPPY = (0.25, 0.45, 0.30)
COLUMNS = ["complaint_id", "account_id", "date", "category", "severity", "resolved_days"]


def draw_complaints(truth: DemoTruth, transactions: pd.DataFrame, satisfaction_effect: pd.Series,
                    groups: Mapping[str, tuple[str, ...]], rng: np.random.Generator) -> pd.DataFrame:
    """The complaints table (see the module docstring).

    Parameters
    ----------
    truth : the demo's parameters (window)
    transactions : the final (planted) order lines
    satisfaction_effect : per account id, its standard normal survey effect on Satisfaction
    groups : the planted groups (``at_risk``, ``terrorists``, ``hostages`` are used)
    rng : the generator of this part

    Returns
    -------
    DataFrame with :data:`COLUMNS`, sorted by date, ids C00001...
    """
    end = pd.Timestamp(truth.end_date)
    clean = transactions[transactions["amount"] > 0]
    span = clean.groupby("account_id")["order_date"].agg(["min", "max", "nunique"]).sort_index()
    first = span["min"]
    last = np.minimum(span["max"] + pd.Timedelta(days=30), end)
    at_risk = set(groups.get("at_risk", ()))
    unhappy = set(groups.get("terrorists", ())) | set(groups.get("hostages", ()))
    ids = span.index.astype(str)
    factor = np.where(ids.isin(at_risk), AT_RISK_FACTOR, np.where(ids.isin(unhappy), UNHAPPY_FACTOR, 1.0))
    effect = satisfaction_effect.reindex(span.index).fillna(0.0).to_numpy(float)
    activity = np.minimum(np.sqrt(span["nunique"].to_numpy(float) / max(float(np.median(span["nunique"])), 1.0)),
                          MAX_ACTIVITY)
    years = ((last - first).dt.days.to_numpy(float) + 1) / 365.25
    counts = rng.poisson(BASE_RATE * activity * np.exp(-0.5 * effect) * factor * years)
    owner = np.repeat(np.arange(len(span)), counts)
    # at-risk accounts complain in the second half of their span (after the first survey wave)
    late = ids.isin(at_risk)[owner]
    start = first.to_numpy()[owner] + late * (last.to_numpy()[owner] - first.to_numpy()[owner]) / 2
    length = (last.to_numpy()[owner] - start) / np.timedelta64(1, "D")
    dates = (pd.to_datetime(start) + pd.to_timedelta(np.floor(rng.random(owner.size) * (length + 1)), unit="D"))
    weights = np.array([w for *_, w in COMPLAINT_CATEGORIES])
    category = np.array([zh for zh, *_ in COMPLAINT_CATEGORIES])[rng.choice(len(weights), owner.size,
                                                                             p=weights / weights.sum())]
    severe = ids.isin(at_risk | unhappy)[owner]
    u = rng.random(owner.size)
    severity = np.where(severe, 1 + (u >= SEVERITY_P_UNHAPPY[0]) + (u >= sum(SEVERITY_P_UNHAPPY[:2])),
                        1 + (u >= SEVERITY_P[0]) + (u >= sum(SEVERITY_P[:2]))).astype(np.int64)
    resolved = np.round(rng.gamma(2.0, 1.5 * severity**1.5), 1)
    dates = dates.normalize()
    open_ = np.asarray(dates > end - pd.Timedelta(days=14)) & (rng.random(owner.size) < 0.5)
    frame = pd.DataFrame({"account_id": ids.to_numpy()[owner], "date": dates, "category": category,
                          "severity": severity, "resolved_days": np.where(open_, np.nan, resolved),
                          "tiebreak": rng.random(owner.size)})
    frame = frame.sort_values(["date", "account_id", "tiebreak"], kind="stable", ignore_index=True)
    frame.insert(0, "complaint_id", [f"C{i + 1:05d}" for i in range(len(frame))])
    return frame[COLUMNS]
