"""The workbook output: every table a report displayed (``kn.table``, ``kn.workbook_table``),
one named sheet each, headers as shown (with units), numbers as numbers."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:       # the kernels that display tables never need nbformat (0.15 s with jsonschema)
    import nbformat

#: The MIME type under which a displayed table carries its data for the workbook (the report's
#: process that writes the workbook never imports the notebook helpers and their matplotlib).
TABLE_MIME = "application/vnd.kamreport.table+json"

#: Characters Excel refuses in a sheet name, and its length limit.
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_MAX = 31


def report_tables(nb: nbformat.NotebookNode) -> list[dict]:
    """The tables an executed notebook displayed through ``kn.table``, in order, each its raw
    bundle (:data:`~kamreport.report.notebook.TABLE_MIME`) with ``"heading"``: the last heading
    shown above it (what names its sheet when the table has no name)."""
    found, heading = [], ""
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data", {})
            markdown = data.get("text/markdown", "")
            if isinstance(markdown, list):
                markdown = "".join(markdown)
            if markdown.startswith("#"):
                heading = markdown.lstrip("#").strip().splitlines()[0]
            if TABLE_MIME in data:
                found.append({**data[TABLE_MIME], "heading": heading})
    return found


def sheet_names(wanted: list[str]) -> list[str]:
    """Unique Excel sheet names (<= 31 characters, none of ``[]:*?/\\``) for ``wanted``.

    Examples
    --------
    >>> sheet_names(["Paths", "Paths", "", "A very long heading that Excel would refuse: yes"])
    ['Paths', 'Paths (2)', 'Table 3', 'A very long heading that Excel']
    """
    names: list[str] = []
    for i, want in enumerate(wanted, start=1):
        base = SHEET_FORBIDDEN.sub(" ", want).strip().strip("'") or f"Table {i}"
        name, k = base[:SHEET_MAX].rstrip(), 1
        while name.casefold() in {n.casefold() for n in names}:
            k += 1
            suffix = f" ({k})"
            name = base[: SHEET_MAX - len(suffix)].rstrip() + suffix
        names.append(name)
    return names


def to_xlsx(nb: nbformat.NotebookNode) -> bytes:
    """Every table of an executed report in one workbook: a sheet per table, named after the
    table (or the heading above it), headers as the report shows them (with their units),
    numbers as numbers. A report without tables gets one sheet saying so."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    tables = report_tables(nb)
    book = Workbook()
    book.remove(book.active)
    for name, table in zip(sheet_names([t.get("name") or t["heading"] for t in tables]), tables):
        sheet = book.create_sheet(name)
        index = table.get("index") or []
        levels = len(index[0]) if index else 0
        names = (list(table.get("index_names") or []) + [""] * levels)[:levels]
        header = names + list(table["columns"])
        sheet.append(header)
        for i, row in enumerate(table["data"]):
            sheet.append((list(index[i]) if index else []) + [_cell(v) for v in row])
        sheet.freeze_panes = "A2"
        for j, head in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(j)].width = min(max(10, len(str(head)) + 2), 40)
    if not tables:
        book.create_sheet("Tables").append(["This report shows no tables."])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value):
    """A JSON value as an Excel cell: lists and objects as text (Excel holds scalars only)."""
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


__all__ = ["SHEET_MAX", "report_tables", "sheet_names", "to_xlsx"]
