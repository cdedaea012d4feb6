"""All the data one parameter set names, read and validated in one call: the glue between
:class:`~kamreport.params.Params` and the readers of :mod:`kamreport.data`.

Notebooks call :func:`load_inputs` right after their parameters cell; ``kamreport validate``
(and ``kamreport run``, before executing anything) calls :func:`check_inputs`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kamreport.data.joins import join_accounts
from kamreport.data.schemas import Codebook
from kamreport.data.sources import load_table, read_survey, read_transactions, redact_url
from kamreport.errors import InputError
from kamreport.params import NOTEBOOKS, Params


@dataclass(frozen=True)
class Inputs:
    """The validated data of one report run (``None`` where the parameter set names none)."""

    params: Params
    codebook: Codebook | None = None
    survey: pd.DataFrame | None = None
    transactions: pd.DataFrame | None = None
    accounts: pd.DataFrame | None = None

    def describe(self) -> pd.DataFrame:
        """One row per data source: what it is, where it came from (no password), rows, columns."""
        rows = []
        for role, where in self.params.sources().items():
            frame = getattr(self, role)
            if frame is not None:
                rows.append({"source": role, "file": redact_url(where), "rows": len(frame),
                             "columns": frame.shape[1]})
        return pd.DataFrame(rows, columns=["source", "file", "rows", "columns"])


def load_inputs(params: Params, notebook: str | None = None) -> Inputs:
    """Read and validate the sources that ``notebook`` needs (all of ``params`` when None).

    The account master, when named, is always read and joined to the survey.

    Raises
    ------
    InputError
        the first problem found, as one line naming the file, column, rows and the fix.
    """
    d = params.data
    names = (notebook,) if notebook else params.notebooks
    needs = {source for name in names for source in NOTEBOOKS[name].needs}
    codebook = Codebook.from_file(params.resolve(d.codebook)) if d.codebook else None
    frames: dict[str, pd.DataFrame | None] = {"survey": None, "transactions": None, "accounts": None}
    if "survey" in needs and d.survey:
        frames["survey"] = read_survey(params.resolve(d.survey), codebook, table=d.survey_table)
    if "transactions" in needs and d.transactions:
        t = d.transactions
        frames["transactions"] = read_transactions(params.resolve(t.path), customer=t.customer, date=t.date,
                                                   amount=t.amount, table=t.table, date_format=t.date_format)
        if t.order_id and t.order_id not in frames["transactions"].columns:
            raise InputError(f"{redact_url(params.resolve(t.path))}: order_id column {t.order_id!r} not found; "
                             "fix data.transactions.order_id")
    if d.accounts:
        frames["accounts"] = load_table(params.resolve(d.accounts)).frame
    if frames["survey"] is not None and frames["accounts"] is not None and d.account_key in frames["survey"]:
        frames["survey"] = join_accounts(frames["survey"], frames["accounts"], d.account_key,
                                         source=params.resolve(d.accounts))
    for role in ("segment", "wave"):
        column = getattr(params, role)
        if column and frames["survey"] is not None and column not in frames["survey"].columns:
            raise InputError(f"{params.source}: {role} column {column!r} is in neither the survey nor the "
                             f"accounts file; fix '{role}'")
    return Inputs(params=params, codebook=codebook, **frames)


def check_inputs(params: Params) -> Inputs:
    """Everything the notebooks of ``params`` will ask of the data, checked without running them.

    Returns the loaded inputs. Raises :class:`~kamreport.errors.InputError` or
    :class:`~kamreport.errors.ModelError` (exit code 2) on the first problem.
    """
    inputs = load_inputs(params)
    if inputs.survey is not None:
        from kamreport.satisfaction.analysis import check_model

        check_model(inputs.survey, inputs.codebook, preset=params.model.preset, text=params.model.spec,
                    target=params.model.target)
    return inputs


__all__ = ["Inputs", "check_inputs", "load_inputs"]
