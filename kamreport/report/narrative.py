"""Plain-language text computed from results: executive summaries and action lists.

Every sentence is built from numbers in the result objects, never typed into a notebook, so
the summary always says what this run's data say. Functions return HTML fragments for
:func:`kamreport.report.notebook.callout`.
"""

from __future__ import annotations

import html

import pandas as pd

from kamreport.data.schemas import Codebook
from kamreport.report.labels import LABELS, label, tier_label


def _p(p: float, language: str) -> str:
    if p != p:
        return ""
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}"


def top_actions(ipma_items: pd.DataFrame, codebook: Codebook, language: str, *, n: int = 3) -> pd.DataFrame:
    """The ``n`` item-level actions that matter most: "concentrate here" items first, then the
    largest improvement potential (importance × (100 − performance))."""
    ranked = ipma_items.sort_values("priority").head(n).copy()
    ranked["question"] = [codebook.item_text(i, language) for i in ranked["item"]]
    ranked["construct_label"] = [codebook.label(c, language) for c in ranked["construct"]]
    return ranked[["priority", "construct", "construct_label", "item", "question", "importance",
                   "performance", "potential", "quadrant"]].reset_index(drop=True)


def satisfaction_summary(analysis, codebook: Codebook, language: str = "zh") -> str:
    """Executive summary of a :class:`~kamreport.satisfaction.analysis.SatisfactionAnalysis`."""
    a = analysis
    zh = language == "zh"
    name = codebook.labels(language)
    t = a.target
    row = a.index.set_index("construct").loc[t]
    lines = []
    if zh:
        lines.append(f"<b>{name.get(t, t)}指数 {row['index']:.1f}</b>（0–100，95% 置信区间 {row['ci_low']:.1f}–{row['ci_high']:.1f}，n = {int(row['n'])}）。")
    else:
        lines.append(f"<b>{name.get(t, t)} index {row['index']:.1f}</b> (0–100, 95% CI {row['ci_low']:.1f}–{row['ci_high']:.1f}, n = {int(row['n'])}).")
    if a.index_change is not None:
        ch = a.index_change.set_index("construct").loc[t]
        sig = ch["p_value"] < 0.05
        if zh:
            verdict = "显著" if sig else "不显著"
            lines.append(f"较上一波变化 {ch['change']:+.1f} 分（{verdict}，{_p(ch['p_value'], language)}）。")
        else:
            verdict = "significant" if sig else "not significant"
            lines.append(f"Change since the previous wave: {ch['change']:+.1f} points ({verdict}, {_p(ch['p_value'], language)}).")
    if a.index_by_segment is not None:
        seg = a.index_by_segment[a.index_by_segment["construct"] == t].set_index(a.segment)["index"]
        if len(seg) > 1:
            hi, lo = seg.idxmax(), seg.idxmin()
            seg_name = label(a.segment, language) if a.segment in LABELS else a.segment
            lines.append(f"按{seg_name}：{hi} 最高（{seg.max():.1f}），{lo} 最低（{seg.min():.1f}）。" if zh else
                         f"By {seg_name.lower()}: {hi} highest ({seg.max():.1f}), {lo} lowest ({seg.min():.1f}).")
    effects = a.pls.total_effects
    drivers = effects[effects["target"] == t].sort_values("estimate", ascending=False).head(2)
    if len(drivers):
        parts = [f"{name.get(r.source, r.source)}（{r.estimate:.2f}）" if zh else f"{name.get(r.source, r.source)} ({r.estimate:.2f})"
                 for r in drivers.itertuples()]
        r2 = a.pls.r2.get(t, float("nan"))
        lines.append((f"最主要的驱动因素（总效应）：{'、'.join(parts)}；模型解释了{name.get(t, t)} {r2:.0%} 的差异。") if zh else
                     (f"Main drivers (total effect): {', '.join(parts)}; the model explains {r2:.0%} of the variance of {name.get(t, t)}."))
    failed = a.quality.checks[(a.quality.checks["level"] == "required") & (~a.quality.checks["passed"])]
    if failed.empty:
        lines.append("测量质量：所有信度与效度标准均达标。" if zh else "Measurement: every reliability and validity criterion is met.")
    else:
        items = sorted({f"{r.subject} ({r.criterion})" for r in failed.itertuples()})
        lines.append(("测量质量未达标：" + "，".join(items) + "。") if zh else ("Measurement criteria not met: " + ", ".join(items) + "."))
    body = "".join(f"<p>{line}</p>" for line in lines)
    actions = top_actions(a.ipma_items, codebook, language)
    if len(actions):
        head = "优先行动（重要性–表现分析）：" if zh else "Priority actions (importance–performance):"
        lis = "".join(f"<li>{html.escape(r.question)}（{html.escape(r.construct_label)}，表现 {r.performance:.0f}）</li>" if zh else
                      f"<li>{html.escape(r.question)} ({html.escape(r.construct_label)}, performance {r.performance:.0f})</li>"
                      for r in actions.itertuples())
        body += f"<p>{head}</p><ol>{lis}</ol>"
    return body


