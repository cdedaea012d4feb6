"""Numbers as exports write them: thousands separators, currency marks, decimal commas, (negatives).

``"1,234.50"``, ``"¥1,234"``, ``"$12.00"``, ``"US$ 5"``, ``"RMB 88"``, ``"12元"``, ``"(12.00)"``
and ``"12.00-"`` (accounting negatives), ``"1.234,50"`` and ``"12,5"`` (decimal commas, in a file
whose delimiter is not the comma) are converted and counted. What cannot be known is refused:
one column mixing decimal points and decimal commas, one mixing currencies, and ``"1,234"`` in a
semicolon file (1234 or 1.234?). Values that are no number at all are left as they are, for the
schema to report.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from kamreport.errors import InputError

#: currency marks -> ISO 4217 code (longest first in the pattern)
CURRENCIES = {
    "US$": "USD", "USD": "USD", "$": "USD", "HK$": "HKD", "HKD": "HKD",
    "RMB": "CNY", "CNY": "CNY", "¥": "CNY", "￥": "CNY", "元": "CNY",
    "€": "EUR", "EUR": "EUR", "£": "GBP", "GBP": "GBP", "JPY": "JPY",
}
_MARK = "|".join(sorted(map(lambda m: m.replace("$", r"\$"), CURRENCIES), key=len, reverse=True))
_PATTERN = (rf"^(?P<open>\()?\s*(?P<sign>[-+−])?\s*(?P<pre>{_MARK})?\s*(?P<sign2>[-+−])?\s*"
            r"(?P<num>\d[\d.,'’ \u00a0\u202f\u2009]*\d|\d)\s*"
            rf"(?P<post>{_MARK})?\s*(?P<tail>-)?\s*(?P<close>\))?$")
_SPACES = r"['’ \u00a0\u202f\u2009]"


def parse_numbers(values: pd.Series, *, delimiter: str | None, where: Callable[[pd.Index], str],
                  name: str, column: str, currency: bool = True) -> tuple[pd.Series, dict]:
    """Convert a text column of numbers; return it (float64 where converted) and the counts.

    Parameters
    ----------
    values : the column as read; a numeric column is returned unchanged
    delimiter : the CSV file's delimiter (``None`` for other sources): a decimal comma is
        recognised only where the comma does not separate fields
    where : index labels -> how the user finds those rows ("lines 3, 4")
    name, column : the source and the column, for messages
    currency : accept currency marks (amounts), else they are not numbers (survey answers)

    Returns
    -------
    (values, counts): counts of ``thousands_separators``, ``decimal_commas``, ``currency_symbols``,
    ``accounting_negatives`` (only those that occurred) and ``currency`` (the ISO code seen).
    Values that are no number stay as they were.

    Raises
    ------
    InputError
        mixed decimal marks, mixed currencies, or a comma/point that may be either.

    Examples
    --------
    >>> s = pd.Series(["1,234.50", "$12.00", "(3.5)", "7"])
    >>> v, counts = parse_numbers(s, delimiter=",", where=str, name="x.csv", column="amount")
    >>> v.tolist(), counts
    ([1234.5, 12.0, -3.5, 7.0], {'thousands_separators': 1, 'currency_symbols': 1,
    'accounting_negatives': 1, 'currency': 'USD'})
    """
    if pd.api.types.is_numeric_dtype(values) or not len(values):
        return values, {}
    text = values.astype("string").str.strip()
    parts = text.str.extract(_PATTERN)
    parts = parts[parts["num"].notna() & (parts["open"].isna() == parts["close"].isna())]
    if not currency:
        parts = parts[parts["pre"].isna() & parts["post"].isna()]
    num = parts["num"]
    spaced = num.str.contains(_SPACES, regex=True)
    num = num.str.replace(_SPACES, "", regex=True)
    decimal = _decimal_mark(num, text, delimiter, where, name, column)
    thousands = "." if decimal == "," else ","
    bad_groups = num.str.contains(rf"\{thousands}", regex=True) & ~num.str.fullmatch(
        rf"\d{{1,3}}(\{thousands}\d{{3}})+(\{decimal}\d+)?")
    if decimal == "," and delimiter == ",":
        bad_groups |= num.str.contains(",", regex=False)   # a decimal comma cannot be a field of a CSV
    num, parts, spaced = num[~bad_groups], parts[~bad_groups], spaced[~bad_groups]
    grouped = num.str.contains(rf"\{thousands}", regex=True) | spaced
    number = pd.to_numeric(num.str.replace(thousands, "", regex=False).str.replace(decimal, ".", regex=False),
                           errors="coerce").dropna()
    parts, grouped, num = parts.loc[number.index], grouped[number.index], num[number.index]
    negative = parts["sign"].isin(["-", "−"]) | parts["sign2"].isin(["-", "−"]) | parts["tail"].notna() \
        | parts["open"].notna()
    number = number.where(~negative, -number)
    marks = pd.concat([parts["pre"], parts["post"]]).dropna()
    codes = sorted({CURRENCIES[m] for m in marks})
    if len(codes) > 1:
        first = {code: marks[marks.map(CURRENCIES) == code].index[0] for code in codes}
        shown = ", ".join(f"{code} at {where(pd.Index([i]))}" for code, i in first.items())
        raise InputError(f"{name}: column {column!r} mixes currencies ({shown}); convert the amounts to one "
                         "currency before reading them")
    out = values.astype(object).copy()
    out[number.index] = number.astype("float64")
    counts = {
        "thousands_separators": int(grouped.sum()),
        "decimal_commas": int(num.str.contains(",", regex=False).sum()) if decimal == "," else 0,
        "currency_symbols": int((parts["pre"].notna() | parts["post"].notna()).sum()),
        "accounting_negatives": int((parts["open"].notna() | parts["tail"].notna()).sum()),
    }
    counts = {k: v for k, v in counts.items() if v}
    if codes:
        counts["currency"] = codes[0]
    if len(number) == values.notna().sum():
        out = out.astype("float64")
    return out, counts


def _decimal_mark(num: pd.Series, text: pd.Series, delimiter: str | None, where, name: str,
                  column: str) -> str:
    """``"."`` or ``","``: the column's decimal mark, from the values that show it."""
    both = num.str.contains(",", regex=False) & num.str.contains(".", regex=False)
    last_comma = num.str.rfind(",") > num.str.rfind(".")
    one_comma = num.str.fullmatch(r"\d+,\d+") & ~num.str.fullmatch(r"\d{1,3},\d{3}")
    one_point = num.str.fullmatch(r"\d+\.\d+") & ~num.str.fullmatch(r"\d{1,3}\.\d{3}")
    many = num.str.count(r"\.") > 1, num.str.count(",") > 1
    says_comma = (both & last_comma) | one_comma | many[0]
    says_point = (both & ~last_comma) | one_point | many[1]
    if delimiter == ",":
        says_comma &= False   # decimal commas are not recognised in a comma-separated file
    if says_comma.any() and says_point.any():
        i, j = says_point[says_point].index[0], says_comma[says_comma].index[0]
        raise InputError(f"{name}: column {column!r} mixes decimal points ({text[i]!r} at "
                         f"{where(pd.Index([i]))}) and decimal commas ({text[j]!r} at "
                         f"{where(pd.Index([j]))}); export the numbers in one style")
    if says_comma.any():
        return ","
    if says_point.any() or delimiter != ";":
        return "."
    unclear = num.str.fullmatch(r"\d{1,3}[.,]\d{3}")
    if unclear.any():
        idx = unclear[unclear].index
        shown = ", ".join(repr(v) for v in text[idx[:3]])
        raise InputError(f"{name}: column {column!r} has numbers whose separator may be thousands or "
                         f"decimal at {where(idx)} ({shown}) in a ';'-separated file; export them with two "
                         "decimals "
                         "(1.234,00) or without thousands separators")
    return "."


__all__ = ["CURRENCIES", "parse_numbers"]
