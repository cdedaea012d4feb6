"""Order dates as real exports write them: detected per value, converted, counted, or refused.

One column may mix ISO dates (2024-03-31, with or without a time), 2024/03/31, 2024.03.31,
31.03.2024 (the dotted form is day-first wherever it is used), 20240331, 2024年3月31日,
31-Mar-2024 and, from XLSX, real date cells and Excel serial day numbers. Slash or dash dates
with the year last (05/02/2024) are day-first in most of the world and month-first in the US:
they are never guessed; ``date_format`` says which. Every conversion is counted by format.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import pandas as pd

from kamreport.errors import InputError

#: value pattern -> strftime format; tried in this order (ISO 8601 is parsed by pandas itself).
FORMATS: tuple[tuple[str, str], ...] = (
    (r"\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?", "ISO8601"),
    (r"\d{4}/\d{1,2}/\d{1,2}", "%Y/%m/%d"),
    (r"\d{4}/\d{1,2}/\d{1,2} \d{1,2}:\d{2}(:\d{2})?", "%Y/%m/%d %H:%M:%S"),
    (r"\d{4}\.\d{1,2}\.\d{1,2}", "%Y.%m.%d"),
    (r"\d{1,2}\.\d{1,2}\.\d{4}", "%d.%m.%Y"),
    (r"\d{8}", "%Y%m%d"),
    (r"\d{4}年\d{1,2}月\d{1,2}日", "%Y年%m月%d日"),
    (r"\d{1,2}-[A-Za-z]{3}-\d{4}", "%d-%b-%Y"),
    (r"\d{1,2} [A-Za-z]{3} \d{4}", "%d %b %Y"),
    (r"[A-Za-z]{3} \d{1,2},? \d{4}", "%b %d %Y"),
)
#: year-last dates whose day/month order cannot be known from one value
AMBIGUOUS = r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})"
#: Excel's serial day numbers counted from 1899-12-30: 1 = 1900-01-01 ... 73050 = 2099-12-31
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
EXCEL_SERIALS = (20000, 73050)            # 1954-10-03 ... 2099-12-31: order dates, not counts
COMPACT_RANGE = (19000101, 21001231)      # YYYYMMDD integers
SHOWN = ("2024-03-31, 2024/03/31, 31.03.2024, 20240331, 2024年3月31日")


def parse_dates(values: pd.Series, *, date_format: str | None, where: Callable[[pd.Index], str],
                name: str, column: str, excel: bool = False) -> tuple[pd.Series, dict[str, int]]:
    """Convert one column of dates; return the datetime64[ns] Series and counts by format.

    Parameters
    ----------
    values : the column as read (text, integers, datetimes or a mix of them)
    date_format : ``strftime`` format that overrides detection (e.g. ``"%d/%m/%Y"``)
    where : index labels -> how the user finds those rows ("lines 3, 4")
    name, column : the source and the column, for messages
    excel : the source is a spreadsheet, so whole numbers may be Excel serial day numbers

    Returns
    -------
    (dates, counts): ``counts`` maps each format found (``"%Y-%m-%d"`` style, ``"ISO8601"``,
    ``"excel serial"``, ``"date cell"``) to how many values had it; blanks stay NaT.

    Raises
    ------
    InputError
        values in no known format, impossible dates (2024-13-45), or year-last slash dates
        without ``date_format``.

    Examples
    --------
    >>> s = pd.Series(["2024-03-31", "2024/04/01", "02.04.2024", "20240403", None])
    >>> dates, counts = parse_dates(s, date_format=None, where=str, name="x.csv", column="day")
    >>> [d.strftime("%m-%d") for d in dates.dropna()], counts
    (['03-31', '04-01', '04-02', '04-03'], {'ISO8601': 1, '%Y/%m/%d': 1, '%d.%m.%Y': 1, '%Y%m%d': 1})
    """
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    counts: dict[str, int] = {}
    if pd.api.types.is_datetime64_any_dtype(values):
        dates = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) is not None else values
        return dates.astype("datetime64[ns]"), {"date cell": int(values.notna().sum())}
    numeric, text, cells = _split(values)
    if cells.notna().any():
        out[cells.notna()] = pd.to_datetime(cells.dropna().map(pd.Timestamp)).astype("datetime64[ns]")
        counts["date cell"] = int(cells.notna().sum())
    if date_format is not None:
        as_text = text.fillna(numeric.map(lambda v: f"{v:.0f}" if v % 1 == 0 else str(v), na_action="ignore"))
        todo = as_text.notna() & (as_text != "")
        parsed = pd.to_datetime(as_text[todo], format=date_format, errors="coerce")
        _refuse_unparsed(parsed.isna(), values, where, name, column, f"in format {date_format!r}")
        out[parsed.index] = parsed.astype("datetime64[ns]")
        counts[date_format] = counts.get(date_format, 0) + len(parsed)
        return out, counts
    whole = numeric.notna() & (numeric % 1 == 0)
    compact = whole & numeric.between(*COMPACT_RANGE)
    serial = whole & numeric.between(*EXCEL_SERIALS) & excel
    bad = pd.Series(False, index=values.index)
    if compact.any():
        compact_text = numeric[compact].astype("int64").astype(str)
        parsed = pd.to_datetime(compact_text, format="%Y%m%d", errors="coerce")
        bad[parsed.index] |= parsed.isna()
        out[parsed.index] = parsed
        counts["%Y%m%d"] = int(compact.sum())
    if serial.any():
        out[serial] = EXCEL_EPOCH + pd.to_timedelta(numeric[serial], unit="D")
        counts["excel serial"] = int(serial.sum())
    bad |= numeric.notna() & ~compact & ~serial
    todo = text.notna() & (text != "")
    if todo.any():   # the common case first: one column of plain ISO dates, parsed in one pass
        plain = pd.to_datetime(text[todo], format="%Y-%m-%d", errors="coerce")
        if plain.notna().all():
            out[plain.index] = plain.astype("datetime64[ns]")
            counts["ISO8601"] = len(plain)
            todo &= False
    for pattern, fmt in FORMATS:
        mask = todo & text.str.fullmatch(pattern).fillna(False).astype(bool)
        if not mask.any():
            continue
        chunk = text[mask].str.replace(",", "", regex=False) if fmt == "%b %d %Y" else text[mask]
        parsed = pd.to_datetime(chunk, format=fmt, errors="coerce")
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_localize(None)
        bad[parsed.index] |= parsed.isna()
        out[parsed.index] = parsed.astype("datetime64[ns]")
        counts[fmt] = counts.get(fmt, 0) + int(mask.sum())
        todo &= ~mask
    ambiguous = todo & text.str.fullmatch(AMBIGUOUS).fillna(False).astype(bool)
    if ambiguous.any():
        raise InputError(_ambiguous_message(text[ambiguous], where, name, column))
    _refuse_unparsed(bad | todo, values, where, name, column, f"dates ({SHOWN})")
    return out, counts


def _split(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(numbers, stripped text, date cells) of a column: each value lands in exactly one."""
    index = values.index
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return (values.astype("float64"), pd.Series(pd.NA, index=index, dtype="string"),
                pd.Series(None, index=index, dtype=object))
    if values.dtype != object:
        return (pd.Series(float("nan"), index=index), values.astype("string").str.strip(),
                pd.Series(None, index=index, dtype=object))
    is_cell = values.map(lambda v: hasattr(v, "year") and hasattr(v, "month"))
    is_number = values.map(lambda v: isinstance(v, numbers.Real) and not isinstance(v, bool))
    number = pd.to_numeric(values.where(is_number), errors="coerce").astype("float64")
    text = values.where(~is_cell & ~is_number).astype("string").str.strip()
    return number, text, values.where(is_cell)


