"""The two validated readers: survey answers against their codebook, transactions into canonical
columns. Whatever was converted on the way (missing texts, thousands separators, date formats,
generated respondent ids) or looks suspicious (straight-lining, constant items, columns the
codebook does not know) is counted in ``frame.attrs["cleaning"]``; anything that cannot be read
with certainty raises one-line :class:`~kamreport.errors.InputError`.
"""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa

from kamreport.data.amounts import parse_numbers
from kamreport.data.cleaning import constant_items, missing_texts, straight_liners
from kamreport.data.dates import future_dates, parse_dates
from kamreport.data.messages import raise_schema_error
from kamreport.data.schemas import TRANSACTIONS_SCHEMA, Codebook, survey_schema
from kamreport.data.sources import _Loaded, as_id, load_table
from kamreport.errors import InputError


def read_survey(source, codebook: Codebook, *, table: str | None = None,
                sheet: str | int | None = None) -> pd.DataFrame:
    """Read survey answers and validate them against ``codebook``.

    "No answer" texts (N/A, 不适用, ...) and missing codes become NA, reverse-coded items are
    reflected (``min + max - x``), items and Kano answers are float64, the other codebook
    columns get their declared types. Without ``respondent_id`` in the codebook, the survey's
    ``respondent_id`` column is the id, or when it has none, the row number 1..n (as text).

    Parameters
    ----------
    source : path, ``postgresql://`` URL or DataFrame
    codebook : the survey's :class:`Codebook`
    table, sheet : table name (DuckDB file, database) or sheet (XLSX)

    Returns
    -------
    DataFrame, one row per respondent, the codebook's columns validated. ``attrs["cleaning"]``
    counts what was converted and flags ``straight_lining`` (respondents; the first 20 ids in
    ``straight_lining_ids``), ``constant_items``
    and ``extra_columns``; a ``.sav`` survey leaves its SPSS labels in ``attrs["sav_labels"]``
    (for :meth:`Codebook.with_sav_labels`).

    Raises
    ------
    InputError
        one line naming the source, column, first offending rows and the fix.

    Examples
    --------
    >>> cb = Codebook.model_validate({"scale": {"min": 1, "max": 5}, "items": {"Q1": {"construct": "S"}}})
    >>> df = read_survey(pd.DataFrame({"Q1": ["4", "不适用", "5"]}), cb)
    >>> df["respondent_id"].tolist(), df["Q1"].tolist(), df.attrs["cleaning"]["missing_texts"]
    (['1', '2', '3'], [4.0, nan, 5.0], {'不适用': 1})
    """
    loaded = load_table(source, table=table, sheet=sheet)
    frame = loaded.frame.copy()
    if frame.empty:
        raise InputError(f"{loaded.name}: no data rows (columns: {_names(frame)}); the survey needs at least "
                         "one respondent")
    cleaning: dict = {}
    frame = _respondent_ids(frame, codebook, cleaning)
    _declared_columns_present(frame, codebook, loaded)
    counts_cols = [codebook.answer_columns()[r] for r in ("referral", "cross_buying") if r in codebook.answer_columns()]
    answer_cols = [c for c in (*codebook.items, *codebook.kano_columns, *codebook.block_columns, *counts_cols)
                   if c in frame.columns]
    numeric_cols = [c for c, k in codebook.columns.items() if k in ("int", "float") and c in frame.columns]
    numbers = [*answer_cols, *numeric_cols]
    frame, texts = missing_texts(frame, answer_cols)
    if texts:
        cleaning["missing_texts"] = texts
    for col in numbers:
        frame[col], counts = parse_numbers(frame[col], delimiter=loaded.delimiter, where=loaded.rows,
                                           name=loaded.name, column=col, currency=False)
        for key, n in counts.items():
            cleaning[key] = cleaning.get(key, 0) + n
    for col in (c for c, k in codebook.columns.items() if k == "date" and c in frame.columns):
        frame[col], counts = parse_dates(frame[col], date_format=None, where=loaded.rows, name=loaded.name,
                                         column=col, excel=loaded.kind == "xlsx")
        cleaning.setdefault("date_formats", {})[col] = counts
    if codebook.missing_codes:
        found: dict[int, int] = {}
        for col in answer_cols:
            numeric = pd.to_numeric(frame[col], errors="coerce")
            hit = numeric.isin(codebook.missing_codes)
            for code, n in numeric[hit].value_counts().items():
                found[int(code)] = found.get(int(code), 0) + int(n)
            frame[col] = frame[col].mask(hit)
        if found:
            cleaning["missing_codes"] = dict(sorted(found.items()))
    lo, hi = codebook.scale.min, codebook.scale.max
    klo, khi = codebook.kano.scale.min, codebook.kano.scale.max
    ranges = {c: f"the scale {lo}–{hi}" for c in codebook.items}
    ranges |= {c: f"the Kano answers {klo}–{khi}" for c in codebook.kano_columns}
    ranges |= {c: f"the {where.split('.')[0]} scale {blo}–{bhi}" for c, (where, blo, bhi) in codebook.block_columns.items()}
    ranges |= {c: ("counts >= 0" if r == "referral" else "answers >= 1") for r, c in codebook.answer_columns().items()
               if r != "comment"}
    types = {c: f"numbers ({text.removeprefix('the ')})" for c, text in ranges.items()}
    try:
        frame = survey_schema(codebook).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        _one_column_header(exc, loaded, codebook.items)
        raise_schema_error(exc, loaded, types, ranges)
    for item, spec in codebook.items.items():
        if spec.reverse:
            frame[item] = lo + hi - frame[item]
    items = list(codebook.items)
    straight = straight_liners(frame, items)
    cleaning["straight_lining"] = int(straight.sum())
    if straight.any():
        # the first few only: attrs are copied with every derived frame, so they stay small
        cleaning["straight_lining_ids"] = frame.loc[straight, codebook.id_column].astype(str).tolist()[:20]
    cleaning["constant_items"] = constant_items(frame, items)
    known = {codebook.id_column, *items, *codebook.kano_columns, *codebook.columns, *codebook.block_columns,
             *codebook.answer_columns().values()}
    cleaning["extra_columns"] = [str(c) for c in frame.columns if c not in known]
    frame.attrs["cleaning"] = cleaning
    frame.attrs["source"] = {"name": loaded.name, "kind": loaded.kind}
    if loaded.meta:
        frame.attrs["sav_labels"] = loaded.meta
    return frame


