"""The customer-value report's charts: pyramid, Lorenz curve, RFM heatmap, tier migration,
CLV by tier and the holdout check. One function per chart, data in, Figure out."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Polygon

from kamreport.report.labels import currency_word, duration, join, label, tier_label
from kamreport.report.style import ACCENT, BAD, INK, MUTED, TIER_COLORS, figure_axes, finish, plain_log, report_style


def top_share(conc, fraction: float = 0.2) -> float:
    """The share of revenue held by the top ``fraction`` of customers, as the analysis computed it
    (``conc.top_shares``): the one number the chart, the table and the summary show.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> top_share(SimpleNamespace(top_shares=pd.Series({0.05: 0.4, 0.2: 0.731})))
    0.731
    """
    shares = conc.top_shares
    hit = [f for f in shares.index if np.isclose(f, fraction)]
    if not hit:
        raise KeyError(f"the concentration has no top share for {fraction}; it has {list(shares.index)}: "
                       "pass that fraction to concentration(top=...)")
    return float(shares[hit[0]])


def _half(y: float) -> float:
    """Half the pyramid's width at height ``y`` (base 0, apex 1)."""
    return (1 - y) * 0.95


def pyramid_chart(profile: pd.DataFrame, language: str = "zh", *, ax: plt.Axes | None = None) -> plt.Figure:
    """The customer pyramid: tiers top-down, each band labelled with its share of customers and
    of revenue. ``profile``: from :func:`kamreport.value.tier_profile` (index tier, top tier
    first; ``n_customers``, ``share_customers``, ``share_revenue``).
    """
    tiers = list(profile.index)
    k = len(tiers)
    with report_style():
        fig, ax = figure_axes(ax, (8.5, 4.8))
        ax.set_axis_off()
        ax.set_xlim(-1.05, 2.35)
        ax.set_ylim(0, 1.02)
        edges = np.linspace(1, 0, k + 1)                       # equal band heights, apex on top
        for i, tier in enumerate(tiers):
            top, bottom = edges[i], edges[i + 1]
            low, high = _half(bottom), _half(top)
            corners = [(-low, bottom), (low, bottom), (high, top), (-high, top)]
            ax.add_patch(Polygon(corners, closed=True, fc=TIER_COLORS[i % len(TIER_COLORS)], ec="white",
                                 lw=2))
            row = profile.loc[tier]
            mid = (top + bottom) / 2
            ax.text(0, mid, tier_label(str(tier), language), ha="center", va="center",
                    color="white" if i < 3 else INK, fontsize=10, fontweight="bold")
            ax.text(1.05, mid, label("pyramid_band", language, customers=int(row["n_customers"]),
                                     cshare=row["share_customers"], rshare=row["share_revenue"]),
                    va="center", fontsize=9.5, color=INK)
        top_two = profile["share_revenue"].iloc[: min(2, k)].sum()
        top_two_c = profile["share_customers"].iloc[: min(2, k)].sum()
        names = "+".join(tier_label(str(t), language) for t in tiers[: min(2, k)])
        take = label("take_pyramid", language, names=names, cshare=top_two_c, rshare=top_two)
        return finish(fig, ax, label("pyramid_chart_title", language), take)


