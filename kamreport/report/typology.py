"""Satisfaction x loyalty types and the satisfaction-loyalty curve (notebook 03). Data in; words from
labels.py. Data-derived strings (measure names, type codes) are escaped where this module writes
text for HTML or Markdown, and drawn as plain text in charts."""

from __future__ import annotations

import html
from dataclasses import asdict

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from kamreport.report.labels import code_label, currency_word, label
from kamreport.report.style import ACCENT, ACCENT_LIGHT, BAD, GOOD, INK, MUTED, WARN, figure_axes, finish, report_style
from kamreport.report.tables import escaped as _styled

TYPE_COLORS = {"apostle": GOOD, "loyalist": ACCENT, "mercenary": WARN, "hostage": "#7a1f5c",
               "defector": MUTED, "terrorist": BAD}
_BEHAVIOUR_COLORS = (WARN, "#7a1f5c", GOOD)




def measure_name(measure: str, language: str) -> str:
    """A loyalty measure in words: "loyalty" is the attitudinal score; others by their code."""
    return code_label("attitudinal_loyalty" if measure == "loyalty" else measure, language)


def cut_fields(cuts) -> dict[str, float]:
    """The cut points as the fields of the section note (``typology_section_note``)."""
    c = asdict(cuts)
    return {"sat_cut": c["satisfaction"], "loy_cut": c["loyalty"], "apostle_sat": c["apostle_satisfaction"],
            "apostle_loy": c["apostle_loyalty"], "terrorist_sat": c["terrorist_satisfaction"],
            "terrorist_loy": c["terrorist_loyalty"]}


def typology_chart(types: pd.DataFrame, language: str, *, ax: plt.Axes | None = None) -> plt.Figure:
    """Satisfaction (x) against attitudinal loyalty (y) per account, coloured by type, with the cut
    lines and the apostle and terrorist corners."""
    cuts = types.attrs["cuts"]
    with report_style():
        fig, ax = figure_axes(ax, (7.5, 5.0))
        frame = types.dropna(subset=["type"])
        for kind, color in TYPE_COLORS.items():
            part = frame[frame["type"] == kind]
            if len(part):
                ax.scatter(part["satisfaction"], part["loyalty"], s=18, alpha=0.8, color=color,
                           label=f"{code_label(kind, language)} ({len(part)})")
        ax.axvline(cuts.satisfaction, color=INK, lw=1, ls="--")
        ax.axhline(cuts.loyalty, color=INK, lw=1, ls="--")
        ax.add_patch(plt.Rectangle((cuts.apostle_satisfaction, cuts.apostle_loyalty),
                                   100 - cuts.apostle_satisfaction, 100 - cuts.apostle_loyalty,
                                   fill=False, ec=GOOD, lw=1, ls=":"))
        ax.add_patch(plt.Rectangle((0, 0), cuts.terrorist_satisfaction, cuts.terrorist_loyalty,
                                   fill=False, ec=BAD, lw=1, ls=":"))
        ax.set_xlim(0, 100)
        ax.set_ylim(0, 100)
        ax.set_xlabel(label("typology_satisfaction_axis", language))
        ax.set_ylabel(label("typology_loyalty_axis", language))
        ax.legend(frameon=False, fontsize=8, loc="upper left", ncol=2)
        counts = frame["type"].value_counts()
        return finish(fig, ax, label("typology_chart_title", language),
                      label("typology_chart_takeaway", language, n_mercenary=int(counts.get("mercenary", 0)),
                            n_hostage=int(counts.get("hostage", 0))))


def typology_table(summary: pd.DataFrame, language: str, currency: str):
    """Accounts, revenue and action per type (a Styler, every cell escaped)."""
    heads = {"n_accounts": label("n_accounts", language), "share_accounts": label("share_accounts", language),
             "revenue": label("typology_revenue", language, currency=currency_word(currency, language)),
             "share_revenue": label("share_revenue", language), "action": label("action", language)}
    out = summary[list(heads)].copy()
    out["action"] = out["action"].map(lambda c: code_label(c, language))
    out.index = pd.Index([code_label(t, language) for t in out.index], name=label("typology_type", language))
    out = out.rename(columns=heads)
    return _styled(out, {heads["share_accounts"]: "{:.1%}", heads["share_revenue"]: "{:.1%}",
                         heads["revenue"]: "{:,.0f}"})