def _declared_columns_present(frame: pd.DataFrame, codebook: Codebook, loaded: _Loaded) -> None:
    """Columns of the servqual, delivered_value and answers blocks are in the survey (one line if not)."""
    declared = {**{c: where for c, (where, _, _) in codebook.block_columns.items()},
                **{c: f"answers.{role}" for role, c in codebook.answer_columns().items()}}
    missing = [(c, where) for c, where in declared.items() if c not in frame.columns]
    if missing:
        column, where = missing[0]
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise InputError(f"{loaded.name}: column {column!r} named in codebook {where} is not in the survey{more} "
                         f"(columns present: {_names(frame)}); add the column or fix the codebook")


def _respondent_ids(frame: pd.DataFrame, codebook: Codebook, cleaning: dict) -> pd.DataFrame:
    if codebook.respondent_id is not None:
        return frame
    if codebook.id_column in frame.columns:
        cleaning["respondent_id"] = f"column {codebook.id_column}"
        return frame
    frame.insert(0, codebook.id_column, as_id(pd.Series(range(1, len(frame) + 1), index=frame.index)))
    cleaning["respondent_id"] = "row number"
    return frame


def _names(frame: pd.DataFrame) -> str:
    return ", ".join(map(str, frame.columns[:12])) + (" ..." if frame.shape[1] > 12 else "")


def _one_column_header(exc: pa.errors.SchemaErrors, loaded: _Loaded, wanted) -> None:
    """Columns missing because of the file's shape (see :func:`_header_problem`)."""
    if (exc.failure_cases["check"].astype(str) == "column_in_dataframe").any():
        _header_problem(loaded, wanted)


