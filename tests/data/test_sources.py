"""read_survey / read_transactions: every format round-trips; bad input gives one exact line."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyreadstat
import pytest
import yaml

from kamreport.data import Codebook, read_survey, read_transactions
from kamreport.errors import InputError

ITEMS = ["SAT1", "SAT2", "SAT3", "LOY1", "LOY2"]


@pytest.fixture()
def codebook(tmp_path) -> Codebook:
    spec = {
        "name": "mini",
        "respondent_id": "rid",
        "scale": {"min": 1, "max": 10},
        "missing_codes": [99],
        "constructs": {"Satisfaction": {"zh": "满意度", "en": "Satisfaction"},
                       "Loyalty": {"zh": "忠诚", "en": "Loyalty"}},
        "items": {
            "SAT1": {"construct": "Satisfaction"}, "SAT2": {"construct": "Satisfaction"},
            "SAT3": {"construct": "Satisfaction", "reverse": True},
            "LOY1": {"construct": "Loyalty"}, "LOY2": {"construct": "Loyalty"},
        },
        "kano": {"attributes": {"delivery": {"functional": "K1F", "dysfunctional": "K1D"}}},
        "columns": {"region": "str", "wave": "int", "comment": "str"},
    }
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return Codebook.from_file(path)


@pytest.fixture()
def survey() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 40
    df = pd.DataFrame({"rid": [f"R{i:03d}" for i in range(n)],
                       "region": rng.choice(["华东", "华南", "西部"], n),
                       "wave": rng.integers(1, 3, n)})
    for item in ITEMS:
        df[item] = rng.integers(1, 11, n).astype(float)
    df["K1F"] = rng.integers(1, 6, n).astype(float)
    df["K1D"] = rng.integers(1, 6, n).astype(float)
    df["comment"] = rng.choice(["交货及时，服务很好", "Price is too high", ""], n)
    df.loc[3, "SAT1"] = np.nan
    return df


def _expected(survey: pd.DataFrame) -> pd.DataFrame:
    out = survey.copy()
    out["SAT3"] = 11 - out["SAT3"]
    return out


def _check(result: pd.DataFrame, survey: pd.DataFrame) -> None:
    exp = _expected(survey)
    assert list(result["rid"]) == list(exp["rid"])
    for col in [*ITEMS, "K1F", "K1D"]:
        np.testing.assert_array_equal(result[col].to_numpy(float), exp[col].to_numpy(float))
        assert result[col].dtype == np.float64
    assert list(result["region"]) == list(exp["region"])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_csv_round_trip_encodings_and_delimiters(tmp_path, codebook, survey, encoding, sep):
    path = tmp_path / "survey.csv"
    survey.to_csv(path, index=False, encoding=encoding, sep=sep)
    _check(read_survey(path, codebook), survey)


def test_missing_codes_become_na_and_reverse_items_reflect(tmp_path, codebook, survey):
    survey.loc[5, "LOY1"] = 99
    path = tmp_path / "s.csv"
    survey.to_csv(path, index=False)
    out = read_survey(path, codebook)
    assert np.isnan(out.loc[5, "LOY1"])
    assert out.loc[0, "SAT3"] == 11 - survey.loc[0, "SAT3"]


def test_xlsx_round_trip(tmp_path, codebook, survey):
    path = tmp_path / "survey.xlsx"
    survey.to_excel(path, index=False, sheet_name="answers")
    _check(read_survey(path, codebook, sheet="answers"), survey)


def test_sav_round_trip(tmp_path, codebook, survey):
    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(survey, str(path))
    result = read_survey(path, codebook)
    exp = _expected(survey)
    for col in ITEMS:
        np.testing.assert_array_equal(result[col].to_numpy(float), exp[col].to_numpy(float))


def test_parquet_round_trip(tmp_path, codebook, survey):
    path = tmp_path / "survey.parquet"
    survey.to_parquet(path, index=False)
    _check(read_survey(path, codebook), survey)


def test_duckdb_round_trip(tmp_path, codebook, survey):
    path = tmp_path / "survey.duckdb"
    with duckdb.connect(str(path)) as con:
        con.register("s", survey)
        con.execute("create table answers as select * from s")
    _check(read_survey(path, codebook, table="answers"), survey)
    _check(read_survey(path, codebook), survey)  # a single table needs no name


def test_transactions_canonical_columns(tmp_path):
    path = tmp_path / "orders.csv"
    pd.DataFrame({"acct": [101, 102, 101], "day": ["2024-01-02", "2024-02-03", "2024-03-04"],
                  "value": [10.5, -2.0, 7], "line": ["A", "B", "C"]}).to_csv(path, index=False, encoding="gbk")
    tx = read_transactions(path, customer="acct", date="day", amount="value")
    assert list(tx.columns[:3]) == ["customer_id", "date", "amount"]
    assert list(tx["customer_id"]) == ["101", "102", "101"]
    assert tx["date"].dtype.kind == "M" and tx["amount"].dtype == np.float64
    assert "line" in tx.columns


def test_transactions_compact_integer_dates(reference_dir):
    """CDNOW's dates are YYYYMMDD integers; they parse without a format argument."""
    raw = pd.read_csv(reference_dir / "cdnow" / "CDNOW_sample.txt", sep=r"\s+", header=None,
                      names=["master", "customer", "date", "cds", "amount"])
    tx = read_transactions(raw, customer="customer", date="date", amount="amount")
    assert tx["customer_id"].nunique() == 2357
    assert tx["date"].min() == pd.Timestamp("1997-01-01")


