"""The catalogue of bad inputs: each case spoils one thing of a valid project and says what the
real CLI must do about it — exit code, the one line it prints (file, column, first rows, fix),
and for accepted oddities what the readers count in ``attrs["cleaning"]``.

Exit codes (kamreport.cli): 0 ok, 1 some report failed, 2 bad parameters or input (nothing
written). Cases marked ``xfail(strict=True, reason="needs lead: ...")`` state behaviour that
needs a change outside kamreport/data (cli.py, inputs.py, report/); the lead removes the mark.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from typer.testing import CliRunner

from kamreport.cli import app
from kamreport.data import Codebook, read_survey, read_transactions


@dataclass(frozen=True)
class Case:
    """``setup`` spoils the project and returns the ``kamreport`` arguments (default: validate p.yaml)."""

    id: str
    setup: Callable[..., list[str] | None]
    exit: int
    error: str = ""  # regex the one error line must match ("" for exit 0)
    check: Callable[..., None] | None = None  # more assertions after the CLI ran
    lead: str = ""  # needs a change outside kamreport/data: xfail reason
    marks: tuple = field(default=())


def _survey(p, frame: pd.DataFrame | None = None, **kw) -> None:
    p.write_survey(p.survey if frame is None else frame, **kw)
    p.write_params(p.survey_only())


def _orders(p, frame: pd.DataFrame | None = None, **kw) -> None:
    p.write_orders(p.orders if frame is None else frame, **kw)
    p.write_params(p.orders_only())


def _set(frame: pd.DataFrame, rows, column: str, value) -> pd.DataFrame:
    out = frame.copy()
    out[column] = out[column].astype(object)
    out.loc[rows, column] = value
    return out


def _raw_survey(p, text: str | bytes) -> None:
    path = p.root / "survey.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    p.write_params(p.survey_only())


def _raw_orders(p, text: str | bytes) -> None:
    path = p.root / "orders.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    p.write_params(p.orders_only())


def _params(p, **changes) -> None:
    params = p.survey_only()
    for dotted, value in changes.items():
        *parents, key = dotted.split("__")
        target = params
        for k in parents:
            target = target.setdefault(k, {})
        target[key] = value
    p.write_params(params)


def _cleaning_survey(p) -> dict:
    return read_survey(p.root / "survey.csv", Codebook.from_file(p.root / "codebook.yaml")).attrs["cleaning"]


def _cleaning_orders(p, **kw) -> dict:
    t = {**p.params["data"]["transactions"], **kw}
    return read_transactions(p.root / t.pop("path"), **t).attrs["cleaning"]


def _sav(p) -> None:
    pyreadstat.write_sav(
        p.survey, str(p.root / "survey.sav"), column_labels={"CUSA1": "Overall satisfaction"}
    )
    p.write_params({**p.survey_only(), "data": {**p.survey_only()["data"], "survey": "survey.sav"}})


def _mixed_encodings(p) -> None:
    lines = p.survey.to_csv(index=False).splitlines()
    head = "\n".join(lines[:100]).encode("utf-8")
    tail = "\n".join(lines[100:]).encode("gbk")
    _raw_survey(p, head + b"\n" + tail + b"\n")


def _gbk_headers(p) -> None:
    p.codebook["columns"] = {"地区": "str"}
    p.write_codebook(p.codebook)
    p.write_survey(p.survey.rename(columns={"region": "地区"}), encoding="gbk")
    p.write_params({**p.survey_only(), "segment": "地区"})


def _minimal_codebook(p) -> None:
    p.write_codebook({"scale": {"min": 1, "max": 10}, "items": p.codebook["items"]})
    p.write_survey(p.survey.drop(columns=["respondent_id", "region"]))
    p.write_params({**p.survey_only(), "segment": None})


def _straight(p) -> None:
    items = list(p.codebook["items"])
    frame = p.survey.copy()
    frame.loc[[4, 8, 15], items] = 7
    _survey(p, frame)


def _one_item_construct(p) -> None:
    assert sum(v["construct"] == "Complaints" for v in p.codebook["items"].values()) == 1  # mobi's CUSCO
    _survey(p)


def _codebook(p, codebook: dict | str) -> None:
    path = p.root / "codebook.yaml"
    if isinstance(codebook, str):
        path.write_text(codebook, encoding="utf-8")
    else:
        p.write_codebook(codebook)
    p.write_params(p.survey_only())


def _money(p, values, *, decimal_comma: bool = False, **kw) -> None:
    frame = p.orders.copy()
    frame["amount"] = (
        frame["amount"].map(lambda v: f"{v:.2f}".replace(".", ","))
        if decimal_comma
        else frame["amount"].astype(object)
    )
    frame.loc[: len(values) - 1, "amount"] = values
    _orders(p, frame, **kw)


def _dates(p, values, fmt: str | None = None) -> None:
    frame = p.orders.copy()
    frame["date"] = frame["date"].astype(object)
    frame.loc[: len(values) - 1, "date"] = values
    p.write_orders(frame)
    params = p.orders_only()
    if fmt:
        params["data"]["transactions"]["date_format"] = fmt
    p.write_params(params)


def _one_customer(p) -> None:
    _orders(p, p.orders[p.orders["customer"] == 1])


def _order_ids(p) -> None:
    frame = p.orders.assign(order_no=[f"O{i}" for i in range(len(p.orders))])
    frame.loc[7, "order_no"] = "O3"  # O3 twice, with different amounts
    p.write_orders(frame)
    params = p.orders_only()
    params["data"]["transactions"]["order_id"] = "order_no"
    p.write_params(params)


def _single_purchases_kept(p) -> None:
    once = p.orders.groupby("customer").size().pipe(lambda n: n[n == 1]).index.astype(str)
    t = p.params["data"]["transactions"]
    tx = read_transactions(p.root / t["path"], customer="customer", date="date", amount="amount")
    assert len(once) > 10 and set(once) <= set(tx["customer_id"])


def _no_yaml(p) -> list[str]:
    (p.root / "empty").mkdir()
    return ["validate", str(p.root / "empty")]


def _assert_counts(getter, **expected):
    def check(p) -> None:
        found = getter(p)
        for key, value in expected.items():
            assert found[key] == value, (key, found)

    return check


SV, OR = "survey.csv", "orders.csv"
CASES = [
    # ---- survey file: shape and encoding -------------------------------------------------------
    Case(
        "survey-empty-file",
        lambda p: _raw_survey(p, ""),
        2,
        rf"{SV}: the file is empty; it needs a header line and at least one data row$",
    ),
    Case(
        "survey-header-only",
        lambda p: _raw_survey(p, p.survey.head(0).to_csv(index=False)),
        2,
        rf"{SV}: no data rows \(columns: respondent_id, region, CUEX1, .*\); the survey needs at least one "
        rf"respondent$",
    ),
    Case(
        "survey-wrong-delimiter",
        lambda p: _survey(p, sep=":"),
        2,
        rf"{SV}: the header line is one column 'respondent_id:region:CUEX1.*', so the fields are separated "
        rf"by "
        r"':', which is not a CSV delimiter; save the file with commas, semicolons, tabs or \| between "
        r"fields$",
    ),
    Case("survey-utf8-bom", lambda p: _survey(p, encoding="utf-8-sig"), 0),
    Case("survey-semicolon-delimiter", lambda p: _survey(p, sep=";"), 0),
    Case("survey-gbk-chinese-headers", _gbk_headers, 0),
    Case(
        "survey-mixed-encodings",
        _mixed_encodings,
        2,
        rf"{SV}: mixes text encodings: lines 2, 3, 4, 5, 6 and \d+ more are UTF-8, lines 101, 102, 103, "
        rf"104, 105 "
        r"and \d+ more are not \(GBK\?\); save the whole file in one encoding, UTF-8$",
    ),
    Case(
        "survey-neither-utf8-nor-gbk",
        lambda p: _raw_survey(p, b"respondent_id,CUEX1\nR1,\xff\xfe\x80\n"),
        2,
        rf"{SV}: text is neither UTF-8 nor GBK; save the file as UTF-8 CSV$",
    ),
    Case(
        "survey-binary-file",
        lambda p: _raw_survey(p, b"PK\x03\x04\x00\x00binary"),
        2,
        rf"{SV}: looks like a binary file, not CSV text; export the data as CSV or XLSX$",
    ),
    Case(
        "survey-ragged-rows",
        lambda p: _raw_survey(p, "respondent_id,CUEX1\nR1,1\nR2,3,4,5\n"),
        2,
        rf"{SV}: malformed CSV \(Expected 2 fields in line 3, saw 4\); fix that line's number of fields",
    ),
    Case("survey-sav-with-labels", _sav, 0),
    # ---- survey columns ------------------------------------------------------------------------
    Case(
        "survey-missing-item-column",
        lambda p: _survey(p, p.survey.drop(columns="CUSA2")),
        2,
        rf"{SV}: required column 'CUSA2' is missing \(columns present: respondent_id, region, .*\); rename "
        rf"the "
        "column or fix the codebook/parameters$",
    ),
    Case(
        "survey-extra-columns-accepted",
        lambda p: _survey(p, p.survey.assign(notes="x", Q99=1)),
        0,
        check=_assert_counts(_cleaning_survey, extra_columns=["notes", "Q99"]),
    ),
    Case(
        "survey-extra-columns-reported-by-validate",
        lambda p: _survey(p, p.survey.assign(notes="x")),
        0,
        r"ok .*p\.yaml: survey 250 rows .*extra column.*notes",
),
    Case(
        "survey-duplicate-respondent-ids",
        lambda p: _survey(p, _set(p.survey, [1, 7], "respondent_id", "R0001")),
        2,
        rf"{SV}: column 'respondent_id' has duplicate values at lines 3, 9 \('R0001'\); make each value "
        rf"unique$",
    ),
    Case(
        "survey-blank-respondent-id",
        lambda p: _survey(p, _set(p.survey, [12], "respondent_id", None)),
        2,
        rf"{SV}: column 'respondent_id' is empty at line 14; fill in the value or drop the row$",
    ),
    Case(
        "survey-minimal-codebook-no-ids",
        _minimal_codebook,
        0,
        check=_assert_counts(_cleaning_survey, respondent_id="row number"),
    ),
    # ---- survey values ---------------------------------------------------------------------------
    Case(
        "survey-likert-outside-scale",
        lambda p: _survey(p, _set(p.survey, [3, 9], "CUSA1", 11)),
        2,
        rf"{SV}: column 'CUSA1' has values outside the scale 1–10 at lines 5, 11 \(11\.0\); recode them or "
        "declare them as missing codes in the codebook$",
    ),
    Case(
        "survey-likert-zero",
        lambda p: _survey(p, _set(p.survey, [0], "PERQ1", 0)),
        2,
        rf"{SV}: column 'PERQ1' has values outside the scale 1–10 at line 2 \(0\.0\)",
    ),
    Case(
        "survey-na-texts-become-missing",
        lambda p: _survey(p, _set(_set(p.survey, [2, 5], "CUSA1", "N/A"), [6], "CUSL1", "不适用")),
        0,
        check=_assert_counts(_cleaning_survey, missing_texts={"不适用": 1}),
    ),  # pandas reads N/A as NA itself
    Case(
        "survey-undeclared-missing-code-99",
        lambda p: _survey(p, _set(p.survey, [4], "IMAG2", 99)),
        2,
        rf"{SV}: column 'IMAG2' has values outside the scale 1–10 at line 6 \(99\.0\); recode them or "
        rf"declare "
        "them as missing codes in the codebook$",
    ),
    Case(
        "survey-declared-missing-codes-99-and-minus-1",
        lambda p: (
            _codebook(p, {**p.codebook, "missing_codes": [99, -1]}),
            _survey(p, _set(_set(p.survey, [4], "IMAG2", 99), [5, 6], "IMAG3", -1)),
        ),
        0,
        check=_assert_counts(_cleaning_survey, missing_codes={-1: 2, 99: 1}),
    ),
    Case(
        "survey-text-in-numeric-column",
        lambda p: _survey(p, _set(p.survey, [2], "CUSL2", "seven")),
        2,
        rf"{SV}: column 'CUSL2' has values that are not numbers \(scale 1–10\) at line 4 \('seven'\); "
        rf"correct them "
        "or mark them missing$",
    ),
    Case(
        "survey-half-points",
        lambda p: _survey(p, _set(p.survey, [0], "CUSA3", 7.5)),
        2,
        rf"{SV}: column 'CUSA3' has non-whole numbers at line 2 \(7\.5\); answers must be whole scale "
        rf"points$",
    ),
    Case(
        "survey-straight-lining-flagged",
        _straight,
        0,
        check=_assert_counts(
            _cleaning_survey,
            straight_lining=4,  # mobi has one: R0136
            straight_lining_ids=["R0004", "R0008", "R0015", "R0136"],
        ),
    ),
    Case("survey-construct-with-one-item", _one_item_construct, 0),
    Case(
        "survey-item-with-zero-variance",
        lambda p: _survey(p, p.survey.assign(CUSA2=7)),
        2,
        rf"{SV}: item 'CUSA2' has the same answer from every respondent",
),
    Case(
        "survey-fewer-respondents-than-parameters",
        lambda p: _survey(p, p.survey.head(12)),
        2,
        rf"{SV}: 12 respondents for a model with \d+ parameters",
),
    # ---- codebook --------------------------------------------------------------------------------
    Case(
        "codebook-missing-file",
        lambda p: (p.root.joinpath("codebook.yaml").unlink(), p.write_params(p.survey_only())),
        2,
        r"codebook.yaml: codebook file not found; pass the path of codebook.yaml$",
    ),
    Case(
        "codebook-key-typo",
        lambda p: _codebook(p, {**p.codebook, "missing_code": [99]}),
        2,
        r"codebook.yaml: unknown key 'missing_code'; remove it or check its spelling$",
    ),
    Case(
        "codebook-scale-reversed",
        lambda p: _codebook(p, {**p.codebook, "scale": {"min": 10, "max": 1}}),
        2,
        r"codebook.yaml: key 'scale': scale max \(1\) must be greater than min \(10\)",
    ),
    Case(
        "codebook-not-a-mapping",
        lambda p: _codebook(p, "- just\n- a list\n"),
        2,
        r"codebook.yaml: a codebook must be a YAML mapping \(scale and items, optionally constructs\)$",
    ),
    # ---- transactions ----------------------------------------------------------------------------
    Case(
        "orders-empty-file",
        lambda p: _raw_orders(p, ""),
        2,
        rf"{OR}: the file is empty; it needs a header line and at least one data row$",
    ),
    Case(
        "orders-header-only",
        lambda p: _raw_orders(p, "customer,date,cds,amount\n"),
        2,
        rf"{OR}: no data rows; the transactions file needs at least one order$",
    ),
    Case(
        "orders-missing-amount-column",
        lambda p: _orders(p, p.orders.rename(columns={"amount": "value"})),
        2,
        rf"{OR}: amount column 'amount' not found \(columns present: customer, date, cds, value\); pass "
        rf"amount=<column name>$",
    ),
    Case(   # CDNOW as distributed: whitespace between fields, no header line
        "orders-space-separated-without-header",
        lambda p: _raw_orders(p, " 00004 0001 19970101  2   29.33\n 00004 0001 19970118  2   29.73\n"),
        2,
        rf"{OR}: the header line is one column '00004 0001 19970101  2   29.33', so the fields are separated "
        r"by ' ', which is not a CSV delimiter; save the file with commas, semicolons, tabs or \| between "
        r"fields and a first line naming the columns$",
    ),
    Case(
        "orders-no-header-line",
        lambda p: _raw_orders(p, "4,1,1997-01-01,2,29.33\n4,1,1997-01-18,2,29.73\n"),
        2,
        rf"{OR}: the first line '4,1,1997-01-01,2,29.33' holds values, not column names; add a first line "
        r"naming the columns$",
    ),
    Case(
        "orders-us-dollars-with-separators",
        lambda p: _money(p, ["$1,234.50", "$12.00", "US$ 3"]),
        0,
        check=_assert_counts(
            _cleaning_orders, amount_thousands_separators=1, amount_currency_symbols=3, amount_currency="USD"
        ),
    ),
    Case(
        "orders-yuan-marks",
        lambda p: (
            _money(p, ["¥1,234", "88元", "RMB 5"]),
            p.write_params({**p.orders_only(), "currency": "CNY"}),
        ),
        0,
        check=_assert_counts(_cleaning_orders, amount_currency="CNY", amount_currency_symbols=3),
    ),
    Case(
        "orders-currency-differs-from-params",
        lambda p: (_money(p, ["¥1,234", "88元"]),),
        2,
        rf"{OR}: column 'amount' is in CNY but currency is USD; set currency: CNY",
),
    Case(
        "orders-mixed-currencies",
        lambda p: _money(p, ["$12", "¥30"]),
        2,
        rf"{OR}: column 'amount' mixes currencies \(CNY at line 3, USD at line 2\); convert the amounts to "
        rf"one currency",
    ),
    Case(
        "orders-decimal-commas-semicolon-file",
        lambda p: _money(p, ["1.234,50", "12,5"], sep=";", decimal_comma=True),
        0,
        check=_assert_counts(_cleaning_orders, amount_decimal_commas=439, amount_thousands_separators=1),
    ),
    Case(
        "orders-mixed-decimal-marks",
        lambda p: _money(p, ["1.234,50", "12.50"], sep=";"),
        2,
        rf"{OR}: column 'amount' mixes decimal points \('12.50' at line 3\) and decimal commas \('1.234,50' "
        rf"at line 2\)",
    ),
    Case(
        "orders-thousands-or-decimal-unclear",
        lambda p: _money(p.round_amounts(), ["1,234"], sep=";"),
        2,
        rf"{OR}: column 'amount' has numbers whose separator may be thousands or decimal at line 2 "
        rf"\('1,234'\)",
    ),
    Case(
        "orders-text-amount",
        lambda p: _money(p, ["n/a-ish", "12"]),
        2,
        rf"{OR}: column 'amount' has values that are not numbers at line 2 \('n/a-ish'\); correct them or "
        rf"mark them missing$",
    ),
    Case(
        "orders-negative-and-zero-amounts-accepted",
        lambda p: _money(p, [-29.33, 0.0]),
        0,
        check=_assert_counts(_cleaning_orders, amount_negative=1, amount_zero=2),
    ),  # CDNOW has a $0 order
    Case(
        "orders-blank-customer",
        lambda p: _orders(p, _set(p.orders, [4], "customer", None)),
        2,
        rf"{OR}: column 'customer' is empty at line 6; fill in the value or drop the row$",
    ),
    Case(
        "orders-several-date-formats",
        lambda p: _dates(p, ["1997-01-01", "1997/01/18", "02.08.1997", "1997年8月2日"]),
        0,
        check=_assert_counts(
            _cleaning_orders,
            date_formats={"ISO8601": 1, "%Y/%m/%d": 1, "%d.%m.%Y": 1, "%Y年%m月%d日": 1, "%Y%m%d": 435},
        ),
    ),
    Case(
        "orders-day-month-ambiguous",
        lambda p: _dates(p, ["01/02/1997", "13/02/1997"]),
        2,
        rf"{OR}: column 'date' has dates whose day/month order is ambiguous at lines 2, 3 .*; pass "
        r"date_format='%d/%m/%Y' \(day first\) or '%m/%d/%Y' \(month first\)$",
    ),
    Case(
        "orders-date-format-override",
        lambda p: (
            _dates(p, ["01/02/1997", "13/02/1997"], fmt="%d/%m/%Y")
            or p.write_orders(
                p.orders.assign(date=pd.to_datetime(p.orders["date"].astype(str)).dt.strftime("%d/%m/%Y"))
            )
        ),
        0,
    ),
    Case(
        "orders-impossible-date",
        lambda p: _dates(p, ["1997-02-30"]),
        2,
        rf"{OR}: column 'date' has values that are not dates \(.*\) at line 2 \('1997-02-30'\); correct "
        rf"them or pass date_format=",
    ),
    Case(
        "orders-future-dates",
        lambda p: _dates(p, ["2097-01-01"]),
        2,
        rf"{OR}: column 'date' has dates after today \(.*\) at line 2 \('2097-01-01'\); correct them",
    ),
    Case(
        "orders-customer-with-one-purchase",
        lambda p: _orders(p),
        0,
        check=_single_purchases_kept,
    ),
    Case(
        "orders-one-customer-only",
        _one_customer,
        2,
        rf"{OR}: only 1 customer",
),
    Case(
        "orders-duplicate-order-ids",
        _order_ids,
        2,
        rf"{OR}: column 'order_no' has order id 'O3' on lines 5, 9 with different values",
),
    Case(
        "orders-order-id-column-missing",
        lambda p: p.write_params(
            {
                **p.orders_only(),
                "data": {"transactions": {**p.params["data"]["transactions"], "order_id": "order_no"}},
            }
        ),
        2,
        rf"{OR}: order_id column 'order_no' not found; fix data.transactions.order_id$",
    ),
    # ---- parameters ------------------------------------------------------------------------------
    Case(
        "params-key-typo",
        lambda p: p.write_params({**p.survey_only(), "titel": "x"}),
        2,
        r"p.yaml: unknown key 'titel'; remove it or check its spelling$",
    ),
    Case(
        "params-wrong-type",
        lambda p: _params(p, model__bootstrap="many"),
        2,
        r"p.yaml: key 'model.bootstrap': .*; got 'many'$",
    ),
    Case(
        "params-missing-data-file",
        lambda p: _params(p, data__survey="nope.csv"),
        2,
        r"nope.csv: file not found; check the path \(relative paths start at the parameter file's folder\)$",
    ),
    Case(
        "params-unknown-preset",
        lambda p: _params(p, model__preset="ecsii"),
        2,
        r"p.yaml: key 'model.preset': .*; got 'ecsii'$",
    ),
    Case(
        "params-tiers-not-100",
        lambda p: _params(p, tiers={"A": 50, "B": 30}),
        2,
        r"p.yaml: key 'tiers': tier shares .* must be positive and sum to 1 \(sum 80\)",
    ),
    Case(
        "params-invalid-yaml",
        lambda p: (p.root / "p.yaml").write_text("title: [unclosed\n"),
        2,
        r"p.yaml: line 2: not valid YAML",
    ),
    Case(
        "params-segment-not-a-column",
        lambda p: _params(p, segment="industry"),
        2,
        r"p.yaml: segment column 'industry' is in neither the survey nor the accounts file; fix 'segment'$",
    ),
    Case(
        "params-folder-without-yaml",
        _no_yaml,
        2,
        r"no parameter files \(\*\.yaml\) in .*empty; pass files or a folder",
    ),
]


def _mark(case: Case):
    marks = list(case.marks)
    if case.lead:
        marks.append(pytest.mark.xfail(strict=True, reason=f"needs lead: {case.lead}"))
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_mark(c) for c in CASES])
def test_bad_input(case: Case, project) -> None:
    args = case.setup(project)
    args = args if isinstance(args, list) else ["validate", str(project.root / "p.yaml")]
    result = CliRunner().invoke(app, args)
    output = result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
        f"uncaught {type(result.exception).__name__}: {result.exception}"
    )
    assert result.exit_code == case.exit, output
    assert "Traceback" not in output
    if case.exit:
        errors = [line for line in output.splitlines() if line.startswith("kamreport: error: ")]
        assert len(errors) == 1 and output.count("\n") == 1, output  # exactly one line, nothing else
        assert re.search(case.error, errors[0]), errors[0]
    else:
        assert output.startswith("ok  "), output
        if case.error:
            assert re.search(case.error, output), output
    if case.check:
        case.check(project)
    assert not (project.root / "out").exists()  # validate writes nothing


def test_catalogue_is_big_enough() -> None:
    assert len(CASES) >= 40 and len({c.id for c in CASES}) == len(CASES)
    assert np.isin(["survey", "codebook", "orders", "params"], [c.id.split("-")[0] for c in CASES]).all()