#: A header field that is a value (a number, a date, a code like 00004): a line of data, not of names.
_VALUE = re.compile(r"[-+]?\d[\d.,:/-]*")


def _header_problem(loaded: _Loaded, wanted) -> None:
    """Raise when a missing column is explained by the file's shape: its header line is one
    column (the fields are separated by spaces or another mark that is not a CSV delimiter), or
    its first line holds values, not names (a file without a header line, such as CDNOW's).
    ``wanted``: the columns the caller looks for; a header that has one of them is a header,
    even when its names are numbers (items called 1, 2, 3)."""
    if loaded.kind != "csv":
        return
    names = [str(c) for c in loaded.frame.columns]
    if any(str(w) in names for w in wanted if w is not None):
        return
    header = names[0] if len(names) == 1 else ""
    mark = next((m for m in (":", " ", "/", "#", "~", "^") if m in header), None)
    fields = header.split(mark) if mark else names
    unnamed = all(_VALUE.fullmatch(f.strip()) for f in fields if f.strip())
    # pandas renames a repeated header field 7 to 7.1: the line as the file has it
    shown = [n if n == (base := re.sub(r"\.\d+$", "", n)) or base not in names[:i] else base
             for i, n in enumerate(names)]
    line = (header or (loaded.delimiter or ",").join(shown))[:60]
    if mark:
        raise InputError(f"{loaded.name}: the header line is one column {line!r}, so the fields are "
                         f"separated by {mark!r}, which is not a CSV delimiter; save the file with commas, "
                         "semicolons, tabs or | between fields" + (" and a first line naming the columns"
                                                                    if unnamed else ""))
    if unnamed and names:
        raise InputError(f"{loaded.name}: the first line {line!r} holds values, not column names; "
                         "add a first line naming the columns")