def _refuse_unparsed(bad: pd.Series, values: pd.Series, where, name: str, column: str, wanted: str) -> None:
    if not bad.any():
        return
    index = bad[bad].index
    shown = ", ".join(repr(v) for v in values.loc[index[:3]])
    raise InputError(f"{name}: column {column!r} has values that are not {wanted} at {where(index)} "
                     f"({shown}); "
                     "correct them or pass date_format= (e.g. '%d/%m/%Y')")


def _ambiguous_message(text: pd.Series, where, name: str, column: str) -> str:
    parts = text.str.extract(AMBIGUOUS).astype(int)
    first, second = int((parts[0] > 12).sum()), int((parts[1] > 12).sum())
    hint = ""
    if first and not second:
        hint = f"; {first} value(s) like {text[parts[0] > 12].iloc[0]!r} can only be day first"
    elif second and not first:
        hint = f"; {second} value(s) like {text[parts[1] > 12].iloc[0]!r} can only be month first"
    shown = ", ".join(repr(v) for v in text.head(3))
    sep = "-" if "-" in text.iloc[0] else "/"
    return (f"{name}: column {column!r} has dates whose day/month order is ambiguous at {where(text.index)} "
            f"({shown}{hint}); pass date_format='%d{sep}%m{sep}%Y' (day first) or "
            f"'%m{sep}%d{sep}%Y' (month first)")


def future_dates(dates: pd.Series, today: pd.Timestamp | None = None) -> pd.Series:
    """Mask of dates after ``today`` (default: the machine's date), one day's grace for time zones.

    Examples
    --------
    >>> dates = pd.Series(pd.to_datetime(["2024-01-01", "2031-05-01"]))
    >>> future_dates(dates, pd.Timestamp("2026-12-02")).tolist()
    [False, True]
    """
    today = (today or pd.Timestamp.today()).normalize()
    return dates > today + pd.Timedelta(days=1)


__all__ = ["parse_dates", "future_dates"]
