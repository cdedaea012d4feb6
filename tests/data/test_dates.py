"""Dates as exports write them: several formats in one column, Excel cells and serials, counted."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from kamreport.data import read_transactions
from kamreport.data.dates import parse_dates
from kamreport.errors import InputError


def _parse(values, **kw):
    return parse_dates(
        pd.Series(values),
        date_format=kw.pop("date_format", None),
        where=lambda i: f"rows {list(i)}",
        name="f.csv",
        column="day",
        **kw,
    )


def test_mixed_formats_in_one_column_are_converted_and_counted(tmp_path):
    path = tmp_path / "orders.csv"
    days = [
        "2024-03-31",
        "2024/03/31",
        "31.03.2024",
        "20240331",
        "2024年3月31日",
        "31-Mar-2024",
        "2024-03-31 14:05:00",
        "Mar 31, 2024",
        "2024.03.31",
    ]
    pd.DataFrame({"acct": range(len(days)), "day": days, "value": 1.0}).to_csv(path, index=False)
    tx = read_transactions(path, customer="acct", date="day", amount="value")
    assert (tx["date"].dt.normalize() == pd.Timestamp("2024-03-31")).all()
    assert tx["date"].dtype == "datetime64[ns]"
    assert tx.attrs["cleaning"]["date_formats"] == {
        "ISO8601": 2,
        "%Y/%m/%d": 1,
        "%Y.%m.%d": 1,
        "%d.%m.%Y": 1,
        "%Y%m%d": 1,
        "%Y年%m月%d日": 1,
        "%d-%b-%Y": 1,
        "%b %d %Y": 1,
    }


def test_integer_yyyymmdd_column():
    dates, counts = _parse([20240331, 20240101])
    assert dates.tolist() == [pd.Timestamp("2024-03-31"), pd.Timestamp("2024-01-01")] and counts == {
        "%Y%m%d": 2
    }


def test_xlsx_date_cells_and_excel_serial_numbers(tmp_path):
    """A spreadsheet column mixing real date cells, serial numbers (General format) and text."""
    path = tmp_path / "orders.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["acct", "day", "value"])
    ws.append(["A", dt.datetime(2024, 3, 31), 1.0])
    ws.append(["B", 45382, 2.0])  # Excel's serial for 2024-03-31
    ws.append(["C", "2024-04-01", 3.0])
    wb.save(path)
    tx = read_transactions(path, customer="acct", date="day", amount="value")
    assert tx["date"].tolist() == [pd.Timestamp("2024-03-31")] * 2 + [pd.Timestamp("2024-04-01")]
    assert tx.attrs["cleaning"]["date_formats"] == {"date cell": 1, "excel serial": 1, "ISO8601": 1}


def test_serial_numbers_outside_a_spreadsheet_are_refused():
    with pytest.raises(
        InputError, match=r"f.csv: column 'day' has values that are not dates .* at rows \[0\] \(45382\)"
    ):
        _parse([45382, 20240101])


@pytest.mark.parametrize(
    "values, hint",
    [
        (["05/02/2024", "06/02/2024"], ""),
        (["05/02/2024", "13/02/2024"], "; 1 value(s) like '13/02/2024' can only be day first"),
        (["02/05/2024", "02/13/2024"], "; 1 value(s) like '02/13/2024' can only be month first"),
    ],
)
def test_year_last_slash_dates_are_never_guessed(values, hint):
    with pytest.raises(InputError) as e:
        _parse(values)
    shown = ", ".join(map(repr, values))
    assert str(e.value) == (
        f"f.csv: column 'day' has dates whose day/month order is ambiguous at rows [0, 1] "
        f"({shown}{hint}); pass date_format='%d/%m/%Y' (day first) or '%m/%d/%Y' (month first)"
    )


def test_date_format_overrides_detection():
    dates, counts = _parse(["05/02/2024", "06/02/2024"], date_format="%m/%d/%Y")
    assert dates.tolist() == [pd.Timestamp("2024-05-02"), pd.Timestamp("2024-06-02")] and counts == {
        "%m/%d/%Y": 2
    }
    with pytest.raises(
        InputError, match=r"values that are not in format '%m/%d/%Y' at rows \[1\] \('2024-01-01'\)"
    ):
        _parse(["05/02/2024", "2024-01-01"], date_format="%m/%d/%Y")


def test_impossible_and_unknown_dates_are_listed_together():
    with pytest.raises(InputError, match=r"at rows \[1, 2, 3\] \('2024-02-30', '20241399', 'next week'\)"):
        _parse(["2024-01-01", "2024-02-30", "20241399", "next week"])


def test_blanks_stay_missing_for_the_schema_to_report(tmp_path):
    dates, counts = _parse(["2024-01-01", None, " "])
    assert dates.isna().tolist() == [False, True, True] and counts == {"ISO8601": 1}


def test_time_zones_keep_the_wall_clock():
    dates, _ = _parse(["2024-03-31T23:30:00+08:00"])
    assert dates.iloc[0] == pd.Timestamp("2024-03-31 23:30")


def test_future_dates_are_refused(tmp_path):
    path = tmp_path / "orders.csv"
    pd.DataFrame({"acct": [1, 2], "day": ["2024-01-01", "2204-01-01"], "value": [1, 2]}).to_csv(
        path, index=False
    )
    with pytest.raises(
        InputError,
        match=r"orders.csv: column 'day' has dates after today \(\d{4}-\d\d-\d\d\) at line 3 "
        r"\('2204-01-01'\); correct them \(a typo in the year\?\) or drop those rows$",
    ):
        read_transactions(path, customer="acct", date="day", amount="value")
