"""Key-account selection (大客户的选择): the weighted evaluation index and Kotler's relationship levels.

The method texts select key accounts (重点客户 / 大客户) with "an evaluation index system and a
combined score" (建立评估体系并选择重点客户): purchase volume (采购数量), especially of high-margin
products (高利产品的采购数量), service demands (对服务水准的要求), price sensitivity (对价格的敏感度)
and the wish for a long-term partnership (是否希望与企业建立长期伙伴关系). The level of the
relationship then follows Kotler's matrix of the number of customers and the margin (关系营销的水平).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from kamreport.errors import InputError

#: Kotler's levels of relationship marketing, as the method text names them
LEVELS: dict[str, str] = {
    "basic": "基本型", "reactive": "反应型", "accountable": "责任型",
    "proactive": "积极型", "partnership": "合伙型",
}
#: (number of customers, margin) -> level; the text's "基本型或反应型" cell is chosen by many_low
KOTLER_MATRIX: dict[tuple[str, str], str] = {
    ("many", "high"): "accountable", ("medium", "high"): "proactive", ("few", "high"): "partnership",
    ("many", "medium"): "reactive", ("medium", "medium"): "accountable", ("few", "medium"): "proactive",
    ("many", "low"): "basic", ("medium", "low"): "reactive", ("few", "low"): "accountable",
}
_COUNT_CLASSES = ("many", "medium", "few")
_MARGIN_CLASSES = ("high", "medium", "low")


def _criteria(accounts: pd.DataFrame, weights: Mapping[str, float],
              directions: Mapping[str, str] | None) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Validated criteria (float), weights and signs (+1 higher is better, -1 lower)."""
    if not weights:
        raise InputError("key_account_score: weights is empty; fix: e.g. weights={'purchase_volume': 1.0}")
    lost = [c for c in weights if c not in accounts.columns]
    if lost:
        raise InputError(f"key_account_score: weight column {lost[0]!r} not in accounts; fix: use one of "
                         f"{', '.join(map(str, accounts.columns))}")
    w = np.array([float(v) for v in weights.values()], dtype=np.float64)
    if not np.isfinite(w).all() or (w < 0).any():
        raise InputError(f"key_account_score: weights {dict(weights)} must be finite and >= 0; fix them")
    if abs(w.sum() - 1.0) > 1e-9:
        raise InputError(f"key_account_score: weights sum to {w.sum():.12g}, not 1; fix: divide each by "
                         f"{w.sum():.12g} or adjust them")
    directions = dict(directions or {})
    stray = [c for c in directions if c not in weights]
    bad = {c: v for c, v in directions.items() if v not in ("higher", "lower")}
    if stray:
        raise InputError(f"key_account_score: direction given for {stray[0]!r}, which has no weight; "
                         "fix: add a weight or drop the direction")
    if bad:
        col, value = next(iter(bad.items()))
        raise InputError(f"key_account_score: direction of {col!r} is {value!r}; fix: 'higher' or 'lower'")
    sign = np.array([-1.0 if directions.get(c) == "lower" else 1.0 for c in weights])
    x = accounts[list(weights)].apply(pd.to_numeric, errors="coerce").astype(np.float64)
    broken = x.isna() & accounts[list(weights)].notna()
    if broken.any().any():
        col = broken.any().idxmax()
        raise InputError(f"key_account_score: column {col!r} has non-numeric values; fix: recode it")
    return x, w, sign


