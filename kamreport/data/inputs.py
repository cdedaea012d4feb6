"""All the data one parameter set names, read and validated in one call.

Notebooks call :func:`load_inputs` right after their parameters cell; ``kamreport validate``
calls it without running any report.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kamreport.data.schemas import Codebook
from kamreport.data.sources import as_id, load_table, read_survey, read_transactions
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
                                                   amount=t.amount, table=t.table, date_format=t.date_format)
        if t.order_id and t.order_id not in frames["transactions"].columns:
            raise InputError(f"{params.resolve(t.path)}: order_id column {t.order_id!r} not found; fix data.transactions.order_id")
    if accounts and d.accounts:
        frames["accounts"] = load_table(params.resolve(d.accounts)).frame
    if frames["survey"] is not None and frames["accounts"] is not None:
        frames["survey"] = _with_account_attributes(frames["survey"], frames["accounts"], d.account_key,
                                                    params.resolve(d.accounts))
    for role in ("segment", "wave"):
        column = getattr(params, role)
        if column and frames["survey"] is not None and column not in frames["survey"].columns:
            raise InputError(f"{params.source}: {role} column {column!r} is in neither the survey nor the accounts file; fix '{role}'")
    return Inputs(params=params, codebook=codebook, **frames)


def _with_account_attributes(survey: pd.DataFrame, accounts: pd.DataFrame, key: str, source: str) -> pd.DataFrame:
    """The survey with the account master's columns (region, industry, ...) it does not have.

    Account ids are compared as text, the same way on both sides (so 15 and 15.0 match); a
    survey account missing from the master is an error, not a row of blanks.
    """
    if key not in survey.columns or key not in accounts.columns:
        return survey
    master = accounts.assign(**{key: as_id(accounts[key])})
    duplicated = master[key].duplicated(keep=False)
    if duplicated.any():
        rows = ", ".join(str(i + 2) for i in master.index[duplicated][:5])
        raise InputError(f"{source}: column {key!r} has duplicate account ids at lines {rows}; keep one row per account")
    ids = as_id(survey[key])
    unknown = ids[ids.notna() & ~ids.isin(master[key])]
    if len(unknown):
        shown = ", ".join(map(str, unknown.drop_duplicates().head(5)))
        raise InputError(f"{source}: survey account ids {shown} ({len(unknown)} respondents) are not in the account "
                         f"master; add them to {Path(source).name} or fix {key!r} in the survey")
    extra = [c for c in master.columns if c not in survey.columns]
    return survey.assign(**{key: ids}).merge(master[[key, *extra]], on=key, how="left", validate="many_to_one")
