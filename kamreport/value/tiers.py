"""The customer pyramid's tiers: the default shares and the one check of a tier table.

Kept free of pandas so that parameter files (:mod:`kamreport.params`) validate tiers with the
same rule as :func:`kamreport.value.rfm.pyramid` without loading the analysis stack.
"""

from __future__ import annotations

from collections.abc import Mapping

from kamreport.errors import InputError

#: The 80/20 pyramid of key-account management: 1 % VIP, 4 % key, 15 % ordinary, 80 % small.
DEFAULT_TIERS: dict[str, float] = {"VIP": 0.01, "Key": 0.04, "Ordinary": 0.15, "Small": 0.80}


def check_tiers(tiers: Mapping[str, float], tol: float = 1e-9) -> dict[str, float]:
    """``tiers`` (name -> share of customers, top-down) as a dict; else a one-line InputError.

    Examples
    --------
    >>> check_tiers({"Top": 0.2, "Rest": 0.8})
    {'Top': 0.2, 'Rest': 0.8}
    >>> check_tiers({"Top": 0.2, "Rest": 0.7})
    Traceback (most recent call last):
    ...
    kamreport.errors.InputError: tier shares {'Top': 0.2, 'Rest': 0.7} must be positive and sum to 1 (sum 0.9); fix: e.g. {'VIP': 0.01, 'Key': 0.04, 'Ordinary': 0.15, 'Small': 0.8}
    """
    tiers = dict(tiers)
    shares = [float(v) for v in tiers.values()]
    if not shares or any(not v > 0 for v in shares) or abs(sum(shares) - 1) > tol:
        raise InputError(f"tier shares {tiers} must be positive and sum to 1 (sum {sum(shares):.6g}); "
                         f"fix: e.g. {DEFAULT_TIERS}")
    return tiers
