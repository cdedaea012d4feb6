"""Reading survey and transaction data from files and databases into validated DataFrames.

Formats: CSV/TXT (UTF-8, UTF-8 with BOM, GBK/GB18030; delimiter detected), XLSX, SPSS ``.sav``,
Parquet, a DuckDB database file (``table=``), and a PostgreSQL URL (``table=``). Every problem
raises one-line :class:`~kamreport.errors.InputError` naming the file, the column, the first
offending rows (as the user sees them: CSV line numbers, Excel row numbers, else 1-based data
rows) and the fix.
"""

from __future__ import annotations

import csv
import io
import os
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from kamreport.data.schemas import TRANSACTIONS_SCHEMA, Codebook, survey_schema
from kamreport.errors import InputError, first_line

#: File types by suffix: the ONE table both readers use (pandas here, the engine in
#: kamreport.value.summary), so a file readable by one is readable by the other.
SUFFIXES = {
    ".csv": "csv", ".txt": "csv", ".tsv": "csv", ".csv.gz": "csv", ".tsv.gz": "csv",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".sav": "sav", ".zsav": "sav",
    ".parquet": "parquet", ".pq": "parquet",
    ".duckdb": "duckdb", ".ddb": "duckdb", ".db": "duckdb",
}
SQL_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
MAX_ROWS_SHOWN = 5


@dataclass(frozen=True)
class _Loaded:
    frame: pd.DataFrame
    name: str          # how the source is named in messages
    kind: str          # csv | xlsx | sav | parquet | duckdb | sql | frame

    def row_label(self, index: int) -> str:
        """How a user finds data row ``index`` (0-based) in the source."""
        if self.kind == "csv":
            return f"line {index + 2}"
        if self.kind == "xlsx":
            return f"row {index + 2}"
        return f"row {index + 1}"

    def rows(self, indices) -> str:
        idx = sorted({int(i) for i in indices})
        shown = ", ".join(self.row_label(i).split()[1] for i in idx[:MAX_ROWS_SHOWN])
        word = self.row_label(idx[0]).split()[0] + ("s" if len(idx) > 1 else "")
        more = f" and {len(idx) - MAX_ROWS_SHOWN} more" if len(idx) > MAX_ROWS_SHOWN else ""
        return f"{word} {shown}{more}"


