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
    # modules are not named like their functions ("lorenz", not "concentration"; "lifetime",
    # not "clv"): importing a submodule sets the package attribute of its name to the module,
    # which would shadow a function of the same name
    "concentration": "lorenz",
    "Concentration": "lorenz",
    "abc_classes": "lorenz",
    "fit_bgnbd": "bgnbd",
    "BgNbdFit": "bgnbd",
    "fit_pareto_nbd": "paretonbd",
    "ParetoNbdFit": "paretonbd",
    "fit_gamma_gamma": "gammagamma",
    "GammaGammaFit": "gammagamma",
    "clv": "lifetime",
    "holdout_table": "lifetime",
}

__all__ = sorted(_API)

def __getattr__(name: str):
    # Lazy, so that the light parts (rfm) do not pay for the heavy imports of others.
    if name in _API:
        module = importlib.import_module(f"{__name__}.{_API[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
