"""Plain-language text computed from results: executive summaries and action lists.

Every sentence is built from numbers in the result objects and the parameters, never typed into
a notebook, so the summary always says what this run's data say; the words are templates of
:mod:`kamreport.report.labels`. Functions return HTML fragments for
:func:`kamreport.report.notebook.callout`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd

from kamreport.data.schemas import Codebook
from kamreport.report.labels import LABELS, duration, join, label, label_from, money, percent, tier_label
from kamreport.report.style import STARS
from kamreport.report.value_charts import top_share


def _p(p: float, language: str) -> str:
    """``p = 0.012``, or ``p < 0.001`` below the smallest star threshold; NaN gives ''."""
    if pd.isna(p):
        return ""
    smallest = STARS[0][0]
    return label("p_below", language, p=smallest) if p < smallest else label("p_equals", language, p=p)


def top_actions(ipma_items: pd.DataFrame, codebook: Codebook, language: str, *, n: int = 3) -> pd.DataFrame:
    """The ``n`` item-level actions that matter most: "concentrate here" items first, then the
    largest improvement potential (importance × (100 − performance))."""
    ranked = ipma_items.sort_values("priority").head(n).copy()
    ranked["question"] = [codebook.item_text(i, language) for i in ranked["item"]]
    ranked["construct_label"] = [codebook.label(c, language) for c in ranked["construct"]]
    return ranked[["priority", "construct", "construct_label", "item", "question", "importance",
                   "performance", "potential", "quadrant"]].reset_index(drop=True)


def satisfaction_summary(analysis, codebook: Codebook, language: str = "zh", *, ci: float = 0.95,
                         significance: float = 0.05) -> str:
    """Executive summary of a :class:`~kamreport.satisfaction.analysis.SatisfactionAnalysis`.

    ``ci``: the confidence level of its index intervals; ``significance``: the p below which
    a change between waves is called significant.
    """
    a = analysis
    labels = codebook.labels(language)

    def name(construct: str) -> str:   # from the user's codebook: escaped for the HTML callout
        return html.escape(labels.get(construct, construct))

    t = a.target
    row = a.index.set_index("construct").loc[t]
    lines = [label("sum_index", language, name=name(t), index=row["index"], ci=ci, lo=row["ci_low"],
                   hi=row["ci_high"], n=int(row["n"]))]
    if a.index_change is not None:
        ch = a.index_change.set_index("construct").loc[t]
        verdict = label("significant" if ch["p_value"] < significance else "not_significant", language)
        lines.append(label("sum_change", language, change=ch["change"], verdict=verdict,
                           p=_p(ch["p_value"], language)))
    if a.index_by_segment is not None:
        seg = a.index_by_segment[a.index_by_segment["construct"] == t].set_index(a.segment)["index"]
        if len(seg) > 1:
            seg_name = label(a.segment, language) if a.segment in LABELS else html.escape(str(a.segment))
            lines.append(label("sum_segment", language, segment=seg_name.lower(), high=html.escape(str(seg.idxmax())),
                               high_index=seg.max(), low=html.escape(str(seg.idxmin())), low_index=seg.min()))
    effects = a.pls.total_effects
    drivers = effects[effects["target"] == t].sort_values("estimate", ascending=False).head(2)
    if len(drivers):
        parts = [label("sum_driver", language, name=name(r.source), effect=r.estimate)
                 for r in drivers.itertuples()]
        lines.append(label("sum_drivers", language, drivers=join(parts, language), target=name(t),
                           r2=a.pls.r2.get(t, float("nan"))))
    lines.append(quality_summary(a.quality, labels, language))
    body = "".join(f"<p>{line}</p>" for line in lines)
    actions = top_actions(a.ipma_items, codebook, language)
    if len(actions):
        lis = "".join("<li>" + label("sum_action", language, question=html.escape(r.question),
                                     construct=html.escape(r.construct_label), performance=r.performance)
                      + "</li>" for r in actions.itertuples())
        body += f"<p>{label('sum_actions', language)}</p><ol>{lis}</ol>"
    return body


#: The order in which the summary names the measurement criteria that are not met.
_CRITERIA = ("alpha", "rho_a", "rho_c", "ave", "fornell_larcker", "htmt_liberal", "vif")


def _subject(subject: str, names: Mapping[str, str]) -> str:
    """A check's subject in the report's words: constructs by their names, ``A~B`` as ``A–B``,
    ``X -> Y`` and ``item (construct)`` with the construct named."""
    if "~" in subject:
        return "–".join(names.get(s, s) for s in subject.split("~"))
    if " -> " in subject:
        return " → ".join(names.get(s, s) for s in subject.split(" -> "))
    if subject.endswith(")") and " (" in subject:
        item, construct = subject[:-1].split(" (", 1)
        return f"{item} ({names.get(construct, construct)})"
    return names.get(subject, subject)


def quality_summary(quality, names: Mapping[str, str], language: str = "zh", *, shown: int = 3) -> str:
    """One sentence on measurement quality: every required criterion met, or per criterion not
    met (with its threshold) the constructs, pairs or terms that miss it, at most ``shown`` of
    them named (a model of seven constructs has 21 HTMT pairs). ``quality``: a
    :class:`~kamreport.satisfaction.measurement.QualityResult`; ``names``: construct -> name."""
    checks = quality.checks
    failed = checks[(checks["level"] == "required") & ~checks["passed"]]
    if failed.empty:
        return label("sum_quality_ok", language)
    order = [c for c in _CRITERIA if c in set(failed["criterion"])]
    order += sorted(set(failed["criterion"]) - set(order))
    clauses = []
    for criterion in order:
        subjects = list(dict.fromkeys(_subject(s, names) for s in failed.loc[failed["criterion"] == criterion,
                                                                            "subject"]))
        text = join(map(html.escape, subjects[:shown]), language)
        if len(subjects) > shown:
            text = label_from("sum_quality_more", language,
                              {"subjects": text, "more": len(subjects) - shown})
        key = f"qc_{criterion}"
        what = (label_from(key, language, {"t": getattr(quality.thresholds, criterion, None)})
                if key in LABELS else html.escape(criterion))
        clauses.append(label("sum_quality_clause", language, criterion=what, subjects=text))
    return label("sum_quality_failed", language, failed=join(clauses, language, "sep_semicolon"))


def value_summary(value, language: str = "zh", *, currency: str = "CNY", top: float = 0.2) -> str:
    """Executive summary of a :class:`~kamreport.value.analysis.ValueAnalysis`.

    Money in ``currency`` (ISO 4217); the CLV horizon is ``value.months``, the at-risk rule
    ``value.at_risk_p_alive`` and the concentration ``value.concentration.top_shares`` at ``top``.
    """
    profile = value.profile
    top_tiers = profile.iloc[: min(2, len(profile))]
    names = join((tier_label(t, language) for t in top_tiers.index), language, "sep_and")
    lines = [
        label("val_top", language, names=names, cshare=top_tiers["share_customers"].sum(),
              rshare=top_tiers["share_revenue"].sum()),
        label("val_top_share", language, top=top, share=top_share(value.concentration, top),
              gini=value.concentration.gini),
    ]
    values = value.values
    if "clv" in values:
        total = values["clv"].sum()
        by_tier = values.groupby("tier", observed=True)["clv"].sum().reindex(top_tiers.index).sum()
        lines.append(label("val_clv", language, horizon=duration(value.months, "M", language),
                           total=money(total, currency, language),
                           share=by_tier / total if total else float("nan"), names=names))
    elif value.spend_model_error:
        lines.append(label("val_no_clv", language, error=html.escape(value.spend_model_error)))
    lines.append(label("val_at_risk", language, n=int(values["at_risk"].sum()), names=names,
                       threshold=value.at_risk_p_alive))
    h = value.holdout
    if "all" in h.index and h.loc["all", "actual_total"]:
        predicted, actual = h.loc["all", "predicted_total"], h.loc["all", "actual_total"]
        lines.append(label("val_holdout", language, predicted=predicted, actual=actual,
                           error=predicted / actual - 1))
    return "".join(f"<p>{line}</p>" for line in lines)


def pyramid_note(tiers: Mapping[str, float], language: str = "zh") -> str:
    """The pyramid section's note: the tiers used (names, top-down) and their shares of customers.

    Examples
    --------
    >>> pyramid_note({"VIP": 0.01, "Key": 0.04, "Ordinary": 0.15, "Small": 0.80}, "en")
    'Customers ranked by revenue in the window into VIP, Key, Ordinary and Small (about 1% / 4% / 15% / 80%).'
    """
    names = join((tier_label(t, language) for t in tiers), language, last="sep_last")
    return label("pyramid_note", language, names=names,
                 shares=" / ".join(percent(s) for s in tiers.values()))


def clv_note(value, language: str = "zh") -> str:
    """The CLV section's note: the horizon the values were computed for (``value.months``)."""
    return label("clv_note", language, horizon=duration(value.months, "M", language))


