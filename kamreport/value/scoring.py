"""The customer-base models when the customers do not fit in memory: patterns from the engine,
fits on pattern counts, and CLV / P(alive) scored in chunks.

:func:`customer_patterns` runs the per-customer aggregation of :func:`customer_summary` in the
engine (DuckDB, PostgreSQL, Spark) and collapses it there onto distinct ``(x, t_x, T)`` with their
counts, so only the patterns come back (a few thousand for 10^8 customers over three years of
days). :func:`fit_bgnbd_patterns` fits BG/NBD on them as :func:`fit_bgnbd` fits its collapsed
summary. :func:`score_chunks` values an iterator of per-customer batches (e.g. Spark's
``toLocalIterator`` / ``to_pyarrow_batches``), one batch in memory at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Literal

import numpy as np
import pandas as pd

from kamreport.errors import InputError
from kamreport.value.bgnbd import PARAMS, BgNbdFit, loglik
from kamreport.value.gammagamma import GammaGammaFit
from kamreport.value.lifetime import clv
from kamreport.value.mle import maximize, start_values
from kamreport.value.summary import _canonical, _open_source, _per_customer, _run, _to_day
from kamreport.value.timeunits import FREQ_DAYS, check_freq


def customer_patterns(tx: Any, *, customer: str = "customer_id", date: str = "date", amount: str = "amount",
                      observation_end: Any, freq: Literal["D", "W", "M"] = "W", order_id: str | None = None,
                      returns: Literal["net", "drop"] = "net", table: str | None = None,
                      con: Any | None = None) -> pd.DataFrame:
    """Distinct ``(frequency, recency, T)`` of the customers and how many share each, in-engine.

    Same rules and arguments as :func:`customer_summary` (nulls dropped, exact duplicate order
    rows dropped with ``order_id``, returns netted or dropped); ``observation_end`` is required.

    Returns
    -------
    DataFrame
        ``frequency``, ``recency``, ``T`` (in ``freq`` units) and ``n_customers``, sorted.

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": ["A", "A", "B", "C"], "amount": [10.0, 5.0, 7.0, 2.0],
    ...                        "date": pd.to_datetime(["2024-01-01", "2024-01-15", "2024-01-08", "2024-01-08"])})
    >>> customer_patterns(orders, observation_end="2024-01-29")
       frequency  recency    T  n_customers
    0          0      0.0  3.0            2
    1          1      2.0  4.0            1
    """
    check_freq(freq, "customer_patterns")
    obs = _to_day(observation_end, "observation_end")
    if obs is None or returns not in ("net", "drop"):
        raise InputError("customer_patterns: pass observation_end= and returns='net' or 'drop'")
    src = _open_source(tx, table, con)
    try:
        t = _canonical(src, customer, date, amount, order_id)
        clean = t.filter(t.c.notnull() & t.d.notnull() & t.a.notnull())
        if order_id is not None:
            clean = clean.distinct()
        if returns == "drop":
            clean = clean.filter(clean.a >= 0)
        per = _per_customer(clean, obs, None, order_id is not None)
        per = per.filter(per.first_date.notnull())
        days = per.select(x=per.purchase_days - 1, rec=per.last_date.delta(per.first_date, unit="day"),
                          age=_days_to(per.first_date, obs))
        raw = _run(days.group_by(["x", "rec", "age"]).aggregate(n_customers=days.count()), src, [])
    finally:
        for close in src.close:
            close()
    unit = FREQ_DAYS[freq]
    out = pd.DataFrame({"frequency": raw["x"].astype("int64"), "recency": raw["rec"].astype("float64") / unit,
                        "T": raw["age"].astype("float64") / unit, "n_customers": raw["n_customers"].astype("int64")})
    return out.sort_values(["frequency", "recency", "T"], ignore_index=True)


def _days_to(column: Any, obs: Any) -> Any:
    import ibis

    return ibis.literal(obs).delta(column, unit="day")


def fit_bgnbd_patterns(patterns: pd.DataFrame, *, tol: float = 1e-8, max_iter: int = 1000) -> BgNbdFit:
    """BG/NBD fitted to pattern counts (:func:`customer_patterns`), equal to :func:`fit_bgnbd` on
    the customers they count; ``history`` holds the patterns (one row each).

    Examples
    --------
    CDNOW as Fader, Hardie & Lee (2005) fit it (r = 0.243, alpha = 4.414, a = 0.793, b = 2.426):

    >>> tx = pd.read_csv("../shared/reference/cdnow/CDNOW_sample.txt", sep=r"\\s+", header=None,
    ...                  names=["master_id", "customer_id", "date", "cds", "amount"])
    >>> tx["date"] = pd.to_datetime(tx["date"].astype(str))
    >>> patterns = customer_patterns(tx, observation_end="1997-09-30")
    >>> fit = fit_bgnbd_patterns(patterns)
    >>> {k: round(v, 3) for k, v in fit.params.items()}, fit.n_customers
    ({'r': 0.243, 'alpha': 4.414, 'a': 0.793, 'b': 2.426}, 2357)
    """
    need = ["frequency", "recency", "T", "n_customers"]
    if not isinstance(patterns, pd.DataFrame) or any(c not in patterns.columns for c in need):
        raise InputError("fit_bgnbd_patterns: pass the frame of customer_patterns (" + ", ".join(need) + ")")
    x, tx, big_t, w = (patterns[c].to_numpy(np.float64) for c in need)
    if not (x > 0).any():
        raise InputError("fit_bgnbd_patterns: no customer with a repeat purchase; use a longer period")
    scale = float(big_t.max()) if big_t.max() > 0 else 1.0
    theta0 = start_values(None, PARAMS, (1.0, scale, 1.0, 1.0), model="fit_bgnbd_patterns")
    theta0[1] /= scale
    res = maximize(loglik, (x, tx / scale, big_t / scale), w, theta0, PARAMS,
                   model="fit_bgnbd_patterns", penalizer=0.0, tol=tol, max_iter=max_iter)
    units = np.array([1.0, scale, 1.0, 1.0])
    theta, cov = res.theta * units, res.covariance * np.outer(units, units)
    return BgNbdFit(
        params=dict(zip(PARAMS, map(float, theta), strict=True)),
        std_errors=dict(zip(PARAMS, map(float, np.sqrt(np.diag(cov))), strict=True)),
        covariance=pd.DataFrame(cov, index=list(PARAMS), columns=list(PARAMS)),
        log_likelihood=float(w @ loglik(theta, (x, tx, big_t), False)[0]),
        n_customers=int(w.sum()), n_patterns=int(x.size), converged=True, iterations=res.iterations,
        penalizer=0.0, history=(patterns["frequency"], patterns["recency"], patterns["T"]))


def score_chunks(transaction_model: Any, spend_model: GammaGammaFit, batches: Iterable[pd.DataFrame], *,
                 months: int = 12, discount_rate: float = 0.01, margin: float = 1.0,
                 freq: Literal["D", "W", "M"] = "W") -> Iterator[pd.DataFrame]:
    """CLV and P(alive) (:func:`clv`) of each per-customer batch, one batch in memory at a time.

    Each batch needs ``frequency``, ``recency``, ``T``, ``monetary_value``; the result of a batch
    is what :func:`clv` returns for it, so the concatenation equals ``clv`` on all customers.

    Examples
    --------
    >>> from kamreport.value import customer_summary, fit_bgnbd, fit_gamma_gamma
    >>> tx = pd.read_csv("../shared/reference/cdnow/CDNOW_sample.txt", sep=r"\\s+", header=None,
    ...                  names=["master_id", "customer_id", "date", "cds", "amount"])
    >>> tx["date"] = pd.to_datetime(tx["date"].astype(str))
    >>> s = customer_summary(tx, observation_end="1997-09-30")
    >>> bg, gg = fit_bgnbd(s), fit_gamma_gamma(s)
    >>> parts = list(score_chunks(bg, gg, (s.iloc[i:i + 1000] for i in range(0, len(s), 1000))))
    >>> len(parts), np.allclose(pd.concat(parts)["clv"], clv(bg, gg, s)["clv"])
    (3, True)
    """
    for batch in batches:
        yield clv(transaction_model, spend_model, batch, months=months, discount_rate=discount_rate,
                  margin=margin, freq=freq)


__all__ = ["customer_patterns", "fit_bgnbd_patterns", "score_chunks"]
