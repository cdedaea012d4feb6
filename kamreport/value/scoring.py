"""The customer-base models when the customers do not fit in memory: patterns from the engine,
fits on pattern counts, and CLV / P(alive) scored in chunks.

:func:`customer_patterns` runs the per-customer aggregation of :func:`customer_summary` in the
engine (DuckDB, PostgreSQL, Spark) and collapses it there onto distinct ``(x, t_x, T)`` with their
counts, so only the patterns come back (a few thousand for 10^8 customers over three years of
days). :func:`fit_bgnbd_patterns` fits BG/NBD on them (:func:`fit_bgnbd` with ``weights=``).
:func:`customer_batches` streams the per-customer rows from the engine, a batch at a time, and
:func:`score_chunks` values each batch. :func:`remote_clv` chains them: the mode for a summary
that stays in the engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from kamreport.errors import InputError, KamreportError, first_line
from kamreport.value.bgnbd import BgNbdFit, fit_bgnbd
from kamreport.value.gammagamma import GammaGammaFit, fit_gamma_gamma
from kamreport.value.lifetime import clv
from kamreport.value.summary import EngineSource, engine_transactions, per_customer, to_day
from kamreport.value.timeunits import FREQ_DAYS, check_freq

Freq = Literal["D", "W", "M"]


def _customers(src: EngineSource, obs: dt.date, order_id: str | None, returns: str) -> Any:
    """Per customer with a purchase day up to ``obs``, in the engine: ``c``, ``x`` (repeat purchase
    days), ``rec`` and ``age`` (days from the first purchase to the last and to ``obs``) and
    ``repeat_value`` (value of the purchase days after the first), by the rules of customer_summary."""
    import ibis

    t = src.table
    clean = t.filter(t.c.notnull() & t.d.notnull() & t.a.notnull())
    if order_id is not None:
        clean = clean.distinct()
    if returns == "drop":
        clean = clean.filter(clean.a >= 0)
    per = per_customer(clean, obs, None, order_id is not None)
    per = per.filter(per.first_date.notnull())
    return per.select(c=per.c, x=per.purchase_days - 1, rec=per.last_date.delta(per.first_date, unit="day"),
                      age=ibis.literal(obs).delta(per.first_date, unit="day"),
                      repeat_value=per.purchase_value - per.first_value)


def _options(observation_end: Any, freq: str, returns: str, caller: str) -> dt.date:
    check_freq(freq, caller)
    obs = to_day(observation_end, "observation_end")
    if obs is None or returns not in ("net", "drop"):
        raise InputError(f"{caller}: pass observation_end= and returns='net' or 'drop'")
    return obs


def customer_patterns(tx: Any, *, customer: str = "customer_id", date: str = "date", amount: str = "amount",
                      observation_end: Any, freq: Freq = "W", order_id: str | None = None,
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
    obs = _options(observation_end, freq, returns, "customer_patterns")
    with engine_transactions(tx, customer=customer, date=date, amount=amount, order_id=order_id, table=table,
                             con=con) as src:
        days = _customers(src, obs, order_id, returns)
        raw = src.run(days.group_by(["x", "rec", "age"]).aggregate(n_customers=days.count()))
    unit = FREQ_DAYS[freq]
    out = pd.DataFrame({"frequency": raw["x"].astype("int64"), "recency": raw["rec"].astype("float64") / unit,
                        "T": raw["age"].astype("float64") / unit, "n_customers": raw["n_customers"].astype("int64")})
    return out.sort_values(["frequency", "recency", "T"], ignore_index=True)


def fit_bgnbd_patterns(patterns: pd.DataFrame, *, penalizer: float = 0.0, tol: float = 1e-8,
                       max_iter: int = 1000) -> BgNbdFit:
    """BG/NBD fitted to pattern counts (:func:`customer_patterns`): :func:`fit_bgnbd` with
    ``weights=patterns["n_customers"]``, equal to it on the customers they count; ``history``
    holds the patterns (one row each).

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
    return fit_bgnbd(patterns, weights=patterns["n_customers"], penalizer=penalizer, tol=tol, max_iter=max_iter)


