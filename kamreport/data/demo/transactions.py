"""Demo transactions: BG/NBD purchase days, Gamma-Gamma day values, order lines and a little dirt.

Per account (weeks as the time unit): purchase rate ``lambda ~ Gamma(r, alpha)``, dropout
probability ``p ~ Beta(a, b)`` (ranked by the account's survey loyalty effect through a Gaussian
copula, so its marginal stays Beta and it stays independent of ``lambda``), spend rate
``nu ~ Gamma(q, v)``; the three are drawn by stratified sampling (one draw per 1/n quantile
interval), so their sample distributions follow the true ones closely. The first purchase day
falls in the cohort weeks; after it, each day is a purchase day with probability ``lambda / 7``
(a Bernoulli process: waits are >= 1 day, so purchase days are distinct, and average
``1 / lambda`` weeks as in BG/NBD), and after every repeat purchase day the account drops out
with probability ``p``. Each purchase day's value is ``Gamma(p_gg, nu)`` CNY, split into order
lines (rows).

References
----------
Fader, Hardie & Lee (2005), "Counting your customers the easy way", Marketing Science 24(2).
Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves", JMR 42(4) (Gamma-Gamma).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from kamreport.data.demo.accounts import AccountDraw
from kamreport.data.demo.truth import (INDUSTRIES, MARGIN_CLASSES, MARGIN_RATES, PRODUCT_LINES, PRODUCT_MARGIN_OFFSETS,
                                       PRODUCT_MIX, DemoTruth)

MAX_DAILY_PROBABILITY = 0.95   # cap of lambda / 7 (lambda >= 6.65 a week: P = 0.003 at the defaults)


@dataclass(frozen=True)
class TransactionDraw:
    """The transaction table plus what generated it."""

    frame: pd.DataFrame          # order_id, account_id, order_date, amount, product_line, margin_class
    account_truth: pd.DataFrame  # per account: lambda_week, dropout_p, nu, first/last purchase, alive ...
    per_account: pd.DataFrame    # per account: first_purchase, revenue, high_margin_revenue (clean rows)
    n_purchase_days: int
    n_order_lines: int           # positive order lines (before dirt)


def _stratified(rng: np.random.Generator, n: int, order: np.ndarray | None = None) -> np.ndarray:
    """Stratified uniforms: one in each interval [i/n, (i+1)/n), in random order or in the order of ``order``.

    Passed through a quantile function they give a sample whose empirical distribution follows
    the true one closely (Latin-hypercube style), so the account-level truth also holds in sample.
    """
    rank = rng.permutation(n) if order is None else np.argsort(np.argsort(order, kind="stable"), kind="stable")
    return (rank + rng.random(n)) / n


def _purchase_days(truth: DemoTruth, lam: np.ndarray, dropout: np.ndarray, rng: np.random.Generator
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Account index and day index of every purchase day (sorted), and alive-at-end flags."""
    n, n_days = lam.size, truth.n_days
    first = rng.integers(0, 7 * truth.cohort_weeks, n)
    # repeat purchases until dropout (the last one is followed by death); more than n_days
    # cannot fall in the window because purchase days are >= 1 day apart
    until_death = np.minimum(rng.geometric(dropout), n_days)
    owner = np.repeat(np.arange(n), until_death)
    # days to the next purchase day: geometric with daily probability lambda / 7 (a Bernoulli
    # process, the day-level analogue of a Poisson process with lambda per week), via ceil(Exp)
    daily = -np.log1p(-np.minimum(lam[owner] / 7.0, MAX_DAILY_PROBABILITY))
    waits = rng.exponential(1.0, owner.size) / np.maximum(daily, 1e-12)
    gaps = np.minimum(np.ceil(waits), n_days + 1).astype(np.int64)
    total = np.cumsum(gaps)
    starts = np.r_[0, np.cumsum(until_death)[:-1]]
    before = np.r_[0, total][starts]
    day = first[owner] + total - np.repeat(before, until_death)
    inside = day < n_days
    repeats = np.bincount(owner[inside], minlength=n)
    alive = repeats < until_death
    account = np.r_[np.arange(n), owner[inside]]
    days = np.r_[first, day[inside]]
    order = np.lexsort((days, account))
    return account[order], days[order], alive


