"""Demo accounts: names, regions, industries, managers, and the key-account evaluation attributes.

Two steps, because the attributes depend on the generated purchases: :func:`draw_accounts` makes
the master data plus each account's hidden effects (survey random effects, margin propensity),
:func:`account_attributes` adds purchase volume, high-margin share and the manager's 1-5 ratings.
"""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np
import pandas as pd

from kamreport.data.demo.truth import INDUSTRIES, REGIONS, DemoTruth

CITIES: dict[str, tuple[str, ...]] = {
    "华东": ("上海", "苏州", "杭州", "宁波", "南京", "无锡", "合肥", "常州"),
    "华南": ("深圳", "广州", "东莞", "佛山", "厦门", "珠海", "中山"),
    "华北": ("北京", "天津", "青岛", "济南", "石家庄", "太原", "烟台"),
    "西部": ("成都", "重庆", "西安", "昆明", "贵阳", "兰州", "南宁"),
    "海外": ("香港", "新加坡", "吉隆坡", "曼谷", "胡志明市", "法兰克福"),
}
BRANDS: tuple[str, ...] = (
    "恒通", "宏达", "瑞丰", "鼎盛", "博远", "天成", "金石", "中联", "永安", "嘉禾", "汇通", "远景",
    "新域", "开元", "德润", "华泰", "安信", "盛世", "万象", "启明", "长城", "东方", "优联", "锦程",
    "宝鼎", "同创", "海川", "立信", "众合", "智远",
)
TRADES: dict[str, tuple[str, ...]] = {
    "制造": ("精密机械", "电子科技", "汽车零部件", "新材料", "智能装备", "精工制造"),
    "零售": ("商贸", "连锁超市", "百货", "电子商务", "便利连锁", "家居零售"),
    "金融": ("融资租赁", "保险经纪", "资产管理", "支付科技", "小额贷款", "金融信息服务"),
    "医疗": ("医疗器械", "生物科技", "医药", "健康管理", "医学检验", "康复医疗"),
}
SUFFIXES: tuple[tuple[str, float], ...] = (("有限公司", 0.6), ("股份有限公司", 0.3), ("集团有限公司", 0.1))
MANAGERS: dict[str, tuple[str, ...]] = {
    "华东": ("王磊", "李娜", "张伟"), "华南": ("刘洋", "陈静", "杨帆"), "华北": ("赵敏", "黄涛"),
    "西部": ("周婷", "吴强"), "海外": ("徐丽", "孙浩"),
}


@dataclass(frozen=True)
class AccountDraw:
    """Account master data plus the hidden per-account draws the other parts need."""

    frame: pd.DataFrame            # account_id, account_name, region, industry, account_manager
    survey_effects: np.ndarray     # (n_accounts, n_constructs) standard normal random effects
    margin_propensity: np.ndarray  # logit shift of P(high margin) on every order line


def _choose(rng: np.random.Generator, labels: tuple[tuple[str, str, float], ...], n: int) -> np.ndarray:
    weights = np.array([w for _, _, w in labels])
    return np.array([zh for zh, _, _ in labels], dtype=object)[rng.choice(len(labels), n, p=weights / weights.sum())]


def _company_names(rng: np.random.Generator, region: np.ndarray, industry: np.ndarray) -> list[str]:
    """Unique plausible names: city + brand + trade + legal form (redrawn on a clash)."""
    suffix_p = np.array([p for _, p in SUFFIXES])
    names: list[str] = []
    seen: set[str] = set()
    for reg, ind in zip(region, industry):
        while True:
            name = (CITIES[reg][rng.integers(len(CITIES[reg]))] + BRANDS[rng.integers(len(BRANDS))]
                    + TRADES[ind][rng.integers(len(TRADES[ind]))] + SUFFIXES[rng.choice(3, p=suffix_p)][0])
            if name not in seen:
                break
        seen.add(name)
        names.append(name)
    return names


def draw_accounts(truth: DemoTruth, rng: np.random.Generator) -> AccountDraw:
    """Account master data: ids A0001..., names, region, industry, manager (by region).

    Parameters
    ----------
    truth : the demo's parameters (size, label tables)
    rng : the generator of this part

    Returns
    -------
    AccountDraw
    """
    n = truth.n_accounts
    region = _choose(rng, REGIONS, n)
    industry = _choose(rng, INDUSTRIES, n)
    managers = np.array([MANAGERS[r][rng.integers(len(MANAGERS[r]))] for r in region], dtype=object)
    frame = pd.DataFrame({
        "account_id": [f"A{i + 1:04d}" for i in range(n)],
        "account_name": _company_names(rng, region, industry),
        "region": region.astype(str),
        "industry": industry.astype(str),
        "account_manager": managers.astype(str),
    })
    effects = rng.standard_normal((n, len(truth.construct_names)))
    propensity = rng.normal(0.0, 0.8, n)
    return AccountDraw(frame, effects, propensity)


def _rating(rng: np.random.Generator, signal: np.ndarray, noise_sd: float) -> np.ndarray:
    """1-5 rating from a standardized signal plus noise, cut at fixed normal quantiles."""
    z = (signal - signal.mean()) / (signal.std() or 1.0) + rng.normal(0.0, noise_sd, signal.size)
    z = z / np.sqrt(1.0 + noise_sd**2)
    return (np.searchsorted(np.array([-1.3, -0.45, 0.45, 1.3]), z) + 1).astype(np.int64)


def account_attributes(truth: DemoTruth, draw: AccountDraw, per_account: pd.DataFrame,
                       rng: np.random.Generator) -> pd.DataFrame:
    """Add contract start and the key-account evaluation attributes to the master data.

    ``purchase_volume`` is the realised annual revenue times log-normal noise (rounded to
    1,000 CNY); ``high_margin_share`` the realised share of high-margin revenue;
    ``service_demand`` follows size, ``price_sensitivity`` the inverse margin propensity and
    ``partnership_willingness`` the account's loyalty effect (all 1-5 with noise).

    Parameters
    ----------
    truth, draw : from :func:`draw_accounts`
    per_account : index account_id; columns first_purchase (date), revenue, high_margin_revenue
    rng : the generator of this part

    Returns
    -------
    DataFrame, one row per account, in account-id order.
    """
    frame = draw.frame.copy()
    per = per_account.reindex(frame["account_id"])
    first = pd.to_datetime(per["first_purchase"].to_numpy())
    frame["contract_start"] = (first - pd.to_timedelta(rng.integers(0, 46, len(frame)), unit="D")).normalize()
    annual = per["revenue"].to_numpy(float) / truth.years
    noisy = annual * np.exp(rng.normal(0.0, truth.purchase_volume_noise_sd, len(frame)))
    frame["purchase_volume"] = np.maximum(np.round(noisy, -3), 1000.0)
    share = np.divide(per["high_margin_revenue"].to_numpy(float), per["revenue"].to_numpy(float),
                      out=np.zeros(len(frame)), where=per["revenue"].to_numpy(float) > 0)
    frame["high_margin_share"] = np.round(share, 3)
    loyalty = draw.survey_effects[:, truth.construct_names.index("Loyalty")]
    frame["service_demand"] = _rating(rng, np.log1p(annual), 0.8)
    frame["price_sensitivity"] = _rating(rng, -draw.margin_propensity, 0.7)
    frame["partnership_willingness"] = _rating(rng, loyalty, 0.8)
    return frame