def key_account_score(accounts: pd.DataFrame, weights: Mapping[str, float],
                      directions: Mapping[str, str] | None = None, *, method: str = "minmax",
                      ties: str = "min") -> pd.DataFrame:
    """Weighted key-account evaluation index (大客户评价指标) with a rank.

    Each criterion is normalised so that larger means better: ``minmax`` maps it to
    (x - min) / (max - min) for "higher" and (max - x) / (max - min) for "lower"; ``zscore`` to
    ±(x - mean) / sd (sd with n - 1). The score is the weighted sum, times 100 for minmax
    (0-100; 100 only for an account best on every criterion); z-scores are unitless, mean 0.

    Parameters
    ----------
    accounts : DataFrame
        One row per account (index = account id), a numeric column per criterion; any names.
    weights : mapping column -> weight
        Non-negative, summing to 1 (tolerance 1e-9).
    directions : mapping column -> "higher" or "lower", optional
        "lower" for criteria where less is better (e.g. price sensitivity); default "higher".
    method : {"minmax", "zscore"}
    ties : str, default "min"
        ``pandas.Series.rank`` method for equal scores: "min" gives them the best shared rank
        (1, 2, 2, 4); "first" breaks ties by row order, so ranks are a permutation of 1..n.

    Returns
    -------
    DataFrame
        Index of ``accounts``; ``score``, ``rank`` (1 = best, float, NaN where the score is)
        and one ``points_<criterion>`` column per criterion (its weighted normalised value;
        the points sum to the score). A constant criterion (max = min, or one account)
        normalises to 0 for every account: it adds nothing and cannot separate accounts;
        its name is listed in ``attrs["constant_criteria"]``. An account missing any criterion
        gets no score (NaN); min, max, mean and sd use the accounts that have the criterion.

    Raises
    ------
    InputError
        Weights not summing to 1, a weight column missing, an unknown direction or method.

    References
    ----------
    Method text 003 (选择重点客户的标准: 采购数量、高利产品、服务水准、价格敏感度、伙伴关系);
    simple additive weighting (SAW) with linear normalisation: Hwang, C. L. & Yoon, K. (1981).
    *Multiple Attribute Decision Making*, Springer.

    Examples
    --------
    >>> acc = pd.DataFrame({"volume": [100., 50, 0], "price_sensitivity": [1., 3, 5]},
    ...                    index=["a", "b", "c"])
    >>> out = key_account_score(acc, {"volume": .6, "price_sensitivity": .4},
    ...                         {"price_sensitivity": "lower"})
    >>> out["score"].round(6).tolist(), out["rank"].tolist()
    ([100.0, 50.0, 0.0], [1.0, 2.0, 3.0])
    """
    if method not in ("minmax", "zscore"):
        raise InputError(f"key_account_score: method {method!r} unknown; fix: 'minmax' or 'zscore'")
    x, w, sign = _criteria(accounts, weights, directions)
    if method == "minmax":
        low, span = x.min(), x.max() - x.min()
        normal = (x - low) / span.where(span > 0)
        normal = normal.where(np.broadcast_to(sign > 0, normal.shape), 1.0 - normal)
        constant = span.fillna(0) <= 0
        scale = 100.0
    else:
        sd = x.std(ddof=1)
        normal = (x - x.mean()) / sd.where(sd > 0) * sign
        constant = ~(sd > 0)
        scale = 1.0
    normal.loc[:, constant] = np.where(x.loc[:, constant].notna(), 0.0, np.nan)
    points = normal * (w * scale)
    out = pd.DataFrame({"score": points.sum(axis=1, min_count=len(w)).where(points.notna().all(axis=1))},
                       index=accounts.index)
    out["rank"] = out["score"].rank(ascending=False, method=ties)
    for col in points.columns:
        out[f"points_{col}"] = points[col]
    out.attrs["constant_criteria"] = [str(c) for c in x.columns[constant.to_numpy()]]
    out.attrs["method"] = method
    return out


def _top(scores: pd.Series, n: int) -> list:
    return list(scores.dropna().sort_values(ascending=False, kind="stable").index[:n])


