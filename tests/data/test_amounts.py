"""Amounts as exports write them: separators, currencies, decimal commas — converted, counted or refused."""

from __future__ import annotations

import pandas as pd
import pytest

from kamreport.data import read_transactions
from kamreport.data.amounts import parse_numbers
from kamreport.errors import InputError


def _parse(values, delimiter=","):
    return parse_numbers(
        pd.Series(values),
        delimiter=delimiter,
        where=lambda i: f"rows {list(i)}",
        name="f.csv",
        column="amount",
    )


@pytest.mark.parametrize(
    "text, value, counted",
    [
        ("1,234.50", 1234.5, {"thousands_separators": 1}),
        ("1,234,567", 1234567.0, {"thousands_separators": 1}),
        ("$12.00", 12.0, {"currency_symbols": 1, "currency": "USD"}),
        ("US$ 1,200", 1200.0, {"thousands_separators": 1, "currency_symbols": 1, "currency": "USD"}),
        ("USD 7", 7.0, {"currency_symbols": 1, "currency": "USD"}),
        ("¥1,234", 1234.0, {"thousands_separators": 1, "currency_symbols": 1, "currency": "CNY"}),
        ("RMB 88.8", 88.8, {"currency_symbols": 1, "currency": "CNY"}),
        ("12元", 12.0, {"currency_symbols": 1, "currency": "CNY"}),
        ("-5.5", -5.5, {}),
        ("$-5", -5.0, {"currency_symbols": 1, "currency": "USD"}),
        ("(3.50)", -3.5, {"accounting_negatives": 1}),
        ("12.00-", -12.0, {"accounting_negatives": 1}),
        ("1 234.5", 1234.5, {"thousands_separators": 1}),
        ("0", 0.0, {}),
    ],
)
def test_one_value(text, value, counted):
    out, counts = _parse([text, "1"])
    assert out.tolist() == [value, 1.0] and out.dtype == "float64"
    assert counts == counted


def test_decimal_commas_in_a_semicolon_file(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("acct;day;value\nA;2024-01-01;1.234,50\nB;2024-01-02;12,5\nC;2024-01-03;7\n")
    tx = read_transactions(path, customer="acct", date="day", amount="value")
    assert tx["amount"].tolist() == [1234.5, 12.5, 7.0]
    assert tx.attrs["cleaning"]["amount_decimal_commas"] == 2
    assert tx.attrs["cleaning"]["amount_thousands_separators"] == 1


def test_thousands_separators_counted_in_the_cleaning_record(tmp_path):
    path = tmp_path / "orders.csv"
    rows = [f'A{i},2024-01-{i + 1:02d},"{1000 + i:,}.50"' for i in range(20)] + ["Z,2024-02-01,12.00"]
    path.write_text("acct,day,value\n" + "\n".join(rows) + "\n")
    tx = read_transactions(path, customer="acct", date="day", amount="value")
    assert tx["amount"].sum() == pytest.approx(sum(1000.5 + i for i in range(20)) + 12)
    assert tx.attrs["cleaning"]["amount_thousands_separators"] == 20
    assert tx.attrs["cleaning"]["date_formats"] == {"ISO8601": 21}


def test_mixed_decimal_marks_are_refused():
    with pytest.raises(InputError) as e:
        _parse(["1,234.5", "12,5"], delimiter=None)
    assert str(e.value) == (
        "f.csv: column 'amount' mixes decimal points ('1,234.5' at rows [0]) and decimal commas "
        "('12,5' at rows [1]); export the numbers in one style"
    )


def test_mixed_currencies_are_refused():
    with pytest.raises(InputError) as e:
        _parse(["$12", "¥30", "40"])
    assert str(e.value) == (
        "f.csv: column 'amount' mixes currencies (CNY at rows [1], USD at rows [0]); convert the "
        "amounts to one currency before reading them"
    )


def test_ambiguous_separator_in_a_semicolon_file_is_refused():
    with pytest.raises(
        InputError,
        match=r"column 'amount' has numbers whose separator may be thousands or decimal "
        r"at rows \[0\] \('1,234'\) in a ';'-separated file",
    ):
        _parse(["1,234", "12"], delimiter=";")


def test_a_comma_file_reads_1234_with_a_comma_as_thousands():
    out, counts = _parse(["1,234", "12"], delimiter=",")
    assert out.tolist() == [1234.0, 12.0] and counts == {"thousands_separators": 1}


def test_what_is_no_number_is_left_for_the_schema():
    out, counts = _parse(["12", "twelve", "1,23,4", "12,50"], delimiter=",")
    assert out.tolist() == [12.0, "twelve", "1,23,4", "12,50"] and counts == {}


def test_numeric_columns_pass_unchanged():
    values = pd.Series([1.5, 2.0])
    out, counts = parse_numbers(values, delimiter=",", where=str, name="f", column="a")
    assert out is values and counts == {}


def test_negative_and_zero_amounts_are_kept_and_counted():
    tx = read_transactions(
        pd.DataFrame({"c": ["A", "A", "B"], "d": ["2024-01-01"] * 3, "a": [10.0, -10.0, 0.0]}),
        customer="c",
        date="d",
        amount="a",
    )
    assert tx["amount"].tolist() == [10.0, -10.0, 0.0]
    assert tx.attrs["cleaning"]["amount_negative"] == 1 and tx.attrs["cleaning"]["amount_zero"] == 1
