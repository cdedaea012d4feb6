"""Checks across a validated frame and the parameters, for ``kamreport validate`` (and ``run``) to call.

The readers cannot make them alone: they do not know the report's currency, nor which column is
the order id, nor the model. Each raises one-line :class:`~kamreport.errors.InputError` naming
the source, the column, the first rows and the fix. A frame from
:func:`~kamreport.data.read_survey` or :func:`~kamreport.data.read_transactions` carries what
they need in ``attrs`` (``source``, ``columns``, ``cleaning``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamreport.data.sources import _Loaded
from kamreport.errors import InputError


def _source(frame: pd.DataFrame) -> _Loaded:
    info = frame.attrs.get("source", {"name": "DataFrame", "kind": "frame"})
    return _Loaded(frame, info["name"], info["kind"])


def refuse_constant_items(survey: pd.DataFrame, items) -> None:
    """Items with one answer from every respondent (no variance: no model can use them).

    Examples
    --------
    >>> refuse_constant_items(pd.DataFrame({"Q1": [7.0, 7.0], "Q2": [1.0, 2.0]}), ["Q1", "Q2"])
    Traceback (most recent call last):
    ...
    kamreport.errors.InputError: DataFrame: item 'Q1' has the same answer from every respondent (7); ...
    """
    for item in items:
        answers = survey[item].dropna().unique()
        if len(answers) < 2:
            value = f"{answers[0]:g}" if len(answers) else "no answers"
            raise InputError(f"{_source(survey).name}: item {item!r} has the same answer from every "
                             f"respondent ({value}); drop it from the codebook or the model")


def refuse_other_currency(transactions: pd.DataFrame, currency: str) -> None:
    """Amounts whose currency marks say another currency than the report's ``currency``.

    Examples
    --------
    >>> tx = pd.DataFrame({"amount": [1.0]})
    >>> tx.attrs = {"cleaning": {"amount_currency": "CNY"}, "columns": {"amount": "value"}}
    >>> refuse_other_currency(tx, "USD")
    Traceback (most recent call last):
    ...
    kamreport.errors.InputError: DataFrame: column 'value' is in CNY but currency is USD; set ...
    """
    found = transactions.attrs.get("cleaning", {}).get("amount_currency")
    if found and found != currency:
        column = transactions.attrs.get("columns", {}).get("amount", "amount")
        raise InputError(f"{_source(transactions).name}: column {column!r} is in {found} but currency is "
                         f"{currency}; set currency: {found} or convert the amounts")


def refuse_reused_order_ids(transactions: pd.DataFrame, order_id: str) -> None:
    """An order id on rows of different customers or dates (exact repeats are duplicates the value
    analysis drops; rows of one customer and day under one id are the lines of one order, summed).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["A", "B"], "date": pd.to_datetime(["2024-01-01"] * 2),
    ...                    "amount": [5.0, 6.0], "order": ["O1", "O1"]})
    >>> refuse_reused_order_ids(tx, "order")
    Traceback (most recent call last):
    ...
    kamreport.errors.InputError: DataFrame: column 'order' has order id 'O1' on rows 1, 2 with ...
    """
    # ids, customers and dates as integer codes, then each id's smallest and largest customer and
    # date: one factorization of each text column (drop_duplicates made five), 4x faster
    ids = pd.factorize(transactions[order_id])[0]
    codes = pd.DataFrame({"id": ids, "customer": pd.factorize(transactions["customer_id"])[0],
                          "date": pd.factorize(transactions["date"])[0]})[ids >= 0]
    spans = codes.groupby("id", sort=False).agg(["min", "max"])
    varies = ((spans["customer", "min"] != spans["customer", "max"]) | (spans["date", "min"] != spans["date", "max"]))
    if varies.any():
        first = transactions[order_id].iloc[int(np.flatnonzero(np.isin(ids, spans.index[varies]))[0])]
        where = transactions.index[transactions[order_id] == first]
        raise InputError(f"{_source(transactions).name}: column {order_id!r} has order id {first!r} on "
                         f"{_source(transactions).rows(where)} with different values (customer or date); one id per order, or "
                         "drop data.transactions.order_id")


__all__ = ["refuse_constant_items", "refuse_other_currency", "refuse_reused_order_ids"]