def value_window(value, language: str = "zh") -> str:
    """The periods the value analysis used, and its data-cleaning rules."""
    return label("val_window", language, n=len(value.summary), start=value.observation_end.date(),
                 end=value.holdout_end.date())


def method_notes(analysis, language: str = "zh") -> str:
    """How the numbers were made: sample, missing-data rule, scheme, bootstrap, convergence, and
    any caveat the computation raised (e.g. negative outer weights in an index)."""
    caveats = "".join(f"\n\n⚠ {html.escape(n)}" for n in getattr(analysis, "notes", ()))
    return _method_text(analysis, language) + caveats


def _method_text(analysis, language: str) -> str:
    pls = analysis.pls
    clusters = getattr(pls, "cluster", None)
    resampling = (label("resampling_cluster", language, clusters=int(pd.Series(clusters).nunique()))
                  if clusters is not None else label("resampling_rows", language))
    return label("method_text", language, n=pls.n, rule=label(f"missing_{pls.missing}", language),
                 replaced=int(pls.missing_replaced.sum()), weighting=pls.weighting,
                 boot=pls.bootstrap.n_resamples if pls.bootstrap is not None else 0,
                 converged=label("converged" if pls.converged else "not_converged", language),
                 iterations=pls.iterations, resampling=resampling)


def cbsem_note(result, language: str = "zh") -> str:
    """Which estimator ran, how missing answers were handled and how many respondents it used."""
    return label("cbsem_text", language, estimator=label(f"estimator_{result.estimator}", language),
                 missing=label(f"cbsem_missing_{result.missing}", language),
                 n=int(result.n_used), dropped=int(result.n_dropped), solver=result.solver)
