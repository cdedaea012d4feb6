"""Deterministic synthetic demo data with known true parameters.

A B2B IT supplier with key accounts: account master data, a two-wave ECSI satisfaction survey
generated from a known structural model, and about two years of order lines generated from
BG/NBD (purchase days) and Gamma-Gamma (day values). The parts live in ``accounts``,
``survey`` (+ ``text``), ``transactions``; the true parameters in ``truth``;
the codebook and README in ``files``.

Examples
--------
>>> data = make_demo_data(7, n_accounts=40, n_respondents=200, n_transactions_target=5_000)
>>> len(data.transactions) - data.stats["rows_planted"], sorted(data.truth.paths)[0][:2]
(5000, ('Complaints', 'Loyalty'))
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from kamreport.data.demo.accounts import account_attributes, draw_accounts
from kamreport.data.demo.files import codebook_dict, codebook_yaml, readme_text
from kamreport.data.demo.complaints import draw_complaints
from kamreport.data.demo.planted import plant, plant_types, planted_facts
from kamreport.data.demo.survey import draw_survey
from kamreport.data.demo.transactions import (book_lines, buying_lines, draw_transactions, pick_loss_making,
                                              profit_columns)
from kamreport.data.demo.truth import DemoTruth, default_truth
from kamreport.errors import InputError

__all__ = ["DemoData", "DemoTruth", "make_demo_data", "write_demo_data", "FILE_NAMES"]

UNCHANGED_PURCHASES = ("apostles", "hostages", "loss_making")

FILE_NAMES: dict[str, str] = {
    "accounts": "accounts.csv", "survey": "survey.csv", "transactions": "transactions.csv",
    "complaints": "complaints.csv", "codebook": "codebook.yaml", "readme": "README.md",
}


@dataclass(frozen=True)
class DemoData:
    """The demo data set in memory (nothing written).

    Attributes
    ----------
    accounts, survey, transactions : the three tables as written to CSV
    codebook : the survey codebook as a dict (what ``codebook.yaml`` holds)
    truth : the true generating parameters
    latent : true latent ECSI scores per respondent (respondent_id + one column per construct)
    account_truth : per account: lambda_week, dropout_p, nu, mean_day_value, first/last purchase,
        n_purchase_days, n_calibration_days, alive_at_end, planted (the group of the accounts whose
        purchases are no model draws; apostles, hostages and loss_making accounts are draws)
    stats : realised counts of the model-drawn data (rows, missing answers, dirt, purchase days,
        top-20 % revenue share ...), the planted accounts and ``rows_planted``
    model_survey, model_transactions : the tables as the models drew them, before the accounts of
        :mod:`kamreport.data.demo.planted` were planted (what the truths describe exactly); the
        product-line booking, ``margin`` and ``cost_to_serve`` exist only in ``transactions``
    complaints : one row per complaint (:mod:`kamreport.data.demo.complaints`)
    """

    accounts: pd.DataFrame
    survey: pd.DataFrame
    transactions: pd.DataFrame
    codebook: Mapping[str, Any]
    truth: DemoTruth
    latent: pd.DataFrame
    account_truth: pd.DataFrame
    stats: Mapping[str, Any]
    model_survey: pd.DataFrame | None = None
    model_transactions: pd.DataFrame | None = None
    complaints: pd.DataFrame | None = None


def top_share(values: np.ndarray, fraction: float = 0.2) -> float:
    """Share of the total held by the largest ``fraction`` of the values (Pareto concentration)."""
    ordered = np.sort(np.asarray(values, float))[::-1]
    top = max(int(round(fraction * ordered.size)), 1)
    return float(ordered[:top].sum() / ordered.sum())


def _stats(truth: DemoTruth, accounts: pd.DataFrame, survey: pd.DataFrame, transactions: pd.DataFrame,
           account_truth: pd.DataFrame, n_purchase_days: int, n_order_lines: int) -> dict[str, Any]:
    items = [i for i, *_ in truth.items]
    answers = survey[items]
    kano_cols = [c for _, f, d, *_ in truth.kano for c in (f, d)]
    clean = transactions.drop_duplicates()
    clean = clean[clean["amount"] > 0]
    revenue = clean.groupby("account_id")["amount"].sum().reindex(accounts["account_id"], fill_value=0.0)
    return {
        "survey_respondents": len(survey),
        "survey_respondents_wave_1": int((survey["wave"] == 1).sum()),
        "survey_respondents_wave_2": int((survey["wave"] == 2).sum()),
        "survey_accounts_surveyed": int(survey["account_id"].nunique()),
        "survey_item_answers": int(answers.size),
        "survey_item_blank": int(answers.isna().sum().sum()),
        "survey_item_blank_rate": round(float(answers.isna().to_numpy().mean()), 4),
        "survey_item_dont_know": int((answers == truth.dont_know_code).sum().sum()),
        "survey_kano_blank": int(survey[kano_cols].isna().sum().sum()),
        "survey_comments_blank": int(survey["comment"].isna().sum()),
        "tx_rows": len(transactions),
        "tx_order_lines_positive": n_order_lines,
        "tx_purchase_days": n_purchase_days,
        "tx_returns": int((transactions["amount"] < 0).sum()),
        "tx_zero_amount": int((transactions["amount"] == 0).sum()),
        "tx_duplicate_rows": int(transactions.duplicated().sum()),
        "tx_revenue_cny": round(float(revenue.sum()), 2),
        "tx_top20_revenue_share": round(top_share(revenue.to_numpy()), 4),
        "accounts_alive_at_end": int(account_truth["alive_at_end"].sum()),
        "accounts_with_repeat_purchase_in_calibration": int((account_truth["n_calibration_days"] > 1).sum()),
    }


def make_demo_data(seed: int = 2026, *, n_accounts: int = 400, n_respondents: int = 1500, years: int = 2,
                   n_transactions_target: int = 300_000) -> DemoData:
    """Generate the demo data set in memory; deterministic given the arguments.

    Parameters
    ----------
    seed : seed of ``numpy.random.default_rng``; each part (accounts, transactions, attributes,
        survey) draws from its own spawned child generator
    n_accounts, n_respondents : accounts (>= 20) and survey respondents (>= 100, split over two waves)
    years : length of the transaction window in years of 52 weeks (calibration = first 3/4)
    n_transactions_target : rows of the model-drawn transactions (order lines + dirt rows); reached
        exactly unless it is below the number of purchase days. The accounts planted for the
        account review then add and remove rows: ``stats["rows_planted"]`` is the net change

    Returns
    -------
    DemoData

    References
    ----------
    Tenenhaus, Esposito Vinzi, Chatelin & Lauro (2005), "PLS path modeling", CSDA 48(1) (ECSI model);
    Fader, Hardie & Lee (2005), Marketing Science 24(2) (BG/NBD) and JMR 42(4) (Gamma-Gamma).

    Examples
    --------
    >>> make_demo_data(1, n_accounts=30, n_respondents=120, n_transactions_target=2_000).survey.shape[0]
    120
    """
    truth = default_truth(seed, n_accounts=n_accounts, n_respondents=n_respondents, years=years,
                          n_transactions_target=n_transactions_target)
    # spawn(8): the first five children are those of spawn(5), so the older parts draw as before
    (rng_accounts, rng_tx, rng_attributes, rng_survey, rng_plant, rng_types, rng_profit,
     rng_complaints) = np.random.default_rng(truth.seed).spawn(8)
    draw = draw_accounts(truth, rng_accounts)
    tx = draw_transactions(truth, draw, rng_tx)
    accounts = account_attributes(truth, draw, tx.per_account, rng_attributes)
    survey = draw_survey(truth, accounts, draw, rng_survey)
    planted = plant(truth, survey.frame, tx.frame, tx.account_truth, rng_plant)
    taken = {a for ids in planted.groups.values() for a in ids}
    types = plant_types(truth, planted.survey, planted.transactions, taken, rng_types)
    groups = {**planted.groups, **types.groups}
    loss_making = pick_loss_making(types.transactions, taken | {a for ids in types.groups.values() for a in ids},
                                   rng_profit)
    groups["loss_making"] = loss_making
    booked = book_lines(types.transactions, buying_lines(accounts["account_id"], rng_profit))
    transactions = profit_columns(booked, accounts, loss_making, rng_profit)
    effects = pd.Series(draw.survey_effects[:, truth.construct_names.index("Satisfaction")],
                        index=accounts["account_id"])
    complaints = draw_complaints(truth, transactions, effects, groups, rng_complaints)
    # account_truth["planted"]: the account review's groups and those whose order lines were cut; the
    # others (apostles, hostages, loss_making) keep the model's purchase days and stay model draws
    group = {a: g for g, ids in groups.items() if g not in UNCHANGED_PURCHASES for a in ids}
    account_truth = tx.account_truth.assign(planted=tx.account_truth["account_id"].map(group))
    stats = _stats(truth, accounts, survey.frame, tx.frame, account_truth, tx.n_purchase_days, tx.n_order_lines)
    stats["planted"] = {g: [str(a) for a in ids] for g, ids in groups.items()}
    stats["rows_planted"] = len(transactions) - len(tx.frame)
    stats["complaints"] = len(complaints)
    stats["planted_facts"] = planted_facts(types.survey, transactions, complaints, groups)
    return DemoData(accounts=accounts, survey=types.survey, transactions=transactions,
                    codebook=MappingProxyType(codebook_dict(truth)), truth=truth, latent=survey.latent,
                    account_truth=account_truth, stats=MappingProxyType(stats),
                    model_survey=survey.frame, model_transactions=tx.frame, complaints=complaints)


def _write_tables(data: DemoData, folder: Path) -> None:
    options: dict[str, Any] = {"index": False, "encoding": "utf-8", "lineterminator": "\n", "date_format": "%Y-%m-%d"}
    accounts = data.accounts.assign(purchase_volume=data.accounts["purchase_volume"].astype(np.int64))
    accounts.to_csv(folder / FILE_NAMES["accounts"], **options)
    data.survey.to_csv(folder / FILE_NAMES["survey"], **options)
    data.transactions.to_csv(folder / FILE_NAMES["transactions"], float_format="%.2f", **options)
    data.complaints.to_csv(folder / FILE_NAMES["complaints"], float_format="%.1f", **options)
    (folder / FILE_NAMES["codebook"]).write_text(codebook_yaml(data.truth), encoding="utf-8", newline="\n")
    frames = {"accounts": data.accounts, "survey": data.survey, "transactions": data.transactions,
              "complaints": data.complaints}
    (folder / FILE_NAMES["readme"]).write_text(readme_text(data.truth, frames, data.stats), encoding="utf-8",
                                               newline="\n")


def write_demo_data(out_dir: str | os.PathLike[str], seed: int = 2026, **kw: Any) -> dict[str, Path]:
    """Generate the demo data set and write it to ``out_dir`` (created if needed).

    Files are written into a temporary folder inside ``out_dir`` and then moved into place with
    ``os.replace``, so a failed run leaves no half-written file; other files in ``out_dir`` are
    left alone.

    Parameters
    ----------
    out_dir : target folder
    seed : see :func:`make_demo_data`
    **kw : n_accounts, n_respondents, years, n_transactions_target (see :func:`make_demo_data`)

    Returns
    -------
    dict: "accounts", "survey", "transactions", "complaints", "codebook", "readme" -> path of the written file

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_demo_data(tmp, 3, n_accounts=30, n_respondents=120, n_transactions_target=2_000)
    ...     sorted(p.name for p in paths.values())
    ['README.md', 'accounts.csv', 'codebook.yaml', 'complaints.csv', 'survey.csv', 'transactions.csv']
    """
    unknown = sorted(set(kw) - {"n_accounts", "n_respondents", "years", "n_transactions_target"})
    if unknown:
        raise InputError(f"write_demo_data: unknown option(s) {', '.join(unknown)}; use n_accounts, "
                         "n_respondents, years or n_transactions_target")
    target = Path(out_dir)
    if target.exists() and not target.is_dir():
        raise InputError(f"{target}: exists and is not a folder; pass a folder for the demo data")
    data = make_demo_data(seed, **kw)
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".demo-data-", dir=target))
    try:
        _write_tables(data, staging)
        written = {}
        for key, name in FILE_NAMES.items():
            os.replace(staging / name, target / name)
            written[key] = target / name
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written