def value_summary(profile: pd.DataFrame, gini: float, top20: float, language: str = "zh", *,
                  clv_total: float | None = None, at_risk: int | None = None,
                  holdout_error: float | None = None) -> str:
    """Executive summary of the customer-value analysis from the tier profile and concentration."""
    zh = language == "zh"
    top = profile.iloc[: min(2, len(profile))]
    names = "、".join(tier_label(t, language) for t in top.index) if zh else " and ".join(map(str, top.index))
    lines = [
        (f"<b>{names}</b> 合计占客户数的 {top['customer_share'].sum():.0%}，贡献收入的 <b>{top['revenue_share'].sum():.0%}</b>。" if zh else
         f"<b>{names}</b> customers are {top['customer_share'].sum():.0%} of the base and bring <b>{top['revenue_share'].sum():.0%}</b> of revenue."),
        (f"前 20% 客户贡献 {top20:.0%} 的收入（基尼系数 {gini:.2f}）。" if zh else
         f"The top 20% of customers bring {top20:.0%} of revenue (Gini {gini:.2f})."),
    ]
    if clv_total is not None:
        lines.append(f"未来 12 个月预期客户价值合计 {clv_total:,.0f} 元。" if zh else
                     f"Expected customer value over the next 12 months: CNY {clv_total:,.0f}.")
    if at_risk is not None:
        lines.append(f"{at_risk} 个高价值客户存在流失风险（P(存活) 偏低），需优先维护。" if zh else
                     f"{at_risk} high-value accounts are at risk (low P(alive)) and need attention first.")
    if holdout_error is not None:
        lines.append(f"模型在验证期的预测误差为 {holdout_error:.1%}（总购买次数）。" if zh else
                     f"The model's error on total holdout purchases is {holdout_error:.1%}.")
    return "<p>" + "</p><p>".join(lines) + "</p>"


def method_notes(analysis, language: str = "zh") -> str:
    """How the numbers were made: sample, missing-data rule, scheme, bootstrap, convergence."""
    pls = analysis.pls
    replaced = int(pls.missing_replaced.sum())
    boot = pls.bootstrap.n_resamples if pls.bootstrap is not None else 0
    if language == "zh":
        rule = {"mean": "均值替代", "pairwise": "成对删除", "error": "不允许缺失"}[pls.missing]
        return (f"样本 n = {pls.n}；缺失值处理：{rule}（共替代 {replaced} 个单元格）；内部权重方案：{pls.weighting}；"
                f"自助法重抽样 {boot} 次；算法{'已' if pls.converged else '未'}收敛（{pls.iterations} 次迭代）。")
    return (f"n = {pls.n}; missing values: {pls.missing} replacement ({replaced} cells); inner weighting: "
            f"{pls.weighting}; {boot} bootstrap resamples; the algorithm {'converged' if pls.converged else 'did NOT converge'} "
            f"after {pls.iterations} iterations.")
