"""Customer lifetime value from a transaction model (BG/NBD or Pareto/NBD) and a spend model.

The two verbs that take fitted models: :func:`clv` and :func:`holdout_table`. The models live
in their own modules (:mod:`~kamreport.value.bgnbd`, :mod:`~kamreport.value.paretonbd`,
:mod:`~kamreport.value.gammagamma`, sharing :mod:`~kamreport.value.mle` and
:mod:`~kamreport.value.patterns`). The module is not named ``clv``: a submodule named like a
function of the package would replace that function on ``kamreport.value`` once imported.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from kamreport.errors import InputError, ModelError
from kamreport.value.bgnbd import BgNbdFit
from kamreport.value.gammagamma import GammaGammaFit
from kamreport.value.paretonbd import ParetoNbdFit
from kamreport.value.patterns import collapse, validate_summary
from kamreport.value.timeunits import FREQ_DAYS, check_freq

__all__ = ["TransactionFit", "clv", "holdout_table"]

TransactionFit = BgNbdFit | ParetoNbdFit


def _check_transaction_model(model: object, caller: str) -> None:
    if not isinstance(model, (BgNbdFit, ParetoNbdFit)):
        raise InputError(
            f"{caller}: transaction model must come from fit_bgnbd or fit_pareto_nbd, "
            f"got {type(model).__name__}"
        )


def clv(
    transaction_model: TransactionFit,
    spend_model: GammaGammaFit,
    summary: pd.DataFrame,
    *,
    months: int = 12,
    discount_rate: float = 0.01,
    margin: float = 1.0,
    freq: Literal["D", "W", "M"] = "W",
) -> pd.DataFrame:
    """Discounted expected margin of each customer over the next ``months`` months.

    With tau one month in the summary's time unit (365.25/12 days), E[Y(t)] the transaction
    model's conditional expected repeat purchases in (T, T+t] and E[M] the spend model's
    conditional expected spend per purchase,

        CLV = margin * E[M] * sum_{k=1..months} (E[Y(k tau)] - E[Y((k-1) tau)]) / (1 + d)^k,

    a discrete, monthly version of the discounted expected residual transactions (DERT) of
    Fader, Hardie & Lee (2005, JMR), as in lifetimes' ``customer_lifetime_value`` (which takes a
    month as 4.345 weeks = 30.4 days; here it is 30.44 days for every ``freq``).

    Parameters
    ----------
    transaction_model : BgNbdFit or ParetoNbdFit
        Fitted on customers measured in the same ``freq`` as ``summary``.
    spend_model : GammaGammaFit
        Fitted spend model.
    summary : DataFrame
        Customers to value: ``frequency``, ``recency``, ``T``, ``monetary_value``.
    months : int, default 12
        Horizon in months (>= 1).
    discount_rate : float, default 0.01
        Monthly discount rate d (> -1; 0.01 is about 12.7 % a year).
    margin : float, default 1.0
        Share of spend that is profit (1 = value in revenue terms).
    freq : {"D", "W", "M"}, default "W"
        Time unit of ``summary`` (the ``freq`` given to :func:`customer_summary`).

    Returns
    -------
    DataFrame
        Per customer (summary index): ``expected_purchases`` (undiscounted, over the horizon),
        ``expected_spend`` (per purchase), ``p_alive`` and ``clv``.

    Raises
    ------
    InputError
        Bad summary or arguments.
    ModelError
        The spend model has q <= 1 (infinite mean spend).

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves for
    customer base analysis. *Journal of Marketing Research* 42(4), 415-430 (DERT, eq. 4).
    Gupta, S. et al. (2006). Modeling customer lifetime value. *Journal of Service Research*
    9(2), 139-155 (CLV as discounted margins).

    Examples
    --------
    >>> import pandas as pd
    >>> from kamreport.value import customer_summary
    >>> tx = pd.read_csv("../shared/reference/cdnow/CDNOW_sample.txt", sep=r"\\s+", header=None,
    ...                  names=["master_id", "customer_id", "date", "cds", "amount"])
    >>> tx["date"] = pd.to_datetime(tx["date"].astype(str))
    >>> summary = customer_summary(tx, observation_end="1997-09-30", holdout_end="1998-06-30")
    >>> from kamreport.value import fit_bgnbd, fit_gamma_gamma
    >>> bg, gg = fit_bgnbd(summary), fit_gamma_gamma(summary)
    >>> clv(bg, gg, summary, months=12, discount_rate=0.01).round(2).head(2)
                 expected_purchases  expected_spend  p_alive    clv
    customer_id
    1                          1.56           24.65     0.73  36.30
    2                          0.26           18.91     0.21   4.64
    """
    _check_transaction_model(transaction_model, "clv")
    if not isinstance(spend_model, GammaGammaFit):
        raise InputError(f"clv: spend model must come from fit_gamma_gamma, got {type(spend_model).__name__}")
    check_freq(freq, "clv")
    if isinstance(months, bool) or not isinstance(months, (int, np.integer)) or months < 1:
        raise InputError(f"clv: months must be a whole number >= 1, got {months!r}")
    if not np.isfinite(discount_rate) or discount_rate <= -1:
        raise InputError(f"clv: discount_rate must be > -1 (a monthly rate like 0.01), got {discount_rate!r}")
    if not np.isfinite(margin):
        raise InputError(f"clv: margin must be a finite number, got {margin!r}")
    if spend_model.params["q"] <= 1:
        raise ModelError(
            f"clv: the spend model has q = {spend_model.params['q']:.3g} <= 1, so mean spend is "
            "infinite; check monetary_value for outliers"
        )
    cols = validate_summary(summary, ("frequency", "recency", "T", "monetary_value"), model="clv")
    x, tx, big_t = cols["frequency"], cols["recency"], cols["T"]
    (ux, utx, ut), _, inverse = collapse(x, tx, big_t, return_inverse=True)
    month = FREQ_DAYS["M"] / FREQ_DAYS[freq]
    previous = np.zeros(ux.size)
    discounted = np.zeros(ux.size)
    for k in range(1, int(months) + 1):
        cumulative = np.asarray(
            transaction_model.conditional_expected_purchases(k * month, ux, utx, ut), dtype=np.float64
        )
        discounted += (cumulative - previous) / (1.0 + discount_rate) ** k
        previous = cumulative
    alive = np.asarray(transaction_model.p_alive(ux, utx, ut), dtype=np.float64)
    spend = np.asarray(spend_model.conditional_expected_spend(x, cols["monetary_value"]), dtype=np.float64)
    return pd.DataFrame(
        {
            "expected_purchases": previous[inverse],
            "expected_spend": spend,
            "p_alive": alive[inverse],
            "clv": margin * spend * discounted[inverse],
        },
        index=summary.index,
    )


def holdout_table(fit: TransactionFit, summary: pd.DataFrame, *, max_frequency: int = 7) -> pd.DataFrame:
    """Actual vs. predicted holdout purchases by calibration frequency ("conditional expectations").

    Customers are grouped by their calibration ``frequency`` (0, 1, ..., ``max_frequency``+); per
    group the table gives the mean number of repeat purchases actually made in the holdout period
    and the mean predicted by ``fit.conditional_expected_purchases(holdout_T, ...)`` — the check of
    Fader, Hardie & Lee (2005, Marketing Science, Figure 5) for BG/NBD and Pareto/NBD.

    Parameters
    ----------
    fit : BgNbdFit or ParetoNbdFit
        Fitted on the calibration period.
    summary : DataFrame
        From ``customer_summary(..., holdout_end=...)``: ``frequency``, ``recency``, ``T``,
        ``holdout_frequency`` and ``holdout_T`` (holdout length, same unit as T).
    max_frequency : int, default 7
        Last group, holding every customer with at least this many calibration repeat purchases.

    Returns
    -------
    DataFrame
        Index ``frequency`` ("0", ..., "7+", then "all"); columns ``n_customers``,
        ``actual_mean``, ``predicted_mean``, ``actual_total``, ``predicted_total``.

    Raises
    ------
    InputError
        Missing holdout columns (call customer_summary with ``holdout_end=``) or bad values.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). Counting your customers the easy way.
    *Marketing Science* 24(2), 275-284, section 4 and Figure 5.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamreport.value import customer_summary
    >>> tx = pd.read_csv("../shared/reference/cdnow/CDNOW_sample.txt", sep=r"\\s+", header=None,
    ...                  names=["master_id", "customer_id", "date", "cds", "amount"])
    >>> tx["date"] = pd.to_datetime(tx["date"].astype(str))
    >>> summary = customer_summary(tx, observation_end="1997-09-30", holdout_end="1998-06-30")
    >>> from kamreport.value import fit_bgnbd
    >>> table = holdout_table(fit_bgnbd(summary), summary)
    >>> table.loc["all", ["n_customers", "actual_total"]].tolist()
    [2357.0, 1882.0]
    """
    _check_transaction_model(fit, "holdout_table")
    if (isinstance(max_frequency, bool) or not isinstance(max_frequency, (int, np.integer))
            or max_frequency < 1):
        raise InputError(f"holdout_table: max_frequency must be a whole number >= 1, got {max_frequency!r}")
    needed = ("frequency", "recency", "T", "holdout_frequency", "holdout_T")
    if any(c not in getattr(summary, "columns", ()) for c in needed[3:]):
        raise InputError(
            "holdout_table: summary lacks 'holdout_frequency'/'holdout_T'; build it with "
            "customer_summary(..., holdout_end=...)"
        )
    cols = validate_summary(summary, needed, model="holdout_table")
    x = cols["frequency"]
    predicted = np.asarray(
        fit.conditional_expected_purchases(cols["holdout_T"], x, cols["recency"], cols["T"]),
        dtype=np.float64,
    )
    labels = [str(k) for k in range(max_frequency)] + [f"{max_frequency}+"]
    group = np.minimum(x, max_frequency).astype(np.int64)
    frame = pd.DataFrame({"group": group, "actual": cols["holdout_frequency"], "predicted": predicted})
    table = frame.groupby("group").agg(
        n_customers=("actual", "size"),
        actual_mean=("actual", "mean"),
        predicted_mean=("predicted", "mean"),
        actual_total=("actual", "sum"),
        predicted_total=("predicted", "sum"),
    )
    table = table.reindex(range(max_frequency + 1))
    table["n_customers"] = table["n_customers"].fillna(0).astype(np.int64)
    table.index = pd.Index(labels, name="frequency")
    total = pd.DataFrame(
        {
            "n_customers": [len(frame)],
            "actual_mean": [frame["actual"].mean()],
            "predicted_mean": [frame["predicted"].mean()],
            "actual_total": [frame["actual"].sum()],
            "predicted_total": [frame["predicted"].sum()],
        },
        index=pd.Index(["all"], name="frequency"),
    )
    return pd.concat([table, total])