# ---- malformed input: one line naming file, column, rows and the fix -------------------------

def _write(tmp_path, survey, name="bad.csv", **kw):
    path = tmp_path / name
    survey.to_csv(path, index=False, **kw)
    return path


def test_error_file_not_found(tmp_path, codebook):
    with pytest.raises(InputError) as e:
        read_survey(tmp_path / "nope.csv", codebook)
    assert str(e.value) == f"{tmp_path / 'nope.csv'}: file not found; check the path (relative paths start at the parameter file's folder)"


def test_error_unsupported_type(tmp_path, codebook):
    path = tmp_path / "survey.json"
    path.write_text("{}")
    with pytest.raises(InputError, match=r"survey.json: unsupported file type '.json'; use one of "):
        read_survey(path, codebook)


def test_error_missing_item_column(tmp_path, codebook, survey):
    path = _write(tmp_path, survey.drop(columns="LOY2"))
    with pytest.raises(InputError) as e:
        read_survey(path, codebook)
    assert str(e.value).startswith(f"{path}: required column 'LOY2' is missing (columns present: rid, region, wave, SAT1")
    assert str(e.value).endswith("; rename the column or fix the codebook/parameters")


def test_error_out_of_scale(tmp_path, codebook, survey):
    survey.loc[[4, 9], "SAT2"] = [11, 0]
    path = _write(tmp_path, survey)
    with pytest.raises(InputError) as e:
        read_survey(path, codebook)
    assert str(e.value) == (f"{path}: column 'SAT2' has values outside the scale 1–10 at lines 6, 11 "
                            "(11.0, 0.0); recode them or declare them as missing codes in the codebook")


def test_error_non_numeric_answer(tmp_path, codebook, survey):
    survey["LOY1"] = survey["LOY1"].astype(object)
    survey.loc[2, "LOY1"] = "seven"
    path = _write(tmp_path, survey)
    with pytest.raises(InputError) as e:
        read_survey(path, codebook)
    assert str(e.value) == (f"{path}: column 'LOY1' has values that are not numbers (scale 1–10) at line 4 "
                            "('seven'); correct them or mark them missing")


def test_error_fractional_answer(tmp_path, codebook, survey):
    survey.loc[0, "SAT1"] = 7.5
    path = _write(tmp_path, survey)
    with pytest.raises(InputError) as e:
        read_survey(path, codebook)
    assert str(e.value) == f"{path}: column 'SAT1' has non-whole numbers at line 2 (7.5); answers must be whole scale points"


def test_error_duplicate_respondent(tmp_path, codebook, survey):
    survey.loc[7, "rid"] = "R001"
    path = _write(tmp_path, survey)
    with pytest.raises(InputError) as e:
        read_survey(path, codebook)
    assert str(e.value) == f"{path}: column 'rid' has duplicate values at lines 3, 9 ('R001'); make each value unique"


def test_error_missing_respondent_id(tmp_path, codebook, survey):
    survey.loc[12, "rid"] = None
    path = tmp_path / "bad.xlsx"
    survey.to_excel(path, index=False)
    with pytest.raises(InputError) as e:
        read_survey(path, codebook)
    assert str(e.value) == f"{path}: column 'rid' is empty at row 14; fill in the value or drop the row"


def test_error_kano_out_of_range(tmp_path, codebook, survey):
    survey.loc[20, "K1D"] = 6
    path = _write(tmp_path, survey)
    with pytest.raises(InputError) as e:
        read_survey(path, codebook)
    assert str(e.value) == (f"{path}: column 'K1D' has values outside the Kano answers 1–5 at line 22 (6.0); "
                            "recode them or declare them as missing codes in the codebook")