def _split_lines(cents: np.ndarray, n_lines: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Split each day's value (integer cents) into ``n_lines`` positive lines that sum exactly."""
    line_day = np.repeat(np.arange(cents.size), n_lines)
    weight = rng.gamma(1.5, 1.0, line_day.size) + 0.2
    share = weight / np.bincount(line_day, weight)[line_day]
    line_cents = np.maximum(np.floor(cents[line_day] * share).astype(np.int64), 1)
    rest = cents - np.bincount(line_day, line_cents, minlength=cents.size).astype(np.int64)
    largest = np.lexsort((line_cents, line_day))[np.cumsum(n_lines) - 1]
    line_cents[largest] += rest
    return line_day, line_cents


def _categories(rng: np.random.Generator, cumulative: np.ndarray) -> np.ndarray:
    """One draw per row from the row's cumulative probabilities."""
    return (rng.random(len(cumulative))[:, None] >= cumulative[:, :-1]).sum(axis=1)


def draw_transactions(truth: DemoTruth, draw: AccountDraw, rng: np.random.Generator) -> TransactionDraw:
    """Generate the order lines of all accounts, with the documented returns, zeros and duplicates.

    Parameters
    ----------
    truth : the demo's parameters
    draw : accounts (their industry, loyalty effect and margin propensity are used)
    rng : the generator of this part

    Returns
    -------
    TransactionDraw; ``frame`` has exactly ``truth.n_transactions_target`` rows whenever the
    target exceeds the number of purchase days plus the dirt rows (else one line per day).
    """
    n = truth.n_accounts
    ids = draw.frame["account_id"].to_numpy()
    lam = special.gammaincinv(truth.bgnbd_r, _stratified(rng, n)) / truth.bgnbd_alpha
    rho = truth.loyalty_dropout_correlation
    loyalty = draw.survey_effects[:, truth.construct_names.index("Loyalty")]
    z = -rho * loyalty + np.sqrt(1.0 - rho**2) * rng.standard_normal(n)
    dropout = special.betaincinv(truth.bgnbd_a, truth.bgnbd_b, _stratified(rng, n, order=z))
    nu = special.gammaincinv(truth.gg_q, _stratified(rng, n)) / truth.gg_v
    account, day, alive = _purchase_days(truth, lam, dropout, rng)
    n_days = day.size

    dirt = truth.n_returns + truth.n_zero_amount + truth.n_duplicates
    n_lines_total = max(truth.n_transactions_target - dirt, n_days)
    value = rng.gamma(truth.gg_p, 1.0 / nu[account])
    # extra lines in proportion to the day's value, so a line is worth about the same everywhere
    n_lines = 1 + rng.multinomial(n_lines_total - n_days, value / value.sum())
    cents = np.maximum(np.round(value * 100).astype(np.int64), n_lines)   # >= 1 cent a line
    line_day, line_cents = _split_lines(cents, n_lines, rng)
    line_account = account[line_day]

    industry_index = pd.Index([zh for zh, _, _ in INDUSTRIES]).get_indexer(draw.frame["industry"])
    mix = np.cumsum(np.asarray(PRODUCT_MIX), axis=1)[industry_index]
    product = _categories(rng, mix[line_account])
    p_high, p_mid = (np.array([row[k] for row in PRODUCT_LINES]) for k in (2, 3))
    high = special.expit(special.logit(p_high[product]) + draw.margin_propensity[line_account])
    mid = (1.0 - high) * p_mid[product] / (1.0 - p_high[product])
    margin = _categories(rng, np.column_stack([high, high + mid, np.ones_like(high)]))

    # zero-amount rows (free samples) on existing purchase days
    zero_day = rng.choice(n_days, truth.n_zero_amount, replace=False)
    zero_product = _categories(rng, mix[account[zero_day]])
    rows = pd.DataFrame({
        "account": np.r_[line_account, account[zero_day]],
        "day": np.r_[day[line_day], day[zero_day]],
        "cents": np.r_[line_cents, np.zeros(zero_day.size, np.int64)],
        "product": np.r_[product, zero_product],
        "margin": np.r_[margin, np.full(zero_day.size, 2)],
        "tiebreak": rng.random(line_day.size + zero_day.size),
    }).sort_values(["day", "account", "tiebreak"], kind="stable", ignore_index=True)
    rows["order_id"] = [f"SO{i + 1:07d}" for i in range(len(rows))]
    # returns: part of an order line credited on the same day; duplicates: exact copies
    positive = np.flatnonzero(rows["cents"].to_numpy() > 0)
    returned = rows.iloc[np.sort(rng.choice(positive, truth.n_returns, replace=False))].copy()
    returned["cents"] = -np.maximum(np.round(returned["cents"] * rng.uniform(0.1, 1.0, len(returned))), 1)
    returned["order_id"] = [f"RT{i + 1:06d}" for i in range(len(returned))]
    copies = rows.iloc[np.sort(rng.choice(positive, truth.n_duplicates, replace=False))]
    rows = pd.concat([rows, returned, copies], ignore_index=True).sort_values(
        ["day", "account", "order_id"], kind="stable", ignore_index=True)

    start = np.datetime64(truth.start_date, "D")
    frame = pd.DataFrame({
        "order_id": rows["order_id"].astype(str),
        "account_id": ids[rows["account"].to_numpy()].astype(str),
        "order_date": pd.to_datetime(start + rows["day"].to_numpy().astype("timedelta64[D]")),
        "amount": rows["cents"].to_numpy(np.int64) / 100.0,
        "product_line": np.array([zh for zh, *_ in PRODUCT_LINES])[rows["product"].to_numpy()],
        "margin_class": np.array([zh for zh, _ in MARGIN_CLASSES])[rows["margin"].to_numpy()],
    })

    revenue = np.bincount(line_account, line_cents, minlength=n) / 100.0
    high_revenue = np.bincount(line_account, np.where(margin == 0, line_cents, 0), minlength=n) / 100.0
    first_day = day[np.searchsorted(account, np.arange(n), side="left")]   # every account has a day
    last_day = day[np.searchsorted(account, np.arange(n), side="right") - 1]
    calibration_days = (truth.calibration_end - truth.start_date).days + 1
    account_truth = pd.DataFrame({
        "account_id": ids,
        "lambda_week": lam,
        "dropout_p": dropout,
        "nu": nu,
        "mean_day_value": truth.gg_p / nu,
        "first_purchase": pd.to_datetime(start + first_day.astype("timedelta64[D]")),
        "last_purchase": pd.to_datetime(start + last_day.astype("timedelta64[D]")),
        "n_purchase_days": np.bincount(account, minlength=n),
        "n_calibration_days": np.bincount(account[day < calibration_days], minlength=n),
        "alive_at_end": alive,
    })
    per_account = pd.DataFrame({"first_purchase": account_truth["first_purchase"].to_numpy(),
                                "revenue": revenue, "high_margin_revenue": high_revenue},
                               index=pd.Index(ids, name="account_id"))
    return TransactionDraw(frame, account_truth, per_account, int(n_days), int(line_cents.size))


# --- issue 14: which product lines an account buys; margin and cost to serve per order line ---------
#: P(account buys software licences); P(cloud | software), P(cloud | no software); P(maintenance)
P_SOFTWARE, P_CLOUD_WITH, P_CLOUD_WITHOUT, P_MAINTENANCE = 0.30, 0.75, 0.06, 0.65
#: the line an order of a product line the account does not buy is booked under instead
SUBSTITUTE: dict[int, int] = {2: 0, 3: 1, 4: 5}
ORDER_COST, COST_RATE = 120.0, 0.02      # cost to serve of a line: (ORDER_COST + COST_RATE * |amount|) * factor
LOSS_DISCOUNT, LOSS_COST_RATE = 0.12, 0.30   # the planted loss-making accounts: discount off the margin
                                             # rate, extra cost to serve per CNY of amount
N_LOSS_MAKING = 12


def buying_lines(accounts: pd.Series, rng: np.random.Generator) -> dict[str, frozenset[str]]:
    """The product lines each account buys: servers, networking and spare parts always; software
    with :data:`P_SOFTWARE`; cloud mostly with software (lift of about 2.8 at the account level);
    maintenance with :data:`P_MAINTENANCE`."""
    names = [zh for zh, *_ in PRODUCT_LINES]
    ids = list(map(str, accounts))
    software = rng.random(len(ids)) < P_SOFTWARE
    cloud = rng.random(len(ids)) < np.where(software, P_CLOUD_WITH, P_CLOUD_WITHOUT)
    maintenance = rng.random(len(ids)) < P_MAINTENANCE
    out = {}
    for a, s, c, m in zip(ids, software, cloud, maintenance):
        out[a] = frozenset(names[i] for i, keep in ((0, True), (1, True), (2, s), (3, c), (4, m), (5, True)) if keep)
    return out


def book_lines(transactions: pd.DataFrame, buys: dict[str, frozenset[str]]) -> pd.DataFrame:
    """Order lines of a product line the account does not buy booked under its substitute
    (:data:`SUBSTITUTE`): a function of (account, product line) only, so duplicates stay exact."""
    names = [zh for zh, *_ in PRODUCT_LINES]
    substitute = {names[k]: names[v] for k, v in SUBSTITUTE.items()}
    bought = np.array([p in buys.get(a, frozenset(names)) for a, p in
                       zip(transactions["account_id"], transactions["product_line"])], dtype=bool)
    product = transactions["product_line"].where(bought, transactions["product_line"].map(substitute))
    return transactions.assign(product_line=product)


def profit_columns(transactions: pd.DataFrame, accounts: pd.DataFrame, loss_making, rng: np.random.Generator
                   ) -> pd.DataFrame:
    """``margin`` and ``cost_to_serve`` (CNY, to the cent) of every order line.

    margin = amount * (rate of the margin class + product-line offset + order noise N(0, 0.02));
    cost to serve = (ORDER_COST + COST_RATE * |amount|) * (0.5 + 0.25 * service_demand), also for
    returns and free samples. The ``loss_making`` accounts get LOSS_DISCOUNT off their margin rate
    and LOSS_COST_RATE * |amount| more cost to serve (deep discounts, heavy service): negative profit.
    Noise is drawn per order id, so exact duplicate rows stay exact duplicates.
    """
    codes, _ = pd.factorize(transactions["order_id"], sort=True)
    noise = rng.normal(0.0, 0.02, codes.max() + 1 if len(codes) else 0)[codes]
    classes = pd.Index([zh for zh, _ in MARGIN_CLASSES]).get_indexer(transactions["margin_class"])
    lines = pd.Index([zh for zh, *_ in PRODUCT_LINES]).get_indexer(transactions["product_line"])
    loss = transactions["account_id"].isin(set(loss_making)).to_numpy()
    rate = np.asarray(MARGIN_RATES)[classes] + np.asarray(PRODUCT_MARGIN_OFFSETS)[lines] + noise
    rate = rate - LOSS_DISCOUNT * loss
    amount = transactions["amount"].to_numpy(float)
    demand = transactions["account_id"].map(accounts.set_index("account_id")["service_demand"]).to_numpy(float)
    cost = (ORDER_COST + COST_RATE * np.abs(amount)) * (0.5 + 0.25 * demand) + LOSS_COST_RATE * np.abs(amount) * loss
    return transactions.assign(margin=np.round(amount * rate, 2), cost_to_serve=np.round(cost, 2))


def pick_loss_making(transactions: pd.DataFrame, taken: set[str], rng: np.random.Generator) -> tuple[str, ...]:
    """Larger accounts (revenue rank 5-40 %) outside ``taken``: the planted loss-making ones."""
    revenue = transactions[transactions["amount"] > 0].groupby("account_id")["amount"].sum()
    ranked = revenue.sort_values(ascending=False).index
    pool = sorted(a for a in ranked[int(0.05 * len(ranked)): int(0.4 * len(ranked))] if a not in taken)
    return tuple(sorted(map(str, rng.choice(pool, size=min(N_LOSS_MAKING, len(pool)), replace=False))))
