"""Transactions that stay in their engine: the handle that :mod:`kamreport.inputs` passes to the
value analyses (defined here, with no heavy imports, so that reading inputs does not import the
analyses)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class RemoteTransactions:
    """Transactions that stay in their engine (e.g. Spark): an ibis table with the canonical
    columns ``customer_id, date, amount`` (+ ``order_id``), filtered there. ``rename`` maps the
    per-customer ids that come back (pseudonyms), since a keyed HMAC cannot run in the engine."""

    table: Any
    name: str
    rename: Callable[[Any], str] | None = None

    @property
    def columns(self) -> list[str]:
        """The canonical columns the analyses read (the table's other columns stay in the engine,
        for ``filter``); none of them holds values that a report translates."""
        return [c for c in ("customer_id", "date", "amount", "order_id") if c in self.table.columns]

    def renamed(self, per_customer: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
        """Per-customer rows back from the engine with their ids renamed (pseudonyms) and sorted
        by the ids they show, as the in-process results are; ``attrs`` kept."""
        if self.rename is None:
            return per_customer
        attrs = dict(per_customer.attrs)
        out = per_customer.set_axis(pd.Index([self.rename(v) for v in per_customer.index],
                                             name=per_customer.index.name)).sort_index()
        out.attrs = attrs
        return out

    def summary(self, **options: Any) -> pd.DataFrame:
        """:func:`~kamreport.value.summary.customer_summary` computed in the engine, ids renamed on
        the per-customer rows."""
        from kamreport.value.summary import customer_summary

        return self.renamed(customer_summary(self.table, **options))

    def last_date(self) -> pd.Timestamp:
        """The last transaction date, one scalar from the engine."""
        return pd.Timestamp(self.table["date"].max().to_pandas()).normalize()
