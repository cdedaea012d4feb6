"""The true generating parameters of the demo data set (:class:`DemoTruth`) and its label tables.

Everything the demo generator draws from is declared here once, so that the README, the tests
and the generator read the same numbers. Structural paths, loadings and residual variances refer
to *standardized latent* variables (variance 1), the BG/NBD rates to weeks, money to CNY.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from kamreport.errors import InputError

CONSTRUCTS: tuple[tuple[str, str, str], ...] = (
    # name, zh, en  (model order of the ECSI model, Tenenhaus et al. 2005)
    ("Image", "企业形象", "Image"),
    ("Expectation", "客户预期", "Customer expectations"),
    ("Quality", "感知质量", "Perceived quality"),
    ("Value", "感知价值", "Perceived value"),
    ("Satisfaction", "客户满意度", "Customer satisfaction"),
    ("Complaints", "客户抱怨", "Complaints"),
    ("Loyalty", "客户忠诚", "Customer loyalty"),
)

# item, construct, loading, mean on the 1-10 scale, zh question, en question
ITEMS: tuple[tuple[str, str, float, float, str, str], ...] = (
    ("IMAG1", "Image", 0.93, 7.4, "该供应商值得信赖", "It is a trustworthy supplier"),
    ("IMAG2", "Image", 0.90, 7.6, "该供应商在行业中地位稳固", "It is stable and firmly established in its industry"),
    ("IMAG3", "Image", 0.88, 6.8, "该供应商对社会有积极贡献", "It makes a positive contribution to society"),
    ("IMAG4", "Image", 0.94, 7.1, "该供应商关心客户", "It cares about its customers"),
    ("IMAG5", "Image", 0.91, 7.0, "该供应商具有创新性和前瞻性", "It is innovative and forward-looking"),
    ("CUEX1", "Expectation", 0.95, 7.5, "签约时您对其整体质量的预期", "Expected overall quality when you signed the contract"),
    ("CUEX2", "Expectation", 0.96, 7.4, "签约时您对其满足贵司需求的预期", "Expected fit to your company's needs when you signed"),
    ("CUEX3", "Expectation", 0.92, 7.2, "签约时您对其可靠性（少出差错）的预期", "Expected reliability (how rarely things go wrong) when you signed"),
    ("PERQ1", "Quality", 0.95, 7.3, "产品与服务的整体质量", "Overall quality of products and services"),
    ("PERQ2", "Quality", 0.93, 7.5, "产品的技术质量", "Technical quality of the products"),
    ("PERQ3", "Quality", 0.92, 7.0, "客户服务与专业建议", "Customer service and professional advice"),
    ("PERQ4", "Quality", 0.94, 7.1, "交货的准时性与可靠性", "Punctuality and reliability of delivery"),
    ("PERQ5", "Quality", 0.90, 7.2, "产品与服务的种类", "Range of products and services"),
    ("PERQ6", "Quality", 0.91, 6.9, "发票与对账的准确性", "Accuracy of invoicing and statements"),
    ("PERQ7", "Quality", 0.92, 6.9, "所提供信息的清晰与透明", "Clarity and transparency of the information provided"),
    ("PERV1", "Value", 0.96, 6.4, "相对于价格，产品与服务的质量如何", "Quality of products and services given the price you pay"),
    ("PERV2", "Value", 0.95, 6.5, "相对于质量，您支付的价格如何", "Price you pay given the quality you receive"),
    ("CUSA1", "Satisfaction", 0.96, 7.3, "总体而言，您对该供应商的满意程度", "Overall, how satisfied are you with this supplier"),
    ("CUSA2", "Satisfaction", 0.94, 7.1, "该供应商在多大程度上达到了您的预期", "How far does it meet your expectations"),
    ("CUSA3", "Satisfaction", 0.93, 6.8, "与理想的供应商相比，它有多接近", "How close is it to your ideal supplier"),
    ("CUSCO", "Complaints", 1.00, 7.0,
     "您最近一次投诉（或假如投诉）的处理情况如何（分数越高处理越好）",
     "How well was (or would be) your latest complaint handled (higher = better handled)"),
    ("CUSL1", "Loyalty", 0.95, 7.4, "续约时您再次选择该供应商的可能性", "How likely are you to choose this supplier again at renewal"),
    ("CUSL2", "Loyalty", 0.90, 6.3, "若竞争对手便宜5%，您仍留下的可能性", "How likely would you stay if a competitor were 5% cheaper"),
    ("CUSL3", "Loyalty", 0.95, 7.2, "您向同行推荐该供应商的可能性", "How likely are you to recommend this supplier to peers"),
)

PATHS: tuple[tuple[str, str, float], ...] = (
    ("Image", "Expectation", 0.40),
    ("Expectation", "Quality", 0.45),
    ("Expectation", "Value", 0.15),
    ("Quality", "Value", 0.45),
    ("Image", "Satisfaction", 0.20),
    ("Expectation", "Satisfaction", 0.05),
    ("Quality", "Satisfaction", 0.40),
    ("Value", "Satisfaction", 0.25),
    ("Satisfaction", "Complaints", 0.40),
    ("Image", "Loyalty", 0.25),
    ("Satisfaction", "Loyalty", 0.40),
    ("Complaints", "Loyalty", 0.15),
)

# Kano: key, functional column, dysfunctional column, zh, en, designed category, share of it
KANO: tuple[tuple[str, str, str, str, str, str, float], ...] = (
    ("delivery", "KANO1_F", "KANO1_D", "交货准时", "On-time delivery", "M", 0.55),
    ("quality", "KANO2_F", "KANO2_D", "产品质量稳定", "Consistent product quality", "M", 0.50),
    ("support", "KANO3_F", "KANO3_D", "技术支持快速响应", "Fast technical support", "O", 0.50),
    ("pricing", "KANO4_F", "KANO4_D", "价格透明", "Transparent pricing", "O", 0.45),
    ("manager", "KANO5_F", "KANO5_D", "专属客户经理", "Dedicated account manager", "A", 0.50),
    ("portal", "KANO6_F", "KANO6_D", "在线订单跟踪", "Online order tracking", "A", 0.45),
    ("esg", "KANO7_F", "KANO7_D", "供应商ESG报告", "Supplier ESG report", "I", 0.55),
    ("gifts", "KANO8_F", "KANO8_D", "节日礼品", "Holiday gifts", "I", 0.60),
)

REGIONS: tuple[tuple[str, str, float], ...] = (
    ("华东", "East", 0.32), ("华南", "South", 0.24), ("华北", "North", 0.20),
    ("西部", "West", 0.14), ("海外", "Overseas", 0.10),
)
INDUSTRIES: tuple[tuple[str, str, float], ...] = (
    ("制造", "Manufacturing", 0.40), ("零售", "Retail", 0.22),
    ("金融", "Finance", 0.18), ("医疗", "Healthcare", 0.20),
)
ROLES: tuple[tuple[str, str, float], ...] = (
    ("采购", "Purchasing", 0.35), ("技术", "Technical", 0.30),
    ("管理", "Management", 0.20), ("财务", "Finance", 0.15),
)
# product line zh, en, P(high margin), P(medium margin) before the account's margin propensity
PRODUCT_LINES: tuple[tuple[str, str, float, float], ...] = (
    ("服务器与存储", "Servers & storage", 0.10, 0.40),
    ("网络设备", "Networking", 0.15, 0.45),
    ("软件许可", "Software licences", 0.60, 0.30),
    ("云服务", "Cloud services", 0.55, 0.35),
    ("运维服务", "Maintenance services", 0.50, 0.40),
    ("备件耗材", "Spare parts & consumables", 0.20, 0.30),
)
# product-line mix per industry (rows follow INDUSTRIES, columns PRODUCT_LINES)
PRODUCT_MIX: tuple[tuple[float, ...], ...] = (
    (0.30, 0.20, 0.10, 0.08, 0.12, 0.20),
    (0.20, 0.25, 0.15, 0.20, 0.10, 0.10),
    (0.25, 0.20, 0.25, 0.15, 0.10, 0.05),
    (0.25, 0.15, 0.15, 0.15, 0.15, 0.15),
)
MARGIN_CLASSES: tuple[tuple[str, str], ...] = (("高", "High"), ("中", "Medium"), ("低", "Low"))
# gross margin rate of an order line by margin class, plus an offset by product line (same order as above)
MARGIN_RATES: tuple[float, ...] = (0.38, 0.24, 0.12)
PRODUCT_MARGIN_OFFSETS: tuple[float, ...] = (0.0, 0.0, 0.03, 0.02, 0.04, 0.01)

# SERVQUAL (Parasuraman, Zeithaml & Berry 1988): dimension key, zh, en, true mean gap P - E (1-7 scale)
SERVQUAL_DIMENSIONS: tuple[tuple[str, str, str, float], ...] = (
    ("tangibles", "有形性", "Tangibles", -0.3),
    ("reliability", "可靠性", "Reliability", -0.6),
    ("responsiveness", "响应性", "Responsiveness", -1.4),
    ("assurance", "保证性", "Assurance", -0.2),
    ("empathy", "移情性", "Empathy", -0.5),
)
# pair key (columns SQE_<x> expectation, SQP_<x> perception), dimension, zh, en
SERVQUAL_ITEMS: tuple[tuple[str, str, str, str], ...] = (
    ("T1", "tangibles", "现代化的设备与工具", "Modern equipment and tools"),
    ("T2", "tangibles", "专业的交付环境与形象", "Professional-looking facilities and delivery"),
    ("T3", "tangibles", "清晰规范的文档与资料", "Clear, well-presented documents"),
    ("R1", "reliability", "按承诺的时间完成服务", "Does what it promises by the promised time"),
    ("R2", "reliability", "第一次就把服务做好", "Performs the service right the first time"),
    ("R3", "reliability", "出现问题时真诚地帮助解决", "Shows sincere interest in solving problems"),
    ("R4", "reliability", "记录准确无误", "Keeps error-free records"),
    ("S1", "responsiveness", "告知服务的确切时间", "Tells you exactly when services will be performed"),
    ("S2", "responsiveness", "提供及时的服务", "Gives prompt service"),
    ("S3", "responsiveness", "总是愿意帮助客户", "Is always willing to help"),
    ("S4", "responsiveness", "再忙也能及时回应请求", "Is never too busy to respond to requests"),
    ("A1", "assurance", "员工的行为让人信任", "Staff behaviour instils confidence"),
    ("A2", "assurance", "与其交易让人放心", "You feel safe in your transactions"),
    ("A3", "assurance", "员工有足够的专业知识", "Staff have the knowledge to answer your questions"),
    ("E1", "empathy", "给予客户个别关注", "Gives you individual attention"),
    ("E2", "empathy", "服务时间方便客户", "Has convenient operating hours"),
    ("E3", "empathy", "把客户的利益放在心上", "Has your best interests at heart"),
    ("E4", "empathy", "理解客户的具体需求", "Understands your specific needs"),
)
SERVQUAL_EXPECTATION_MEAN = 6.1

# delivered value (Kotler): item, side (value/cost), component, true mean (1-7), zh, en
DELIVERED_VALUE_ITEMS: tuple[tuple[str, str, str, float, str, str], ...] = (
    ("DV_PV1", "value", "product", 5.4, "产品的性能与质量", "Performance and quality of the products"),
    ("DV_PV2", "value", "product", 5.2, "产品满足我们的需求", "The products fit our needs"),
    ("DV_SV1", "value", "service", 5.0, "售前售后服务的价值", "Value of pre- and after-sales service"),
    ("DV_SV2", "value", "service", 4.9, "培训与技术支持的价值", "Value of training and technical support"),
    ("DV_HV1", "value", "personnel", 5.3, "客户经理与工程师的专业水平", "Expertise of account managers and engineers"),
    ("DV_HV2", "value", "personnel", 5.1, "员工的服务态度", "Attitude of the staff"),
    ("DV_IV1", "value", "image", 5.0, "与该供应商合作带来的声誉", "Reputation gained from working with this supplier"),
    ("DV_IV2", "value", "image", 4.8, "该品牌的市场形象", "Market image of the brand"),
    ("DV_MC1", "cost", "monetary", 4.2, "采购价格偏高", "The purchase price is high"),
    ("DV_MC2", "cost", "monetary", 3.9, "使用与维护费用偏高", "Running and maintenance costs are high"),
    ("DV_TC1", "cost", "time", 3.4, "下单与交付耗费的时间", "Time spent on ordering and delivery"),
    ("DV_TC2", "cost", "time", 3.3, "等待问题解决的时间", "Time spent waiting for problems to be solved"),
    ("DV_EC1", "cost", "energy", 3.2, "沟通协调耗费的精力", "Effort spent on coordination"),
    ("DV_EC2", "cost", "energy", 3.1, "学习与使用产品耗费的精力", "Effort spent learning and using the products"),
    ("DV_PC1", "cost", "psychic", 2.9, "对交付风险的担忧", "Worry about delivery risks"),
    ("DV_PC2", "cost", "psychic", 2.8, "与供应商打交道的心理压力", "Stress of dealing with the supplier"),
)
DELIVERED_VALUE_COMPONENTS: tuple[tuple[str, str, str], ...] = (
    ("product", "产品价值", "Product value"), ("service", "服务价值", "Service value"),
    ("personnel", "人员价值", "Personnel value"), ("image", "形象价值", "Image value"),
    ("monetary", "货币成本", "Monetary cost"), ("time", "时间成本", "Time cost"),
    ("energy", "精力成本", "Energy cost"), ("psychic", "精神成本", "Psychic cost"),
)
# the segment that pays more time and energy: column, value, components, shift (scale points)
DELIVERED_VALUE_SHIFT: tuple[str, str, tuple[str, ...], float] = ("region", "海外", ("time", "energy"), 1.3)

# complaint category zh, en, share of complaints
COMPLAINT_CATEGORIES: tuple[tuple[str, str, float], ...] = (
    ("交货延迟", "Late delivery", 0.34), ("产品质量", "Product quality", 0.18),
    ("技术支持响应慢", "Slow technical support", 0.16), ("发票错误", "Invoicing error", 0.14),
    ("价格争议", "Price dispute", 0.10), ("服务态度", "Staff attitude", 0.08),
)


@dataclass(frozen=True)
class DemoTruth:
    """The true parameters behind the demo data (all written into the data set's README).

    Survey: latent scores follow ``eta = B eta + zeta`` with the ``paths`` as ``B`` and residual
    variances chosen so each latent has variance 1; item = loading * latent + error, rounded
    from ``item_mean + item_spread * item`` to the 1-10 scale. Transactions: BG/NBD purchase days
    (weeks as the time unit) and Gamma-Gamma day values (CNY).
    """

    seed: int
    n_accounts: int
    n_respondents: int
    years: int
    n_transactions_target: int
    start_date: date
    end_date: date                      # last day of the transaction window
    calibration_end: date               # last day of the calibration period
    cohort_weeks: int                   # every account's first purchase falls in these weeks
    paths: tuple[tuple[str, str, float], ...] = PATHS
    items: tuple[tuple[str, str, float, float, str, str], ...] = ITEMS
    item_spread: float = 2.0
    account_effect_share: float = 0.30  # share of each disturbance's variance shared by an account
    region_image_shift: tuple[tuple[str, float], ...] = (
        ("华东", 0.15), ("华南", 0.0), ("华北", 0.05), ("西部", -0.10), ("海外", -0.35))
    industry_quality_shift: tuple[tuple[str, float], ...] = (
        ("制造", 0.0), ("零售", -0.10), ("金融", 0.15), ("医疗", -0.25))
    role_value_shift: tuple[tuple[str, float], ...] = (("采购", -0.20), ("财务", -0.10))
    wave2_satisfaction_shift: tuple[str, float] = ("华南", 0.60)
    item_blank_rate: float = 0.03
    dont_know_code: int = 99
    dont_know_rate: float = 0.01
    dont_know_items: tuple[str, ...] = ("CUEX3", "PERQ6", "PERV1", "PERV2")
    kano: tuple[tuple[str, str, str, str, str, str, float], ...] = KANO
    kano_blank_rate: float = 0.02
    comment_blank_rate: float = 0.40
    comment_english_rate: float = 0.15
    bgnbd_r: float = 0.38
    bgnbd_alpha: float = 0.60
    bgnbd_a: float = 0.50
    bgnbd_b: float = 12.0
    gg_p: float = 3.0
    gg_q: float = 4.0
    gg_v: float = 34000.0
    loyalty_dropout_correlation: float = 0.5   # Gaussian copula: account loyalty effect vs dropout p
    purchase_volume_noise_sd: float = 0.15     # log-normal noise on annual revenue
    n_returns: int = 45
    n_zero_amount: int = 30
    n_duplicates: int = 30

    @property
    def construct_names(self) -> tuple[str, ...]:
        return tuple(c for c, _, _ in CONSTRUCTS)

    @property
    def loadings(self) -> dict[str, float]:
        return {item: lam for item, _, lam, _, _, _ in self.items}

    def path_matrix(self) -> np.ndarray:
        """``B[target, source]`` in construct order."""
        names = self.construct_names
        b = np.zeros((len(names), len(names)))
        for source, target, value in self.paths:
            b[names.index(target), names.index(source)] = value
        return b

    @property
    def residual_variances(self) -> dict[str, float]:
        """Disturbance variance of each latent so that its total variance is exactly 1."""
        b = self.path_matrix()
        k = len(b)
        inverse = np.linalg.inv(np.eye(k) - b)
        psi = np.zeros(k)
        for j in range(k):
            upstream = inverse @ np.diag(np.r_[psi[:j], np.zeros(k - j)]) @ inverse.T
            psi[j] = 1.0 - b[j, :j] @ upstream[:j, :j] @ b[j, :j]
        return dict(zip(self.construct_names, psi.tolist()))

    @property
    def holdout_start(self) -> date:
        return self.calibration_end + timedelta(days=1)

    @property
    def n_days(self) -> int:
        return (self.end_date - self.start_date).days + 1


def default_truth(seed: int = 2026, *, n_accounts: int = 400, n_respondents: int = 1500, years: int = 2,
                  n_transactions_target: int = 300_000) -> DemoTruth:
    """The demo's true parameters for one size; dirt counts scale with the transaction target.

    The window starts on Monday 2024-01-01 and lasts ``52 * years`` weeks; the first 3/4 of the
    weeks (78 of 104 by default) are the calibration period, the rest the holdout.
    """
    checks = ((n_accounts, 20, "n_accounts"), (n_respondents, 100, "n_respondents"), (years, 1, "years"),
              (n_transactions_target, 0, "n_transactions_target"))
    for value, low, name in checks:
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < low:
            raise InputError(f"demo data: {name}={value!r} is invalid; pass a whole number >= {low}")
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise InputError(f"demo data: seed={seed!r} is invalid; pass a whole number >= 0")
    start = date(2024, 1, 1)
    weeks = 52 * int(years)
    scale = n_transactions_target / 300_000
    return DemoTruth(
        seed=int(seed), n_accounts=int(n_accounts), n_respondents=int(n_respondents), years=int(years),
        n_transactions_target=int(n_transactions_target), start_date=start,
        end_date=start + timedelta(weeks=weeks, days=-1),
        calibration_end=start + timedelta(weeks=round(weeks * 0.75), days=-1),
        cohort_weeks=13,
        n_returns=round(45 * scale), n_zero_amount=round(30 * scale), n_duplicates=round(30 * scale),
    )
