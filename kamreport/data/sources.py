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
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

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
    delimiter: str | None = None                        # CSV only
    meta: dict = field(default_factory=dict)            # .sav only: SPSS variable and value labels

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
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    _refuse_mixed_encodings(raw, name)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError(f"{name}: text is neither UTF-8 nor GBK; save the file as UTF-8 CSV") from None


def _refuse_mixed_encodings(raw: bytes, name: str) -> None:
    """A file that is not UTF-8 as a whole but has many UTF-8 lines (rows appended from another
    export): decoding it as GBK would turn those lines into mojibake, silently."""
    utf8, other = [], []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8.append(number)
        except UnicodeDecodeError:
            other.append(number)
    if other and len(utf8) > 0.1 * (len(utf8) + len(other)):
        def lines(numbers: list[int]) -> str:
            more = f" and {len(numbers) - MAX_ROWS_SHOWN} more" if len(numbers) > MAX_ROWS_SHOWN else ""
            return ", ".join(map(str, numbers[:MAX_ROWS_SHOWN])) + more
        raise InputError(f"{name}: mixes text encodings: lines {lines(utf8)} are UTF-8, lines {lines(other)} "
                         "are not (GBK?); save the whole file in one encoding, UTF-8")


def _sniff_delimiter(text: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _read_csv(path: Path) -> tuple[pd.DataFrame, str]:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise InputError(f"{path}: looks like a binary file, not CSV text; export the data as CSV or XLSX")
    text = _decode(raw, str(path))
    if not text.strip():
        raise InputError(f"{path}: the file is empty; it needs a header line and at least one data row")
    delimiter = _sniff_delimiter(text, path.suffix.lower())
    try:
        # index_col=False: a trailing delimiter must not silently turn column 1 into the index
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, skipinitialspace=True, index_col=False)
    except pd.errors.ParserError as exc:
        # pandas says e.g. "Error tokenizing data. C error: Expected 5 fields in line 7, saw 6"
        detail = str(exc).strip().splitlines()[-1].split("C error: ")[-1]
        raise InputError(f"{path}: malformed CSV ({detail}); fix that line's number of fields or quote "
                         f"values containing {delimiter!r}") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: the file is empty; it needs a header line and at least one data "
                         "row") from None
    return frame, delimiter


def _read_duckdb(path: Path, table: str | None) -> pd.DataFrame:
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()]
        if table is None:
            if len(tables) != 1:
                raise InputError(f"{path}: holds tables {tables}; pass table=<name> to choose one")
            table = tables[0]
        if table not in tables:
            known = ", ".join(tables) or "none"
            raise InputError(f"{path}: no table {table!r} (tables: {known}); fix table=")
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
        raise InputError(f"{redact_url(url)}: {first_line(exc)}; check the URL, the server and "
                         f"table={table!r}") from None


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
            raise InputError(f"{redact_url(text)}: no table= given; a database source needs table=<name>; "
                             "fix: name the table")
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
    delimiter, meta = None, {}
    try:
        if kind == "csv":
            frame, delimiter = _read_csv(path)
        elif kind == "xlsx":
            frame = _read_xlsx(path, sheet)
        elif kind == "sav":
            import pyreadstat

            frame, sav = pyreadstat.read_sav(str(path), apply_value_formats=False)
            meta = {"column_names_to_labels": dict(sav.column_names_to_labels or {}),
                    "variable_value_labels": dict(sav.variable_value_labels or {})}
        elif kind == "parquet":
            frame = pd.read_parquet(path)
        else:
            frame = _read_duckdb(path, table)
    except InputError:
        raise
    except Exception as exc:  # a reader library's own error: keep it to one line with the file
        raise InputError(f"{path}: cannot be read as {kind} ({first_line(exc)}); check that the file "
                         f"is a valid {kind} file") from None
    return _Loaded(frame.reset_index(drop=True), str(path), kind, delimiter, meta)


def _read_xlsx(path: Path, sheet: str | int | None) -> pd.DataFrame:
    try:
        return pd.read_excel(path, sheet_name=0 if sheet is None else sheet, engine="openpyxl")
    except (ValueError, KeyError) as exc:
        if "not found" in str(exc) or "Worksheet" in str(exc):
            import openpyxl

            names = openpyxl.load_workbook(path, read_only=True).sheetnames
            raise InputError(f"{path}: no sheet {sheet!r} (sheets: {', '.join(names)}); fix sheet=") from None
        raise


def as_id(values: pd.Series) -> pd.Series:
    """Customer ids as stripped strings; whole floats (ints read with blanks) lose their ``.0``."""
    if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
        values = values.astype("Int64")
    return values.astype("string").str.strip()
