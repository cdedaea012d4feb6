"""What a report notebook calls around the analysis: setup, caveats, narrative and display helpers.

Nothing here changes the kernel's global state (but for plotly's renderer, which nbconvert
needs): warnings raised by the analysis are captured
around the calls that raise them (:func:`captured`) and shown as caveats (:func:`caveats`);
pandas display options apply only inside :func:`table`. Python warnings and other stderr output
outside a capture never reach a report (the nbconvert template drops stderr).
"""

from __future__ import annotations

import dataclasses
import html
import io
import json
import re
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Image, Markdown, display

from kamreport.report.labels import label, label_from, note
from kamreport.report.style import WARN, stars_legend
from kamreport.report.workbook import TABLE_MIME

PACKAGE_DIR = str(Path(__file__).resolve().parents[1])
#: Third-party warning categories that are statistics, not noise (matched on the class name).
STATISTICAL = re.compile(r"Convergence|Optimize|Integration|Estimation|Hessian|Separation")
#: Noise: the library's own API changes, never about this report's numbers.
NOISE = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, ImportWarning, ResourceWarning)
#: pandas display options of :func:`table` (kernel-wide options are left alone).
DISPLAY_OPTIONS = {"display.max_columns": 30, "display.width": 160}


def setup(language: str = "zh") -> None:
    """Prepare a report kernel: plotly figures that survive nbconvert (see DESIGN: rendering)."""
    try:
        import plotly.io as pio

        pio.renderers.default = "plotly_mimetype+notebook"
    except ImportError:
        pass


def _ours(filename: str) -> bool:
    """Raised in kamreport, or attributed (``stacklevel``) to the notebook's own cell."""
    return filename.startswith((PACKAGE_DIR, "<")) or "ipykernel_" in filename


def relevant(warning: warnings.WarningMessage) -> bool:
    """A warning worth a caveat: raised by kamreport (or pointing at the notebook's call into it),
    or a statistical one (convergence, numerical trouble: RuntimeWarning) from anywhere;
    deprecation and other library noise is not."""
    category = warning.category
    if issubclass(category, NOISE):
        return False
    if _ours(str(warning.filename)):
        return True
    return issubclass(category, RuntimeWarning) or bool(STATISTICAL.search(category.__name__))


@contextmanager
def captured() -> Iterator[list[str]]:
    """Capture the warnings raised inside the block; the list it yields holds, after the block,
    the messages of the relevant ones (:func:`relevant`), each once, in order.

    Examples
    --------
    >>> with captured() as caught:
    ...     warnings.warn("old API", DeprecationWarning)
    ...     warnings.warn("no convergence", RuntimeWarning)
    >>> caught
    ['no convergence']
    """
    messages: list[str] = []
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        yield messages
    messages.extend(dict.fromkeys(str(w.message) for w in records if relevant(w)))


def caveats_html(messages: Iterable[str], language: str) -> str:
    """The caveat box (HTML) for ``messages``, escaped; '' when there are none."""
    items = [m for m in dict.fromkeys(messages) if m]
    if not items:
        return ""
    lis = "".join(f"<li>{html.escape(m)}</li>" for m in items)
    return (f'<div class="kam-callout kam-caveats" style="border-left-color:{WARN};background:#fff7ed">'
            f"<p><b>⚠ {label('caveats', language)}</b></p><ul>{lis}</ul></div>")


def caveats(messages: Iterable[str], language: str) -> None:
    """Show the caveats (e.g. from :func:`captured`) in a visible warning box; nothing when empty."""
    box = caveats_html(messages, language)
    if box:
        display(HTML(box))


def heading(key: str, language: str, level: int = 2, *, note_text: str | None = None,
            **fields: object) -> None:
    """Show a section heading and its note: ``note_text`` when given (e.g. from
    :func:`kamreport.report.narrative.pyramid_note`), else the label ``<key>_note`` when there is
    one. Heading and note are filled from ``fields`` (``t=thresholds``, ``vif=``; the stars'
    legend is always there): a placeholder without a field raises KeyError."""
    fields = {"stars": stars_legend(), **fields}
    display(Markdown(f"{'#' * level} {label_from(key, language, fields)}"))
    text_ = note_text if note_text is not None else note(key, language, **fields)
    if text_ is not None:
        display(Markdown(text_))


def text(markdown: str) -> None:
    """Show computed narrative text (Markdown)."""
    display(Markdown(markdown))


def callout(markdown_html: str) -> None:
    """Show a highlighted box (executive summary, key takeaway)."""
    display(HTML(f'<div class="kam-callout">{markdown_html}</div>'))


