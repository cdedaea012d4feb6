"""The survey's service-quality blocks in one call: SERVQUAL gaps and customer delivered value,
from what the codebook declares (``servqual:``, ``delivered_value:``); a block the codebook does
not declare is skipped with its reason, never required.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kamreport.data.schemas import Codebook
from kamreport.satisfaction.delivered import DeliveredValueResult, delivered_value
from kamreport.satisfaction.servqual import ServqualResult, servqual_gaps


@dataclass(frozen=True)
class ServiceAnalysis:
    """SERVQUAL gaps and delivered value (None where the codebook declares no such block)."""

    servqual: ServqualResult | None
    delivered: DeliveredValueResult | None
    skipped: dict[str, str] = field(default_factory=dict)


def analyse_service(survey: pd.DataFrame | None, codebook: Codebook | None, *, segment: str | None = None,
                    account: str | None = None, confidence: float = 0.95) -> ServiceAnalysis:
    """SERVQUAL gaps by dimension and segment, delivered value by account and segment.

    Parameters
    ----------
    survey, codebook : the validated survey and its codebook (None: both parts skipped)
    segment : a survey column for the per-segment tables (ignored when absent)
    account : the survey's account column (delivered value per account; ignored when absent)
    confidence : level of the confidence intervals

    Returns
    -------
    ServiceAnalysis

    Examples
    --------
    >>> cb = Codebook.model_validate({"scale": {"min": 1, "max": 7}, "items": {"Q1": {"construct": "S"}}})
    >>> analyse_service(pd.DataFrame({"Q1": [1, 2]}), cb).skipped["servqual"]
    'the codebook declares no SERVQUAL pairs (servqual:)'
    """
    if survey is None or codebook is None:
        reason = "no survey in this parameter set"
        return ServiceAnalysis(None, None, {"servqual": reason, "delivered": reason})
    skipped: dict[str, str] = {}
    seg = segment if segment and segment in survey.columns else None
    acc = account if account and account in survey.columns else None
    sq = dv = None
    pairs = codebook.servqual_pairs()
    if pairs:
        scale = codebook.servqual.scale
        sq = servqual_gaps(survey, pairs, segment=seg, scale=(scale.min, scale.max), confidence=confidence)
    else:
        skipped["servqual"] = "the codebook declares no SERVQUAL pairs (servqual:)"
    value, cost = codebook.value_components(), codebook.cost_components()
    if value and cost:
        scale = codebook.delivered_value.scale
        dv = delivered_value(survey, value, cost, scale=(scale.min, scale.max), account=acc, segment=seg,
                             confidence=confidence)
    else:
        skipped["delivered"] = "the codebook declares no delivered-value items (delivered_value: value and cost)"
    return ServiceAnalysis(sq, dv, skipped)


__all__ = ["ServiceAnalysis", "analyse_service"]
