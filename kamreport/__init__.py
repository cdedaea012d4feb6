"""kamreport — survey analysis and reporting for key-account management.

The public API lives in three subpackages (see README "API in ten lines")::

    from kamreport.data import Codebook, read_survey, read_transactions
    from kamreport.satisfaction import ecsi, fit_pls, fit_cbsem, quality, index_scores, ipma
    from kamreport.value import customer_summary, pyramid, concentration, fit_bgnbd, fit_gamma_gamma, clv

They are importable from here too (``kamreport.fit_pls``), loaded on first use so that
``import kamreport`` stays cheap for the command line.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBPACKAGES = ("data", "satisfaction", "value")
_ERRORS = ("KamreportError", "InputError", "ModelError", "ConvergenceError", "RenderError")


def __getattr__(name: str):
    if name in _ERRORS:
        return getattr(importlib.import_module("kamreport.errors"), name)
    if name == "Params":
        return importlib.import_module("kamreport.params").Params
    for sub in _SUBPACKAGES:
        module = importlib.import_module(f"kamreport.{sub}")
        if name in getattr(module, "__all__", ()):
            return getattr(module, name)
    raise AttributeError(f"module 'kamreport' has no attribute {name!r}")