def weight_sensitivity(accounts: pd.DataFrame, weights: Mapping[str, float],
                       directions: Mapping[str, str] | None = None, *, top_n: int = 10,
                       change: float = 0.2, method: str = "minmax") -> pd.DataFrame:
    """How stable the top-N key accounts are when each weight moves by ±``change``.

    For each criterion k and each sign, w_k becomes w_k (1 ± change) (capped at 1) and the other
    weights are rescaled in proportion so that all still sum to 1 (a single criterion keeps
    weight 1). The top N are the N best scores (ties broken by row order).

    Parameters
    ----------
    accounts, weights, directions, method : as :func:`key_account_score`
    top_n : int, default 10
    change : float, default 0.2
        Relative change of one weight (0 < change < 1).

    Returns
    -------
    DataFrame
        One row per criterion and change (+change, then -change): ``criterion``, ``change``,
        ``weight`` (the new weight of the criterion), ``overlap`` (share of the base top N still
        in the new top N), ``entering`` and ``leaving`` (tuples of account ids).

    Examples
    --------
    >>> acc = pd.DataFrame({"v": [3., 2, 1], "m": [1., 2, 3]}, index=list("abc"))
    >>> out = weight_sensitivity(acc, {"v": .5, "m": .5}, top_n=1, change=.2)
    >>> out[["criterion", "change", "overlap"]].values.tolist()
    [['v', 0.2, 1.0], ['v', -0.2, 0.0], ['m', 0.2, 0.0], ['m', -0.2, 1.0]]
    """
    if isinstance(top_n, bool) or not isinstance(top_n, (int, np.integer)) or top_n < 1:
        raise InputError(f"weight_sensitivity: top_n must be a whole number >= 1, got {top_n!r}")
    if not 0 < change < 1:
        raise InputError(f"weight_sensitivity: change must be between 0 and 1 (0.2 = ±20 %), got {change!r}")
    base = key_account_score(accounts, weights, directions, method=method)["score"]
    base_top = _top(base, top_n)
    rows = []
    for k, w_k in weights.items():
        rest = sum(v for c, v in weights.items() if c != k)
        for step in (change, -change):
            new_k = min(w_k * (1 + step), 1.0) if rest > 0 else 1.0
            new = {c: (new_k if c == k else v * (1 - new_k) / rest if rest > 0 else v)
                   for c, v in weights.items()}
            total = sum(new.values())          # 1 up to rounding; make it exact for the check
            new = {c: v / total for c, v in new.items()}
            top = _top(key_account_score(accounts, new, directions, method=method)["score"], top_n)
            rows.append({"criterion": k, "change": step, "weight": new[k],
                         "overlap": len(set(top) & set(base_top)) / max(len(base_top), 1),
                         "entering": tuple(a for a in top if a not in base_top),
                         "leaving": tuple(a for a in base_top if a not in top)})
    return pd.DataFrame(rows)


def _classes(values, allowed: tuple[str, ...], role: str) -> tuple[np.ndarray, np.ndarray]:
    flat = pd.Series(np.asarray(values, dtype=object).ravel())
    missing = flat.isna().to_numpy()
    bad = flat[~missing & ~flat.isin(allowed).to_numpy()]
    if len(bad):
        raise InputError(f"relationship_level: {role} class {bad.iloc[0]!r} unknown; fix: one of "
                         f"{', '.join(allowed)}")
    return flat.to_numpy(dtype=object), missing


def relationship_level(n_customers_class, margin_class, *, many_low: str = "basic"):
    """Kotler's level of relationship marketing (关系营销的水平) for a customer group.

    ====================  =============  ==============  ==============
    margin \\ customers    many (很多)      medium (中等)    few (很少)
    ====================  =============  ==============  ==============
    high (高利润)           accountable    proactive       partnership
    medium (中利润)         reactive       accountable     proactive
    low (低利润)            basic/reactive reactive        accountable
    ====================  =============  ==============  ==============

    Levels: basic 基本型 (sell, no follow-up), reactive 反应型 (the customer is invited to call
    with problems), accountable 责任型 (the seller calls back after the sale), proactive 积极型
    (the seller calls from time to time with improvements), partnership 合伙型 (working
    together continuously to deliver value).

    Parameters
    ----------
    n_customers_class : str, array-like or Series of "many", "medium", "few"
    margin_class : str, array-like or Series of "high", "medium", "low" (same shape)
    many_low : {"basic", "reactive"}, default "basic"
        The text (and Kotler) give "基本型或反应型" (basic or reactive) for many customers with
        a low margin; this picks one.

    Returns
    -------
    str, ndarray or Series
        The level code (NaN where either class is missing), shaped like the input; a Series
        keeps the index of ``n_customers_class``.

    Raises
    ------
    InputError
        An unknown class (the message names it).

    References
    ----------
    Kotler, P. (2000). *Marketing Management*, millennium ed., Prentice Hall, ch. 2 (levels of
    relationship marketing); method text 002 (关系营销的水平 matrix).

    Examples
    --------
    >>> relationship_level("few", "high"), relationship_level("many", "low")
    ('partnership', 'basic')
    >>> relationship_level(pd.Series(["many", "medium"]), pd.Series(["high", "low"])).tolist()
    ['accountable', 'reactive']
    """
    if many_low not in ("basic", "reactive"):
        raise InputError(f"relationship_level: many_low must be 'basic' or 'reactive', got {many_low!r}")
    shape_n, shape_m = np.shape(n_customers_class), np.shape(margin_class)
    if shape_n != shape_m:
        raise InputError(f"relationship_level: n_customers_class has shape {shape_n} but margin_class "
                         f"{shape_m}; fix: pass one pair per group")
    counts, miss_n = _classes(n_customers_class, _COUNT_CLASSES, "number-of-customers")
    margins, miss_m = _classes(margin_class, _MARGIN_CLASSES, "margin")
    table = {**KOTLER_MATRIX, ("many", "low"): many_low}
    out = np.array([np.nan if a or b else table[(c, m)]
                    for c, m, a, b in zip(counts, margins, miss_n, miss_m)], dtype=object)
    if shape_n == ():
        return out[0]
    if isinstance(n_customers_class, pd.Series):
        return pd.Series(out, index=n_customers_class.index, name="level", dtype=object)
    return out.reshape(shape_n)


