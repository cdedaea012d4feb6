"""Customer value: customer summary, RFM, pyramid, concentration, BG/NBD + Gamma-Gamma CLV."""

from __future__ import annotations

import importlib

_API = {
    "customer_summary": "summary",
    "SummaryResult": "summary",
    "rfm_scores": "rfm",
    "pyramid": "rfm",
    "tier_profile": "rfm",
    "tier_migration": "rfm",
    "concentration": "concentration",
    "abc_classes": "concentration",
    "fit_bgnbd": "clv",
    "fit_pareto_nbd": "clv",
    "fit_gamma_gamma": "clv",
    "clv": "clv",
    "holdout_table": "clv",
}

__all__ = sorted(_API)


def __getattr__(name: str):
    # Lazy, so that the light parts (rfm) do not pay for the heavy imports of others.
    if name in _API:
        module = importlib.import_module(f"{__name__}.{_API[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
