"""All the data one parameter set names, read and validated in one call: the glue between
:class:`~kamreport.params.Params` and the readers of :mod:`kamreport.data`.

Notebooks call :func:`load_inputs` right after their parameters cell; ``kamreport validate``
(and ``kamreport run``, before executing anything) calls :func:`check_inputs`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kamreport.data.checks import refuse_constant_items, refuse_other_currency, refuse_reused_order_ids
from kamreport.data.joins import join_accounts
from kamreport.data.schemas import Codebook
from kamreport.data.readers import read_complaints, read_survey, read_transactions
from kamreport.data.sources import as_id, load_table, redact_url
from kamreport.errors import InputError
from kamreport.params import NOTEBOOKS, Params
from kamreport.privacy import pseudonym, pseudonym_key, pseudonymize_columns
from kamreport.data.remote import RemoteTransactions


@dataclass(frozen=True)
class Inputs:
    """The validated data of one report run (``None`` where the parameter set names none)."""

    params: Params
    codebook: Codebook | None = None
    survey: pd.DataFrame | None = None
    transactions: pd.DataFrame | RemoteTransactions | None = None   # remote with engine: spark
    accounts: pd.DataFrame | None = None
    complaints: pd.DataFrame | None = None   # canonical account_id, date (+ category, severity, ...)

    @property
    def account_column(self) -> str | None:
        """The survey's account column when every respondent names an account, else None: the
        bootstrap then resamples whole accounts (several respondents of one account are not
        independent)."""
        key = self.params.data.account_key
        survey = self.survey
        return key if survey is not None and key in survey.columns and survey[key].notna().all() else None

    def describe(self) -> pd.DataFrame:
        """One row per data source: what it is, where it came from (no password), rows, columns."""
        rows = []
        for role, where in self.params.sources().items():
            frame = getattr(self, role)
            if isinstance(frame, RemoteTransactions):   # rows stay in the engine: not counted
                rows.append({"source": role, "file": redact_url(where), "rows": None,
                             "columns": len(frame.table.columns)})
            elif frame is not None:
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
    needs = {source for name in names for source in (*NOTEBOOKS[name].needs, *NOTEBOOKS[name].uses)}
    codebook = Codebook.from_file(params.resolve(d.codebook)) if d.codebook else None
    frames: dict[str, pd.DataFrame | None] = {"survey": None, "transactions": None, "accounts": None,
                                              "complaints": None}
    remote: RemoteTransactions | None = None
    if "survey" in needs and d.survey:
        frames["survey"] = _read(read_survey, params.resolve(d.survey), codebook, table=d.survey_table)
        if frames["survey"].attrs.get("sav_labels"):   # SPSS labels where the codebook has none
            codebook = codebook.with_sav_labels(frames["survey"].attrs["sav_labels"])
    if "transactions" in needs and d.transactions and d.transactions.engine == "spark":
        remote = _remote_transactions(params)
    elif "transactions" in needs and d.transactions:
        t = d.transactions
        money = tuple(c for c in (t.margin, t.cost_to_serve) if c)
        frames["transactions"] = _read(read_transactions, params.resolve(t.path), customer=t.customer, date=t.date,
                                                   amount=t.amount, table=t.table, date_format=t.date_format,
                                                   money=money)
        for role in ("order_id", "product_line"):
            col = getattr(t, role)
            if col and col not in frames["transactions"].columns:
                raise InputError(f"{redact_url(params.resolve(t.path))}: {role} column {col!r} not found; "
                                 f"fix data.transactions.{role}")
    if "complaints" in needs and d.complaints:
        c = d.complaints
        frames["complaints"] = _read(read_complaints, params.resolve(c.path), account=c.account, date=c.date,
                                               category=c.category, severity=c.severity,
                                               resolved_days=c.resolved_days, table=c.table,
                                               date_format=c.date_format)
    if d.accounts:
        frames["accounts"] = _read(_table_frame, params.resolve(d.accounts))
    if frames["survey"] is not None and frames["accounts"] is not None and d.account_key in frames["survey"]:
        attrs = frames["survey"].attrs
        frames["survey"] = join_accounts(frames["survey"], frames["accounts"], d.account_key,
                                         source=params.resolve(d.accounts))
        frames["survey"].attrs = attrs   # the reader's cleaning record survives the join
    for role in ("segment", "wave"):
        column = getattr(params, role)
        if column and frames["survey"] is not None and column not in frames["survey"].columns:
            raise InputError(f"{params.source}: {role} column {column!r} is in neither the survey nor the "
                             f"accounts file; fix '{role}'")
    if params.filter:
        frames = _filtered(frames, params)
        remote = remote and _filtered_remote(remote, frames, params)
    if params.pseudonymize:
        frames = _pseudonymized(frames, params, codebook)
        if remote is not None:   # HMAC runs on the driver: on the per-customer ids that come back
            key = pseudonym_key()
            remote = RemoteTransactions(remote.table, remote.name, lambda v: pseudonym(str(v), key, "ACC"))
    if remote is not None:
        frames["transactions"] = remote
    return Inputs(params=params, codebook=codebook, **frames)


_MEMO: dict | None = None   # while remembered_reads() is active: read key -> frame


@contextmanager
def remembered_reads() -> Iterator[None]:
    """Within the block, each local input file is read and validated once and later calls get a
    copy: the checks of a batch (many parameter sets, one per region or language, name the same
    files) read a 300,000-row log once, not once per parameter set. A file changed meanwhile
    (size or mtime) is read again; databases and Spark are never remembered."""
    global _MEMO
    outer = _MEMO
    _MEMO = {} if outer is None else outer
    try:
        yield
    finally:
        _MEMO = outer


def _table_frame(source) -> pd.DataFrame:
    return load_table(source).frame


def _read(reader: Callable[..., pd.DataFrame], source, *args, **options) -> pd.DataFrame:
    """``reader(source, *args, **options)``, from :data:`_MEMO` when :func:`remembered_reads` is on."""
    path = Path(str(source))
    if _MEMO is None or "://" in str(source) or not path.is_file():
        return reader(source, *args, **options)
    stat = path.stat()
    key = (reader.__name__, str(path.resolve()), stat.st_size, stat.st_mtime_ns, repr(args), repr(sorted(options.items())))
    if key not in _MEMO:
        _MEMO[key] = reader(source, *args, **options)
    frame = _MEMO[key]
    out = frame.copy()
    out.attrs = copy.deepcopy(frame.attrs)
    return out


def spark_backend(params: Params) -> Any:
    """The ibis PySpark backend of ``data.transactions.spark`` (a session, reused if one runs).

    ``master`` may be ``local[*]``, ``spark://host:7077``, ``yarn`` or ``sc://host:15002``
    (Spark Connect, started with ``SparkSession.builder.remote``). The conf values go to Spark
    only: no message names them (they may hold tokens).
    """
    import ibis
    from pyspark.sql import SparkSession

    options = params.data.transactions.spark
    master = options.master if options else "local[*]"
    builder = SparkSession.builder.appName("kamreport")
    builder = builder.remote(master) if master.startswith("sc://") else builder.master(master)
    for name, value in (options.conf if options else {}).items():
        builder = builder.config(name, str(value).lower() if isinstance(value, bool) else str(value))
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # no Java, no cluster: one line, without the conf (secrets)
        raise InputError(f"data.transactions.engine spark: no Spark session at {redact_url(master)} "
                         f"({type(exc).__name__}); fix: install the [spark] extra and Java, or the master") from None
    return ibis.pyspark.connect(session)


def _remote_transactions(params: Params) -> RemoteTransactions:
    """The transactions as a Spark table with the canonical column names; nothing is collected."""
    t = params.data.transactions
    where = params.resolve(t.path)
    if t.date_format:
        raise InputError(f"{params.source}: data.transactions.date_format is not applied by Spark; fix: store "
                         "dates as ISO text, dates or timestamps, or use engine: duckdb")
    con = spark_backend(params)
    named = not t.path.lower().endswith((".parquet", ".csv", ".csv.gz")) and "/" not in t.path
    if t.table is not None or named:   # "sales.orders": a table in the metastore
        database, _, name = (t.table or t.path).rpartition(".")
        table = con.table(name, database=database or None)
    else:
        text = where.lower().rstrip("/")
        table = con.read_csv(where, header=True, inferSchema=True) if text.endswith((".csv", ".csv.gz")) \
            else con.read_parquet(where)
    columns = {"customer_id": t.customer, "date": t.date, "amount": t.amount}
    if t.order_id:
        columns["order_id"] = t.order_id
    missing = [c for c in columns.values() if c not in table.columns]
    if missing:
        raise InputError(f"{redact_url(where)}: column(s) {', '.join(map(repr, missing))} not found (columns: "
                         f"{', '.join(table.columns[:12])}); fix data.transactions")
    rest = [c for c in table.columns if c not in columns.values()]
    return RemoteTransactions(table.select(*[table[v].name(k) for k, v in columns.items()], *rest),
                              redact_url(where))


def _filtered_remote(remote: RemoteTransactions, frames: dict[str, pd.DataFrame | None],
                     params: Params) -> RemoteTransactions:
    """``filter`` in the engine: on the transactions' own columns, or through the account master's
    ids left after filtering (sent to Spark as a list: fine for key-account numbers of accounts)."""
    table, key = remote.table, params.data.account_key
    for column, wanted in params.filter.items():
        values = [str(v) for v in (wanted if isinstance(wanted, list) else [wanted])]
        if column in table.columns:
            table = table.filter(table[column].cast("string").isin(values))
        elif frames["accounts"] is not None and key in frames["accounts"].columns:
            ids = sorted(set(as_id(frames["accounts"][key]).dropna()))
            table = table.filter(table["customer_id"].cast("string").isin(ids))
    return RemoteTransactions(table, remote.name, remote.rename)


def _filtered(frames: dict[str, pd.DataFrame | None], params: Params) -> dict[str, pd.DataFrame | None]:
    """Only the rows of ``params.filter``: in each frame holding the column; transactions also
    through the account master (their customers among the accounts left)."""
    out = dict(frames)
    key = params.data.account_key
    for column, wanted in params.filter.items():
        values = {str(v) for v in (wanted if isinstance(wanted, list) else [wanted])}
        holders = [role for role, f in out.items() if f is not None and column in f.columns]
        if not holders:
            present = [role for role, f in out.items() if f is not None]
            raise InputError(f"{params.source}: filter column {column!r} is in none of the data "
                             f"({', '.join(present) or 'no sources'}); fix 'filter'")
        for role in holders:
            out[role] = out[role][out[role][column].astype("string").isin(values).fillna(False)]
        tx, accounts = out["transactions"], out["accounts"]
        if tx is not None and "transactions" not in holders and "accounts" in holders and key in accounts:
            out["transactions"] = tx[tx["customer_id"].isin(set(as_id(accounts[key]).dropna()))]
        complaints, tx = out["complaints"], out["transactions"]
        if complaints is not None and "complaints" not in holders:   # through the accounts left
            left = set(tx["customer_id"]) if tx is not None else \
                set(as_id(accounts[key]).dropna()) if "accounts" in holders and key in accounts else None
            if left is not None:
                out["complaints"] = complaints[complaints["account_id"].isin(left)]
        for role in ("survey", "transactions"):
            if out[role] is not None and out[role].empty:
                raise InputError(f"{params.source}: filter {column}={sorted(values)} leaves no rows in the "
                                 f"{role}; fix 'filter' (values are compared as text)")
    return out


def _pseudonymized(frames: dict[str, pd.DataFrame | None], params: Params,
                   codebook: Codebook | None) -> dict[str, pd.DataFrame | None]:
    """Account ids, account names and respondent ids replaced by keyed pseudonyms everywhere."""
    key = pseudonym_key()
    d = params.data
    ids = [(d.account_key, "ACC"), (d.account_name, "NAME"), *((c, "NAME") for c in d.personal_columns)]
    respondent = [(codebook.respondent_id, "RESP")] if codebook and codebook.respondent_id else []
    out = {role: (f.assign(**{d.account_key: as_id(f[d.account_key])})
                  if f is not None and d.account_key in f.columns else f) for role, f in frames.items()}
    if out["survey"] is not None:
        out["survey"] = pseudonymize_columns(out["survey"], [*ids, *respondent], key)
    if out["accounts"] is not None:
        out["accounts"] = pseudonymize_columns(out["accounts"], ids, key)
    if out["transactions"] is not None:
        out["transactions"] = pseudonymize_columns(out["transactions"],
                                                   [("customer_id", "ACC"), *ids[1:]], key)
    if out["complaints"] is not None:
        out["complaints"] = pseudonymize_columns(out["complaints"], [("account_id", "ACC"), *ids[1:]], key)
    return out


#: The fewest customers the value models are fitted to (more than BG/NBD's four parameters).
MIN_CUSTOMERS = 5


def check_inputs(params: Params) -> Inputs:
    """Everything the notebooks of ``params`` will ask of the data, checked without running them.

    The readers' checks (files, columns, types, scales, dates, amounts), then those that need the
    parameters too: the model's items exist and vary, enough respondents for the model's
    parameters, the amounts' currency is the report's, order ids name one order each, enough
    customers for the value models. Returns the loaded inputs. Raises
    :class:`~kamreport.errors.InputError` or :class:`~kamreport.errors.ModelError` (exit code 2).
    """
    if params.pseudonymize:
        pseudonym_key()
    inputs = load_inputs(params)
    if inputs.survey is not None:
        from kamreport.satisfaction.analysis import check_model

        spec = check_model(inputs.survey, inputs.codebook, preset=params.model.preset, text=params.model.spec,
                           target=params.model.target)
        refuse_constant_items(inputs.survey, spec.items)
        n_params = len(spec.items) + len(spec.paths)
        if len(inputs.survey) < n_params:
            raise InputError(f"{redact_url(params.resolve(params.data.survey))}: {len(inputs.survey)} respondents "
                             f"for a model with {n_params} parameters; collect more answers or use a smaller model")
    if isinstance(inputs.transactions, RemoteTransactions):  # counted in the engine; currency and
        customers = int(inputs.transactions.table["customer_id"].nunique().to_pandas())  # order ids: not
        if customers < MIN_CUSTOMERS:                                  # checked remotely
            raise InputError(f"{inputs.transactions.name}: only {customers} customers; the value report needs "
                             f"at least {MIN_CUSTOMERS} (fix data.transactions.customer, or the filter)")
        _check_accounts(params, inputs)
    elif inputs.transactions is not None:
        tx, t = inputs.transactions, params.data.transactions
        refuse_other_currency(tx, params.currency)
        if t.order_id:
            refuse_reused_order_ids(tx, t.order_id)
        _check_accounts(params, inputs)
        customers = tx["customer_id"].nunique()
        if customers < MIN_CUSTOMERS:
            word = "customer" if customers == 1 else "customers"
            raise InputError(f"{redact_url(params.resolve(t.path))}: only {customers} {word}; the value report "
                             f"needs at least {MIN_CUSTOMERS} (fix data.transactions.customer, or the filter)")
    return inputs


def _check_accounts(params: Params, inputs: Inputs) -> None:
    """The account master has the key the value report joins on, and the columns the account
    review scores (review.key_weights, review.margin_column) where notebook 03 runs."""
    d, accounts = params.data, inputs.accounts
    source = redact_url(params.resolve(d.accounts)) if d.accounts else "parameters"
    if accounts is not None and d.account_key not in accounts.columns:
        raise InputError(f"{source}: account key column {d.account_key!r} not found (columns present: "
                         f"{', '.join(map(str, accounts.columns[:12]))}); fix data.account_key")
    if "03_account_review" not in params.notebooks:
        return
    wanted = [*params.review.key_weights, *([params.review.margin_column] if params.review.margin_column else [])]
    if wanted and accounts is None:
        raise InputError(f"{params.source}: review.key_weights / review.margin_column need the account master; "
                         "add data.accounts or drop them")
    missing = [c for c in wanted if c not in accounts.columns] if wanted else []
    if missing:
        raise InputError(f"{source}: column(s) {', '.join(map(repr, missing))} named in review.key_weights / "
                         "review.margin_column are not in the account master; fix the names")
    if params.review.margin_column and params.review.margin_cuts is None:
        raise InputError(f"{params.source}: review.margin_column needs review.margin_cuts (medium from, high "
                         "from), e.g. [0.3, 0.4]")


def cleaning_notes(inputs: Inputs) -> str:
    """What the readers converted, dropped or flagged, in one line (for ``kamreport validate``)."""
    parts = []
    for role in ("survey", "transactions"):
        frame = getattr(inputs, role)
        record = frame.attrs.get("cleaning", {}) if isinstance(frame, pd.DataFrame) else {}
        shown = []
        for key, value in record.items():
            if key.endswith("_ids") or value in (0, None, "", [], {}) or key == "respondent_id":
                continue
            text = ", ".join(map(str, value)) if isinstance(value, list) else _counts(value) \
                if isinstance(value, dict) else str(value)
            shown.append(f"{key.replace('_', ' ')}: {text}")
        if shown:
            parts.append(f"{role} " + "; ".join(shown))
    return " | ".join(parts)


def _counts(value: dict) -> str:
    """``{"%Y%m%d": 12}`` -> ``%Y%m%d 12``; nested records (per column) -> ``column: ...``."""
    return ", ".join(f"{k}: {_counts(v)}" if isinstance(v, dict) else f"{k} {v}" for k, v in value.items())


__all__ = ["Inputs", "check_inputs", "cleaning_notes", "load_inputs", "remembered_reads"]
