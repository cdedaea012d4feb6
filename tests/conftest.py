"""Shared fixtures: where the reference data lives (``../shared/reference`` from the repo root)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

#: The only reasons a test may be skipped (regular expressions on the skip reason). Anything else
#: skipped fails the run: a missing Debian package, server or import must not turn tests into
#: silent skips. ``make test`` installs everything, so in CI nothing at all is skipped.
ALLOWED_SKIPS = (
    r"optional oracle \S+ is not installed",   # tests/oracles.py: a reference package is missing
)


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


class SkipGuard:
    """Fails the run when anything (test, doctest, module) was skipped outside ALLOWED_SKIPS.

    A registered plugin, not conftest hooks: those would see only the tests below tests/, not
    the package's doctests.
    """

    def __init__(self) -> None:
        self.skipped: list[tuple[str, str]] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.skipped and not hasattr(report, "wasxfail"):
            self.skipped.append((report.nodeid, _skip_reason(report)))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.skipped:
            self.skipped.append((report.nodeid, _skip_reason(report)))

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        bad = [(node, why) for node, why in self.skipped
               if not any(re.search(p, why) for p in ALLOWED_SKIPS)]
        if not bad:
            return
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"FAILED: {len(bad)} skipped outside the allow-list "
                                "(tests/conftest.py ALLOWED_SKIPS):", red=True)
            for node, why in bad[:20]:
                reporter.write_line(f"  {node}: {why}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(SkipGuard(), "kamreport-skip-guard")

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "reference"
# the newest installed PostgreSQL (Debian 12 ships 15, Debian 13 ships 17)
PG_BIN = max(Path("/usr/lib/postgresql").glob("*/bin"), default=Path("/usr/lib/postgresql/15/bin"),
             key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """Folder of the published reference data sets (mobi, cdnow)."""
    if not REFERENCE.is_dir():
        pytest.fail(f"reference data not found at {REFERENCE}: clone the repo beside shared/")
    return REFERENCE


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
    """Start PostgreSQL on a free 127.0.0.1 port with trust auth; stop it and remove its dir.

    ``initdb`` and ``pg_ctl`` refuse to run as root, so as root they run through
    ``runuser -u postgres --`` in a temporary directory owned by postgres. Every statement is
    logged (``log_statement=all``) so tests can check what the server was asked.
    """
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        pytest.skip(f"PostgreSQL binaries not found in {PG_BIN} (apt-get install postgresql; make test does)")
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