def read_transactions(source, *, customer: str, date: str, amount: str, table: str | None = None,
                      sheet: str | int | None = None, date_format: str | None = None,
                      money: tuple[str, ...] = ()) -> pd.DataFrame:
    """Read transactions into the canonical columns ``customer_id, date, amount`` (+ the others).

    Dates in several formats (ISO, 2024/03/31, 31.03.2024, 20240331, Excel date cells and
    serial numbers, ...; see :mod:`kamreport.data.dates`) and amounts as exports write them
    (``"1,234.50"``, ``"$12.00"``, ``"¥1,234"``, ``"12元"``, ``"(3.50)"``, ``"1.234,50"`` in a
    semicolon file; see :mod:`kamreport.data.amounts`) are converted and counted.

    Parameters
    ----------
    source : path, ``postgresql://`` URL or DataFrame
    customer, date, amount : the source's column names for the customer id, the order date and
        the order value; they are renamed to the canonical names, other columns are kept as-is.
    date_format : optional ``strftime`` format that overrides detection; needed for year-last
        slash dates (``"%d/%m/%Y"`` or ``"%m/%d/%Y"``), which are never guessed
    money : further columns read as money like ``amount`` (e.g. margin, cost to serve); blanks
        stay NaN

    Returns
    -------
    DataFrame with ``customer_id`` (string), ``date`` (datetime64), ``amount`` (float64) first;
    ``attrs["cleaning"]`` holds ``date_formats`` (format -> count), the amount conversions
    (``amount_thousands_separators``, ``amount_currency_symbols``, ``amount_currency``, ...)
    and ``amount_negative`` / ``amount_zero`` (returns and free orders are kept).

    Raises
    ------
    InputError
        a missing column, dates that are unreadable, ambiguous or after today, amounts that are
        no numbers or mix currencies or decimal marks.

    Examples
    --------
    >>> tx = pd.DataFrame({"acct": ["A", "B"], "day": ["2024-01-02", "05.01.2024"],
    ...                    "value": ["$10", "1,020.5"]})
    >>> out = read_transactions(tx, customer="acct", date="day", amount="value")
    >>> out["amount"].tolist(), out.attrs["cleaning"]["date_formats"]
    ([10.0, 1020.5], {'ISO8601': 1, '%d.%m.%Y': 1})
    """
    loaded = load_table(source, table=table, sheet=sheet)
    frame = loaded.frame
    wanted = {"customer": customer, "date": date, "amount": amount}
    for role, col in wanted.items():
        if col not in frame.columns:
            _header_problem(loaded, wanted.values())
            raise InputError(f"{loaded.name}: {role} column {col!r} not found (columns present: "
                             f"{_names(frame)}); "
                             f"pass {role}=<column name>")
    if frame.empty:
        raise InputError(f"{loaded.name}: no data rows; the transactions file needs at least one order")
    # other columns keep their names, except one that would clash with a canonical name
    others = {c: (f"{c}_source" if c in ("customer_id", "date", "amount") else c)
              for c in frame.columns if c not in wanted.values()}
    dates, formats = parse_dates(frame[date], date_format=date_format, where=loaded.rows, name=loaded.name,
                                 column=date, excel=loaded.kind == "xlsx")
    amounts, counts = parse_numbers(frame[amount], delimiter=loaded.delimiter, where=loaded.rows,
                                    name=loaded.name, column=amount)
    canonical = pd.DataFrame({"customer_id": as_id(frame[customer]), "date": dates, "amount": amounts})
    canonical = canonical.join(frame[list(others)].rename(columns=others))
    for col in money:
        if col not in frame.columns:
            raise InputError(f"{loaded.name}: column {col!r} not found (columns present: {_names(frame)}); "
                             "fix the column name in data.transactions")
        canonical[others[col]] = _numbers(frame[col], loaded, col)
    canonical.loc[canonical["customer_id"] == "", "customer_id"] = pd.NA
    names = {"customer_id": customer, "date": date, "amount": amount}
    expect = {"date": "dates (e.g. 2024-03-31)", "amount": "numbers"}
    try:
        canonical = TRANSACTIONS_SCHEMA.validate(canonical, lazy=True)
    except pa.errors.SchemaErrors as exc:
        exc.failure_cases["column"] = exc.failure_cases["column"].map(lambda c: names.get(c, c))
        raise_schema_error(exc, loaded, {names[k]: v for k, v in expect.items()})
    future = future_dates(canonical["date"])
    if future.any():
        shown = ", ".join(repr(str(v)) for v in frame.loc[future[future].index[:3], date])
        raise InputError(f"{loaded.name}: column {date!r} has dates after today "
                         f"({pd.Timestamp.today():%Y-%m-%d}) at {loaded.rows(future[future].index)} "
                         f"({shown}); "
                         "correct them (a typo in the year?) "
                         "or drop those rows")
    canonical["customer_id"] = canonical["customer_id"].astype(str)
    canonical.attrs["cleaning"] = {
        "date_formats": formats, **{f"amount_{k}": v for k, v in counts.items()},
        "amount_negative": int((canonical["amount"] < 0).sum()),
        "amount_zero": int((canonical["amount"] == 0).sum()),
    }
    canonical.attrs["source"] = {"name": loaded.name, "kind": loaded.kind}
    canonical.attrs["columns"] = names
    return canonical


def _numbers(values: pd.Series, loaded: _Loaded, column: str) -> pd.Series:
    """A money column as float64 (thousands separators, currency marks as for amounts); a value
    that is no number is an error naming its rows."""
    parsed, _ = parse_numbers(values, delimiter=loaded.delimiter, where=loaded.rows, name=loaded.name,
                              column=column)
    numbers = pd.to_numeric(parsed, errors="coerce").astype("float64")
    bad = numbers.isna() & values.notna()
    if bad.any():  # blanks are no error (text only where something failed: 0.1 s a 300k-row column)
        bad[bad] = (values[bad].astype("string").str.strip() != "").to_numpy(dtype=bool)
    if bad.any():
        shown = ", ".join(repr(str(v)) for v in values[bad].iloc[:3])
        raise InputError(f"{loaded.name}: column {column!r} holds values that are no numbers at "
                         f"{loaded.rows(bad[bad].index)} ({shown}); correct them or leave them blank")
    return numbers


