"""Reading and validating input data (knows nothing of parameter files; see kamreport.inputs).

The names below are imported on first use: ``kamreport.data.<module>`` then costs only that
module's imports (a report that reads no survey does not import pandera).
"""

from __future__ import annotations

import importlib

_API = {"Codebook": "schemas", "read_survey": "readers", "read_transactions": "readers"}
__all__ = list(_API)


def __getattr__(name: str):
    if name in _API:
        return getattr(importlib.import_module(f"kamreport.data.{_API[name]}"), name)
    raise AttributeError(f"module 'kamreport.data' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
