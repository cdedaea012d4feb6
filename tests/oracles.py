"""Optional test oracles: reference implementations a test compares against.

``optional("seminr")`` returns the module, or a stand-in that skips the one test that touches
it (with the reason :data:`ORACLE_SKIP`), so that tests in the same file that need no oracle
still run. Skips are allowed only for the reasons in ``conftest.ALLOWED_SKIPS``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest

ORACLE_SKIP = "optional oracle {name} is not installed"


class _Missing:
    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str):
        pytest.skip(ORACLE_SKIP.format(name=self._name) + " (pip install -e '.[test]')")


def optional(name: str) -> ModuleType:
    """The oracle module ``name``, or a stand-in whose first use skips the calling test."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return _Missing(name)  # type: ignore[return-value]


#: The extended corporate-reputation model of Hair et al.'s PLS-SEM primer (seminr's
#: ``corp_rep_data``): four formative drivers of two reflective reputation constructs.
CORP_REP_EXTENDED = """
QUAL <~ qual_1 + qual_2 + qual_3 + qual_4 + qual_5 + qual_6 + qual_7 + qual_8
PERF <~ perf_1 + perf_2 + perf_3 + perf_4 + perf_5
CSOR <~ csor_1 + csor_2 + csor_3 + csor_4 + csor_5
ATTR <~ attr_1 + attr_2 + attr_3
COMP =~ comp_1 + comp_2 + comp_3
LIKE =~ like_1 + like_2 + like_3
CUSA =~ cusa
CUSL =~ cusl_1 + cusl_2 + cusl_3
COMP ~ QUAL + PERF + CSOR + ATTR
LIKE ~ QUAL + PERF + CSOR + ATTR
CUSA ~ COMP + LIKE
CUSL ~ COMP + LIKE + CUSA
"""
