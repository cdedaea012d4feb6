"""All the data one parameter set names, read and validated in one call.

Notebooks call :func:`load_inputs` right after their parameters cell; ``kamreport validate``
calls it without running any report.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kamreport.data.schemas import Codebook
from kamreport.data.sources import load_table, read_survey, read_transactions
from kamreport.errors import InputError
from kamreport.params import Params


@dataclass(frozen=True)
class Inputs:
    """The validated data of one report run (``None`` where the parameter set names none)."""

    params: Params
    codebook: Codebook | None = None
    survey: pd.DataFrame | None = None
    transactions: pd.DataFrame | None = None
    accounts: pd.DataFrame | None = None

    def describe(self) -> pd.DataFrame:
        """One row per data source: what it is, where it came from, rows and columns."""
        rows = []
        p = self.params
        for label, frame, path in (
            ("survey", self.survey, p.data.survey),
            ("transactions", self.transactions, p.data.transactions.path if p.data.transactions else None),
            ("accounts", self.accounts, p.data.accounts),
        ):
            if frame is not None:
                rows.append({"source": label, "file": str(path).split("@")[-1], "rows": len(frame),
                             "columns": frame.shape[1]})
        return pd.DataFrame(rows, columns=["source", "file", "rows", "columns"])


def load_inputs(params: Params, *, survey: bool = True, transactions: bool = True,
                accounts: bool = True) -> Inputs:
    """Read and validate every source of ``params`` (or the ones asked for).

    Raises
    ------
    InputError
        the first problem found, as one line naming the file, column, rows and the fix.
    """
    d = params.data
    codebook = Codebook.from_file(params.resolve(d.codebook)) if d.codebook else None
    frames: dict[str, pd.DataFrame | None] = {"survey": None, "transactions": None, "accounts": None}
    if survey and d.survey:
        frames["survey"] = read_survey(params.resolve(d.survey), codebook, table=d.survey_table)
    if transactions and d.transactions:
        t = d.transactions
        frames["transactions"] = read_transactions(params.resolve(t.path), customer=t.customer, date=t.date,
                                                   amount=t.amount, table=t.table)
    if accounts and d.accounts:
        frames["accounts"] = load_table(params.resolve(d.accounts)).frame
    if params.segment and frames["survey"] is not None and params.segment not in frames["survey"].columns:
        acc = frames["accounts"]
        if acc is None or params.segment not in acc.columns:
            raise InputError(f"{params.source}: segment column {params.segment!r} is in neither the survey nor the accounts file; fix 'segment'")
    return Inputs(params=params, codebook=codebook, **frames)
