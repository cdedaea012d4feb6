"""The account review's charts, tables and cards (notebook 03). Data in; words from labels.py.

Every string that comes from data (account ids and names, attribute and construct names) is
HTML-escaped where this module writes HTML, and drawn as plain text in charts.
"""

from __future__ import annotations

import html

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from kamreport.report.labels import code_label, currency_word, label, money, translate_columns  # noqa: F401 - label: notebook 03
from kamreport.report.style import ACCENT, BAD, GOOD, MUTED, WARN, figure_axes, finish, plain_log, report_style
from kamreport.report.tables import escaped as _styled

_CLASS_COLORS = {"true": GOOD, "latent": ACCENT, "spurious": WARN, "none": MUTED,
                 "core": GOOD, "at_risk": BAD, "grow": ACCENT, "maintain": MUTED}


def _money(value: float, currency: str, language: str) -> str:
    """:func:`~kamreport.report.labels.money`, with a dash for a missing amount."""
    if value is None or not np.isfinite(value):
        return "–"
    return money(value, currency, language)




def _head(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """Columns named in ``language`` where labels.py has a word for them, else as they are."""
    return frame.rename(columns=dict(zip(frame.columns, translate_columns(frame.columns, language))))


def summary_text(review, value, language: str, currency: str) -> str:
    """The executive summary, computed from the review and the value analysis."""
    loyalty = review.loyalty_summary
    at_risk = review.at_risk if review.at_risk is not None else pd.DataFrame()
    return label("review_summary_text", language, n_accounts=len(review.lifecycle),
        n_true=int(loyalty.loc["true", "n_accounts"]) if loyalty is not None and "true" in loyalty.index else 0,
        true_revenue=float(loyalty.loc["true", "share_revenue"]) if loyalty is not None and "true" in loyalty.index else 0.0,
        n_at_risk=len(at_risk),
        at_risk_value=_money(float(at_risk["value_at_stake"].sum()) if len(at_risk) else 0.0, currency, language),
        n_decline=int((review.lifecycle["stage"] == "decline").sum()),
    )


def left_out_html(language: str, **parts) -> str:
    """The optional parts this report leaves out and why, as one list (""), e.g.
    ``left_out_html("en", servqual=service, rules=kpis)``: each keyword names a part of a result's
    ``skipped`` reasons (the part's title is the label ``left_out_<name>``)."""
    rows = [f"<li>{html.escape(label(f'left_out_{name}', language))}: {html.escape(result.skipped[name])}</li>"
            for name, result in parts.items() if result is not None and name in result.skipped]
    if not rows:
        return ""
    return f"<p>{html.escape(label('left_out_title', language))}</p><ul>{''.join(rows)}</ul>"


def more_summary(economics, kpis, service, language: str, currency: str, names: dict[str, str] | None = None) -> str:
    """The executive summary's second half: one sentence per part that ran (the satisfaction trap,
    loss-making accounts, retention against the previous period, the largest complaint cause,
    the widest SERVQUAL gap), each number taken from its result object; "" when none ran."""
    parts = []
    trap = economics.trap if economics is not None else None
    if trap is not None and trap.n_satisfied:
        parts.append(label("summary_trap", language, n_satisfied=trap.n_satisfied, share=float(trap.share_trapped)))
    whale = economics.whale if economics is not None else None
    if whale is not None:
        parts.append(label("summary_loss", language, n_loss=whale.n_loss_making,
                           loss=_money(abs(whale.loss), currency, language), peak=float(whale.peak_share)))
    table = kpis.kpis.table if kpis is not None and kpis.kpis is not None else None
    if table is not None and "retention_rate" in table.index and np.isfinite(table.loc["retention_rate", "change"]):
        row = table.loc["retention_rate"]
        parts.append(label("summary_retention", language, period=str(kpis.kpis.period), rate=float(row["current"]),
                           change=float(row["change"]) * 100))
    causes = kpis.root_causes if kpis is not None else None
    if causes is not None and len(causes):
        parts.append(label("summary_cause", language, cause=html.escape(str(causes.index[0])),
                           share=float(causes["share"].iloc[0])))
    sq = service.servqual if service is not None else None
    if sq is not None and sq.worst_dimension is not None:
        dims = sq.dimensions.set_index("dimension")
        name = (names or {}).get(sq.worst_dimension) or code_label(sq.worst_dimension, language)
        parts.append(label("summary_servqual", language, dimension=html.escape(str(name)),
                           gap=float(dims.loc[sq.worst_dimension, "gap"])))
    return " ".join(parts)


def loyalty_chart(inputs: pd.DataFrame, classes: pd.Series, language: str, *, ax: plt.Axes | None = None) -> plt.Figure:
    """Attitudinal (x) against behavioural (y) loyalty per account, coloured by class, with the cuts."""
    with report_style():
        fig, ax = figure_axes(ax, (7.5, 4.4))
        frame = inputs.join(classes.rename("cls"), how="inner").dropna()
        for cls, part in frame.groupby("cls", observed=True):
            ax.scatter(part["attitude"], part["behaviour"], s=18, alpha=0.75, color=_CLASS_COLORS.get(cls, MUTED),
                       label=code_label(cls, language))
        cuts = classes.attrs.get("cuts")
        if cuts:
            ax.axvline(cuts[0], color=MUTED, lw=1, ls="--")
            ax.axhline(cuts[1], color=MUTED, lw=1, ls="--")
        ax.set_xlabel(label("attitude", language))
        ax.set_ylabel(label("behaviour", language))
        ax.legend(frameon=False, fontsize=9, loc="lower right")
        counts = classes.value_counts()
        return finish(fig, ax, label("loyalty_chart_title", language), label("loyalty_chart_takeaway", language, n_true=int(counts.get("true", 0)), n_spurious=int(counts.get("spurious", 0))))


def grid_chart(grid: pd.DataFrame, language: str, currency: str, *, ax: plt.Axes | None = None) -> plt.Figure:
    """Account satisfaction (x) against value (y, log scale), coloured by grid cell."""
    with report_style():
        fig, ax = figure_axes(ax, (7.5, 4.4))
        frame = grid.dropna(subset=["satisfaction", "value", "cell"])
        frame = frame[frame["value"] > 0]
        for cell, part in frame.groupby("cell"):
            ax.scatter(part["satisfaction"], part["value"], s=22 if cell == "at_risk" else 14, alpha=0.8,
                       color=_CLASS_COLORS.get(cell, MUTED), label=code_label(cell, language))
        if grid.attrs.get("sat_cut") is not None:
            ax.axvline(grid.attrs["sat_cut"], color=MUTED, lw=1, ls="--")
        ax.set_yscale("log")
        plain_log(ax.yaxis)
        if len(frame):  # accounts whose expected value is practically nil sit on the floor
            ax.set_ylim(bottom=max(frame["value"].min(), frame["value"].max() * 1e-4))
        ax.set_xlabel(label("satisfaction_axis", language))
        ax.set_ylabel(label("grid_value_axis", language, currency=currency_word(currency, language)))
        ax.legend(frameon=False, fontsize=9, loc="lower left")
        n_risk = int((grid["cell"] == "at_risk").sum())
        return finish(fig, ax, label("grid_chart_title", language),
                      label("grid_chart_takeaway", language, n_at_risk=n_risk))


def lifecycle_chart(lifecycle: pd.DataFrame, language: str, *, ax: plt.Axes | None = None) -> plt.Figure:
    """Accounts per lifecycle stage, in the stages' order."""
    order = ["exploration", "build_up", "maturity", "decline"]
    counts = lifecycle["stage"].value_counts().reindex(order, fill_value=0)
    with report_style():
        fig, ax = figure_axes(ax, (7.5, 3.2))
        bars = ax.bar([code_label(s, language) for s in order], counts.to_numpy(),
                      color=[ACCENT, GOOD, ACCENT, BAD])
        ax.bar_label(bars, fontsize=9)
        ax.set_ylabel(label("n_accounts", language))
        share = counts["decline"] / max(counts.sum(), 1)
        return finish(fig, ax, label("lifecycle_chart_title", language),
                      label("lifecycle_chart_takeaway", language, share_decline=share))


def kano_chart(kano: pd.DataFrame, names: dict[str, str], language: str, *, ax: plt.Axes | None = None) -> plt.Figure:
    """The Better–Worse diagram: |Worse| (x) against Better (y), quadrants at 0.5."""
    with report_style():
        fig, ax = figure_axes(ax, (7.5, 4.4))
        x, y = kano["worse"].abs(), kano["better"]
        ax.scatter(x, y, color=ACCENT, s=30)
        for attribute, xi, yi in zip(kano.index, x, y):
            ax.annotate(names.get(attribute, str(attribute)), (xi, yi), xytext=(4, 3), textcoords="offset points",
                        fontsize=9)
        ax.axvline(0.5, color=MUTED, lw=1, ls="--")
        ax.axhline(0.5, color=MUTED, lw=1, ls="--")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel(label("kano_worse_axis", language))
        ax.set_ylabel(label("kano_better_axis", language))
        return finish(fig, ax, label("kano_chart_title", language), label("kano_chart_takeaway", language))


def loyalty_table(summary: pd.DataFrame, language: str, currency: str):
    out = summary.assign(action=summary["action"].map(lambda c: code_label(c, language)))
    out.index = [code_label(c, language) for c in out.index]
    out = out[["n_accounts", "share_accounts", "share_revenue", "action"]]
    return _styled(_head(out, language),
                   {label("share_accounts", language): "{:.1%}", label("share_revenue", language): "{:.1%}"})


def at_risk_table(at_risk: pd.DataFrame, language: str, currency: str, names: dict[str, str], n: int = 10):
    out = at_risk.head(n).copy()
    keep = ["value_at_stake", "satisfaction"] + [c for c in out.columns if c.startswith(("driver_", "gap_"))]
    out = out[keep]
    for c in out.columns:
        if c.startswith("driver_"):
            out[c] = out[c].map(lambda v: names.get(v, v) if isinstance(v, str) else v)
    heads = {"value_at_stake": label("value_at_stake", language, currency=currency_word(currency, language)),
             "satisfaction": label("satisfaction", language)}
    for c in out.columns:
        if c.startswith("driver_"):
            heads[c] = label("driver", language, k=c.split("_")[1])
        elif c.startswith("gap_"):
            heads[c] = label("gap", language, k=c.split("_")[1])
    out = out.rename(columns=heads)
    formats = {heads["value_at_stake"]: "{:,.0f}", heads["satisfaction"]: "{:.1f}"}
    formats |= {h: "{:+.1f}" for c, h in heads.items() if c.startswith("gap_")}
    return _styled(out, formats)


def transitions_table(transitions: pd.DataFrame, language: str):
    out = transitions.copy()
    out.index = [code_label(c, language) for c in out.index]
    out.columns = [code_label(c, language) for c in out.columns]
    return _styled(out, {})


def kano_table(kano: pd.DataFrame, names: dict[str, str], language: str):
    out = kano[["n", "M", "O", "A", "I", "R", "Q", "category", "strength", "better", "worse"]].copy()
    out.index = [names.get(a, a) for a in out.index]
    out = _head(out, language)
    return _styled(out, {label("strength", language): "{:.2f}", label("better", language): "{:.2f}",
                         label("worse", language): "{:.2f}"})


def key_account_table(scores: pd.DataFrame, language: str, *, account_names: pd.Series | None = None,
                      n: int = 10):
    """The top ``n`` of the key-account score (rank 1 = best), with the account's name."""
    out = scores.sort_values("rank").head(n)[["rank", "score"]].copy()
    if account_names is not None:
        out.insert(1, "account_name", account_names.reindex(out.index))
    out = _head(out, language)
    return _styled(out, {label("rank", language): "{:.0f}", label("score", language): "{:.1f}"})


def levels_table(levels: pd.DataFrame, language: str):
    out = levels[["share_customers", "n_customers_class", "margin_class", "level"]].copy()
    for c in ("n_customers_class", "margin_class", "level"):
        out[c] = out[c].map(lambda v: code_label(v, language))
    out = _head(out, language)
    return _styled(out, {label("share_customers", language): "{:.1%}"})


def cards_html(cards: pd.DataFrame, language: str, currency: str, names: dict[str, str],
               kano_names: dict[str, str], account_names: pd.Series | None = None, n: int = 12) -> str:
    """The account cards as HTML blocks (every data string escaped)."""
    def num(v, fmt):
        return "–" if v is None or (isinstance(v, float) and not np.isfinite(v)) or pd.isna(v) else format(v, fmt)

    def code(v):   # a code's name, "–" where the part is missing for this account
        return "–" if v is None or (not isinstance(v, (list, tuple)) and pd.isna(v)) else code_label(v, language)

    blocks = []
    for account, row in cards.head(n).iterrows():
        title = str(account)
        if account_names is not None and account in account_names.index and pd.notna(account_names[account]):
            title = f"{account_names[account]} · {account}"
        listed = row["must_be"]   # a tuple of attributes; NaN/None where the survey has no Kano pairs
        must = [kano_names.get(a, a) for a in listed] if isinstance(listed, (list, tuple)) else []
        lines = [
            label("card_satisfaction", language, value=num(row["satisfaction"], ".1f"),
                                                        tier_mean=num(row["satisfaction_tier_mean"], ".1f"),
                                                        n=num(row["n_respondents"], ".0f")),
            label("card_value", language, clv=_money(row["clv"], currency, language),
                                                 p_alive=num(row["p_alive"], ".2f")),
            label("card_loyalty", language, loyalty=code(row["loyalty"]), stage=code(row["stage"])),
            label("card_driver", language, driver="–" if pd.isna(row["weakest_driver"]) else
                  names.get(row["weakest_driver"], row["weakest_driver"]),
                                                  gap=num(row["weakest_driver_gap"], "+.1f")),
            label("card_must_be", language, attributes=label("list_separator", language).join(must) or label("none_listed", language)),
            label("card_level", language, level=code(row["relationship_level"]), action=code(row["next_action"])),
        ]
        items = "".join(f"<li>{html.escape(str(line))}</li>" for line in lines)
        blocks.append(f'<div class="kam-card"><h4>{html.escape(title)} '
                      f'<span class="kam-tier">{html.escape(str(row["tier"]))}</span></h4><ul>{items}</ul></div>')
    return '<div class="kam-cards">' + "".join(blocks) + "</div>"


def kano_names(codebook, language: str) -> dict[str, str]:
    """Kano attribute -> its name in ``language`` (the attribute key where the codebook has none)."""
    return {a: getattr(k, language, "") or a for a, k in codebook.kano.attributes.items()}


def lifecycle_rule(review, language: str) -> str:
    """The lifecycle rule in words, with the window and thresholds the review used."""
    thresholds, days = review.thresholds, int(pd.Timedelta(review.window).days)
    return label("lifecycle_rule", language, window=days, min_orders=thresholds.min_orders,
                                                    inactive=f"{thresholds.inactive_windows:g}",
                                                    rise=thresholds.rise, fall=thresholds.fall)


def key_rule(weights: dict[str, float], directions: dict[str, str], top_n: int, language: str) -> str:
    """The key-account score's rule with its weights (criteria where lower is better marked ↓)."""
    parts = ", ".join(f"{c}{' ↓' if directions.get(c) == 'lower' else ''} {w:.0%}" for c, w in weights.items())
    return label("key_rule", language, weights=parts, top_n=top_n)


def stability_text(sensitivity: pd.DataFrame, top_n: int, language: str) -> str:
    """How stable the top list is when each weight moves ±20 %."""
    return label("min_overlap", language, top_n=top_n, overlap=float(sensitivity["overlap"].min()))


def skipped_text(review, part: str, language: str) -> str:
    """Why a part of the review was left out (the survey's reason when the whole survey was)."""
    reason = review.skipped.get(part) or review.skipped.get("survey", "")
    return label("skipped", language, reason=reason)


def kano_segment_table(kano_by_segment: pd.DataFrame, names: dict[str, str], language: str):
    """The Kano category of each attribute (rows) in each segment (columns)."""
    wide = kano_by_segment["category"].unstack()
    wide.index = [names.get(a, a) for a in wide.index]
    wide.columns = [str(c) for c in wide.columns]
    return _styled(wide, {})
