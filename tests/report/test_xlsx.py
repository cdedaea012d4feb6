"""The xlsx output: every table the report shows, one named sheet each, the same numbers."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import nbformat
import openpyxl
import pandas as pd
import pytest
import yaml

from kamreport.params import Params
from kamreport.report import notebook as kn
from kamreport.report.render import SHEET_MAX, report_tables, run_report, sheet_names, to_xlsx
from kamreport.report.tables import styled

NUMBER = re.compile(r"^(-?[\d,]*\.?\d+)(%?)")


def test_sheet_names_are_unique_short_and_allowed():
    names = sheet_names(["Index scores (0–100)"] * 3 + ["x" * 40] * 2 + ["a/b: [c]?", ""])
    assert len(set(n.casefold() for n in names)) == len(names)
    assert all(0 < len(n) <= SHEET_MAX and not re.search(r"[\[\]:*?/\\]", n) for n in names)
    assert names[:3] == ["Index scores (0–100)", "Index scores (0–100) (2)", "Index scores (0–100) (3)"]


def test_table_bundle_keeps_raw_numbers_and_shown_headers():
    frame = pd.DataFrame({"share": [0.1234], "n": [7]}, index=pd.Index(["East"], name="region"))
    bundle = kn.table_bundle(styled(frame, "en", percent=("share",)), "t")
    assert bundle["data"] == [[0.1234, 7]] and bundle["index"] == [["East"]]
    assert bundle["columns"] == list(styled(frame, "en").data.columns)
    hidden = kn.table_bundle(styled(frame.reset_index(), "en", hide_index=True))
    assert hidden["index"] == [] and len(hidden["columns"]) == 3


def test_report_tables_are_named_after_the_heading_above():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", {"text/markdown": "## Paths"}),
                    nbformat.v4.new_output("display_data", {kn.TABLE_MIME: kn.table_bundle(pd.DataFrame({"a": [1.0]}))})]
    nb.cells.append(cell)
    assert [t["heading"] for t in report_tables(nb)] == ["Paths"]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(nb)))
    assert book.sheetnames == ["Paths"] and list(book["Paths"].values) == [(None, "a"), ("0", 1)]


def test_a_multi_index_becomes_one_column_per_level():
    frame = pd.DataFrame({"n": [3, 4]}, index=pd.MultiIndex.from_tuples([("East", 1), ("East", 2)],
                                                                          names=["region", "wave"]))
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", {kn.TABLE_MIME: kn.table_bundle(frame, "Sample")})]
    nb.cells.append(cell)
    rows = list(openpyxl.load_workbook(io.BytesIO(to_xlsx(nb)))["Sample"].values)
    assert rows == [("region", "wave", "n"), ("East", "1", 3), ("East", "2", 4)]


class _Body(HTMLParser):
    """The data cell texts of a table's body rows (headers are in <thead>, the index in <th>)."""

    def __init__(self):
        super().__init__()
        self.rows, self.in_body, self.cell = [], False, None

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.rows.append([])
        elif tag == "td" and self.in_body:   # data cells; the index is in <th>
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.rows[-1].append(self.cell.strip())
            self.cell = None
        elif tag == "tbody":
            self.in_body = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def body_rows(table_html: str) -> list[list[str]]:
    parser = _Body()
    parser.feed(table_html)
    return parser.rows


def _numbers(cells) -> list[tuple[float, int, bool]]:
    """(value, decimals, percent) of every cell that shows a number."""
    out = []
    for cell in cells:
        match = NUMBER.match(str(cell).strip())
        if match and not re.match(r"^\d{4}-\d\d", str(cell)):
            digits = match.group(1).replace(",", "")
            decimals = len(digits.split(".")[1]) if "." in digits else 0
            out.append((float(digits), decimals, bool(match.group(2))))
    return out


@pytest.mark.slow
def test_report_run_writes_a_workbook_matching_the_displayed_tables(mobi_project, tmp_path):
    spec = yaml.safe_load((mobi_project / "mobi.yaml").read_text(encoding="utf-8"))
    spec["output"]["formats"] = ["html", "xlsx"]
    spec["model"] = {"bootstrap": 100}
    path = mobi_project / "mobi_xlsx.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    outcome = run_report(Params.from_file(path), "01_satisfaction", tmp_path, run_id="x")
    assert outcome.status == "ok", outcome.error
    assert outcome.outputs["xlsx"].endswith("mobi_xlsx-01_satisfaction.xlsx")
    book = openpyxl.load_workbook(outcome.outputs["xlsx"])
    html = (tmp_path / "mobi_xlsx-01_satisfaction.html").read_text(encoding="utf-8")
    shown = re.findall(r"<table.*?</table>", html.split("<main>", 1)[1], flags=re.S)
    assert len(book.sheetnames) == len(shown) >= 10
    assert "路径系数" in " ".join(book.sheetnames) or "结构模型" in " ".join(book.sheetnames)
    compared = 0
    for sheet, table_html in zip(book.worksheets, shown):
        rows = list(sheet.values)
        displayed = body_rows(table_html)
        assert sheet.max_row - 1 == len(displayed), sheet.title
        for raw, text in zip(rows[1:], displayed):
            data = raw[len(raw) - len(text):]                  # the index columns come first
            raw_numbers = [v for v in data if isinstance(v, (int, float)) and not isinstance(v, bool)]
            for (value, decimals, percent), number in zip(_numbers(text), raw_numbers):
                scale = 100 if percent else 1
                assert abs(number * scale - value) <= 0.5 * 10 ** -decimals + 1e-9, (sheet.title, raw, text)
                compared += 1
    assert compared >= 50
