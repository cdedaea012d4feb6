"""Per-customer summary of a transaction log, at any size, in the engine that holds the data.

The aggregation is written once as an ibis expression. It runs in DuckDB for pandas frames, CSV
and Parquet files and DuckDB database files (out-of-core, bounded memory), and inside PostgreSQL
for a ``postgresql://`` URL (only the per-customer result leaves the server), and on Spark for an
ibis table of the PySpark backend (or frames and files with ``con=ibis.pyspark.connect(spark)``:
the executors aggregate, the driver receives the per-customer rows). Only that result is
materialised as pandas; day differences and ratios are computed on it.

Rules (each counted in ``result.attrs["diagnostics"]``)
------------------------------------------------------
- rows with a null customer, date or amount are dropped (``rows_null_dropped``);
- with ``order_id``: exact duplicate rows (same order id, customer, day and amount) are dropped
  (``duplicate_rows_dropped``); distinct rows sharing an order id are lines of one order (summed);
- negative amounts are returns (``rows_negative``): ``"net"`` adds them to their day's value,
  ``"drop"`` removes them, ``"error"`` raises :class:`~kamreport.errors.InputError`;
- a *purchase day* is a customer-day with at least one row of amount >= 0 (an order; a free
  order of amount 0 is a purchase of value 0, as CDNOW's eight $0 first orders are). Its value
  is the sum of that day's amounts (under ``"net"`` minus its returns), so it can be 0
  (``purchase_days_zero_value``) or, net, negative (``purchase_days_negative_value``). A day of
  returns only is no purchase (``days_return_only``); its value still counts in ``total_revenue``,
  the net revenue of every calibration row;
- rows after ``observation_end`` are left out of the calibration columns
  (``rows_after_observation_end``) and feed the holdout columns up to ``holdout_end``
  (``rows_after_holdout_end`` are ignored);
- customers without a purchase day up to ``observation_end`` are excluded:
  ``customers_first_purchase_after_observation_end`` and ``customers_without_purchase``
  (returns only). ``rows_zero_amount`` counts the $0 rows (kept as orders).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeAlias

import duckdb
import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from kamreport.data.sources import SQL_SCHEMES, resolve_source, utf8_csv
from kamreport.errors import InputError, first_line
from kamreport.value.timeunits import FREQ_DAYS, check_freq

SummaryResult: TypeAlias = pd.DataFrame
"""What :func:`customer_summary` returns: a DataFrame with ``attrs`` ``diagnostics`` (counts),
``observation_end``, ``holdout_end``, ``freq``, ``engine`` and ``sql`` (the queries sent)."""


@dataclass
class EngineSource:
    """An ibis table in its engine, a name for messages and what to close afterwards."""

    table: ir.Table
    name: str
    engine: str
    close: list[Callable[[], Any]] = field(default_factory=list)

    def run(self, expr: ir.Expr, sql: list[str] | None = None) -> pd.DataFrame:
        """``expr`` run by the engine as pandas (SQL appended to ``sql``); errors as one line."""
        if sql is not None:
            sql.append(str(ibis.to_sql(expr)))
        try:
            return expr.to_pandas()
        except Exception as exc:  # engine errors (bad dates in text, connection) -> one line
            raise InputError(f"{self.name}: the {self.engine} engine failed: {first_line(exc)}; fix: check the "
                             "column types and values (dates as YYYY-MM-DD, numeric amounts)") from exc


@contextmanager
def engine_transactions(tx: Any, *, customer: str = "customer_id", date: str = "date", amount: str = "amount",
                        order_id: str | None = None, table: str | None = None,
                        con: Any | None = None) -> Iterator[EngineSource]:
    """The transactions (as for :func:`customer_summary`) in their engine, for ibis aggregations:
    the source's ``table`` has columns ``c``, ``d`` (day), ``a`` (float64)[, ``o``], checked;
    ``run(expr)`` executes there. What was opened for ``tx`` is closed on exit."""
    src = _open_source(tx, table, con)
    try:
        yield EngineSource(_canonical(src, customer, date, amount, order_id), src.name, src.engine)
    finally:
        for close in src.close:
            close()


def _duckdb(con: Any | None, close: list[Callable[[], Any]]) -> Any:
    if con is not None:
        return con
    backend = ibis.duckdb.connect()
    try:  # no bar leaking into reports
        backend.raw_sql("SET enable_progress_bar = false")
    except duckdb.InvalidInputException:  # Jupyter without ipywidgets refuses it (and draws no bar)
        pass
    close.append(backend.disconnect)
    return backend


def _open_source(tx: Any, table: str | None, con: Any | None) -> EngineSource:
    """Resolve ``tx`` (frame, path, URL, ibis table or table name) to an ibis table."""
    close: list[Callable[[], Any]] = []
    if isinstance(tx, ir.Table):
        return EngineSource(tx, "the ibis table", _engine_of(tx))
    if isinstance(tx, pd.DataFrame):
        backend = _duckdb(con, close)
        name = f"kamreport_tx_{uuid.uuid4().hex}"
        if getattr(backend, "name", "") == "duckdb":
            backend.con.register(name, tx)  # zero-copy scan of the frame
            close.insert(0, lambda: backend.con.unregister(name))
        elif backend.name == "pyspark":  # Spark has no temporary tables: a temporary view
            backend.create_view(name, ibis.memtable(tx), overwrite=True)
            close.insert(0, lambda: backend.raw_sql(f"DROP VIEW IF EXISTS {name}"))
        else:
            backend.create_table(name, tx, temp=True)
        return EngineSource(backend.table(name), "the DataFrame", backend.name, close)
    if not isinstance(tx, (str, Path)):
        raise InputError(f"tx has type {type(tx).__name__}; fix: pass a DataFrame, a CSV/Parquet/"
                         "DuckDB path, a postgresql:// URL with table=, or an ibis table")
    text = str(tx)
    if getattr(con, "name", "") == "pyspark" and "://" in text and not text.startswith(SQL_SCHEMES):
        # a cluster path (hdfs://, s3a://, file://...): Parquet (file or folder) or CSV, read by Spark
        read = con.read_csv if text.lower().rstrip("/").endswith((".csv", ".csv.gz")) else con.read_parquet
        return EngineSource(read(text), text, "pyspark")
    if con is not None and not text.startswith(SQL_SCHEMES) and not Path(text).exists() and "*" not in text:
        return EngineSource(con.table(table or text), f"table {table or text}", con.name)
    ref = resolve_source(text, table=table)
    if ref.kind == "sql":
        url = text.replace("postgresql+psycopg://", "postgres://", 1).replace("postgresql://", "postgres://", 1)
        backend = ibis.connect(url)
        return EngineSource(backend.table(table), ref.name, "postgres", [backend.disconnect])
    if ref.kind == "duckdb":
        if table is None:
            raise InputError(f"{text}: no table= given; fix: name the table in the DuckDB file")
        backend = ibis.duckdb.connect(text, read_only=True)
        return EngineSource(backend.table(table), ref.name, "duckdb", [backend.disconnect])
    if ref.kind == "parquet":
        backend = _duckdb(con, close)
        spark = backend.name == "pyspark"  # Spark reads a folder of Parquet files itself
        pattern = str(Path(text) / "**" / "*.parquet") if Path(text).is_dir() and not spark else text
        return EngineSource(backend.read_parquet(pattern), ref.name, backend.name, close)
    if ref.kind == "csv":
        if "*" in text:  # a pattern of CSV files: read as UTF-8 by the engine
            backend = _duckdb(con, close)
            return EngineSource(backend.read_csv(text), ref.name, backend.name, close)
        readable, delimiter, copy = utf8_csv(text)
        if copy is not None:
            close.append(lambda: copy.unlink(missing_ok=True))
        backend = _duckdb(con, close)
        sep = {"sep" if backend.name == "pyspark" else "delim": delimiter}
        return EngineSource(backend.read_csv(str(readable), **sep), ref.name, backend.name, close)
    raise InputError(f"{text}: {ref.kind} files are not read by the engine; fix: export the "
                     "transactions as CSV or Parquet, or read them with read_transactions first")


def _engine_of(expr: ir.Table) -> str:
    try:
        return str(expr.get_backend().name)
    except Exception:  # an unbound memtable runs in the default backend
        return "duckdb"


def to_day(value: Any, what: str) -> dt.date | None:
    """``value`` as a date (None stays None); ``what`` names the argument in the error."""
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise InputError(f"{what}={value!r} is not a date; fix: pass e.g. '1997-09-30'") from exc
    if pd.isna(stamp):
        raise InputError(f"{what} is missing; fix: pass a date such as '1997-09-30'")
    return stamp.date()


def _canonical(src: EngineSource, customer: str, date: str, amount: str,
               order_id: str | None) -> ir.Table:
    """Project the source to columns c, d (date), a (float64)[, o], checking names and types."""
    schema = src.table.schema()
    names = list(schema.names)
    roles = {"customer": customer, "date": date, "amount": amount}
    roles.update({"order_id": order_id} if order_id is not None else {})
    for role, col in roles.items():
        if col not in names:
            raise InputError(f"{src.name}: column {col!r} ({role}=) not found; available: "
                             f"{', '.join(names)}; fix: pass {role}='<one of these>'")
    d_type, a_type, t = schema[date], schema[amount], src.table
    if d_type.is_date():
        day = t[date]
    elif d_type.is_timestamp() or d_type.is_string():
        day = t[date].cast("date")
    else:
        raise InputError(f"{src.name}: column {date!r} (date=) has type {d_type}, not a date; fix: "
                         "convert it first, e.g. pd.to_datetime(df[col].astype(str), format='%Y%m%d')")
    if not a_type.is_numeric():
        raise InputError(f"{src.name}: column {amount!r} (amount=) has type {a_type}, not a number; "
                         "fix: convert it to numbers first")
    return t.select(c=t[customer], d=day, a=t[amount].cast("float64"),
                    **({"o": t[order_id]} if order_id is not None else {}))


def _row_counts(t: ir.Table, obs: dt.date | None, hold: dt.date | None) -> ir.Table:
    """One scan: row-level counts for the diagnostics and the last date."""
    valid = t.c.notnull() & t.d.notnull() & t.a.notnull()
    counts: dict[str, Any] = {
        "rows_total": t.count(),
        "rows_null_dropped": t.count(where=~valid),
        "rows_negative": t.count(where=valid & (t.a < 0)),
        "rows_zero_amount": t.count(where=valid & (t.a == 0)),
        "last_date": t.d.max(where=valid),
    }
    if obs is not None:
        counts["rows_after_observation_end"] = t.count(where=valid & (t.d > obs))
    if hold is not None:
        counts["rows_after_holdout_end"] = t.count(where=valid & (t.d > hold))
    return t.aggregate(**counts)


def per_customer(clean: ir.Table, obs: dt.date, hold: dt.date | None, with_orders: bool) -> ir.Table:
    """Customer-days, then customers: every column the summary needs, as one ibis expression over
    the cleaned ``c, d, a[, o]`` rows of :func:`engine_transactions` (up to ``obs``, holdout to ``hold``)."""
    sale = clean.a >= 0
    orders = clean.o.nunique(where=sale) if with_orders else clean.count(where=sale)
    daily = clean.group_by(["c", "d"]).aggregate(
        value=clean.a.sum(), sales=clean.count(where=sale), n_orders=orders)
    calib = daily.d <= obs
    buy = daily.sales > 0
    cols: dict[str, Any] = {
        "first_date": daily.d.min(where=buy & calib),
        "last_date": daily.d.max(where=buy & calib),
        "purchase_days": daily.d.count(where=buy & calib),
        "purchase_value": daily.value.sum(where=buy & calib),
        "first_value": daily.value.argmin(daily.d, where=buy & calib),
        "total_revenue": daily.value.sum(where=calib),
        "n_orders": daily.n_orders.sum(where=calib),
        "any_purchase_days": daily.d.count(where=buy),
        "zero_days": daily.d.count(where=buy & (daily.value == 0)),
        "negative_days": daily.d.count(where=buy & (daily.value < 0)),
        "return_days": daily.d.count(where=~buy),
    }
    if hold is not None:
        window = (daily.d > obs) & (daily.d <= hold)
        cols["holdout_frequency"] = daily.d.count(where=window & buy)
        cols["holdout_revenue"] = daily.value.sum(where=window)
    return daily.group_by("c").aggregate(**cols)


def customer_summary(
    tx: Any,
    *,
    customer: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
    observation_end: Any = None,
    freq: Literal["D", "W", "M"] = "W",
    holdout_end: Any = None,
    order_id: str | None = None,
    returns: Literal["net", "drop", "error"] = "net",
    table: str | None = None,
    con: Any | None = None,
) -> SummaryResult:
    """One row per customer in the conventions of the BG/NBD literature, computed in-engine.

    Parameters
    ----------
    tx : DataFrame, str or Path, ibis Table
        Transactions: a pandas DataFrame, a CSV or Parquet path (or Parquet folder / glob), a
        DuckDB database file or ``postgresql://user@host:port/db`` URL (both with ``table=``),
        an ibis table expression (DuckDB, PostgreSQL, PySpark), or a table name in ``con``.
    customer, date, amount : str
        Column names. ``date`` may be a date, timestamp (truncated to the day) or ISO text.
    observation_end : date-like, optional
        End of the calibration period (inclusive); default the last date in the data.
    freq : {"D", "W", "M"}
        Time unit of ``recency``, ``T`` and ``holdout_T``: days, weeks (days / 7) or months
        (days / (365.25 / 12)), always counted from whole days.
    holdout_end : date-like, optional
        End (inclusive) of the holdout period that starts the day after ``observation_end``.
    order_id : str, optional
        Order-id column: exact duplicate rows are dropped and ``n_orders`` counts distinct ids
        (per day) instead of rows.
    returns : {"net", "drop", "error"}
        Negative amounts: subtract them from their day's value, drop them, or raise.
    table : str, optional
        Table name inside a DuckDB file, a PostgreSQL database or ``con``.
    con : ibis backend, optional
        Where frames and files are scanned (e.g. ``ibis.duckdb.connect(memory_limit="2GB",
        threads=2)``, or ``ibis.pyspark.connect(spark)`` with paths every executor can read);
        default a private in-memory DuckDB, closed afterwards.

    Returns
    -------
    DataFrame
        Indexed by customer id (sorted): ``frequency`` (repeat purchase days), ``recency``
        (first -> last purchase day, in ``freq`` units, 0 if frequency is 0), ``T`` (first
        purchase day -> observation_end), ``monetary_value`` (mean value of the repeat purchase
        days, 0 if none), ``total_revenue`` (net, all calibration rows), ``n_orders`` (rows, or
        order ids, with an amount >= 0), ``first_date``, ``last_date`` (purchase days),
        ``tenure`` (= T in days, int); with ``holdout_end`` also ``holdout_frequency`` (purchase
        days in the holdout), ``holdout_revenue`` and ``holdout_T`` (holdout length in ``freq``
        units). ``attrs["diagnostics"]`` counts what every rule (module docstring) touched.

    References
    ----------
    Fader, Hardie & Lee (2005), "Counting your customers the easy way", Marketing Science 24(2):
    x, t_x, T in weeks from the first purchase; lifetimes' ``summary_data_from_transaction_data``.

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": ["A", "A", "A", "B"], "amount": [10.0, 5.0, -5.0, 7.0],
    ...                        "date": pd.to_datetime(["2024-01-01", "2024-01-15", "2024-01-15", "2024-01-08"])})
    >>> s = customer_summary(orders, observation_end="2024-01-29")
    >>> s[["frequency", "recency", "T", "monetary_value"]]
                 frequency  recency    T  monetary_value
    customer_id
    A                    1      2.0  4.0             0.0
    B                    0      0.0  3.0             0.0
    >>> s.attrs["diagnostics"]["rows_negative"]
    1
    """
    check_freq(freq, "customer_summary")
    if returns not in ("net", "drop", "error"):
        raise InputError(f"returns={returns!r} is not net, drop or error; fix: pass returns='net'")
    obs = to_day(observation_end, "observation_end")
    hold = to_day(holdout_end, "holdout_end")
    sql: list[str] = []
    with engine_transactions(tx, customer=customer, date=date, amount=amount, order_id=order_id, table=table,
                             con=con) as src:
        t = src.table
        stats = src.run(_row_counts(t, obs, hold), sql).iloc[0]
        if pd.isna(stats["last_date"]):
            raise InputError(f"{src.name}: no row with customer, date and amount all present; "
                             "fix: check the column names and the file")
        obs = obs or pd.Timestamp(stats["last_date"]).date()
        if hold is not None and hold <= obs:
            raise InputError(f"holdout_end {hold} is not after observation_end {obs}; fix: pass "
                             "a later holdout_end")
        diag = {k: int(v) for k, v in stats.items() if k.startswith("rows_")}
        diag.setdefault("rows_after_observation_end", 0)
        clean = t.filter(t.c.notnull() & t.d.notnull() & t.a.notnull())
        if returns == "error" and diag["rows_negative"]:
            bad = src.run(clean.filter(clean.a < 0).limit(3), sql)
            rows = "; ".join(f"customer {r.c} on {pd.Timestamp(r.d).date()}: {r.a:g}"
                             for r in bad.itertuples())
            raise InputError(f"{src.name}: {diag['rows_negative']} negative amounts in {amount!r} "
                             f"(first: {rows}); fix: pass returns='net' or returns='drop'")
        if order_id is not None:
            clean = clean.distinct()
            kept = int(src.run(clean.count(), sql))
            diag["duplicate_rows_dropped"] = diag["rows_total"] - diag["rows_null_dropped"] - kept
        if returns == "drop":
            clean = clean.filter(clean.a >= 0)
        raw = src.run(per_customer(clean, obs, hold, order_id is not None), sql)
    result = _assemble(raw, obs, hold, freq, diag)
    result.index.name = customer
    result.attrs.update(diagnostics=diag, observation_end=obs, holdout_end=hold, freq=freq,
                        returns=returns, engine=src.engine, sql=sql)
    return result


def _assemble(raw: pd.DataFrame, obs: dt.date, hold: dt.date | None, freq: str,
              diag: dict[str, int]) -> pd.DataFrame:
    """Day arithmetic and ratios on the per-customer rows (already small)."""
    unit = FREQ_DAYS[freq]
    kept = raw["first_date"].notna()
    diag["customers_first_purchase_after_observation_end"] = int(
        (~kept & (raw["any_purchase_days"] > 0)).sum())
    diag["customers_without_purchase"] = int((raw["any_purchase_days"] == 0).sum())
    for key, col in (("purchase_days_zero_value", "zero_days"),
                     ("purchase_days_negative_value", "negative_days"),
                     ("days_return_only", "return_days")):
        diag[key] = int(raw[col].sum())
    raw = raw.loc[kept].set_index("c").sort_index()
    first = pd.to_datetime(raw["first_date"]).astype("datetime64[s]")
    last = pd.to_datetime(raw["last_date"]).astype("datetime64[s]")
    end = pd.Timestamp(obs)
    frequency = raw["purchase_days"].astype("int64") - 1
    repeat_value = raw["purchase_value"].astype("float64") - raw["first_value"].astype("float64")
    tenure = (end - first).dt.days.astype("int64")
    out = pd.DataFrame({
        "frequency": frequency,
        "recency": (last - first).dt.days.astype("float64") / unit,
        "T": tenure.astype("float64") / unit,
        "monetary_value": np.where(frequency > 0, repeat_value / frequency.clip(lower=1), 0.0),
        "total_revenue": raw["total_revenue"].fillna(0.0).astype("float64"),
        "n_orders": raw["n_orders"].fillna(0).astype("int64"),
        "first_date": first,
        "last_date": last,
        "tenure": tenure,
    }, index=raw.index)
    if hold is not None:
        out["holdout_frequency"] = raw["holdout_frequency"].fillna(0).astype("int64")
        out["holdout_revenue"] = raw["holdout_revenue"].fillna(0.0).astype("float64")
        out["holdout_T"] = float((pd.Timestamp(hold) - end).days) / unit
    diag["customers"] = len(out)
    return out
