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
    "mean_axis": {"zh": "平均得分（1–10）", "en": "Mean score (1–10)"},
}


def label(key: str, language: str) -> str:
    """The text for ``key`` in ``language`` ("zh" or "en")."""
    try:
        return LABELS[key][language]
    except KeyError:
        raise KeyError(f"no {language!r} label for {key!r}; add it to kamreport/report/labels.py") from None


def translate_columns(columns, language: str) -> list[str]:
    """Column names translated where a label exists, else kept."""
    return [LABELS[c][language] if c in LABELS else c for c in columns]