def read_complaints(source, *, account: str, date: str, category: str | None = None,
                    severity: str | None = None, resolved_days: str | None = None,
                    table: str | None = None, date_format: str | None = None) -> pd.DataFrame:
    """Read a complaint log into the canonical columns ``account_id, date`` (+ ``category``,
    ``severity``, ``resolved_days`` where named; other columns are kept as they are).

    Parameters
    ----------
    source : path, ``postgresql://`` URL or DataFrame
    account, date : the account and complaint-date columns (required)
    category, severity, resolved_days : optional columns: the root cause, the severity as 1
        minor, 2 major, 3 critical (blank = unknown), the days to resolution (blank = still open)

    Returns
    -------
    DataFrame, one row per complaint; ``account_id`` as text, ``date`` datetime64, ``severity``
    and ``resolved_days`` float64.

    Raises
    ------
    InputError
        a missing column, a blank account, unreadable dates, or severities / days that are no
        numbers (or negative days).

    Examples
    --------
    >>> log = pd.DataFrame({"client": ["A", "B"], "when": ["2024-01-02", "2024-02-03"],
    ...                     "level": ["1", "3"]})
    >>> out = read_complaints(log, account="client", date="when", severity="level")
    >>> out[["account_id", "severity"]].to_dict("list")
    {'account_id': ['A', 'B'], 'severity': [1.0, 3.0]}
    """
    loaded = load_table(source, table=table)
    frame = loaded.frame
    wanted = {"account": account, "date": date, "category": category, "severity": severity,
              "resolved_days": resolved_days}
    for role, col in wanted.items():
        if col is not None and col not in frame.columns:
            _header_problem(loaded, wanted.values())
            raise InputError(f"{loaded.name}: complaint {role} column {col!r} not found (columns present: "
                             f"{_names(frame)}); fix data.complaints.{role}"
                             + ("" if role in ("account", "date") else " (null when the log has none)"))
    ids = as_id(frame[account])
    blank = ids.isna() | (ids == "")
    if blank.any():
        raise InputError(f"{loaded.name}: column {account!r} is blank at {loaded.rows(blank[blank].index)}; "
                         "every complaint needs its account (fill it in or drop those rows)")
    dates, _ = parse_dates(frame[date], date_format=date_format, where=loaded.rows, name=loaded.name,
                           column=date, excel=loaded.kind == "xlsx")
    if dates.isna().any():
        missing = dates.isna()
        raise InputError(f"{loaded.name}: column {date!r} is blank at {loaded.rows(missing[missing].index)}; "
                         "every complaint needs its date")
    out = pd.DataFrame({"account_id": ids.astype(str), "date": dates})
    if category is not None:
        out["category"] = frame[category].astype("string")
    for role in ("severity", "resolved_days"):
        col = wanted[role]
        if col is not None:
            out[role] = _numbers(frame[col], loaded, col)
    if severity is not None:   # the complaint KPIs read 1 minor, 2 major, 3 critical
        odd = out["severity"].notna() & ~out["severity"].isin([1.0, 2.0, 3.0])
        if odd.any():
            shown = ", ".join(repr(str(v)) for v in frame.loc[odd[odd].index[:3], severity])
            raise InputError(f"{loaded.name}: column {severity!r} is not 1, 2 or 3 at {loaded.rows(odd[odd].index)} "
                             f"({shown}); map the levels to 1 minor, 2 major, 3 critical, or drop "
                             "data.complaints.severity")
    if resolved_days is not None and (out["resolved_days"] < 0).any():
        neg = out["resolved_days"] < 0
        raise InputError(f"{loaded.name}: column {resolved_days!r} is negative at {loaded.rows(neg[neg].index)}; "
                         "days to resolution are 0 or more (blank = still open)")
    rest = [c for c in frame.columns if c not in wanted.values() and c not in out.columns]
    out = out.join(frame[rest])
    out.attrs["source"] = {"name": loaded.name, "kind": loaded.kind}
    out.attrs["columns"] = {k: v for k, v in {"account_id": account, "date": date}.items()}
    return out


__all__ = ["read_complaints", "read_survey", "read_transactions"]