def test_error_not_utf8_or_gbk(tmp_path, codebook):
    path = tmp_path / "latin.csv"
    path.write_bytes("rid,SAT1\nR1,\udcff".encode("utf-8", "surrogateescape") + b"\xff\xfe\x80")
    with pytest.raises(InputError) as e:
        read_survey(path, codebook)
    assert str(e.value) == f"{path}: text is neither UTF-8 nor GBK; save the file as UTF-8 CSV"


def test_error_binary_file(tmp_path, codebook):
    path = tmp_path / "survey.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(InputError, match=r"looks like a binary file, not CSV text; export the data as CSV or XLSX$"):
        read_survey(path, codebook)


def test_error_empty_file(tmp_path, codebook):
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(InputError) as e:
        read_survey(path, codebook)
    assert str(e.value) == f"{path}: the file is empty; it needs a header line and at least one data row"


def test_error_ragged_csv(tmp_path, codebook):
    path = tmp_path / "ragged.csv"
    path.write_text("rid,SAT1,SAT2\nR1,1,2\nR2,3,4,5,6\n")
    with pytest.raises(InputError) as e:
        read_survey(path, codebook)
    assert str(e.value) == (f"{path}: malformed CSV (Expected 3 fields in line 3, saw 5); fix that line's "
                            "number of fields or quote values containing ','")


def test_error_duckdb_table_missing(tmp_path, codebook, survey):
    path = tmp_path / "s.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table a as select 1 as x")
        con.execute("create table b as select 1 as x")
    with pytest.raises(InputError) as e:
        read_survey(path, codebook, table="answers")
    assert str(e.value) == f"{path}: no table 'answers' (tables: a, b); fix table="


def test_error_xlsx_sheet_missing(tmp_path, codebook, survey):
    path = tmp_path / "s.xlsx"
    survey.to_excel(path, index=False, sheet_name="answers")
    with pytest.raises(InputError) as e:
        read_survey(path, codebook, sheet="wave2")
    assert str(e.value) == f"{path}: no sheet 'wave2' (sheets: answers); fix sheet="


def test_error_transactions_missing_column(tmp_path):
    path = tmp_path / "orders.csv"
    pd.DataFrame({"acct": [1], "day": ["2024-01-01"], "value": [1.0]}).to_csv(path, index=False)
    with pytest.raises(InputError) as e:
        read_transactions(path, customer="account_id", date="day", amount="value")
    assert str(e.value) == (f"{path}: customer column 'account_id' not found (columns present: acct, day, value); "
                            "pass customer=<column name>")


def test_error_transactions_bad_date(tmp_path):
    path = tmp_path / "orders.csv"
    pd.DataFrame({"acct": [1, 2, 3], "day": ["2024-01-01", "2024-13-45", "soon"],
                  "value": [1.0, 2.0, 3.0]}).to_csv(path, index=False)
    with pytest.raises(InputError) as e:
        read_transactions(path, customer="acct", date="day", amount="value")
    assert str(e.value) == (f"{path}: column 'day' has values that are not dates (2024-03-31, 2024/03/31, 31.03.2024, 20240331, "
                            "2024年3月31日) at lines 3, 4 "
                            "('2024-13-45', 'soon'); correct them or pass date_format= (e.g. '%d/%m/%Y')")


def test_day_first_dates_are_never_guessed(tmp_path):
    """05/02/2024 is 5 February in most of the world: refuse to guess, accept date_format."""
    path = tmp_path / "orders.csv"
    pd.DataFrame({"acct": [1, 2], "day": ["05/02/2024", "28/02/2024"], "value": [1.0, 2.0]}).to_csv(path, index=False)
    with pytest.raises(InputError) as e:
        read_transactions(path, customer="acct", date="day", amount="value")
    assert str(e.value) == (f"{path}: column 'day' has dates whose day/month order is ambiguous at lines 2, 3 "
                            "('05/02/2024', '28/02/2024'; 1 value(s) like '28/02/2024' can only be day first); "
                            "pass date_format='%d/%m/%Y' (day first) or '%m/%d/%Y' (month first)")
    tx = read_transactions(path, customer="acct", date="day", amount="value", date_format="%d/%m/%Y")
    assert list(tx["date"]) == [pd.Timestamp("2024-02-05"), pd.Timestamp("2024-02-28")]