def customer_batches(tx: Any, *, customer: str = "customer_id", date: str = "date", amount: str = "amount",
                     observation_end: Any, freq: Freq = "W", order_id: str | None = None,
                     returns: Literal["net", "drop"] = "net", table: str | None = None, con: Any | None = None,
                     batch_rows: int = 1_000_000, rename: Callable[[Any], str] | None = None) -> Iterator[pd.DataFrame]:
    """The per-customer ``frequency``, ``recency``, ``T``, ``monetary_value`` of
    :func:`customer_summary`, streamed from the engine in batches of at most ``batch_rows``.

    DuckDB and PostgreSQL stream the result (Arrow record batches). Spark, whose ibis backend
    would collect it whole, caches it on the executors and sends one hash bucket of customers
    at a time. Batches come in no particular order, each sorted by customer (``rename``: ids
    mapped on the driver, e.g. pseudonyms). The engine stays open until the iterator ends.

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": ["A", "A", "B"], "amount": [10.0, 5.0, 7.0],
    ...                        "date": pd.to_datetime(["2024-01-01", "2024-01-15", "2024-01-08"])})
    >>> pd.concat(customer_batches(orders, observation_end="2024-01-29", batch_rows=1)).sort_index()
                 frequency  recency    T  monetary_value
    customer_id
    A                    1      2.0  4.0             5.0
    B                    0      0.0  3.0             0.0
    """
    obs = _options(observation_end, freq, returns, "customer_batches")
    if isinstance(batch_rows, bool) or not isinstance(batch_rows, (int, np.integer)) or batch_rows < 1:
        raise InputError(f"customer_batches: batch_rows must be a whole number >= 1, got {batch_rows!r}")
    with engine_transactions(tx, customer=customer, date=date, amount=amount, order_id=order_id, table=table,
                             con=con) as src:
        rows = _customers(src, obs, order_id, returns)
        for raw in _stream(src, rows, int(batch_rows)):
            yield _scorable(raw, FREQ_DAYS[freq], customer, rename)


