"""The time units of a customer summary: the one table of them (``freq`` D, W, M).

Recency, T and the CLV horizon are counted in these units; :mod:`kamreport.report.labels`
holds their words.
"""

from __future__ import annotations

from kamreport.errors import InputError

#: days per time unit of a customer summary; M is the mean month (365.25 / 12 days)
FREQ_DAYS: dict[str, float] = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}


def check_freq(freq: str, caller: str) -> float:
    """Days per unit of ``freq``; an unknown unit raises a one-line InputError naming ``caller``.

    Examples
    --------
    >>> check_freq("W", "clv")
    7.0
    """
    if freq not in FREQ_DAYS:
        raise InputError(f"{caller}: freq={freq!r} is not one of {', '.join(FREQ_DAYS)} (the summary's time "
                         "unit); fix: pass freq='W'")
    return FREQ_DAYS[freq]