def _decode(raw: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{name}: text is neither UTF-8 nor GBK; save the file as UTF-8 CSV")


def _sniff_delimiter(text: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise InputError(f"{path}: looks like a binary file, not CSV text; export the data as CSV or XLSX")
    text = _decode(raw, str(path))
    if not text.strip():
        raise InputError(f"{path}: the file is empty; it needs a header line and at least one data row")
    delimiter = _sniff_delimiter(text, path.suffix.lower())
    try:
        # index_col=False: a trailing delimiter must not silently turn column 1 into the index
        return pd.read_csv(io.StringIO(text), sep=delimiter, skipinitialspace=True, index_col=False)
    except pd.errors.ParserError as exc:
        # pandas says e.g. "Error tokenizing data. C error: Expected 5 fields in line 7, saw 6"
        detail = str(exc).strip().splitlines()[-1].split("C error: ")[-1]
        raise InputError(f"{path}: malformed CSV ({detail}); fix that line's number of fields or quote values containing {delimiter!r}") from None


def _read_duckdb(path: Path, table: str | None) -> pd.DataFrame:
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()]
        if table is None:
            if len(tables) != 1:
                raise InputError(f"{path}: holds tables {tables}; pass table=<name> to choose one")
            table = tables[0]
        if table not in tables:
            raise InputError(f"{path}: no table {table!r} (tables: {', '.join(tables) or 'none'}); fix table=")
        return con.execute(f'select * from "{table}"').df()


def _read_sql(url: str, table: str | None) -> pd.DataFrame:
    if not table:
        raise InputError(f"{redact_url(url)}: a database source needs table=<name>")
    import psycopg
    from psycopg import sql

    try:
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as con:
            cur = con.execute(sql.SQL("select * from {}").format(sql.Identifier(*table.split("."))))
            columns = [d.name for d in cur.description]
            return pd.DataFrame(cur.fetchall(), columns=columns)
    except psycopg.Error as exc:
        raise InputError(f"{redact_url(url)}: {first_line(exc)}; check the URL, the server and table={table!r}") from None


def redact_url(url: str) -> str:
    """``url`` with its password replaced by ``***`` (any scheme); other text unchanged.

    The one function every message, manifest and report uses to name a source.

    Examples
    --------
    >>> redact_url("postgresql://ana:s3cret@db.example:5432/crm?sslmode=require")
    'postgresql://ana:***@db.example:5432/crm?sslmode=require'
    >>> redact_url("postgresql://db.example/crm?password=s3cret&user=ana")
    'postgresql://db.example/crm?password=***&user=ana'
    >>> redact_url("data/orders.csv")
    'data/orders.csv'
    """
    text = str(url)
    if "://" not in text:
        return text
    parts = urllib.parse.urlsplit(text)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":***"
        netloc = f"{userinfo}@{host}"
    query = "&".join(
        f"{k}=***" if k.lower() in ("password", "passwd", "pwd") else (f"{k}={v}" if eq else k)
        for k, eq, v in (item.partition("=") for item in parts.query.split("&") if item)
    )
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


@dataclass(frozen=True)
class SourceRef:
    """What a source is, decided once for every reader: ``kind`` (csv, xlsx, sav, parquet,
    duckdb, sql, frame), ``location`` (path, glob, folder or URL), ``table`` and a ``name``
    for messages (a URL without its password)."""

    kind: str
    location: str | None
    name: str
    table: str | None = None


def resolve_source(source, *, table: str | None = None) -> SourceRef:
    """Classify ``source`` (DataFrame, path, glob, folder of Parquet files or database URL).

    Raises
    ------
    InputError
        an unknown file type, a missing file, or a database/DuckDB source without ``table``
        where one is needed.
    """
    if isinstance(source, pd.DataFrame):
        return SourceRef("frame", None, "DataFrame", table)
    text = str(source)
    if text.startswith(SQL_SCHEMES):
        if not table:
            raise InputError(f"{redact_url(text)}: no table= given; a database source needs table=<name>; fix: name the table")
        return SourceRef("sql", text, f"{redact_url(text)} table {table}", table)
    path = Path(text)
    lower = path.name.lower()
    kind = next((k for suffix, k in sorted(SUFFIXES.items(), key=lambda kv: -len(kv[0]))
                 if lower.endswith(suffix)), None)
    if path.is_dir():
        kind = "parquet"  # a folder of Parquet files (a partitioned data set)
    elif kind is None:
        raise InputError(f"{path}: unsupported file type {path.suffix or '(none)'!r}; use one of "
                         f"{', '.join(sorted(set(SUFFIXES)))} or a postgresql:// URL")
    elif "*" not in text and not path.is_file():
        raise InputError(f"{path}: file not found; check the path (relative paths start at the "
                         "parameter file's folder)")
    return SourceRef(kind, text, text + (f" table {table}" if table and kind == "duckdb" else ""), table)


def utf8_csv(path: str | Path) -> tuple[Path, str, Path | None]:
    """A CSV file the database engine can read: (path to read, delimiter, temporary copy or None).

    DuckDB reads UTF-8 only: a GBK/GB18030 file (what Chinese Excel saves) is transcoded to a
    temporary UTF-8 copy, streamed, so memory stays bounded; the caller deletes the copy. The
    encoding and the delimiter are detected the same way as :func:`read_transactions` does.
    """
    import codecs
    import tempfile

    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(65536)
    decoder = codecs.getincrementaldecoder("utf-8")()
    encoding = "utf-8"
    with open(path, "rb") as fh:
        try:
            while chunk := fh.read(1 << 24):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            encoding = "gb18030"
    delimiter = _sniff_delimiter(_decode(head[:65000], str(path)), path.suffix.lower())
    if encoding == "utf-8":
        return path, delimiter, None
    fd, tmp = tempfile.mkstemp(prefix="kamreport-", suffix=".utf8.csv")
    try:
        with open(path, encoding=encoding, newline="") as src, os.fdopen(fd, "w", encoding="utf-8",
                                                                       newline="") as dst:
            while block := src.read(1 << 22):
                dst.write(block)
    except UnicodeDecodeError:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"{path}: text is neither UTF-8 nor GBK; save the file as UTF-8 CSV") from None
    return Path(tmp), delimiter, Path(tmp)


def load_table(source, *, table: str | None = None, sheet: str | int | None = None) -> _Loaded:
    """Read ``source`` (path, URL or DataFrame) into a DataFrame, without validation."""
    if isinstance(source, pd.DataFrame):
        return _Loaded(source.reset_index(drop=True), "DataFrame", "frame")
    ref = resolve_source(source, table=table)
    if ref.kind == "sql":
        return _Loaded(_read_sql(ref.location, table), ref.name, "sql")
    path, kind = Path(ref.location), ref.kind
    if not path.is_file():
        raise InputError(f"{path}: a single file is needed here (not a folder or pattern); name one file")
    try:
        if kind == "csv":
            frame = _read_csv(path)
        elif kind == "xlsx":
            frame = _read_xlsx(path, sheet)
        elif kind == "sav":
            import pyreadstat

            frame, _meta = pyreadstat.read_sav(str(path), apply_value_formats=False)
        elif kind == "parquet":
            frame = pd.read_parquet(path)
        else:
            frame = _read_duckdb(path, table)
    except InputError:
        raise
    except Exception as exc:  # a reader library's own error: keep it to one line with the file
        raise InputError(f"{path}: cannot be read as {kind} ({first_line(exc)}); check that the file "
                         f"is a valid {kind} file") from None
    return _Loaded(frame.reset_index(drop=True), str(path), kind)


