"""Many reports in one run: every (parameter set, notebook) pair, in parallel, failure-isolated.

A run writes ``<out>/<run_id>/`` with the reports, ``manifest.json`` (one entry per report:
parameter file, status, error, failing cell, durations, output paths — rewritten atomically after
each report, so it is current even if the run is killed) and ``index.html`` linking them all.
One failing report never loses the others.
"""

from __future__ import annotations

import html
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import kamreport
from kamreport.errors import InputError
from kamreport.params import Params
from kamreport.report.render import ReportOutcome, atomic_write, run_report


@dataclass(frozen=True)
class BatchResult:
    run_id: str
    run_dir: Path
    outcomes: tuple[ReportOutcome, ...]

    @property
    def ok(self) -> bool:
        return all(o.status == "ok" for o in self.outcomes)

    @property
    def failed(self) -> tuple[ReportOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status != "ok")


def collect_params(paths: list[str | Path]) -> list[Params]:
    """Parameter sets from files and folders (every ``*.yaml``/``*.yml`` in a folder), validated.

    All are validated before anything runs, so a typo in one file stops the run with exit code 2
    and nothing written.
    """
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted([*p.glob("*.yaml"), *p.glob("*.yml")]) if p.is_dir() else [p])
    if not files:
        raise InputError(f"no parameter files (*.yaml) in {', '.join(map(str, paths))}; pass files or a folder holding them")
    return [Params.from_file(f) for f in files]


def new_run_id() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def _worker(params: Params, notebook: str, run_dir: str, run_id: str) -> ReportOutcome:
    # Two processes on two cores must not each start a BLAS thread pool per core.
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["MKL_NUM_THREADS"] = "1"
    return run_report(params, notebook, Path(run_dir), run_id=run_id)


def run_batch(params_list: list[Params], *, out_dir: str | Path | None = None, jobs: int = 1,
              run_id: str | None = None, progress: bool = True) -> BatchResult:
    """Run every notebook of every parameter set; write manifest and index as reports finish."""
    run_id = run_id or new_run_id()
    base = Path(out_dir) if out_dir else Path(params_list[0].resolve(params_list[0].output.dir))
    run_dir = base / run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    tasks = [(p, nb) for p in params_list for nb in p.notebooks]
    outcomes: list[ReportOutcome] = []
    started = datetime.now()

    def record(outcome: ReportOutcome) -> None:
        outcomes.append(outcome)
        write_manifest(run_dir, run_id, started, outcomes, total=len(tasks))

    from rich.progress import Progress

    with Progress(disable=not progress, transient=False) as bar:
        task = bar.add_task(f"reports → {run_dir}", total=len(tasks))
        if jobs <= 1 or len(tasks) == 1:
            for p, nb in tasks:
                record(run_report(p, nb, run_dir, run_id=run_id))
                bar.advance(task)
        else:
            # spawn, not fork: a forked child inherits the parent's ZeroMQ state and can abort
            with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
                futures = {pool.submit(_worker, p, nb, str(run_dir), run_id): (p, nb) for p, nb in tasks}
                for fut in as_completed(futures):
                    p, nb = futures[fut]
                    try:
                        record(fut.result())
                    except Exception as exc:  # a worker that died still gets its manifest entry
                        record(ReportOutcome(name=f"{p.name}-{nb}", notebook=nb, params_file=p.source,
                                             status="failed", error=f"{type(exc).__name__}: {exc}",
                                             params=p.model_dump(mode="json")))
                    bar.advance(task)
    order = {(p.source, nb): i for i, (p, nb) in enumerate(tasks)}
    outcomes.sort(key=lambda o: order.get((o.params_file, o.notebook), 0))
    write_manifest(run_dir, run_id, started, outcomes, total=len(tasks))
    write_index(run_dir, run_id, outcomes)
    _point_latest(base, run_id)
    return BatchResult(run_id, run_dir, tuple(outcomes))


def _point_latest(base: Path, run_id: str) -> None:
    """``<out>/latest`` -> the newest run folder (replaced atomically)."""
    tmp = base / f".latest-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(run_id, target_is_directory=True)
    os.replace(tmp, base / "latest")


def write_manifest(run_dir: Path, run_id: str, started: datetime, outcomes: list[ReportOutcome],
                   *, total: int) -> Path:
    manifest = {
        "run_id": run_id, "kamreport_version": kamreport.__version__,
        "started": started.isoformat(timespec="seconds"),
        "updated": datetime.now().isoformat(timespec="seconds"),
        "total": total, "ok": sum(o.status == "ok" for o in outcomes),
        "failed": sum(o.status != "ok" for o in outcomes),
        "reports": [_relative(o.as_dict(), run_dir) for o in outcomes],
    }
    return atomic_write(run_dir / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))


def _relative(entry: dict, run_dir: Path) -> dict:
    entry["outputs"] = {k: os.path.relpath(v, run_dir) for k, v in entry["outputs"].items()}
    return entry


def write_index(run_dir: Path, run_id: str, outcomes: list[ReportOutcome]) -> Path:
    """A plain, self-contained page linking every report of the run, failures flagged."""
    rows = []
    for o in outcomes:
        links = " · ".join(
            f'<a href="{html.escape(os.path.relpath(path, run_dir))}">{kind.upper()}</a>'
            for kind, path in o.outputs.items() if kind in ("html", "pdf")
        )
        status = '<span class="ok">ok</span>' if o.status == "ok" else '<span class="bad">failed</span>'
        error = html.escape(o.error or "")
        rows.append(f"<tr><td>{html.escape(o.name)}</td><td>{status}</td><td>{links}</td>"
                    f"<td>{o.durations.get('execute', '')}</td><td>{error}</td></tr>")
    page = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>kamreport run {html.escape(run_id)}</title><style>
body{{font-family:"Noto Sans CJK SC",Arial,sans-serif;max-width:980px;margin:24px auto;color:#1f2933}}
table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #d9e2ec;padding:6px 8px;text-align:left}}
th{{background:#f0f4f8}}.ok{{color:#1b7f3b;font-weight:600}}.bad{{color:#b42318;font-weight:600}}
</style></head><body><h1>kamreport · 报告运行 Run {html.escape(run_id)}</h1>
<p>{sum(o.status == 'ok' for o in outcomes)} / {len(outcomes)} reports written · kamreport {kamreport.__version__}</p>
<table><tr><th>报告 Report</th><th>状态 Status</th><th>文件 Files</th><th>执行秒 Run s</th><th>错误 Error</th></tr>
{''.join(rows)}</table></body></html>"""
    return atomic_write(run_dir / "index.html", page)
