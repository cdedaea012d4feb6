"""How ``run --jobs N`` shares a batch: this process runs reports beside ``N - 1`` workers."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import kamreport.report.batch as batch
from kamreport.report.render import ReportOutcome


@dataclass
class _Params:
    name: str
    source: str = "p.yaml"

    def model_dump(self, mode: str = "json") -> dict:
        return {"name": self.name}


@dataclass
class _Folder:
    run_dir: str = "/nowhere"


class _Bar:
    def __init__(self) -> None:
        self.n = 0

    def update(self) -> None:
        self.n += 1


def _tasks(n: int) -> list[tuple]:
    folder = _Folder()
    return [(_Params(f"p{i}"), "nb", folder, {"digest": str(i)}) for i in range(n)]


def _fake_reports(monkeypatch, seconds: float = 0.02) -> list[tuple[str, str, bool]]:
    """``run_report`` that notes (report, thread, warm_next) and takes ``seconds``."""
    ran: list[tuple[str, str, bool]] = []

    def run_report(p, nb, run_dir, *, run_id="", warm_next=False):
        ran.append((p.name, threading.current_thread().name, warm_next))
        time.sleep(seconds)
        return ReportOutcome(name=f"{p.name}-{nb}", notebook=nb, params_file=p.source, status="ok")

    monkeypatch.setattr(batch, "run_report", run_report)
    return ran


def _recorder() -> tuple[list, object]:
    recorded: list = []
    return recorded, lambda f, outcome, p, fp: recorded.append((outcome.name, outcome.status, fp["digest"]))


def test_this_process_and_the_workers_each_take_the_next_report_longest_first(monkeypatch):
    ran = _fake_reports(monkeypatch)
    recorded, record = _recorder()
    bar = _Bar()
    with ThreadPoolExecutor(1, thread_name_prefix="worker") as pool:    # a worker, in a thread
        batch._share(_tasks(8), pool, 2, "r", record, bar)
    assert sorted(name for name, *_ in ran) == [f"p{i}" for i in range(8)]      # each once
    threads = {thread for _, thread, _ in ran}
    assert threading.main_thread().name in threads and any(t.startswith("worker") for t in threads)
    assert [name for name, *_ in ran[:2]] in (["p0", "p1"], ["p1", "p0"])     # the queue's head first
    warm = {name: w for name, _, w in ran}
    assert [warm[f"p{i}"] for i in range(8)] == [True] * 6 + [False] * 2     # no kernel for nothing
    assert sorted(recorded) == sorted((f"p{i}-nb", "ok", str(i)) for i in range(8)) and bar.n == 8


def test_a_dead_worker_fails_its_report_and_the_rest_run_here(monkeypatch):
    ran = _fake_reports(monkeypatch)
    recorded, record = _recorder()

    class DeadPool:
        def submit(self, fn, *args):
            future: Future = Future()
            future.set_exception(BrokenProcessPool("A process in the process pool was terminated abruptly"))
            return future

    batch._share(_tasks(5), DeadPool(), 2, "r", record, _Bar())
    failed = [r for r in recorded if r[1] == "failed"]
    assert len(failed) == 1 and len(recorded) == 5              # every report has its entry
    assert {thread for _, thread, _ in ran} == {threading.main_thread().name} and len(ran) == 4


def test_an_interrupted_batch_hands_the_workers_nothing_more(monkeypatch):
    """Ctrl-C in this process's report: the worker finishes the report it has, takes no other."""
    started = threading.Event()

    def run_report(p, nb, run_dir, *, run_id="", warm_next=False):
        started.wait(5)
        raise KeyboardInterrupt

    handed: list[str] = []

    class Pool:
        def submit(self, fn, p, *args):
            handed.append(p.name)
            started.set()
            time.sleep(0.05)
            future: Future = Future()
            future.set_result(ReportOutcome(name=p.name, notebook="nb", params_file="", status="ok"))
            return future

    monkeypatch.setattr(batch, "run_report", run_report)
    recorded, record = _recorder()
    try:
        batch._share(_tasks(6), Pool(), 2, "r", record, _Bar())
    except KeyboardInterrupt:
        pass
    else:
        raise AssertionError("the interrupt was swallowed")
    assert len(handed) <= 2 and len(recorded) == len(handed)
