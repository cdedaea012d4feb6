"""Cross-buying: how many product lines each account buys, and which lines go together.

The basket of an account is the set of product lines it bought (rows with amount >= 0, the
purchase rows of :func:`~kamreport.value.customer_summary`; returns do not add a line; rows with
a missing customer, line or amount are left out). Association rules X -> Y between lines are
mined on the account x line basket with mlxtend's ``apriori`` and ``association_rules``:
support(X -> Y) = share of accounts buying X and Y, confidence = support(X u Y) / support(X),
lift = confidence / support(Y).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from mlxtend.frequent_patterns import apriori
from mlxtend.frequent_patterns import association_rules as _mlxtend_rules

from kamreport.errors import InputError


def _purchase_rows(transactions: pd.DataFrame, customer: str, product_line: str, amount: str,
                   date: str | None, since=None, until=None) -> pd.DataFrame:
    cols = [customer, product_line, amount] + ([date] if date is not None else [])
    lost = [c for c in cols if c not in transactions.columns]
    if lost:
        raise InputError(f"transactions: column {lost[0]!r} not found; fix: pass customer=, product_line=, "
                         f"amount= (columns: {', '.join(map(str, transactions.columns))})")
    frame = pd.DataFrame({"c": transactions[customer], "line": transactions[product_line],
                          "a": pd.to_numeric(transactions[amount], errors="coerce")})
    if date is not None:
        frame["day"] = pd.to_datetime(transactions[date], errors="coerce")
    frame = frame.dropna()
    frame = frame[frame["a"] >= 0]
    if date is not None and since is not None:
        frame = frame[frame["day"] >= pd.Timestamp(since)]
    if date is not None and until is not None:
        frame = frame[frame["day"] <= pd.Timestamp(until)]
    return frame.assign(c=frame["c"].astype(str), line=frame["line"].astype(str))


def basket(transactions: pd.DataFrame, customer: str = "customer_id", product_line: str = "product_line",
           amount: str = "amount", *, date: str | None = None, since=None, until=None) -> pd.DataFrame:
    """The account x product-line basket: True where the account bought the line.

    ``since``/``until`` (inclusive, with ``date``) restrict the rows to a window.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "product_line": ["X", "Y", "X"],
    ...                    "amount": [1., 2., -1.]})
    >>> basket(tx).to_dict("index")
    {'a': {'X': True, 'Y': True}}
    """
    rows = _purchase_rows(transactions, customer, product_line, amount, date, since, until)
    out = pd.crosstab(rows["c"], rows["line"]) > 0
    out.index.name, out.columns.name = customer, product_line
    return out.astype(bool)


@dataclass(frozen=True)
class CrossBuying:
    """Product lines per account.

    per_account : Series, distinct lines each account bought (int)
    distribution : DataFrame, index n_lines 1..max: ``accounts`` and ``share``
    mean_lines : mean lines per account (NaN without accounts)
    share_multi_line : share of accounts buying two or more lines
    """

    per_account: pd.Series
    distribution: pd.DataFrame
    mean_lines: float
    share_multi_line: float


def lines_per_account(transactions: pd.DataFrame, customer: str = "customer_id",
                      product_line: str = "product_line", amount: str = "amount", *,
                      date: str | None = None, since=None, until=None) -> CrossBuying:
    """How many distinct product lines each account bought, their distribution and mean.

    Parameters
    ----------
    transactions : DataFrame
        Canonical transactions with a product-line column.
    customer, product_line, amount : str
        Column names.
    date : str, optional
        Date column, needed for ``since`` / ``until`` (inclusive window).

    Returns
    -------
    CrossBuying

    References
    ----------
    Kumar, V., George, M. & Pancras, J. (2008). Cross-buying in retailing: drivers and
    consequences. *Journal of Retailing* 84(1), 15-27.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b"], "product_line": ["X", "Y", "X", "X"],
    ...                    "amount": [1., 2., 3., 1.]})
    >>> res = lines_per_account(tx)
    >>> res.per_account.tolist(), res.mean_lines, res.distribution["accounts"].tolist()
    ([2, 1], 1.5, [1, 1])
    """
    b = basket(transactions, customer, product_line, amount, date=date, since=since, until=until)
    per = b.sum(axis=1).astype("int64").rename("n_lines")
    top = int(per.max()) if len(per) else 0
    counts = per.value_counts().reindex(range(1, top + 1), fill_value=0).astype("int64")
    dist = pd.DataFrame({"accounts": counts, "share": counts / max(len(per), 1)})
    dist.index.name = "n_lines"
    mean = float(per.mean()) if len(per) else float("nan")
    multi = float((per >= 2).mean()) if len(per) else float("nan")
    return CrossBuying(per, dist, mean, multi)


def product_line_rules(transactions: pd.DataFrame, customer: str = "customer_id",
                       product_line: str = "product_line", amount: str = "amount", *,
                       min_support: float = 0.05, min_confidence: float = 0.3, min_lift: float = 1.0,
                       max_len: int | None = None, date: str | None = None, since=None,
                       until=None) -> pd.DataFrame:
    """Association rules X -> Y between product lines, on the account x line basket (mlxtend).

    Parameters
    ----------
    transactions, customer, product_line, amount, date, since, until : as :func:`lines_per_account`
    min_support : float in (0, 1]
        Minimum share of accounts buying every line of the rule (itemsets below are not mined).
    min_confidence : float in [0, 1]
        Minimum P(Y | X).
    min_lift : float >= 0
        Minimum lift; 1 keeps only lines bought together more often than by chance.
    max_len : int, optional
        Largest itemset (antecedent + consequent) mined.

    Returns
    -------
    DataFrame
        One row per rule, highest lift first: ``antecedents``, ``consequents`` (tuples of line
        names, sorted), ``antecedent_support``, ``consequent_support``, ``support``,
        ``confidence``, ``lift``, ``n_accounts`` (accounts buying both sides). ``attrs``:
        n_baskets and the thresholds. Empty (same columns) when nothing passes.

    References
    ----------
    Agrawal, R. & Srikant, R. (1994). Fast algorithms for mining association rules. VLDB;
    mlxtend ``frequent_patterns`` (Raschka 2018, JOSS 3(24), 638).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": list("aabbccd"), "product_line": list("XYXYXZZ"),
    ...                    "amount": [1.] * 7})
    >>> rules = product_line_rules(tx, min_support=0.5, min_confidence=0.5)
    >>> rules[["antecedents", "consequents", "support", "confidence", "lift"]].round(3).values.tolist()
    [[('Y',), ('X',), 0.5, 1.0, 1.333], [('X',), ('Y',), 0.5, 0.667, 1.333]]
    """
    if not (0 < min_support <= 1) or not (0 <= min_confidence <= 1) or not (min_lift >= 0):
        raise InputError(f"product_line_rules: min_support={min_support!r} must be in (0, 1], min_confidence="
                         f"{min_confidence!r} in [0, 1], min_lift={min_lift!r} >= 0; fix the thresholds")
    b = basket(transactions, customer, product_line, amount, date=date, since=since, until=until)
    columns = ["antecedents", "consequents", "antecedent_support", "consequent_support", "support",
               "confidence", "lift", "n_accounts"]
    empty = pd.DataFrame({c: pd.Series(dtype=object if c in columns[:2] else np.float64) for c in columns})
    attrs = dict(n_baskets=len(b), min_support=min_support, min_confidence=min_confidence, min_lift=min_lift)
    if len(b) == 0 or b.shape[1] < 2:
        empty.attrs.update(attrs)
        return empty
    b.columns = b.columns.astype(str)
    items = apriori(b, min_support=min_support, use_colnames=True, max_len=max_len)
    if items.empty or (items["itemsets"].map(len) < 2).all():
        empty.attrs.update(attrs)
        return empty
    with np.errstate(invalid="ignore", divide="ignore"):  # metrics we do not report divide by zero
        raw = _mlxtend_rules(items, num_itemsets=len(b), metric="confidence", min_threshold=min_confidence)
    raw = raw[raw["lift"] >= min_lift]
    out = pd.DataFrame({
        "antecedents": raw["antecedents"].map(lambda s: tuple(sorted(s))),
        "consequents": raw["consequents"].map(lambda s: tuple(sorted(s))),
        "antecedent_support": raw["antecedent support"].astype(np.float64),
        "consequent_support": raw["consequent support"].astype(np.float64),
        "support": raw["support"].astype(np.float64),
        "confidence": raw["confidence"].astype(np.float64),
        "lift": raw["lift"].astype(np.float64),
    })
    out["n_accounts"] = np.rint(out["support"] * len(b)).astype(np.float64)
    out = out.sort_values(["lift", "confidence", "support", "antecedents", "consequents"],
                          ascending=[False, False, False, True, True], kind="mergesort").reset_index(drop=True)
    out.attrs.update(attrs)
    return out