def in_language(inputs, language: str, *, account_name: str = "account_name"):
    """``inputs`` with data values as a report in ``language`` shows them: every column the
    codebook translates (``values``, e.g. region, industry, role) in survey, accounts,
    transactions and complaints goes through :meth:`~kamreport.data.schemas.Codebook.translate`, and English
    reports name accounts by ``<account_name>_en`` where the accounts master has one (proper
    names without a translation stay as they are). Items and Kano answers are left alone.

    Examples
    --------
    >>> from kamreport.data.schemas import Codebook
    >>> cb = Codebook.model_validate({"scale": {"min": 1, "max": 5}, "items": {"Q1": {"construct": "S"}},
    ...                               "values": {"region": {"HD": "East"}}})
    >>> box = dataclasses.make_dataclass("Box", ["codebook", "survey", "accounts", "transactions"], frozen=True)
    >>> acc = pd.DataFrame({"account_name": ["Jia Gongsi", "Yi Gongsi"], "account_name_en": ["Jia Ltd", None],
    ...                     "region": ["HD", "HN"]})
    >>> out = in_language(box(cb, None, acc, None), "en")
    >>> out.accounts[["account_name", "region"]].values.tolist()
    [['Jia Ltd', 'East'], ['Yi Gongsi', 'HN']]
    """
    codebook = inputs.codebook
    columns = set(codebook.values) if codebook is not None else set()
    if codebook is not None:
        columns -= set(codebook.items) | set(codebook.kano_columns)
    changes = {}
    for role in ("survey", "accounts", "transactions", "complaints"):
        frame = getattr(inputs, role, None)
        if not isinstance(frame, pd.DataFrame):   # absent, or rows that stay in their engine (Spark)
            continue
        todo = [c for c in frame.columns if c in columns]
        english = f"{account_name}_{language}"
        named = role == "accounts" and english in frame.columns and account_name in frame
        if not todo and not named:
            continue
        frame = frame.copy()
        for column in todo:
            frame[column] = codebook.translate(column, frame[column], language)
        if named:
            frame[account_name] = frame[english].where(frame[english].notna() & (frame[english] != ""),
                                                       frame[account_name])
        changes[role] = frame
    return dataclasses.replace(inputs, **changes) if changes else inputs


#: The mime type of a table's raw data (for the xlsx output); nbconvert's HTML ignores it.


def table_bundle(frame, name: str | None = None) -> dict:
    """The raw data of a displayed table (DataFrame or Styler) as JSON-ready
    ``{"name", "index", "index_names", "columns", "data"}``: headers as shown, numbers
    unformatted, each index row a list (one value per level; none when the index is hidden).

    Examples
    --------
    >>> table_bundle(pd.DataFrame({"a": [1.5]}, index=["x"]), "t")
    {'name': 't', 'index': [['x']], 'index_names': [''], 'columns': ['a'], 'data': [[1.5]]}
    """
    data = frame.data if hasattr(frame, "data") and not isinstance(frame, pd.DataFrame) else frame
    hidden = getattr(frame, "hidden_columns", []) or []
    if hidden:
        data = data.drop(columns=[data.columns[i] for i in hidden if i < len(data.columns)])
    index_hidden = bool(getattr(frame, "hide_index_", [False])[0]) if hasattr(frame, "hide_index_") else False
    flat = [" / ".join(map(str, c)) if isinstance(c, tuple) else str(c) for c in data.columns]
    rows = json.loads(data.to_json(orient="values", date_format="iso", default_handler=str))
    index = [] if index_hidden else [[str(v) for v in (i if isinstance(i, tuple) else (i,))]
                                     for i in data.index]
    names = [] if index_hidden else ["" if n is None else str(n) for n in data.index.names]
    return {"name": name or str(getattr(frame, "caption", None) or ""), "index": index,
            "index_names": names, "columns": flat, "data": rows}


@dataclasses.dataclass(frozen=True)
class _Table:
    """A displayed table: its HTML and, beside it, its raw data (:data:`TABLE_MIME`)."""

    html: str
    bundle: dict

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/html": self.html, TABLE_MIME: self.bundle}


def table(frame, name: str | None = None) -> None:
    """Show a table (DataFrame or Styler) with the report's pandas display options, set only
    while it is rendered (:data:`DISPLAY_OPTIONS`), and carry its raw data along
    (:data:`TABLE_MIME`, see :func:`table_bundle`) for the workbook output; ``name`` names its
    sheet (default: the caption, else the workbook names it after the heading above it)."""
    with pd.option_context(*[x for kv in DISPLAY_OPTIONS.items() for x in kv]):
        display(_Table(frame._repr_html_(), table_bundle(frame, name)))


def workbook_table(frame, name: str) -> None:
    """A table for the workbook (xlsx) only, not shown in HTML or PDF: e.g. the numbers behind
    KPI tiles, one row per KPI with its period, so a monthly batch's workbooks can be trended."""
    display({"text/html": "", TABLE_MIME: table_bundle(frame, name)}, raw=True)   # HTML: nothing


def show(fig: plt.Figure, *, dpi: int = 150) -> None:
    """Display a chart as a crisp PNG (its display width in CSS pixels) and release it.

    Explicit rather than relying on the inline backend, which may miss figures created in a
    style context and would show a figure twice once returned and auto-flushed.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    display(Image(data=buffer.getvalue(), width=int(fig.get_figwidth() * 96)))
