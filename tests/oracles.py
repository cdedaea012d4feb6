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
