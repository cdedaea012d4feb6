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


def value_summary(value, language: str = "zh") -> str:
    """Executive summary of a :class:`~kamreport.value.analysis.ValueAnalysis`."""
    zh = language == "zh"
    profile = value.profile
    top = profile.iloc[: min(2, len(profile))]
    names = "、".join(tier_label(t, language) for t in top.index) if zh else " and ".join(map(str, top.index))
    share20 = float(value.concentration.top_shares.get(0.2, float("nan")))
    lines = [
        (f"<b>{names}</b> 合计占客户数的 {top['share_customers'].sum():.0%}，贡献收入的 <b>{top['share_revenue'].sum():.0%}</b>。" if zh else
         f"<b>{names}</b> customers are {top['share_customers'].sum():.0%} of the base and bring <b>{top['share_revenue'].sum():.0%}</b> of revenue."),
        (f"前 20% 客户贡献 {share20:.0%} 的收入（基尼系数 {value.concentration.gini:.2f}）。" if zh else
         f"The top 20% of customers bring {share20:.0%} of revenue (Gini {value.concentration.gini:.2f})."),
    ]
    values = value.values
    if "clv" in values:
        total = values["clv"].sum()
        top_clv = values.groupby("tier", observed=True)["clv"].sum().reindex(top.index).sum() / total if total else float("nan")
        lines.append(f"未来 {value.months} 个月预期客户价值合计 {total:,.0f} 元，其中 {top_clv:.0%} 来自{names}。" if zh else
                     f"Expected customer value over the next {value.months} months: CNY {total:,.0f}, {top_clv:.0%} of it from {names} customers.")
    elif value.spend_model_error:
        lines.append(("未计算客户终身价值：" if zh else "Lifetime value not computed: ") + html.escape(value.spend_model_error))
    at_risk = int(values["at_risk"].sum())
    lines.append(f"{at_risk} 个{names}客户 P(存活) 低于 0.5，存在流失风险，需优先维护。" if zh else
                 f"{at_risk} {names} accounts have P(alive) below 0.5: at risk, to be looked after first.")
    h = value.holdout
    if "all" in h.index and h.loc["all", "actual_total"]:
        err = h.loc["all", "predicted_total"] / h.loc["all", "actual_total"] - 1
        lines.append(f"模型检验：验证期预测购买 {h.loc['all', 'predicted_total']:,.0f} 次，实际 {h.loc['all', 'actual_total']:,.0f} 次（误差 {err:+.1%}）。" if zh else
                     f"Model check: {h.loc['all', 'predicted_total']:,.0f} holdout purchases predicted, {h.loc['all', 'actual_total']:,.0f} made ({err:+.1%}).")
    return "".join(f"<p>{line}</p>" for line in lines)


def value_window(value, language: str = "zh") -> str:
    """The periods the value analysis used, and its data-cleaning rules."""
    s, e = value.observation_end.date(), value.holdout_end.date()
    n = len(value.summary)
    if language == "zh":
        return (f"客户数 {n}；分析窗口截至 {e}。模型以 {s} 之前的交易校准，以 {s} 至 {e} 的交易检验。"
                "同一天的多笔订单合并为一次购买；退货冲减当天金额。数据清洗记录如下：")
    return (f"{n} customers; window up to {e}. Models are calibrated on transactions up to {s} and checked on {s} to {e}. "
            "Several orders on one day count as one purchase; returns net against that day. Cleaning record:")


def method_notes(analysis, language: str = "zh") -> str:
    """How the numbers were made: sample, missing-data rule, scheme, bootstrap, convergence, and
    any caveat the computation raised (e.g. negative outer weights in an index)."""
    caveats = "".join(f"\n\n⚠ {html.escape(n)}" for n in getattr(analysis, "notes", ()))
    return _method_text(analysis, language) + caveats


def _method_text(analysis, language: str) -> str:
    pls = analysis.pls
    replaced = int(pls.missing_replaced.sum())
    boot = pls.bootstrap.n_resamples if pls.bootstrap is not None else 0
    if language == "zh":
        rule = {"mean": "均值替代", "pairwise": "成对删除", "error": "不允许缺失"}[pls.missing]
        return (f"样本 n = {pls.n}；缺失值处理：{rule}（涉及 {replaced} 个单元格）；内部权重方案：{pls.weighting}；"
                f"自助法重抽样 {boot} 次；算法{'已' if pls.converged else '未'}收敛（{pls.iterations} 次迭代）。"
                "置信区间与检验把受访者视为相互独立；同一客户有多位受访者时，区间会略偏窄。")
    rule = {"mean": "mean replacement", "pairwise": "pairwise deletion", "error": "none allowed"}[pls.missing]
    return (f"n = {pls.n}; missing values: {rule} ({replaced} cells); inner weighting: "
            f"{pls.weighting}; {boot} bootstrap resamples; the algorithm {'converged' if pls.converged else 'did NOT converge'} "
            f"after {pls.iterations} iterations. Intervals and tests treat respondents as independent; with several "
            "respondents per account they are somewhat too narrow.")


def cbsem_note(result, language: str = "zh") -> str:
    """The CB-SEM sample: listwise deletion can leave far fewer respondents than PLS used."""
    n, dropped = result.fit.get("n"), getattr(result, "n_dropped", 0)
    if language == "zh":
        return (f"极大似然估计采用成列删除：n = {n}（{dropped} 位受访者因缺答被排除；PLS 使用全部样本并以均值替代）。"
                f"优化器：{result.solver}。")
    return (f"Maximum likelihood with listwise deletion: n = {n} ({dropped} respondents with missing answers left out; "
            f"PLS uses everyone, with mean replacement). Optimizer: {result.solver}.")