def typology_summary_text(summary: pd.DataFrame, trap, language: str) -> str:
    """One sentence: mercenaries, hostages, the apostles' revenue share and the trap share."""
    n = summary["n_accounts"]
    share = summary.loc["apostle", "share_revenue"]
    return label("typology_summary_text", language, n_accounts=int(n.sum()), n_mercenary=int(n["mercenary"]),
                 n_hostage=int(n["hostage"]), n_apostle=int(n["apostle"]),
                 apostle_revenue=float(share) if np.isfinite(share) else 0.0,
                 trap_share=float(trap.share_trapped) if np.isfinite(trap.share_trapped) else 0.0)


def trap_text(trap, cuts, language: str) -> str:
    """The satisfaction trap in words (counts, shares, the cuts used)."""
    def share(v):
        return float(v) if np.isfinite(v) else 0.0
    return label("trap_text", language, n_satisfied=trap.n_satisfied, n_not_loyal=trap.n_not_loyal,
                 share_not_loyal=share(trap.share_not_loyal), loy_cut=cuts.loyalty, n_defecting=trap.n_defecting,
                 share_defecting=share(trap.share_defecting),
                 alive_cut=trap.alive_cut if trap.alive_cut is not None else float("nan"),
                 n_trapped=trap.n_trapped, share_trapped=share(trap.share_trapped))


def curve_chart(curve, language: str, *, ax: plt.Axes | None = None) -> plt.Figure:
    """Attitudinal loyalty by satisfaction band (bars: band means; line: isotonic fit), behavioural
    measures on the right axis (0-1), the top-band jump in the takeaway."""
    bands = curve.bands
    x = np.arange(len(bands))
    with report_style():
        fig, ax = figure_axes(ax, (7.5, 4.4))
        ax.bar(x, bands["loyalty"].fillna(0).to_numpy(), color=ACCENT_LIGHT, width=0.6,
               label=measure_name("loyalty", language))
        ax.plot(x, bands["loyalty_fit"].to_numpy(), color=ACCENT, marker="o", lw=2,
                label=label("curve_fit", language, measure=measure_name("loyalty", language)))
        for xi, n in zip(x, bands["n"]):
            ax.annotate(f"n={int(n)}", (xi, 0), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=8)
        ax.set_xticks(x, bands.index.tolist())
        ax.set_ylim(0, 100)
        ax.set_xlabel(label("curve_satisfaction_axis", language))
        ax.set_ylabel(label("typology_loyalty_axis", language))
        handles, names = ax.get_legend_handles_labels()
        others = [m for m in curve.measures if m != "loyalty"]
        if others:
            right = ax.twinx()
            for m, color in zip(others, _BEHAVIOUR_COLORS):
                right.plot(x, bands[f"{m}_fit"].to_numpy(), color=color, marker="s", lw=1.5,
                           label=label("curve_fit", language, measure=measure_name(m, language)))
            right.set_ylim(0, 1)
            right.set_ylabel(label("curve_behaviour_axis", language))
            more_h, more_n = right.get_legend_handles_labels()
            handles, names = handles + more_h, names + more_n
        ax.legend(handles, names, frameon=False, fontsize=8, loc="upper left")
        jump = curve.top_jump["loyalty"]
        return finish(fig, ax, label("curve_chart_title", language),
                      label("curve_chart_takeaway", language, top_band=bands.index[-1], next_band=bands.index[-2],
                            jump=jump if np.isfinite(jump) else float("nan")))


def curve_table(curve, language: str):
    """Per band: accounts, mean satisfaction, each measure's mean and isotonic fit."""
    out = curve.bands[["n", "satisfaction"]].copy()
    heads = {"n": label("curve_n", language), "satisfaction": label("curve_mean_satisfaction", language)}
    formats = {heads["satisfaction"]: "{:.1f}"}
    for m in curve.measures:
        name = measure_name(m, language)
        fit = label("curve_fit", language, measure=name)
        out[name], out[fit] = curve.bands[m], curve.bands[f"{m}_fit"]
        digits = "{:.1f}" if m == "loyalty" else "{:.2f}"
        formats |= {name: digits, fit: digits}
    out = out.rename(columns=heads)
    out.index = pd.Index(out.index.tolist(), name=label("curve_band", language))
    return _styled(out, formats)


def curve_jump_text(curve, language: str) -> str:
    """One line per measure: its mean in the top band and the next one, and the difference."""
    lines = []
    for m in curve.measures:
        col = curve.bands[m]
        lines.append(label("curve_jump_text", language, measure=html.escape(measure_name(m, language)),
                           top=float(col.iloc[-1]), next=float(col.iloc[-2]), jump=curve.top_jump[m],
                           jump_fit=curve.top_jump_fit[m]))
    return "\n\n".join(lines)