def _read_xlsx(path: Path, sheet: str | int | None) -> pd.DataFrame:
    try:
        return pd.read_excel(path, sheet_name=0 if sheet is None else sheet, engine="openpyxl")
    except (ValueError, KeyError) as exc:
        if "not found" in str(exc) or "Worksheet" in str(exc):
            import openpyxl

            names = openpyxl.load_workbook(path, read_only=True).sheetnames
            raise InputError(f"{path}: no sheet {sheet!r} (sheets: {', '.join(names)}); fix sheet=") from None
        raise


_DTYPE_WORDS = {
    "Int64": "whole numbers", "int64": "whole numbers", "float64": "numbers",
    "datetime64[ns]": "dates like 2024-03-31", "str": "text",
}

_CHECK_TEXT = {
    "column_in_dataframe": ("is missing", "add the column or fix its name"),
    "not_nullable": ("is empty", "fill in the value or drop the row"),
    "field_uniqueness": ("has duplicate values", "make each value unique"),
    "whole_number": ("has non-whole numbers", "answers must be whole scale points"),
    "finite_amount": ("has implausibly large values", "check the unit and decimal separator"),
}


def _raise_schema_error(exc: pa.errors.SchemaErrors, loaded: _Loaded, types: dict[str, str],
                        ranges: dict[str, str] | None = None) -> None:
    """Turn pandera's failure table into one line: source, column, rows, what is expected.

    ``types``: column -> the values it takes, in words ("numbers (scale 1–10)"); ``ranges``:
    column -> its allowed range, in words ("the scale 1–10").
    """
    fc = exc.failure_cases
    fc = fc[~fc["failure_case"].astype(str).str.startswith("TypeError(")]  # echoes of a failed coerce
    first = fc.iloc[0]
    column, check = first["column"], str(first["check"])
    if check == "column_in_dataframe":
        missing = fc.loc[fc["check"] == check, "failure_case"].tolist()
        available = ", ".join(map(str, loaded.frame.columns[:12]))
        what = f"column {missing[0]!r} is" if len(missing) == 1 else f"columns {', '.join(map(repr, missing))} are"
        raise InputError(f"{loaded.name}: required {what} missing (columns present: {available}); rename the column or fix the codebook/parameters")
    rows = fc[(fc["column"] == column) & (fc["check"].astype(str) == check)]
    indices = [i for i in rows["index"] if i is not None and not pd.isna(i)]
    values = ", ".join(repr(v) for v in list(dict.fromkeys(rows["failure_case"].tolist()))[:3])
    where = f" at {loaded.rows(indices)}" if indices else ""
    if check.startswith(("coerce_dtype", "dtype")):
        dtype = check.split("'")[1] if "'" in check else ""
        wanted = types.get(column) or _DTYPE_WORDS.get(dtype, dtype or "another type")
        raise InputError(f"{loaded.name}: column {column!r} has values that are not {wanted}{where} ({values}); correct them or mark them missing")
    if check.startswith(("in_range", "greater", "less")):
        raise InputError(f"{loaded.name}: column {column!r} has values outside {(ranges or {}).get(column, check)}{where} ({values}); recode them or declare them as missing codes in the codebook")
    what, fix = _CHECK_TEXT.get(check.split("(")[0], (f"fails check {check}", "correct the values"))
    raise InputError(f"{loaded.name}: column {column!r} {what}{where}" + (f" ({values})" if check != "not_nullable" else "") + f"; {fix}")


