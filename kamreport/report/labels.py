"""Every word a report shows, in Chinese and English. Look-ups fail loudly on a missing key."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    # sections
    "sample": {"zh": "样本概况", "en": "Sample"},
    "sample_note": {"zh": "各调查波次与地区的受访者与客户数。", "en": "Respondents and accounts by survey wave and region."},
    "item_means": {"zh": "测量题项均值", "en": "Item means by construct"},
    "item_means_note": {"zh": "各构念题项的平均得分、缺失率与标准差。",
                        "en": "Mean score, missing share and standard deviation of each item."},
    "reliability": {"zh": "信度：Cronbach's α", "en": "Reliability: Cronbach's alpha"},
    "reliability_note": {"zh": "原始 α（pingouin，按协方差）及 95% 置信区间；标准化 α 供与 SmartPLS 对照。α ≥ 0.7 为合格。",
                         "en": "Raw alpha (pingouin, on covariances) with 95% CI; standardized alpha for comparison with SmartPLS. Alpha ≥ 0.7 passes."},
    "data_sources": {"zh": "数据来源", "en": "Data sources"},
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
    # charts
    "alpha_chart_title": {"zh": "各构念的 Cronbach's α", "en": "Cronbach's alpha by construct"},
    "alpha_axis": {"zh": "Cronbach's α（原始）", "en": "Cronbach's alpha (raw)"},
    "mean_chart_title": {"zh": "各题项平均得分", "en": "Mean score per item"},
    "model_chart_title": {"zh": "结构模型：路径系数与解释度", "en": "Structural model: path coefficients and R²"},
    "index_axis": {"zh": "指数（0–100）", "en": "Index (0–100)"},
    "index_chart_title": {"zh": "各构念满意度指数（0–100）", "en": "Index scores by construct (0–100)"},
    "segment_chart_title": {"zh": "分群指数（0–100）", "en": "Index by segment (0–100)"},
    "ipma_focus": {"zh": "重点改进区", "en": "concentrate here"},
    "ipma_x": {"zh": "重要性：对{target}的总效应（非标准化）", "en": "Importance: unstandardized total effect on {target}"},
    "ipma_y": {"zh": "表现：指数（0–100）", "en": "Performance: index (0–100)"},
    "ipma_chart_title": {"zh": "重要性–表现矩阵（IPMA）", "en": "Importance–performance map (IPMA)"},
    "change_axis": {"zh": "指数变化（分，后一波 − 前一波）", "en": "Index change (points, later − earlier wave)"},
    "change_chart_title": {"zh": "两次调查间的指数变化", "en": "Index change between survey waves"},
    "pyramid_chart_title": {"zh": "客户金字塔", "en": "The customer pyramid"},
    "pyramid_band": {"zh": "{customers} 位客户 · 客户占比 {cshare:.1%} · 收入占比 {rshare:.1%}",
                     "en": "{customers} customers · {cshare:.1%} of customers · {rshare:.1%} of revenue"},
    "lorenz_chart_title": {"zh": "收入集中度（帕累托曲线）", "en": "Revenue concentration (Pareto curve)"},
    "lorenz_x": {"zh": "客户累计占比（按收入从高到低）", "en": "Cumulative share of customers (largest first)"},
    "lorenz_y": {"zh": "收入累计占比", "en": "Cumulative share of revenue"},
    "rfm_chart_title": {"zh": "RFM：最近购买 × 购买频率", "en": "RFM: recency × frequency"},
    "rfm_x": {"zh": "R 得分（5 = 最近购买）", "en": "R score (5 = bought most recently)"},
    "rfm_y": {"zh": "F 得分（5 = 最频繁）", "en": "F score (5 = most frequent)"},
    "rfm_value": {"zh": "平均复购金额（元）", "en": "Mean repeat purchase value (CNY)"},
    "migration_chart_title": {"zh": "客户层级迁移", "en": "Tier migration"},
    "migration_x": {"zh": "本期层级", "en": "Tier now"},
    "migration_y": {"zh": "上期层级", "en": "Tier before"},
    "clv_chart_title": {"zh": "各层级客户终身价值分布", "en": "Customer lifetime value by tier"},
    "clv_axis": {"zh": "未来 12 个月预期价值（元，对数刻度）", "en": "Expected value, next 12 months (CNY, log scale)"},
    "holdout_chart_title": {"zh": "模型检验：预测与实际购买次数", "en": "Model check: predicted vs actual purchases"},
    "holdout_x": {"zh": "校准期复购次数", "en": "Repeat purchases in the calibration period"},
    "holdout_y": {"zh": "验证期平均购买次数", "en": "Mean purchases in the holdout period"},
    "holdout_actual": {"zh": "实际", "en": "actual"},
    "holdout_predicted": {"zh": "BG/NBD 预测", "en": "BG/NBD prediction"},
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
    "collinearity": {"zh": "共线性检验（VIF < 5）", "en": "Collinearity (VIF < 5)"},
    "summary": {"zh": "执行摘要", "en": "Executive summary"},
    "model": {"zh": "结构模型（PLS-SEM）", "en": "Structural model (PLS-SEM)"},
    "model_note": {"zh": "偏最小二乘路径模型（ACSI 官方方法），路径权重方案，自助法检验显著性。*** p<0.001，** p<0.01，* p<0.05。",
                   "en": "Partial least squares path model (the ACSI's own method), path weighting scheme, bootstrap significance. *** p<0.001, ** p<0.01, * p<0.05."},
    "measurement": {"zh": "测量质量：信度与效度", "en": "Measurement quality: reliability and validity"},
    "measurement_note": {"zh": "合格标准：α 与组合信度 ≥ 0.7，AVE ≥ 0.5，HTMT < 0.85（严格）/ 0.90（宽松）。表中 α（原始）来自 pingouin，α（标准化）与 SmartPLS 一致。",
                         "en": "Criteria: alpha and composite reliability ≥ 0.7, AVE ≥ 0.5, HTMT < 0.85 (strict) / 0.90 (liberal). Alpha (raw) is pingouin's; alpha (standardized) is what SmartPLS prints."},
    "htmt": {"zh": "区分效度：HTMT 矩阵", "en": "Discriminant validity: HTMT"},
    "indices": {"zh": "满意度指数（0–100）", "en": "Index scores (0–100)"},
    "indices_note": {"zh": "按 ACSI 方法，以非标准化外部权重加权题项得分并换算到 0–100。",
                     "en": "ACSI method: items weighted by the unstandardized outer weights, rescaled to 0–100."},
    "ipma": {"zh": "重要性–表现分析（IPMA）", "en": "Importance–performance map (IPMA)"},
    "ipma_note": {"zh": "横轴为对目标构念的非标准化总效应，纵轴为 0–100 表现；右下象限为重点改进区。",
                  "en": "Importance is the unstandardized total effect on the target construct, performance the 0–100 index; the lower right quadrant is where to concentrate."},
    "cbsem": {"zh": "协方差结构模型（CB-SEM）检验", "en": "Covariance-based SEM check"},
    "cbsem_note": {"zh": "以极大似然估计同一模型（semopy），拟合指数按 lavaan 公式计算。",
                   "en": "The same model by maximum likelihood (semopy); fit indices computed with lavaan's formulas."},
    "appendix": {"zh": "附录：题项与方法", "en": "Appendix: items and method"},
    "method_note": {"zh": "方法说明", "en": "Method notes"},
    "pyramid": {"zh": "客户金字塔", "en": "The customer pyramid"},
    "pyramid_note": {"zh": "按观察期收入把客户分为 VIP客户、主要客户、普通客户与小客户（约 1% / 4% / 15% / 80%）。",
                     "en": "Customers ranked by revenue in the window into VIP, key, ordinary and small (about 1% / 4% / 15% / 80%)."},
    "concentration": {"zh": "收入集中度（80/20 法则）", "en": "Revenue concentration (the 80/20 rule)"},
    "rfm": {"zh": "RFM 分析", "en": "RFM analysis"},
    "rfm_note": {"zh": "R：距最后一次购买的时间；F：复购天数；M：净收入。各维度按五分位打 1–5 分。",
                 "en": "R: time since the last purchase; F: repeat purchase days; M: net revenue. Each scored 1–5 by quintile."},
    "migration": {"zh": "客户层级迁移", "en": "Tier migration"},
    "migration_note": {"zh": "校准期与验证期的客户层级对比；“new”为新客户，“lost”为验证期未再购买的客户。",
                       "en": "Tiers in the calibration period vs the holdout period; 'new' are new customers, 'lost' bought nothing in the holdout."},
    "clv": {"zh": "客户终身价值（BG/NBD + Gamma-Gamma）", "en": "Customer lifetime value (BG/NBD + Gamma-Gamma)"},
    "clv_note": {"zh": "未来 12 个月的折现预期价值；P(存活) 为客户仍然活跃的概率。",
                 "en": "Discounted expected value over the next 12 months; P(alive) is the probability that the customer is still active."},
    "top_accounts": {"zh": "价值最高的客户", "en": "Most valuable accounts"},
    "at_risk": {"zh": "流失风险客户（高价值、P(存活) 偏低）", "en": "Accounts at risk (high value, low P(alive))"},
    "holdout": {"zh": "模型检验（验证期）", "en": "Model check (holdout period)"},
    "holdout_note": {"zh": "以校准期拟合的 BG/NBD 预测验证期的购买次数，并与实际对比（Fader, Hardie & Lee 2005）。",
                     "en": "BG/NBD fitted on the calibration period predicts holdout purchases, compared with what customers actually bought (Fader, Hardie & Lee 2005)."},
    "model_params": {"zh": "模型参数估计", "en": "Model parameter estimates"},
    "gini": {"zh": "基尼系数", "en": "Gini coefficient"},
    "top_share": {"zh": "前 {share:.0%} 客户的收入占比", "en": "Revenue share of the top {share:.0%}"},
    "tier": {"zh": "层级", "en": "Tier"},
    "segment": {"zh": "客户细分", "en": "Segment"},
    "n_customers": {"zh": "客户数", "en": "Customers"},
    "share_customers": {"zh": "客户占比", "en": "Share of customers"},
    "revenue": {"zh": "收入（元）", "en": "Revenue (CNY)"},
    "share_revenue": {"zh": "收入占比", "en": "Share of revenue"},
    "mean_order_value": {"zh": "平均订单额（元）", "en": "Mean order value (CNY)"},
    "mean_frequency": {"zh": "平均复购次数", "en": "Mean repeat purchases"},
    "mean_time_since_last": {"zh": "距上次购买（周）", "en": "Weeks since last purchase"},
    "account": {"zh": "客户编号", "en": "Account"},
    "account_name": {"zh": "客户名称", "en": "Account name"},
    "total_revenue": {"zh": "收入（元）", "en": "Revenue (CNY)"},
    "frequency": {"zh": "复购次数", "en": "Repeat purchases"},
    "p_alive": {"zh": "P(存活)", "en": "P(alive)"},
    "expected_purchases": {"zh": "预期购买次数", "en": "Expected purchases"},
    "clv_col": {"zh": "CLV（元）", "en": "CLV (CNY)"},
    "risk_flag": {"zh": "风险", "en": "Risk"},
    "actual_mean": {"zh": "实际均值", "en": "Actual mean"},
    "predicted_mean": {"zh": "预测均值", "en": "Predicted mean"},
    "actual_total": {"zh": "实际合计", "en": "Actual total"},
    "predicted_total": {"zh": "预测合计", "en": "Predicted total"},
    "bucket": {"zh": "校准期复购次数", "en": "Calibration repeat purchases"},
    "parameter": {"zh": "参数", "en": "Parameter"},
    "log_likelihood": {"zh": "对数似然", "en": "Log-likelihood"},
    "mean_axis": {"zh": "平均得分（{lo}–{hi}）", "en": "Mean score ({lo}–{hi})"},
}


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


def segment_label(segment: str, language: str) -> str:
    """An RFM segment's name (the method texts' 重要价值客户 …) in ``language``."""
    return RFM_SEGMENTS.get(segment, segment) if language == "zh" else segment


def tier_label(tier: str, language: str) -> str:
    """The customer-pyramid tier's name as the method texts use it (客户金字塔); others unchanged."""
    return TIERS.get(tier, {}).get(language, tier)


def label(key: str, language: str) -> str:
    """The text for ``key`` in ``language`` ("zh" or "en")."""
    try:
        return LABELS[key][language]
    except KeyError:
        raise KeyError(f"no {language!r} label for {key!r}; add it to kamreport/report/labels.py") from None


def translate_columns(columns, language: str) -> list[str]:
    """Column names translated where a label exists, else kept."""
    return [LABELS[c][language] if c in LABELS else c for c in columns]


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
    "none_listed": {"zh": "无", "en": "none"},
    "list_separator": {"zh": "、", "en": ", "},
}
LABELS.update(REVIEW_LABELS)

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
