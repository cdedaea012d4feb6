"""A heading and what follows it become one block of the HTML (render.keep_headings), so that a
printed page never ends on a heading; the reading order and the executed notebook are untouched."""

from __future__ import annotations

import copy
import re

import nbformat
from hypothesis import given, settings
from hypothesis import strategies as st

from kamreport.report.render import KEEP, KEEP_NOTES, keep_headings, to_html

v4 = nbformat.v4
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def md(text):
    return v4.new_output("display_data", data={"text/markdown": text, "text/plain": text})


def html(text):
    return v4.new_output("display_data", data={"text/html": text, "text/plain": text})


def png():
    return v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})


def notebook(*cells):
    """Code cells from lists of outputs; a string stands for a visible Markdown cell."""
    nb = v4.new_notebook()
    for outputs in cells:
        if isinstance(outputs, str):
            nb.cells.append(v4.new_markdown_cell(outputs))
        else:
            cell = v4.new_code_cell("x")
            cell.outputs = list(outputs)
            nb.cells.append(cell)
    return nb


def marks(nb):
    return [[o.get("metadata", {}).get(KEEP) for o in c.outputs] for c in nb.cells if c.cell_type == "code"]


def flat(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def test_heading_note_and_chart_are_one_block():
    nb, _ = keep_headings(notebook([md("## Model"), md("A note."), png()], [html("<table></table>")]), {})
    assert marks(nb) == [["open", None, "close"], [None]]       # the table after the chart stays apart


def test_a_heading_at_the_end_of_a_cell_moves_to_its_table():
    """notebook 03: ``kn.heading`` in one cell, the table in the next (after an empty cell)."""
    nb, _ = keep_headings(notebook([html("<p>before</p>"), md("## Levels")], [], [html("<table></table>")]), {})
    assert [len(c.outputs) for c in nb.cells] == [1, 0, 2]
    assert marks(nb)[2] == ["open", "close"]
    assert nb.cells[2].outputs[0].data["text/markdown"] == "## Levels"


def test_headings_in_a_row_and_at_most_two_notes():
    nb, _ = keep_headings(notebook([md("## Appendix"), md("### Items"), md("note"), md("more"), md("third"),
                                    png()]), {})
    assert marks(nb) == [["open", None, None, "close", None, None]]
    assert KEEP_NOTES == 2


def test_what_ends_a_group():
    """A heading followed by nothing, a visible Markdown cell, a stream output or the next heading
    after a note: the heading stays as it is."""
    stream = v4.new_output("stream", name="stdout", text="x")
    nb, _ = keep_headings(notebook([md("## A")], "visible text", [md("## B"), stream, png()],
                                   [md("## C"), md("note"), md("## D")]), {})
    assert marks(nb) == [[None], [None, None, None], ["open", "close", None]]


def test_the_html_wraps_the_group_and_the_executed_notebook_is_unchanged():
    nb = notebook([html("<p>x</p>"), md("## Structural model")], [png()], [html("<table><tr><td>1</td></tr></table>")])
    before = copy.deepcopy(nb)
    page = to_html(nb)
    assert nb == before                                          # the exporter works on its copy
    block = re.search(r'<div class="kam-keep">(.*?)</div>\s*</div>\s*</div>\s*</div>', page, re.S)
    assert block and re.search(r"<h2[^>]*>Structural model", block.group(1)) and "data:image/png" in block.group(1)
    assert page.count('class="kam-keep"') == 1


OUTPUTS = st.sampled_from(["h", "n", "c", "s"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.just("md-cell"), st.lists(OUTPUTS, max_size=4)), max_size=8))
def test_order_is_kept_and_groups_are_well_formed(spec):
    """Whatever the outputs, the reading order is the same, every group opens on a heading and
    closes in the same cell, and groups never nest."""
    make = {"h": lambda: md("## H"), "n": lambda: md("text"), "c": png,
            "s": lambda: v4.new_output("stream", name="stdout", text="s")}
    nb = notebook(*[s if isinstance(s, str) else [make[k]() for k in s] for s in spec])
    order = [id(o) for o in flat(nb)]
    out, _ = keep_headings(nb, {})
    assert [id(o) for o in flat(out)] == order
    for cell_marks, cell in zip(marks(out), [c for c in out.cells if c.cell_type == "code"]):
        depth = 0
        for mark, output in zip(cell_marks, cell.outputs):
            if mark == "open":
                assert depth == 0 and output.data["text/markdown"].startswith("#")
                depth = 1
            elif mark == "close":
                assert depth == 1
                depth = 0
        assert depth == 0