def lorenz_chart(conc, language: str = "zh", *, top: float = 0.2, ax: plt.Axes | None = None) -> plt.Figure:
    """Revenue concentration as the Pareto curve: customers from the largest down (x) against
    their cumulative share of revenue (y), with the share of the ``top`` fraction marked.

    ``conc``: a :class:`kamreport.value.lorenz.Concentration` (its ``lorenz`` curve is
    ascending; the Pareto curve is its point reflection 1 − L(1 − p)). The marked share is
    ``conc.top_shares`` at ``top`` (:func:`top_share`), the number the summary states.
    """
    lorenz = conc.lorenz
    x = 1 - lorenz["share_customers"].to_numpy()[::-1]
    y = 1 - lorenz["share_value"].to_numpy()[::-1]
    with report_style():
        fig, ax = figure_axes(ax, (6.4, 5))
        ax.plot(x, y, color=ACCENT, lw=2.2)
        ax.plot([0, 1], [0, 1], color=MUTED, ls="--", lw=1)
        ax.fill_between(x, x, y, color=ACCENT, alpha=0.08)
        share = top_share(conc, top)
        ax.plot([top, top, 0], [0, share, share], color=BAD, lw=1, ls=":")
        ax.text(top + 0.02, share - 0.06, label("lorenz_marker", language, top=top, share=share), color=BAD,
                fontsize=10)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
        ax.set_xlabel(label("lorenz_x", language))
        ax.set_ylabel(label("lorenz_y", language))
        take = label("take_lorenz", language, top=top, share=share, gini=conc.gini)
        return finish(fig, ax, label("lorenz_chart_title", language), take)


def rfm_heatmap(rfm: pd.DataFrame, language: str = "zh", *, value: str = "monetary_value",
                currency: str = "CNY", ax: plt.Axes | None = None) -> plt.Figure:
    """Customers per recency × frequency score cell, coloured by their mean ``value``.

    ``rfm``: one row per customer with ``r_score``, ``f_score`` (1 = worst … 5 = best) and ``value``.
    """
    counts = rfm.pivot_table(index="f_score", columns="r_score", values=value, aggfunc="size", fill_value=0)
    means = rfm.pivot_table(index="f_score", columns="r_score", values=value, aggfunc="mean")
    counts, means = counts.sort_index(ascending=False), means.reindex_like(counts.sort_index(ascending=False))
    with report_style():
        fig, ax = figure_axes(ax, (7, 5))
        im = ax.imshow(means.to_numpy(float), cmap="Blues", aspect="auto")
        ax.set_xticks(range(counts.shape[1]), [str(c) for c in counts.columns])
        ax.set_yticks(range(counts.shape[0]), [str(c) for c in counts.index])
        lo, hi = np.nanmin(means.to_numpy(float)), np.nanmax(means.to_numpy(float))
        for (i, j), n in np.ndenumerate(counts.to_numpy()):
            m = means.to_numpy(float)[i, j]
            dark = not np.isnan(m) and hi > lo and (m - lo) / (hi - lo) > 0.6
            ax.text(j, i, f"{n}\n{m:,.0f}" if n else "", ha="center", va="center", fontsize=8,
                    color="white" if dark else INK)
        ax.set_xlabel(label("rfm_x", language))
        ax.set_ylabel(label("rfm_y", language))
        fig.colorbar(im, ax=ax, shrink=0.8, label=label("rfm_value", language,
                                                        currency=currency_word(currency, language)))
        champions = int(counts.iloc[0, -1]) if counts.shape[0] and counts.shape[1] else 0
        sleeping = int(counts.iloc[0, 0]) if counts.shape[0] and counts.shape[1] else 0
        take = label("take_rfm", language, champions=champions, sleeping=sleeping)
        return finish(fig, ax, label("rfm_chart_title", language), take)


def migration_heatmap(matrix: pd.DataFrame, language: str = "zh", *,
                      ax: plt.Axes | None = None) -> plt.Figure:
    """Tier migration between two periods: counts, coloured by row share (from-tier x to-tier)."""
    shares = matrix.div(matrix.sum(axis=1).replace(0, np.nan), axis=0)
    with report_style():
        fig, ax = figure_axes(ax, (1.0 * matrix.shape[1] + 3, 0.6 * matrix.shape[0] + 1.8))
        ax.imshow(shares.to_numpy(float), cmap="Purples", vmin=0, vmax=1, aspect="auto")
        ax.set_xticks(range(matrix.shape[1]), [tier_label(str(c), language) for c in matrix.columns])
        ax.set_yticks(range(matrix.shape[0]), [tier_label(str(c), language) for c in matrix.index])
        for (i, j), n in np.ndenumerate(matrix.to_numpy()):
            s = shares.to_numpy(float)[i, j]
            ax.text(j, i, f"{int(n)}\n{s:.0%}" if n else "", ha="center", va="center", fontsize=8,
                    color="white" if s > 0.6 else INK)
        ax.set_xlabel(label("migration_x", language))
        ax.set_ylabel(label("migration_y", language))
        common = [t for t in matrix.index if t in matrix.columns]
        stay = sum(matrix.loc[t, t] for t in common)
        total = matrix.loc[common].to_numpy().sum() if common else 0
        take = label("take_migration", language, stay=stay / total) if total else ""
        return finish(fig, ax, label("migration_chart_title", language), take)


