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
    ("物流速度", "shipping speed"), ("包装", "packaging"), ("备件供应", "spare parts supply"),
    ("报价速度", "quote turnaround"), ("培训", "training"), ("订单门户", "the ordering portal"),
)
# clauses about one topic {t}, by polarity; negation is part of the language ("不太满意", "not happy")
CLAUSES: dict[str, dict[str, tuple[str, ...]]] = {
    "zh": {
        "negative": ("{t}问题较多", "对{t}不太满意", "{t}经常出错", "{t}方面的响应太慢了", "{t}一直没有改善",
                     "{t}没有达到预期", "{t}让人失望", "{t}很差", "{t}不够稳定", "{t}跟不上我们的需求",
                     "{t}不如以前", "{t}的投诉迟迟没有解决"),
        "neutral": ("{t}总体还可以", "{t}尚可", "{t}中规中矩", "{t}与其他供应商差不多", "{t}有时好有时差",
                    "{t}没有明显变化"),
        "positive": ("{t}做得很好", "{t}一直很稳定", "{t}让我们很放心", "对{t}非常满意", "{t}超出预期",
                     "{t}比去年明显进步", "{t}没什么问题", "{t}值得表扬", "{t}很专业", "{t}从来没让我们失望"),
    },
    "en": {
        "negative": ("there are too many problems with {t}", "we are not happy with {t}", "{t} keeps going wrong",
                     "responses on {t} are far too slow", "{t} has not improved at all", "{t} did not meet our expectations",
                     "{t} is disappointing", "{t} is poor", "{t} is unreliable", "{t} is worse than last year",
                     "complaints about {t} take far too long to resolve"),
        "neutral": ("{t} is acceptable", "{t} is okay", "{t} is about the same as other suppliers",
                    "{t} is sometimes fine, sometimes not", "nothing has changed with {t}"),
        "positive": ("{t} is excellent", "{t} has been consistently good", "we are very satisfied with {t}",
                     "{t} exceeded our expectations", "{t} improved a lot this year", "no problems with {t}",
                     "{t} is very professional", "{t} never lets us down", "we are pleased with {t}"),
    },
}
# whole-comment frames by mood: {n}/{n2} a negative clause, {p} a positive one, {u} a neutral one
FRAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "zh": {
        "very_negative": ("{n}，{n2}，正在评估其他供应商。", "非常失望，{n}。", "{n}，已经影响到我们的生产。",
                          "{n}，{n2}，再这样下去我们会减少订单。", "很不满意：{n}，{n2}。"),
        "negative": ("{n}，希望尽快改进。", "{n}。", "整体不太满意，{n}。", "{n}，沟通了几次也没有结果。"),
        "mixed_negative": ("{p}，但{n}。", "虽然{p}，但是{n}，整体不太满意。", "{p}，不过{n}。"),
        "neutral": ("{u}。", "{u}，但仍有改进空间。", "希望{t}能再提升一些。", "建议加强{t}。", "{u}，没有特别的意见。",
                    "暂无其他意见。", "无。"),
        "mixed_positive": ("虽然{n}，但总体很满意。", "{n}，不过{p}，总体不错。", "{p}，只是{u}。"),
        "positive": ("{p}，希望继续保持。", "{p}。", "整体合作很愉快，{p}。", "客户经理响应及时，{p}。"),
        "very_positive": ("非常满意，{p}，明年会继续合作。", "{p}，{p2}，是我们最好的供应商之一。",
                          "合作多年一直很满意，{p}。", "{p}，{p2}，会推荐给同行。"),
    },
    "en": {
        "very_negative": ("{n} and {n2}; we are looking at other suppliers.", "Very disappointed: {n}.",
                          "{n}, and it is hurting our production.", "{n}; {n2}. We will cut our orders."),
        "negative": ("{n}, please fix it.", "{n}.", "Not satisfied overall: {n}.", "{n}; several calls did not help."),
        "mixed_negative": ("{p}, but {n}.", "Although {p}, {n}, so overall we are not satisfied.", "{p}; however, {n}."),
        "neutral": ("{u}.", "{u}; there is room to improve.", "Average overall; {t} needs some work.", "No comment.",
                    "Please keep us informed about {t}.", "{u}, nothing special to report."),
        "mixed_positive": ("Although {n}, we are happy overall.", "{n}, but {p}, so overall good.",
                           "{p}; {u}, though."),
        "positive": ("{p}, keep it up.", "{p}.", "Good cooperation overall; {p}.", "The account manager responds fast; {p}."),
        "very_positive": ("Very happy overall: {p}, and we will renew next year.", "{p} and {p2}; one of our best suppliers.",
                          "Great partner: {p}. We recommend you to peers.", "Excellent year: {p} and {p2}."),
    },
}
# mood cut points on satisfaction + N(0, NOISE): below the first very negative, ..., above the last very positive
MOODS: tuple[str, ...] = ("very_negative", "negative", "mixed_negative", "neutral", "mixed_positive", "positive",
                          "very_positive")
MOOD_CUTS: tuple[float, ...] = (-1.2, -0.7, -0.35, 0.2, 0.5, 1.1)
MOOD_NOISE = 0.3

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

    Each respondent's mood is ``satisfaction + N(0, MOOD_NOISE)`` cut at :data:`MOOD_CUTS` into
    :data:`MOODS`, from very negative to very positive; a comment is one frame of its mood
    (:data:`FRAMES`) filled with clauses about up to three topics: mixed moods join a positive
    and a negative clause ("X is good but Y is slow"), negated phrases ("不太满意", "not happy")
    are among the negative clauses.
    """
    n = satisfaction.size
    signal = satisfaction + rng.normal(0.0, MOOD_NOISE, n)
    mood = np.searchsorted(np.array(MOOD_CUTS), signal)
    english = rng.random(n) < truth.comment_english_rate
    blank = rng.random(n) < truth.comment_blank_rate
    texts: list[str | None] = []
    for i in range(n):
        if blank[i]:
            texts.append(None)
            continue
        texts.append(comment_text(MOODS[mood[i]], "en" if english[i] else "zh", rng))
    return pd.Series(texts, dtype="string")


def comment_text(mood: str, language: str, rng: np.random.Generator) -> str:
    """One comment of a mood (one of :data:`MOODS`) in ``language`` ("zh" or "en")."""
    frames = FRAMES[language][mood]
    frame = frames[int(rng.integers(len(frames)))]
    topics = rng.choice(len(TOPICS), 3, replace=False)
    column = 1 if language == "en" else 0
    name = [TOPICS[t][column] for t in topics]
    clauses = CLAUSES[language]

    def clause(polarity: str, topic: str) -> str:
        options = clauses[polarity]
        return options[int(rng.integers(len(options)))].format(t=topic)

    text = frame.format(t=name[0], n=clause("negative", name[0]), n2=clause("negative", name[1]),
                        p=clause("positive", name[2] if "{n" in frame else name[0]),
                        p2=clause("positive", name[1]), u=clause("neutral", name[1]))
    return text[0].upper() + text[1:]
