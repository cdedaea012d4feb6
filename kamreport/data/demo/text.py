"""Demo survey answers that are not ECSI items: Kano question pairs and free-text comments.

Kano: each respondent's category for an attribute is the attribute's designed category with the
share given in :data:`kamreport.data.demo.truth.KANO`, otherwise one of the other three main
categories (equal shares) or, rarely, reverse (3 %) or questionable (2 %); the (functional,
dysfunctional) answer pair is then drawn among the cells of the Kano evaluation table that give
that category. Comments: sentiment follows the respondent's latent satisfaction.

References
----------
Berger, C. et al. (1993), "Kano's methods for understanding customer-defined quality", Center for
Quality of Management Journal 2(4), 3-36 (the evaluation table; answers 1 like, 2 must-be,
3 neutral, 4 live with, 5 dislike).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamreport.data.demo.truth import DemoTruth

# (functional, dysfunctional) cells of the Kano evaluation table and how often each is used
KANO_CELLS: dict[str, tuple[tuple[int, int, float], ...]] = {
    "A": ((1, 2, 0.2), (1, 3, 0.4), (1, 4, 0.4)),
    "O": ((1, 5, 1.0),),
    "M": ((2, 5, 0.45), (3, 5, 0.35), (4, 5, 0.2)),
    "I": ((3, 3, 0.4), (2, 3, 0.1), (3, 2, 0.1), (3, 4, 0.15), (4, 3, 0.1), (2, 2, 0.05), (4, 4, 0.05),
          (2, 4, 0.025), (4, 2, 0.025)),
    "R": ((5, 1, 0.4), (4, 1, 0.2), (3, 1, 0.2), (5, 3, 0.1), (5, 2, 0.05), (2, 1, 0.05)),
    "Q": ((1, 1, 0.5), (5, 5, 0.5)),
}
KANO_NOISE: dict[str, float] = {"R": 0.03, "Q": 0.02}

TOPICS: tuple[tuple[str, str], ...] = (
    ("交货准时性", "on-time delivery"), ("产品质量", "product quality"), ("技术支持", "technical support"),
    ("价格透明度", "pricing transparency"), ("发票与对账", "invoicing"), ("售后服务", "after-sales service"),
    ("系统稳定性", "system stability"), ("客户经理的沟通", "account manager communication"),
)
TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "zh": {
        "negative": ("{t}问题较多，已影响我们的业务。", "对{t}很不满意，正在评估其他供应商。",
                     "投诉处理太慢，{t}迟迟没有解决。", "{t}多次出错，希望尽快改进。"),
        "neutral": ("{t}总体还可以，但仍有改进空间。", "希望{t}能再提升一些。",
                    "整体一般，{t}偶尔有问题。", "{t}尚可，价格希望更有竞争力。"),
        "positive": ("整体合作很愉快，{t}做得很好。", "{t}一直很稳定，希望继续保持。",
                     "客户经理响应及时，{t}让我们很放心。", "非常满意，特别是{t}。", "{t}超出预期，明年会继续合作。"),
    },
    "en": {
        "negative": ("Too many problems with {t}; we are looking at other suppliers.",
                     "Complaints about {t} take far too long to resolve.", "{t} keeps going wrong, please fix it."),
        "neutral": ("{t} is acceptable but could be better.", "Average overall; {t} needs some work."),
        "positive": ("Very happy overall, {t} is excellent.", "{t} has been consistently good, keep it up.",
                     "Great partner, especially {t}."),
    },
}


def kano_answers(truth: DemoTruth, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Functional and dysfunctional answers (1-5, Int64 with blanks) for every Kano attribute."""
    main = ("A", "O", "M", "I")
    columns: dict[str, pd.Series] = {}
    for _, functional, dysfunctional, _, _, category, share in truth.kano:
        rest = (1.0 - share - sum(KANO_NOISE.values())) / 3.0
        labels = list(main) + list(KANO_NOISE)
        probs = np.array([share if c == category else rest for c in main] + list(KANO_NOISE.values()))
        drawn = rng.choice(len(labels), n, p=probs / probs.sum())
        f_answer = np.zeros(n, np.int64)
        d_answer = np.zeros(n, np.int64)
        for index, label in enumerate(labels):
            rows = np.flatnonzero(drawn == index)
            cells = KANO_CELLS[label]
            weights = np.array([w for _, _, w in cells])
            pick = rng.choice(len(cells), rows.size, p=weights / weights.sum())
            f_answer[rows] = np.array([f for f, _, _ in cells])[pick]
            d_answer[rows] = np.array([d for _, d, _ in cells])[pick]
        for column, answer in ((functional, f_answer), (dysfunctional, d_answer)):
            blank = rng.random(n) < truth.kano_blank_rate
            columns[column] = pd.Series(pd.array(answer, dtype="Int64")).mask(blank)
    return pd.DataFrame(columns)


def comments(truth: DemoTruth, satisfaction: np.ndarray, rng: np.random.Generator) -> pd.Series:
    """Free-text comments (mostly Chinese), blank for ``comment_blank_rate`` of respondents.

    Sentiment: negative when ``satisfaction + N(0, 0.3)`` is below -0.7, positive above 0.5.
    """
    n = satisfaction.size
    signal = satisfaction + rng.normal(0.0, 0.3, n)
    mood = np.where(signal < -0.7, "negative", np.where(signal > 0.5, "positive", "neutral"))
    english = rng.random(n) < truth.comment_english_rate
    blank = rng.random(n) < truth.comment_blank_rate
    topic = rng.integers(0, len(TOPICS), n)
    pick = rng.random(n)
    texts: list[str | None] = []
    for i in range(n):
        if blank[i]:
            texts.append(None)
            continue
        language = "en" if english[i] else "zh"
        options = TEMPLATES[language][mood[i]]
        text = options[int(pick[i] * len(options))].format(t=TOPICS[topic[i]][1 if english[i] else 0])
        texts.append(text[0].upper() + text[1:])
    return pd.Series(texts, dtype="string")
