"""Pandera's failure table as the one line a user reads: source, column, first rows, the fix."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from kamreport.errors import InputError

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


def raise_schema_error(exc: pa.errors.SchemaErrors, loaded, types: dict[str, str],
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
        what = (f"column {missing[0]!r} is" if len(missing) == 1
                else f"columns {', '.join(map(repr, missing))} are")
        raise InputError(f"{loaded.name}: required {what} missing (columns present: {available}); "
                         "rename the column or fix the codebook/parameters")
    rows = fc[(fc["column"] == column) & (fc["check"].astype(str) == check)]
    indices = [i for i in rows["index"] if i is not None and not pd.isna(i)]
    values = ", ".join(repr(v) for v in list(dict.fromkeys(rows["failure_case"].tolist()))[:3])
    where = f" at {loaded.rows(indices)}" if indices else ""
    if check.startswith(("coerce_dtype", "dtype")):
        dtype = check.split("'")[1] if "'" in check else ""
        wanted = types.get(column) or _DTYPE_WORDS.get(dtype, dtype or "another type")
        raise InputError(f"{loaded.name}: column {column!r} has values that are not {wanted}{where} "
                         f"({values}); correct them or mark them missing")
    if check.startswith(("in_range", "greater", "less")):
        allowed = (ranges or {}).get(column, check)
        raise InputError(f"{loaded.name}: column {column!r} has values outside {allowed}{where} ({values}); "
                         "recode them or declare them as missing codes in the codebook")
    what, fix = _CHECK_TEXT.get(check.split("(")[0], (f"fails check {check}", "correct the values"))
    shown = f" ({values})" if check != "not_nullable" else ""
    raise InputError(f"{loaded.name}: column {column!r} {what}{where}{shown}; {fix}")
