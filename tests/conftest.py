"""Shared fixtures: where the reference data lives (``../shared/reference`` from the repo root)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "reference"


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """Folder of the published reference data sets (mobi, cdnow)."""
    if not REFERENCE.is_dir():
        pytest.fail(f"reference data not found at {REFERENCE}: clone the repo beside shared/")
    return REFERENCE
