"""Satisfaction structure: ACSI-style models estimated by PLS-SEM and CB-SEM."""

from __future__ import annotations

import importlib

_API = {
    "ModelSpec": "spec",
    "Construct": "spec",
    "acsi": "presets",
    "ecsi": "presets",
    "ccsi": "presets",
    "fit_pls": "pls",
    "PlsResult": "pls",
    "fit_cbsem": "cbsem",
    "CbsemResult": "cbsem",
    # the module is "measurement", not "quality": a submodule named like a function would
    # replace that function on the package as soon as it is imported
    "quality": "measurement",
    "QualityResult": "measurement",
    "Thresholds": "measurement",
    "index_scores": "index",
    "index_change": "index",
    "ipma": "importance",
    "modification_indices": "modindices",
    "measurement_invariance": "invariance",
    "InvarianceResult": "invariance",
    "pls_predict": "predict",
    "PredictResult": "predict",
    "pls_mga": "mga",
    "MgaResult": "mga",
    "micom": "compositeinvariance",
    "MicomResult": "compositeinvariance",
    # SERVQUAL gaps and customer delivered value (issue 14)
    "servqual_gaps": "servqual",
    "ServqualResult": "servqual",
    "delivered_value": "delivered",
    "DeliveredValueResult": "delivered",
}

__all__ = sorted(_API)


def __getattr__(name: str):
    # Lazy: importing kamreport.satisfaction stays cheap (no semopy import until fit_cbsem is used).
    if name in _API:
        module = importlib.import_module(f"{__name__}.{_API[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