def _stream(src: EngineSource, rows: Any, batch_rows: int) -> Iterator[pd.DataFrame]:
    if src.engine != "pyspark":
        try:   # DuckDB 2.0 streams through its relation API (ibis' to_pyarrow_batches fails there)
            reader = (rows.get_backend().con.sql(str(rows.compile())).to_arrow_reader(batch_rows)
                      if src.engine == "duckdb" else rows.to_pyarrow_batches(chunk_size=batch_rows))
        except Exception as exc:  # engine errors -> one line, as EngineSource.run
            raise InputError(f"{src.name}: the {src.engine} engine failed: {first_line(exc)}; fix: check the "
                             "column types and values") from exc
        for batch in reader:
            yield batch.to_pandas()
        return
    n = int(src.run(rows.count()))
    k = max(1, -(-n // batch_rows))
    # hash buckets of about batch_rows customers; hash() is an int32, pmod keeps buckets >= 0
    cached = rows.mutate(bucket=((rows.c.hash() % k) + k) % k).cache()
    try:
        for i in range(k):
            part = src.run(cached.filter(cached.bucket == i).drop("bucket"))
            if len(part):
                yield part
    finally:
        cached.release()


def _scorable(raw: pd.DataFrame, unit: float, customer: str, rename: Callable[[Any], str] | None) -> pd.DataFrame:
    """Day counts to ``freq`` units and the mean repeat value, exactly as customer_summary does."""
    frequency = raw["x"].astype("int64").to_numpy()
    repeat_value = raw["repeat_value"].astype("float64").to_numpy()
    ids = raw["c"] if rename is None else raw["c"].map(rename)
    out = pd.DataFrame({
        "frequency": frequency, "recency": raw["rec"].astype("float64").to_numpy() / unit,
        "T": raw["age"].astype("float64").to_numpy() / unit,
        "monetary_value": np.where(frequency > 0, repeat_value / np.clip(frequency, 1, None), 0.0),
    }, index=pd.Index(ids.to_numpy(), name=customer))
    return out.sort_index()


def score_chunks(transaction_model: Any, spend_model: GammaGammaFit, batches: Iterable[pd.DataFrame], *,
                 months: int = 12, discount_rate: float = 0.01, margin: float = 1.0,
                 freq: Freq = "W") -> Iterator[pd.DataFrame]:
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


@dataclass(frozen=True)
class RemoteClv:
    """BG/NBD and Gamma-Gamma fitted on what the engine sent back, and the scoring of every customer.

    Attributes
    ----------
    bgnbd : BgNbdFit
        Fitted on ``patterns`` (its ``history`` is the patterns, not the customers).
    gamma_gamma : GammaGammaFit or None
        Fitted on the repeat customers' ``(frequency, monetary_value)`` (``spend_model_error``
        says why it is None: no CLV then, P(alive) still in :meth:`p_alive`).
    patterns : DataFrame
        :func:`customer_patterns`.
    n_customers : int
    observation_end, freq, months, discount_rate, margin
        As given.
    batches : callable
        ``batches(batch_rows)``: :func:`customer_batches` of the same source and options.
    spend_model_error : str or None
        Why there is no spend model.
    """

    bgnbd: BgNbdFit
    gamma_gamma: GammaGammaFit | None
    patterns: pd.DataFrame
    n_customers: int
    observation_end: dt.date
    freq: str
    months: int
    discount_rate: float
    margin: float
    batches: Callable[[int], Iterator[pd.DataFrame]] = field(repr=False)
    spend_model_error: str | None = None

    def scores(self, batch_rows: int = 1_000_000) -> Iterator[pd.DataFrame]:
        """Per customer ``expected_purchases``, ``expected_spend``, ``p_alive`` and ``clv``
        (:func:`clv`), a batch of at most ``batch_rows`` customers at a time, streamed from the
        engine on each call. Without a spend model: the batches' ``p_alive`` only."""
        for batch in self.batches(batch_rows):
            if self.gamma_gamma is None:
                yield pd.DataFrame({"p_alive": self.bgnbd.p_alive(batch["frequency"], batch["recency"],
                                                                 batch["T"])}, index=batch.index)
            else:
                yield clv(self.bgnbd, self.gamma_gamma, batch, months=self.months,
                          discount_rate=self.discount_rate, margin=self.margin, freq=self.freq)


def remote_clv(tx: Any, *, customer: str = "customer_id", date: str = "date", amount: str = "amount",
               observation_end: Any, freq: Freq = "W", months: int = 12, discount_rate: float = 0.01,
               margin: float = 1.0, order_id: str | None = None, returns: Literal["net", "drop"] = "net",
               table: str | None = None, con: Any | None = None) -> RemoteClv:
    """CLV and P(alive) for more customers than fit in memory: the summary stays in the engine.

    BG/NBD is fitted on the ``(x, t_x, T)`` pattern counts collapsed in the engine
    (:func:`customer_patterns`), Gamma-Gamma on the repeat customers' ``(x, m)`` (an id and two
    numbers a repeat customer); :meth:`RemoteClv.scores` then streams the customers and scores them in
    batches. The fits equal :func:`fit_bgnbd` / :func:`fit_gamma_gamma` on the full
    :func:`customer_summary`, and the concatenated scores equal :func:`clv` on it.

    Parameters
    ----------
    tx : as :func:`customer_summary` (an ibis table of any backend, a frame, a path, a URL), or a
        :class:`~kamreport.value.analysis.RemoteTransactions` (``data.transactions.engine: spark``;
        its canonical columns are used and its ``rename`` maps the ids of the scores)
    customer, date, amount, order_id, returns, table, con : as :func:`customer_summary`
    observation_end : the end of the period fitted and scored (required)
    freq, months, discount_rate, margin : as :func:`clv`

    Returns
    -------
    RemoteClv

    Examples
    --------
    >>> tx = pd.read_csv("../shared/reference/cdnow/CDNOW_sample.txt", sep=r"\\s+", header=None,
    ...                  names=["master_id", "customer_id", "date", "cds", "amount"])
    >>> tx["date"] = pd.to_datetime(tx["date"].astype(str))
    >>> out = remote_clv(tx, observation_end="1997-09-30")
    >>> round(out.bgnbd.params["r"], 3), round(out.gamma_gamma.params["p"], 2), out.n_customers
    (0.243, 6.25, 2357)
    >>> sum(len(part) for part in out.scores(batch_rows=1000))
    2357
    """
    from kamreport.value.analysis import RemoteTransactions

    rename = None
    if isinstance(tx, RemoteTransactions):
        tx, rename = tx.table, tx.rename
        customer, date, amount = "customer_id", "date", "amount"
    obs = _options(observation_end, freq, returns, "remote_clv")
    kw = dict(customer=customer, date=date, amount=amount, order_id=order_id, table=table, con=con)
    patterns = customer_patterns(tx, observation_end=obs, freq=freq, returns=returns, **kw)
    bg = fit_bgnbd_patterns(patterns)
    with engine_transactions(tx, **kw) as src:
        rows = _customers(src, obs, order_id, returns)
        spend = src.run(rows.filter(rows.x > 0).select("c", "x", "repeat_value"))
    # in customer order, as customer_summary's rows: the fit's start (the mean spend) and its
    # summation order then match, and so does the optimum (else it moves within tol, ~1e-7)
    spend = spend.sort_values("c", kind="stable")
    x = spend["x"].astype("int64")
    repeaters = pd.DataFrame({"frequency": x, "monetary_value": spend["repeat_value"].astype("float64") / x})
    gg, error = None, None
    try:
        gg = fit_gamma_gamma(repeaters)
    except KamreportError as exc:   # as analyse_value: CLV left out, never invented
        error = str(exc)

    def batches(batch_rows: int) -> Iterator[pd.DataFrame]:
        return customer_batches(tx, observation_end=obs, freq=freq, returns=returns, batch_rows=batch_rows,
                                rename=rename, **kw)

    return RemoteClv(bgnbd=bg, gamma_gamma=gg, patterns=patterns, n_customers=int(patterns["n_customers"].sum()),
                     observation_end=obs, freq=freq, months=months, discount_rate=discount_rate, margin=margin,
                     spend_model_error=error, batches=batches)


__all__ = ["RemoteClv", "customer_batches", "customer_patterns", "fit_bgnbd_patterns", "remote_clv",
           "score_chunks"]
