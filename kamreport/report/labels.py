"""Every word a report shows, in Chinese and English. Look-ups fail loudly on a missing key."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    # sections
    "sample": {"zh": "样本概况", "en": "Sample"},
    "sample_note": {"zh": "各调查波次与地区的受访者与客户数。", "en": "Respondents and accounts by survey wave and region."},
    "item_means": {"zh": "测量题项均值", "en": "Item means by construct"},
    "item_means_note": {"zh": "各构念题项的平均得分（1–10 分）、缺失率与标准差。",
                        "en": "Mean score (1–10 scale), missing share and standard deviation of each item."},
    "reliability": {"zh": "信度：Cronbach's α", "en": "Reliability: Cronbach's alpha"},
    "reliability_note": {"zh": "原始 α（pingouin，按协方差）及 95% 置信区间；标准化 α 供与 SmartPLS 对照。α ≥ 0.7 为合格。",
                         "en": "Raw alpha (pingouin, on covariances) with 95% CI; standardized alpha for comparison with SmartPLS. Alpha ≥ 0.7 passes."},
    "data_sources": {"zh": "数据来源", "en": "Data sources"},
    # columns
    "construct": {"zh": "构念", "en": "Construct"},
    "item": {"zh": "题项", "en": "Item"},
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
    "change_axis": {"zh": "指数变化（分，第二波 − 第一波）", "en": "Index change (points, wave 2 − wave 1)"},
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
    "mean_axis": {"zh": "平均得分（1–10）", "en": "Mean score (1–10)"},
}


TIERS = {
    "VIP": {"zh": "VIP客户", "en": "VIP"},
    "Key": {"zh": "主要客户", "en": "Key"},
    "Ordinary": {"zh": "普通客户", "en": "Ordinary"},
    "Small": {"zh": "小客户", "en": "Small"},
}


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