def clv_by_tier(values: pd.DataFrame, language: str = "zh", *, months: int,
                tier_order: Sequence[str] | None = None, currency: str = "CNY",
                ax: plt.Axes | None = None) -> plt.Figure:
    """Distribution of customer lifetime value per tier (box plots, log scale).

    ``values``: one row per customer with ``tier`` and ``clv``; ``months``: the CLV horizon it
    was computed for (``ValueAnalysis.months``); ``currency``: ISO 4217 code of the amounts.
    """
    order = list(tier_order or dict.fromkeys(values["tier"]))
    values = values.dropna(subset=["clv"])
    groups = [values.loc[values["tier"] == t, "clv"].clip(lower=1).to_numpy() for t in order]
    with report_style():
        fig, ax = figure_axes(ax, (8, 4.4))
        box = ax.boxplot(groups, tick_labels=[tier_label(t, language) for t in order], patch_artist=True,
                         showfliers=False, widths=0.55)
        for patch, color in zip(box["boxes"], TIER_COLORS):
            patch.set_facecolor(color)
            patch.set_alpha(0.75)
        for median in box["medians"]:
            median.set_color(INK)
        ax.set_yscale("log")
        plain_log(ax.yaxis)
        horizon = duration(months, "M", language)
        money = currency_word(currency, language)
        ax.set_ylabel(label("clv_axis", language, horizon=horizon, currency=money))
        totals = values.groupby("tier")["clv"].sum()
        share = totals.reindex(order).iloc[: min(2, len(order))].sum() / totals.sum() if totals.sum() else 0
        names = join((tier_label(t, language) for t in order[:2]), language, "sep_plus")
        take = label("take_clv", language, names=names, share=share, horizon=horizon)
        return finish(fig, ax, label("clv_chart_title", language), take)


def holdout_chart(table: pd.DataFrame, language: str = "zh", *, ax: plt.Axes | None = None) -> plt.Figure:
    """Predicted vs actual mean purchases in the holdout period by calibration-frequency bucket.

    ``table``: from :func:`kamreport.value.holdout_table` (index buckets "0" … "7+", "all";
    ``n_customers``, ``actual_mean``, ``predicted_mean``).
    """
    table = table.drop(index="all", errors="ignore")
    x = np.arange(len(table))
    with report_style():
        fig, ax = figure_axes(ax, (8, 4.2))
        ax.plot(x, table["actual_mean"], marker="o", color=INK, lw=2, label=label("holdout_actual", language))
        ax.plot(x, table["predicted_mean"], marker="s", color=ACCENT, lw=2, ls="--",
                label=label("holdout_predicted", language))
        ax.set_xticks(x, [str(b) for b in table.index])
        ax.set_xlabel(label("holdout_x", language))
        ax.set_ylabel(label("holdout_y", language))
        ax.legend(frameon=False)
        ax.grid(axis="y", color=MUTED, alpha=0.3)
        err = float(np.average(np.abs(table["predicted_mean"] - table["actual_mean"]),
                               weights=table["n_customers"]))
        take = label("take_holdout", language, error=err)
        return finish(fig, ax, label("holdout_chart_title", language), take)
