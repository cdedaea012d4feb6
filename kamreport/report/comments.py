"""Comment sentiment and themes in the reports: a chart, two tables, a sentence and the method note.

Takes the frames of :mod:`kamreport.satisfaction.comments` (``score_comments``, ``top_terms``,
``negative_comments``); words come from labels.py. Everything that comes from data (comment text,
terms, band and tier names, account ids and names) is HTML-escaped in tables and sentences and
drawn as plain text in charts (a ``$`` cannot start mathtext).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from kamreport.report.labels import label
from kamreport.report.style import BAD, GOOD, MUTED, figure_axes, finish, report_style
from kamreport.satisfaction.comments import LABELS, MEASURED_ACCURACY, sentiment_shares
from kamreport.report.tables import escaped as _styled

SENTIMENT_COLORS = {"negative": BAD, "neutral": MUTED, "positive": GOOD}


def _plain(text: object) -> str:
    """Data-derived text for matplotlib: a dollar sign must not start mathtext."""
    return str(text).replace("$", r"\$")




def sentiment_chart(scored: pd.DataFrame, bands: pd.Series, language: str, *,
                    ax: plt.Axes | None = None) -> plt.Figure:
    """Share of negative, neutral and positive comments per satisfaction band (stacked horizontal
    bars, the first band at the top, n per band on the right).

    ``scored``: from ``score_comments``; ``bands``: respondent -> band (a categorical keeps its order).
    """
    shares = sentiment_shares(scored, bands)
    with report_style():
        fig, ax = figure_axes(ax, (7.5, 0.5 * len(shares) + 1.9))
        y = np.arange(len(shares))[::-1]
        left = np.zeros(len(shares))
        for kind in LABELS:
            width = shares[kind].fillna(0.0).to_numpy()
            ax.barh(y, width, left=left, color=SENTIMENT_COLORS[kind], height=0.6,
                    label=label(f"comments_{kind}", language))
            for yi, x0, w in zip(y, left, width):
                if w >= 0.08:
                    ax.text(x0 + w / 2, yi, f"{w:.0%}", ha="center", va="center", fontsize=8, color="white")
            left += width
        for yi, n in zip(y, shares["n"]):
            ax.text(1.01, yi, f"n={int(n)}", va="center", fontsize=8)
        ax.set_yticks(y, [_plain(b) for b in shares.index])
        ax.set_xlim(0, 1.1)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
        ax.set_xlabel(label("comments_share_axis", language), loc="left")
        ax.set_ylabel(label("comments_band_axis", language))
        ax.legend(frameon=False, fontsize=8, ncol=3, loc="upper right", bbox_to_anchor=(1.0, -0.06))
        filled = shares[shares["n"] > 0]
        if len(filled):
            worst = filled["negative"].idxmax()
            take = label("comments_chart_takeaway", language, band=_plain(worst),
                         share=float(filled.loc[worst, "negative"]))
        else:
            take = label("comments_chart_empty", language)
        return finish(fig, ax, label("comments_chart_title", language), take)


def terms_table(terms: pd.DataFrame, language: str):
    """The top terms per group (``top_terms``): comments holding the term, their share of the
    group's comments and the lift (a Styler, every cell escaped)."""
    heads = {c: label(f"comments_col_{c}", language) for c in ("term", "count", "share", "lift")}
    out = terms[list(heads)].rename(columns=heads)
    out.index = pd.Index(terms["group"].astype(str).tolist(), name=label("comments_col_group", language))
    return _styled(out, {heads["share"]: "{:.1%}", heads["lift"]: "{:.2f}"})


def negative_comments_table(neg: pd.DataFrame, language: str, account_names: pd.Series | None = None):
    """The most negative comments of the top-tier accounts (``negative_comments``): account (its
    name first when ``account_names`` maps account -> name), tier, language, score and text; a
    Styler with every cell escaped."""
    out = pd.DataFrame(index=pd.Index(neg.index.astype(str), name=label("comments_col_respondent", language)))
    accounts = neg["account"].to_numpy()
    if account_names is not None:
        names = account_names.reindex(accounts)
        accounts = [f"{n} · {a}" if pd.notna(n) else str(a) for n, a in zip(names, accounts)]
    out[label("comments_col_account", language)] = [str(a) for a in accounts]
    out[label("comments_col_tier", language)] = neg["tier"].astype(str).to_numpy()
    out[label("comments_col_language", language)] = [label(f"comments_language_{v}", language)
                                                     for v in neg["language"]]
    score = label("comments_col_sentiment", language)
    out[score] = neg["sentiment"].to_numpy(dtype=np.float64)
    out[label("comments_col_text", language)] = neg["text"].to_numpy()
    return _styled(out, {score: "{:+.2f}"})


def sentiment_summary_text(scored: pd.DataFrame, language: str) -> str:
    """One sentence: how many comments were scored (by language) and the shares of each label."""
    n = len(scored)
    if n == 0:
        return label("comments_summary_empty", language)
    counts = scored["label"].value_counts()
    langs = scored["language"].value_counts()
    return label("comments_summary_text", language, n=n, n_zh=int(langs.get("zh", 0)), n_en=int(langs.get("en", 0)),
                 negative=counts.get("negative", 0) / n, neutral=counts.get("neutral", 0) / n,
                 positive=counts.get("positive", 0) / n)


def sentiment_method_note(language: str) -> str:
    """How comments are scored in each language, and the accuracy measured on the labelled samples."""
    (zh_acc, zh_f1), (en_acc, en_f1) = MEASURED_ACCURACY["zh"], MEASURED_ACCURACY["en"]
    return label("comments_method_note", language, zh_accuracy=zh_acc, zh_f1=zh_f1, en_accuracy=en_acc,
                 en_f1=en_f1)


def other_language_note(n: int, language: str) -> str:
    """How many top-tier negative comments are in the other language and not listed here."""
    return label("comments_other_language", language, n=n)
