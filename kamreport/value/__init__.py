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

# A function named like its module ("concentration", "clv") is bound eagerly: once a submodule
# is imported, Python sets the package attribute of that name to the module, which would shadow
# a lazily exported function. Importing them here first makes the function win in any order.
for _name in ("concentration", "clv"):
    try:
        globals()[_name] = getattr(importlib.import_module(f"{__name__}.{_name}"), _name)
    except ModuleNotFoundError:  # pragma: no cover - a module not yet written
        pass
del _name


def __getattr__(name: str):
    # Lazy, so that the light parts (rfm) do not pay for the heavy imports of others.
    if name in _API:
        module = importlib.import_module(f"{__name__}.{_API[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