def _parse_dates(values: pd.Series, date_format: str | None, loaded: _Loaded, column: str) -> pd.Series:
    """Dates parsed strictly: ISO 8601 (or YYYYMMDD integers) unless ``date_format`` is given, so
    that 05/02/2024 is never silently read month-first. Unparseable values: one-line error."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    if date_format is None and pd.api.types.is_integer_dtype(values):
        date_format = "%Y%m%d"
    text = values.astype("string").str.strip()
    parsed = pd.to_datetime(text, format=date_format or "ISO8601", errors="coerce")
    bad = parsed.isna() & text.notna() & (text != "")
    if bad.any():
        shown = ", ".join(repr(v) for v in values[bad].head(3))
        wanted = f"in format {date_format!r}" if date_format else "ISO dates like 2024-03-31"
        raise InputError(f"{loaded.name}: column {column!r} has values that are not {wanted} at "
                         f"{loaded.rows(bad[bad].index)} ({shown}); correct them or pass date_format= (e.g. '%d/%m/%Y')")
    return parsed


def as_id(values: pd.Series) -> pd.Series:
    """Customer ids as stripped strings; whole floats (ints read with blanks) lose their ``.0``."""
    if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
        values = values.astype("Int64")
    return values.astype("string").str.strip()


def read_survey(source, codebook: Codebook, *, table: str | None = None, sheet: str | int | None = None) -> pd.DataFrame:
    """Read survey answers and validate them against ``codebook``.

    Missing codes become NA, reverse-coded items are reflected (``min + max - x``), items and
    Kano answers are float64, the other codebook columns get their declared types.

    Parameters
    ----------
    source : path, ``postgresql://`` URL or DataFrame
    codebook : the survey's :class:`Codebook`
    table, sheet : table name (DuckDB file, database) or sheet (XLSX)

    Returns
    -------
    DataFrame, one row per respondent, the codebook's columns validated.

    Raises
    ------
    InputError
        one line naming the source, column, first offending rows and the fix.
    """
    loaded = load_table(source, table=table, sheet=sheet)
    frame = loaded.frame.copy()
    if frame.empty:
        raise InputError(f"{loaded.name}: no data rows; the survey needs at least one respondent")
    answer_cols = [c for c in (*codebook.items, *codebook.kano_columns) if c in frame.columns]
    if codebook.missing_codes:
        for col in answer_cols:
            numeric = pd.to_numeric(frame[col], errors="coerce")
            frame[col] = frame[col].mask(numeric.isin(codebook.missing_codes))
    lo, hi = codebook.scale.min, codebook.scale.max
    klo, khi = codebook.kano.scale.min, codebook.kano.scale.max
    ranges = {c: f"the scale {lo}–{hi}" for c in codebook.items}
    ranges |= {c: f"the Kano answers {klo}–{khi}" for c in codebook.kano_columns}
    types = {c: f"numbers ({text.removeprefix('the ')})" for c, text in ranges.items()}
    try:
        frame = survey_schema(codebook).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        _raise_schema_error(exc, loaded, types, ranges)
    for item, spec in codebook.items.items():
        if spec.reverse:
            frame[item] = lo + hi - frame[item]
    return frame


def read_transactions(source, *, customer: str, date: str, amount: str, table: str | None = None,
                      sheet: str | int | None = None, date_format: str | None = None) -> pd.DataFrame:
    """Read transactions into the canonical columns ``customer_id, date, amount`` (+ the others).

    Parameters
    ----------
    source : path, ``postgresql://`` URL or DataFrame
    customer, date, amount : the source's column names for the customer id, the order date and
        the order value; they are renamed to the canonical names, other columns are kept as-is.
    date_format : optional ``strftime`` format when dates are not ISO-like (e.g. ``"%Y%m%d"``)

    Returns
    -------
    DataFrame with ``customer_id`` (string), ``date`` (datetime64), ``amount`` (float64) first.

    Examples
    --------
    >>> tx = pd.DataFrame({"acct": ["A", "B"], "day": ["2024-01-02", "2024-01-05"], "value": [10, 20.5]})
    >>> read_transactions(tx, customer="acct", date="day", amount="value").dtypes["amount"]
    dtype('float64')
    """
    loaded = load_table(source, table=table, sheet=sheet)
    frame = loaded.frame
    wanted = {"customer": customer, "date": date, "amount": amount}
    for role, col in wanted.items():
        if col not in frame.columns:
            available = ", ".join(map(str, frame.columns[:12]))
            raise InputError(f"{loaded.name}: {role} column {col!r} not found (columns present: {available}); pass {role}=<column name>")
    if frame.empty:
        raise InputError(f"{loaded.name}: no data rows; the transactions file needs at least one order")
    # other columns keep their names, except one that would clash with a canonical name
    others = {c: (f"{c}_source" if c in ("customer_id", "date", "amount") else c)
              for c in frame.columns if c not in wanted.values()}
    canonical = pd.DataFrame({
        "customer_id": as_id(frame[customer]),
        "date": _parse_dates(frame[date], date_format, loaded, date),
        "amount": frame[amount],
    })
    canonical = canonical.join(frame[list(others)].rename(columns=others))
    canonical.loc[canonical["customer_id"] == "", "customer_id"] = pd.NA
    names = {"customer_id": customer, "date": date, "amount": amount}
    expect = {"date": "dates (e.g. 2024-03-31)", "amount": "numbers"}
    try:
        canonical = TRANSACTIONS_SCHEMA.validate(canonical, lazy=True)
    except pa.errors.SchemaErrors as exc:
        exc.failure_cases["column"] = exc.failure_cases["column"].map(lambda c: names.get(c, c))
        _raise_schema_error(exc, loaded, {names[k]: v for k, v in expect.items()})
    canonical["customer_id"] = canonical["customer_id"].astype(str)
    return canonical
