"""Fixtures of the customer-value tests: CDNOW as a frame (the PostgreSQL server is in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

def read_cdnow(path: Path) -> pd.DataFrame:
    """CDNOW_sample.txt (whitespace-separated, no header; columns in its README) as a frame."""
    df = pd.read_csv(path, sep=r"\s+", header=None, dtype={2: str},
                     names=["master_id", "customer_id", "date", "cds", "amount"])
    df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
    return df


@pytest.fixture(scope="session")
def cdnow(reference_dir: Path) -> pd.DataFrame:
    """The 6,919 CDNOW transactions (Fader, Hardie & Lee 2005 sample)."""
    return read_cdnow(reference_dir / "cdnow" / "CDNOW_sample.txt")