def _by_cuts(values: pd.Series, cuts: tuple[float, float], labels: tuple[str, str, str]) -> pd.Series:
    low, high = cuts
    out = np.where(values >= high, labels[2], np.where(values >= low, labels[1], labels[0]))
    return pd.Series(out, index=values.index, dtype=object).where(values.notna())


def tier_relationship_levels(tier_profile: pd.DataFrame, margin: Mapping[str, str] | pd.Series, *,
                             count_cuts: tuple[float, float] = (0.05, 0.30),
                             margin_cuts: tuple[float, float] | None = None,
                             many_low: str = "basic") -> pd.DataFrame:
    """Kotler level of each tier of the customer pyramid (few VIPs at the top, many small at the base).

    Parameters
    ----------
    tier_profile : DataFrame
        From :func:`kamreport.value.rfm.tier_profile` (index tier, ``share_customers``).
    margin : mapping or Series tier -> class or number
        The tier's margin: classes "high" / "medium" / "low", or numbers (e.g. the high-margin
        share of its revenue, or its margin rate) classified by ``margin_cuts``.
    count_cuts : (few_below, many_from), default (0.05, 0.30)
        A tier holding < 5 % of customers has "few", >= 30 % "many", else "medium" (with the
        default pyramid: VIP 1 % and Key 4 % few, Ordinary 15 % medium, Small 80 % many).
    margin_cuts : (medium_from, high_from), optional
        Needed when ``margin`` is numeric: >= high_from "high", >= medium_from "medium", else "low".
    many_low : as :func:`relationship_level`

    Returns
    -------
    DataFrame
        Index tier; ``share_customers``, ``n_customers_class``, ``margin``, ``margin_class``,
        ``level`` (NaN for a tier without a margin).

    Examples
    --------
    >>> prof = pd.DataFrame({"share_customers": [.01, .04, .15, .8]},
    ...                     index=pd.Index(["VIP", "Key", "Ordinary", "Small"], name="tier"))
    >>> tier_relationship_levels(prof, {"VIP": "high", "Key": "high", "Ordinary": "medium",
    ...                                 "Small": "low"})["level"].tolist()
    ['partnership', 'partnership', 'accountable', 'basic']
    """
    if "share_customers" not in tier_profile.columns:
        raise InputError("tier_relationship_levels: tier_profile has no 'share_customers'; fix: pass "
                         "the result of tier_profile()")
    if not count_cuts[0] <= count_cuts[1]:
        raise InputError(f"tier_relationship_levels: count_cuts {count_cuts} must be (few_below, many_from) "
                         "with few_below <= many_from")
    share = tier_profile["share_customers"].astype(np.float64)
    size = _by_cuts(share, count_cuts, ("few", "medium", "many"))
    given = pd.Series(dict(margin) if isinstance(margin, Mapping) else margin, dtype=object)
    given = given.reindex(tier_profile.index.astype(object))
    given.index = tier_profile.index
    numeric = pd.to_numeric(given, errors="coerce")
    if numeric.notna().any():
        if margin_cuts is None:
            raise InputError("tier_relationship_levels: margin is numeric; fix: pass margin_cuts="
                             "(medium_from, high_from), e.g. (0.2, 0.4) for high-margin shares")
        margin_class = _by_cuts(numeric, margin_cuts, ("low", "medium", "high"))
    else:
        margin_class = given
    return pd.DataFrame({
        "share_customers": share, "n_customers_class": size, "margin": given,
        "margin_class": margin_class,
        "level": relationship_level(size, margin_class, many_low=many_low),
    }, index=tier_profile.index)
