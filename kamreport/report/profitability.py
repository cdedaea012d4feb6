"""Customer profitability (notebook 03): the whale curve, profit by tier and tenure, the discount
break-even table. Data in; words from labels.py. Tier names and group values come from data: they
are escaped in tables and drawn as plain text in charts."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from kamreport.report.labels import currency_word, label, money, percent, tier_label
from kamreport.report.style import ACCENT, BAD, GOOD, INK, MUTED, figure_axes, finish, report_style
from kamreport.value.profitability import break_even_volume
from kamreport.report.tables import escaped as _styled




def _share(v: float) -> float:
    return float(v) if v is not None and np.isfinite(v) else 0.0


def profit_note(profit: pd.DataFrame, language: str, *, margin_rate: float | None = None) -> str:
    """How profit was computed (margin column or rate; whether there was a cost to serve)."""
    if profit.attrs.get("margin_basis") == "rate":
        text = label("profit_basis_rate", language, rate=float(margin_rate) if margin_rate is not None else np.nan)
    else:
        text = label("profit_basis_column", language)
    if profit.attrs.get("cost_to_serve") is None:
        text += " " + label("profit_no_cost", language)
    return text


def profit_summary_text(whale, language: str, currency: str) -> str:
    """One sentence: total profit, the peak of the whale curve and the loss-makers."""
    return label("profit_summary_text", language, n_accounts=len(whale.curve),
                 total=money(whale.total_profit, currency, language), peak_accounts=whale.peak_share_accounts,
                 peak_share=_share(whale.peak_share), n_loss=whale.n_loss_making,
                 share_loss=whale.share_loss_making, loss=money(whale.loss, currency, language))


def whale_chart(whale, language: str, *, ax: plt.Axes | None = None) -> plt.Figure:
    """Cumulative profit / total profit against the share of accounts, most profitable first:
    the peak marked, the loss-making tail in red, 100 % as a reference line."""
    curve = whale.curve
    x = np.concatenate([[0.0], curve["share_accounts"].to_numpy()])
    y = np.concatenate([[0.0], curve["cumulative_share"].to_numpy()])
    with report_style():
        fig, ax = figure_axes(ax, (7.5, 4.4))
        k = whale.peak_rank
        ax.plot(x[:k + 1], y[:k + 1], color=ACCENT, lw=2)
        ax.plot(x[k:], y[k:], color=BAD, lw=2)
        ax.axhline(1.0, color=MUTED, lw=1, ls="--")
        if np.isfinite(whale.peak_share):
            ax.scatter([x[k]], [y[k]], color=INK, zorder=3)
            ax.annotate(f"{percent(round(whale.peak_share, 3))}", (x[k], y[k]), xytext=(6, 4),
                        textcoords="offset points", fontsize=9)
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
        ax.set_xlabel(label("whale_x_axis", language))
        ax.set_ylabel(label("whale_y_axis", language))
        takeaway = whale.caveat or label("whale_chart_takeaway", language, peak_accounts=whale.peak_share_accounts,
                                         peak_share=_share(whale.peak_share), n_loss=whale.n_loss_making)
        return finish(fig, ax, label("whale_chart_title", language), takeaway)


def _group_names(index: pd.Index, kind: str, language: str) -> list[str]:
    return [tier_label(str(g), language) if kind == "tier" else str(g) for g in index]


def profit_tier_chart(by_tier: pd.DataFrame, language: str, currency: str, *,
                      ax: plt.Axes | None = None) -> plt.Figure:
    """Profit per tier (bars, red where negative), loss-making accounts over each bar."""
    names = _group_names(by_tier.index, "tier", language)
    with report_style():
        fig, ax = figure_axes(ax, (7.5, 3.6))
        values = by_tier["profit"].to_numpy()
        bars = ax.bar(names, values, color=[GOOD if v >= 0 else BAD for v in values])
        ax.bar_label(bars, labels=[f"{int(n)} ↓" if n else "" for n in by_tier["n_loss_making"]], fontsize=8)
        ax.axhline(0, color=MUTED, lw=1)
        ax.set_ylabel(label("profit_axis", language, currency=currency_word(currency, language)))
        best = int(np.argmax(values)) if len(values) else 0
        worst = int(np.argmax(by_tier["n_loss_making"].to_numpy())) if len(values) else 0
        takeaway = label("profit_tier_chart_takeaway", language, best=names[best] if names else "",
                         best_share=_share(by_tier["share_profit"].iloc[best]) if names else 0.0,
                         worst=names[worst] if names else "",
                         worst_loss=int(by_tier["n_loss_making"].iloc[worst]) if names else 0)
        return finish(fig, ax, label("profit_tier_chart_title", language), takeaway)


def profit_group_table(by_group: pd.DataFrame, language: str, currency: str, *, kind: str = "tier"):
    """:func:`kamreport.value.profitability.profit_by_group` as a table; ``kind`` "tier" or "tenure"."""
    cur = currency_word(currency, language)
    heads = {"n_accounts": label("n_accounts", language), "revenue": label("pf_revenue", language, currency=cur),
             "profit": label("pf_profit", language, currency=cur), "share_profit": label("pf_share_profit", language),
             "mean_profit": label("pf_mean_profit", language, currency=cur),
             "n_loss_making": label("pf_n_loss_making", language), "profit_rate": label("pf_profit_rate", language)}
    out = by_group[list(heads)].rename(columns=heads)
    out.index = pd.Index(_group_names(by_group.index, kind, language),
                         name=label("pf_group_tier" if kind == "tier" else "pf_group_tenure", language))
    money_fmt = "{:,.0f}"
    return _styled(out, {heads["revenue"]: money_fmt, heads["profit"]: money_fmt, heads["mean_profit"]: money_fmt,
                         heads["share_profit"]: "{:.1%}", heads["profit_rate"]: "{:.1%}"})


def break_even_frame(table: pd.DataFrame, language: str) -> pd.DataFrame:
    """The break-even grid in words: "+33.3%" per cell, the "impossible" word where d >= m."""
    impossible = label("break_even_impossible", language)
    cells = table.map(lambda v: impossible if not np.isfinite(v) else f"+{v:.1%}")
    cells.index = pd.Index([f"{m:.0%}" for m in table.index], name=label("break_even_margin", language))
    cells.columns = [label("break_even_discount", language, d=f"{d:.0%}") for d in table.columns]
    return cells


def break_even_styled(table: pd.DataFrame, language: str):
    """:func:`break_even_frame` as an escaped Styler."""
    return _styled(break_even_frame(table, language), {})


def break_even_note(language: str, *, example: Sequence[float] = (0.20, 0.05)) -> str:
    """The rule in words, with its example computed by :func:`break_even_volume`."""
    m, d = example
    return label("break_even_note", language, m=m, d=d, extra=break_even_volume(m, d))
