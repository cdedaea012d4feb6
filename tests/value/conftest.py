"""Fixtures of the customer-value tests: CDNOW as a frame, and a real PostgreSQL server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

PG_BIN = Path("/usr/lib/postgresql/15/bin")


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


@dataclass(frozen=True)
class PostgresServer:
    """A throw-away PostgreSQL server: its URL and the file its statements are logged to."""

    url: str
    log: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """Start PostgreSQL 15 on a free 127.0.0.1 port with trust auth; stop it and remove its dir.

    ``initdb`` and ``pg_ctl`` refuse to run as root, so as root they run through
    ``runuser -u postgres --`` in a temporary directory owned by postgres. Every statement is
    logged (``log_statement=all``) so tests can check what the server was asked.
    """
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        pytest.skip(f"PostgreSQL binaries not found in {PG_BIN} (install postgresql-15)")
    as_root = os.geteuid() == 0
    if as_root and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL")
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    root = Path(tempfile.mkdtemp(prefix="kamreport-pg-"))
    if as_root:
        shutil.chown(root, user="postgres", group="postgres")
    data, log = root / "data", root / "server.log"
    port = _free_port()

    def run(*args: str) -> None:
        subprocess.run([*prefix, *args], check=True, capture_output=True, text=True, timeout=120)

    started = False
    try:
        run(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--no-locale")
        options = (f"-p {port} -h 127.0.0.1 -k {root} -c log_statement=all "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        run(str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w",
            "-t", "60", "start")
        started = True
        yield PostgresServer(f"postgresql://postgres@127.0.0.1:{port}/postgres", log)
    finally:
        if started:
            run(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)