def test_trailing_delimiter_does_not_shift_columns(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("acct,day,value\nA1,2024-01-02,3.5,\nA2,2024-01-03,4,\n")
    tx = read_transactions(path, customer="acct", date="day", amount="value")
    assert list(tx["customer_id"]) == ["A1", "A2"] and list(tx["amount"]) == [3.5, 4.0]


def test_columns_named_like_canonical_ones_are_kept_renamed():
    raw = pd.DataFrame({"acct": ["A"], "date": ["2024-01-01"], "booked": ["2024-01-05"], "amount": [9.0], "net": [8.0]})
    tx = read_transactions(raw, customer="acct", date="booked", amount="net")
    assert list(tx.columns) == ["customer_id", "date", "amount", "date_source", "amount_source"]
    assert tx.loc[0, "date"] == pd.Timestamp("2024-01-05") and tx.loc[0, "amount"] == 8.0


def test_error_transactions_bad_amount(tmp_path):
    path = tmp_path / "orders.csv"
    pd.DataFrame({"acct": [1, 2], "day": ["2024-01-01", "2024-01-02"],
                  "value": ["12.50", "12,50元"]}).to_csv(path, index=False)
    with pytest.raises(InputError) as e:
        read_transactions(path, customer="acct", date="day", amount="value")
    assert str(e.value) == (f"{path}: column 'value' has values that are not numbers at line 3 ('12,50元'); "
                            "correct them or mark them missing")


def test_error_transactions_blank_customer(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("acct,day,value\nA1,2024-01-01,3\n,2024-01-02,4\n")
    with pytest.raises(InputError) as e:
        read_transactions(path, customer="acct", date="day", amount="value")
    assert str(e.value) == f"{path}: column 'acct' is empty at line 3; fill in the value or drop the row"


def test_codebook_errors(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text("scale: {min: 1, max: 10}\nconstructs: {S: {zh: a, en: b}}\nitems: {S1: {construct: X}}\n")
    with pytest.raises(InputError) as e:
        Codebook.from_file(path)
    assert str(e.value) == f"{path}: item 'S1' names construct 'X', which is not under 'constructs' (known: S)"
    path.write_text("scale: {min: 1, max: 10}\nconstructs: {S: {zh: a, en: b}}\nitems: {S1: {construct: S, revrse: true}}\n")
    with pytest.raises(InputError) as e:
        Codebook.from_file(path)
    assert str(e.value) == f"{path}: unknown key 'items.S1.revrse'; remove it or check its spelling"


@pytest.mark.postgres
def test_postgresql_round_trip(postgres, codebook, survey):
    """Survey and transactions read from a real PostgreSQL server (tests/conftest.py)."""
    import psycopg

    with psycopg.connect(postgres.url, autocommit=True) as con:
        cols = ", ".join(f'"{c}" double precision' if c in ITEMS + ["K1F", "K1D"] else
                         f'"{c}" integer' if c == "wave" else f'"{c}" text' for c in survey.columns)
        con.execute(f"create table answers ({cols})")
        with con.cursor().copy(f"copy answers ({', '.join(chr(34) + c + chr(34) for c in survey.columns)}) from stdin") as copy:
            for row in survey.itertuples(index=False):
                copy.write_row([None if (isinstance(v, float) and np.isnan(v)) else v for v in row])
        con.execute("create table orders (acct text, day date, value numeric)")
        con.execute("insert into orders values ('A1', '2024-01-02', 10.5), ('A2', '2024-02-03', 7)")
    _check(read_survey(postgres.url, codebook, table="answers"), survey)
    tx = read_transactions(postgres.url, customer="acct", date="day", amount="value", table="orders")
    assert list(tx["customer_id"]) == ["A1", "A2"] and tx["amount"].tolist() == [10.5, 7.0]
    with pytest.raises(InputError, match=r"postgres@127\.0\.0\.1:\d+/postgres: relation \"nope\" does not exist"):
        read_survey(postgres.url, codebook, table="nope")


@pytest.mark.xfail(strict=True, reason="needs lead: ids read as text on all sides in one change (load_table reads "
                   "the id columns with dtype string: survey respondent/account key, transactions customer, and the "
                   "accounts master that kamreport.inputs reads), else a join of '007' with 7 breaks")
def test_zero_padded_ids_keep_their_zeros(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("acct,day,value\n007,2024-01-02,1\n010,2024-01-03,2\n")
    tx = read_transactions(path, customer="acct", date="day", amount="value")
    assert tx["customer_id"].tolist() == ["007", "010"]


def test_numeric_column_names_are_a_header_not_a_missing_one(tmp_path):
    """A header of numbers that has a wanted column is a header: the missing one is named, the
    file is not said to lack a header line (that is for CDNOW-like files: catalogue cases)."""
    path = tmp_path / "tx.csv"
    path.write_text("1,2,3\nA,2024-01-02,10\n")
    with pytest.raises(InputError, match=r"/tx\.csv: amount column '9' not found \(columns present: 1, 2, 3\); "):
        read_transactions(path, customer="1", date="2", amount="9")
