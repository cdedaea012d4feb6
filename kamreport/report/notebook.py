"""What a report notebook calls around the analysis: setup, narrative and display helpers.

Setup changes display state of the *kernel that runs a report* (warnings, pandas options), so
that nothing but narrative, tables and charts reaches a stakeholder's report. It is never called
at import time.
"""

from __future__ import annotations

import io
import logging
import warnings

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Image, Markdown, display

from kamreport.report.labels import label


def setup(language: str = "zh") -> None:
    """Prepare a report kernel: no warnings in the output, readable pandas defaults."""
    warnings.filterwarnings("ignore")
    logging.getLogger().setLevel(logging.ERROR)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 160)
    try:  # plotly figures must survive nbconvert (see DESIGN: rendering facts)
        import plotly.io as pio

        pio.renderers.default = "plotly_mimetype+notebook"
    except ImportError:
        pass


def heading(key: str, language: str, level: int = 2) -> None:
    """Show a section heading (and its note, when the label table has ``<key>_note``)."""
    display(Markdown(f"{'#' * level} {label(key, language)}"))
    try:
        display(Markdown(label(f"{key}_note", language)))
    except KeyError:
        pass


def text(markdown: str) -> None:
    """Show computed narrative text (Markdown)."""
    display(Markdown(markdown))


def callout(markdown_html: str) -> None:
    """Show a highlighted box (executive summary, key takeaway)."""
    display(HTML(f'<div class="kam-callout">{markdown_html}</div>'))


def show(fig: plt.Figure, *, dpi: int = 150) -> None:
    """Display a chart as a crisp PNG (its display width in CSS pixels) and release it.

    Explicit rather than relying on the inline backend, which may miss figures created in a
    style context and would show a figure twice once returned and auto-flushed.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    display(Image(data=buffer.getvalue(), width=int(fig.get_figwidth() * 96)))
