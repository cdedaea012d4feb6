"""Many reports in one run: every (parameter set, notebook) pair, checked first, in parallel,
failure-isolated, and skipped when nothing it depends on has changed.

A run writes, into each parameter set's own ``output.dir`` (or ``--out``), ``<dir>/<run_id>/``
with the reports, ``manifest.json`` (one entry per report: the parameter set with URL passwords
masked, status, error, failing cell, durations, output paths, page count, input fingerprints —
rewritten atomically after each report, so it is current even if the run is killed),
``index.html`` linking them all and ``run.log``. One failing report never loses the others.

Statuses: ``ok``; ``unchanged`` (parameters, input files, notebook, template and package
version equal those of the last successful run in the same folder: its files are linked, not
re-made; ``force=True`` re-runs); ``invalid`` (the parameters or the data fail the checks of
``kamreport validate``: nothing written for it); ``failed`` (the notebook or the conversion
failed: the executed notebook is kept as ``.failed.ipynb``).
"""

from __future__ import annotations

import collections
import contextlib
import functools
import hashlib
import html
import json
import logging
import multiprocessing
import math
import os
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import kamreport
from kamreport.data.sources import redact_url
from kamreport.errors import InputError, KamreportError, first_line
from kamreport.params import Params
from kamreport.report.labels import both
from kamreport.report import kernels
from kamreport.report.render import (NOTEBOOK_DIR, TEMPLATE_DIR, ReportOutcome, atomic_write, close_browser, close_kernels,
                                     kernel_name, run_report, warm_up)

LOG = logging.getLogger("kamreport.run")


@dataclass(frozen=True)
class Refusal:
    """A parameter file (or one of its parameter sets) refused before anything ran."""

    source: str
    error: str
    params: Params | None = None


@dataclass(frozen=True)
class BatchResult:
    run_id: str
    run_dirs: tuple[Path, ...]
    outcomes: tuple[ReportOutcome, ...]

    @property
    def run_dir(self) -> Path:
        return self.run_dirs[0]

    @property
    def ok(self) -> bool:
        return all(o.status in ("ok", "unchanged") for o in self.outcomes)

    @property
    def failed(self) -> tuple[ReportOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status not in ("ok", "unchanged"))

    @property
    def exit_code(self) -> int:
        """2 when any input was refused, else 1 when any report failed, else 0."""
        if any(o.status == "invalid" for o in self.outcomes):
            return 2
        return 0 if self.ok else 1


def collect_params(paths: list[str | Path]) -> list[Params]:
    """Parameter sets from files and folders (every ``*.yaml``/``*.yml`` in a folder), validated
    and expanded by their ``matrix``; the first bad file raises :class:`InputError`."""
    params, refused = gather_params(paths)
    if refused:
        raise InputError(refused[0].error)
    return params


def gather_params(paths: list[str | Path]) -> tuple[list[Params], list[Refusal]]:
    """Like :func:`collect_params`, but a bad file is returned as a :class:`Refusal`."""
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted([*p.glob("*.yaml"), *p.glob("*.yml")]) if p.is_dir() else [p])
    if not files:
        raise InputError(f"no parameter files (*.yaml) in {', '.join(map(str, paths))}; pass files or a folder holding them")
    params, refused = [], []
    for f in files:
        try:
            params.extend(Params.from_file(f).expand())
        except InputError as exc:
            refused.append(Refusal(str(f), str(exc)))
    return params, refused


def check(params_list: list[Params], summaries: list[str] | None = None) -> tuple[list[Params], list[Refusal]]:
    """Every check of ``kamreport validate`` on each parameter set; the refused ones apart.
    Each input file is read once for all of them (:func:`~kamreport.inputs.remembered_reads`).
    ``summaries`` (when given) receives, per accepted set, the line ``kamreport validate`` prints."""
    from kamreport.inputs import check_inputs, remembered_reads

    ready, refused = [], []
    with remembered_reads():
        for p in params_list:
            try:
                inputs = check_inputs(p)
                ready.append(p)
            except KamreportError as exc:
                refused.append(Refusal(p.source, str(exc), p))
                continue
            if summaries is not None:
                summaries.append(check_summary(p, inputs))
    return ready, refused


def check_summary(params: Params, inputs) -> str:
    """``ok  <file>: <source> <n> rows, ... — <cleaning notes>`` of a parameter set that passed."""
    from kamreport.inputs import cleaning_notes

    summary = ", ".join(f"{r.source} {r.rows} rows" for r in inputs.describe().itertuples())
    notes = cleaning_notes(inputs)
    variant = f" [{params.variant}]" if params.variant else ""
    return f"ok  {params.source}{variant}: {summary or 'no data sources'}" + (f" — {notes}" if notes else "")


def new_run_id() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def _worker_start(pdf: bool) -> None:
    """A worker's first moments, while the parent still checks the inputs: its kernel starts and
    imports, its HTML converter loads and its Chromium boots (:func:`render.warm_up`)."""
    # Two processes on two cores must not each start a BLAS thread pool per core.
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    with contextlib.suppress(Exception):   # a warm-up that fails costs time in the report, not the pool
        warm_up(pdf)


def _started() -> None:
    """A task that only makes the pool start a worker (whose initializer warms it)."""


def _worker(params: Params, notebook: str, run_dir: str, run_id: str, warm_next: bool) -> ReportOutcome:
    return run_report(params, notebook, Path(run_dir), run_id=run_id, warm_next=warm_next)


@dataclass
class _Folder:
    """One output folder of the run: its reports, manifest and index."""

    base: Path
    run_dir: Path
    outcomes: list[ReportOutcome] = field(default_factory=list)
    total: int = 0


def run_batch(params_list: list[Params], *, out_dir: str | Path | None = None, jobs: int = 1,
              run_id: str | None = None, progress: bool = True, force: bool = False,
              refused: list[Refusal] | None = None) -> BatchResult:
    """Check, then run every notebook of every parameter set; write manifests and indexes as
    reports finish. Parameter sets that fail the checks are recorded as ``invalid``.

    Reports whose fingerprint equals the last successful run's are linked, not checked or run.
    While the others' inputs are checked, the kernels, converters and browsers that will run
    them are already starting, in this process and, for ``jobs > 1``, in ``jobs - 1`` workers
    (this process runs reports too: :func:`_share`).
    """
    run_id = run_id or new_run_id()

    def base_of(p: Params) -> Path:
        return (Path(out_dir) if out_dir else Path(p.resolve(p.output.dir))).resolve()

    # what can be linked from the last run needs no check: its inputs are those checked then
    previous: dict[Path, dict[str, dict]] = {}
    fingerprints: dict[tuple[int, str], dict] = {}
    reusable: dict[tuple[int, str], dict] = {}
    for p in params_list:
        base = base_of(p)
        if base not in previous:
            previous[base] = {} if force else _last_entries(base)
        for nb in p.notebooks:
            fingerprints[id(p), nb] = fp = fingerprint_of(p, nb)
            last = previous[base].get(f"{p.name}-{nb}")
            if last and fp["digest"] is not None and last.get("fingerprint") == fp["digest"]:
                reusable[id(p), nb] = last
    unchanged = {id(p) for p in params_list if all((id(p), nb) in reusable for nb in p.notebooks)}
    to_check = [p for p in params_list if id(p) not in unchanged]
    to_run = sum(1 for p in to_check for nb in p.notebooks if (id(p), nb) not in reusable)
    with contextlib.ExitStack() as stack:
        pool, pdf = None, any("pdf" in p.output.formats for p in to_check)
        if to_run:   # one server forks every kernel of the run, warmed for its notebooks (workers too)
            stack.callback(kernels.close_servers)
            kernels.share(kernel_name(), [NOTEBOOK_DIR / f"{nb}.ipynb" for nb in
                                          dict.fromkeys(nb for p in to_check for nb in p.notebooks)], to_check)
        if to_run > 1 and jobs > 1:
            # this process runs reports too (its imports, converter and Chromium serve them);
            # jobs - 1 workers run the others. Spawn, not fork: a forked child inherits the
            # parent's ZeroMQ state and can abort
            helpers = min(jobs, to_run) - 1
            pool = stack.enter_context(ProcessPoolExecutor(
                max_workers=helpers, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_start,
                initargs=(pdf,)))
            for _ in range(helpers):
                pool.submit(_started)
        if to_run:
            warm_up(pdf)
        stack.callback(close_kernels)      # this process's spare kernels and Chromium, also on errors
        stack.callback(close_browser)      # (workers close theirs at exit)
        summaries: list[str] = []
        checked, invalid = check(to_check, summaries)
        ok = {id(p) for p in checked} | unchanged
        ready = [p for p in params_list if id(p) in ok]
        invalid = [*(refused or []), *invalid]
        if not ready:
            raise InputError(invalid[0].error if invalid else "no parameter sets to run")
        costs = {base: _last_costs(base) for base in {base_of(p) for p in ready}}

        def cost(task) -> float | None:  # (params, notebook, ...) -> seconds in the last run, else the notebook's hint
            by_name, by_notebook = costs[base_of(task[0])]
            return by_name.get(f"{task[0].name}-{task[1]}", by_notebook.get(task[1], cost_hint(task[1])))

        return _run(params_list, ready, invalid, fingerprints, reusable, base_of, run_id, pool, jobs, progress,
                    cost=cost, checked=summaries)


def _run(params_list, ready, invalid, fingerprints, reusable, base_of, run_id, pool, jobs, progress,  # noqa: PLR0913
         cost=lambda task: None, checked: tuple[str, ...] | list[str] = ()) -> BatchResult:
    """The run itself, once the parameter sets are checked (see :func:`run_batch`)."""
    folders: dict[Path, _Folder] = {}

    def folder_of(p: Params) -> _Folder:
        base = base_of(p)
        if base not in folders:
            folders[base] = _Folder(base, base / run_id)
            folders[base].run_dir.mkdir(parents=True, exist_ok=True)
        return folders[base]

    for base in {base_of(p) for p in ready}:
        writable(base)

    tasks = [(p, nb, folder_of(p)) for p in ready for nb in p.notebooks]
    for refusal in invalid:
        target = folder_of(refusal.params) if refusal.params else folder_of(ready[0])
        names = refusal.params.notebooks if refusal.params else ("",)
        for nb in names:
            name = f"{refusal.params.name}-{nb}" if refusal.params else Path(refusal.source).stem
            target.outcomes.append(ReportOutcome(name=name, notebook=nb, params_file=refusal.source,
                                                 status="invalid", error=refusal.error,
                                                 params=_masked(refusal.params.model_dump(mode="json"))
                                                 if refusal.params else {}))
    for f in folders.values():
        f.total = len(f.outcomes) + sum(1 for _, _, g in tasks if g is f)
    started = datetime.now()
    handlers = [_log_to(f.run_dir / "run.log") for f in folders.values()]
    LOG.info("run %s: %d report(s), %d refused, jobs=%d", run_id, len(tasks), len(invalid), jobs)
    for line in checked:  # what `kamreport validate` would have printed, for whoever reads the log
        LOG.info("%s", line)

    for f in folders.values():
        for o in f.outcomes:
            LOG.error("invalid %s: %s", o.name, o.error)

    def record(f: _Folder, outcome: ReportOutcome, params: Params, fingerprint: dict) -> None:
        outcome = replace(outcome, params=_masked(outcome.params), inputs=fingerprint.get("inputs", {}),
                          fingerprint=fingerprint.get("digest"), pages=_pages(outcome.outputs.get("pdf")))
        f.outcomes.append(outcome)
        LOG.log(logging.INFO if outcome.status in ("ok", "unchanged") else logging.ERROR, "%s %s%s",
                outcome.status, outcome.name, f": {outcome.error}" if outcome.error else "")
        write_manifest(f.run_dir, run_id, started, f.outcomes, total=f.total)

    try:
        pending = []
        for p, nb, f in tasks:
            fingerprint = fingerprints[id(p), nb]
            if (id(p), nb) in reusable:
                record(f, _reuse(reusable[id(p), nb], f, p, nb), p, fingerprint)
            else:
                pending.append((p, nb, f, fingerprint))
        bar = _progress(len(pending), progress)
        if pool is None or len(pending) <= 1:
            for i, (p, nb, f, fp) in enumerate(pending):
                record(f, run_report(p, nb, f.run_dir, run_id=run_id, warm_next=i < len(pending) - 1), p, fp)
                bar.update()
        else:
            _share(longest_first(pending, cost), pool, jobs, run_id, record, bar)
        bar.close()
        order = {f"{p.name}-{nb}": i for i, (p, nb) in enumerate((p, nb) for p in params_list
                                                                  for nb in p.notebooks)}
        for f in folders.values():
            f.outcomes.sort(key=lambda o: order.get(o.name, -1))
            write_manifest(f.run_dir, run_id, started, f.outcomes, total=f.total)
            write_index(f.run_dir, run_id, f.outcomes)
            _point_latest(f.base, run_id)
        LOG.info("run %s finished", run_id)
    finally:
        for handler in handlers:
            LOG.removeHandler(handler)
            handler.close()
    return BatchResult(run_id, tuple(f.run_dir for f in folders.values()),
                       tuple(o for f in folders.values() for o in f.outcomes))


def _share(pending: list, pool: ProcessPoolExecutor, jobs: int, run_id: str, record, bar) -> None:
    """Run ``pending`` (longest first) in this process and in the pool's workers at once: each
    takes the next report as it finishes one, so the reports end together. This process is one
    of the ``jobs``: a worker of its own would import, warm a converter and start a Chromium
    again (~3 CPU-s on two cores that are already busy). A report starts the next one's kernel
    while it runs, but for the last ones. A worker that dies fails its report; the others then
    run here."""
    queue, lock = collections.deque(pending), threading.Lock()

    def take() -> tuple | None:
        with lock:
            return (queue.popleft(), len(queue) >= jobs) if queue else None

    def done(task: tuple, outcome: ReportOutcome) -> None:
        with lock:
            record(task[2], outcome, task[0], task[3])
            bar.update()

    def failed(task: tuple, exc: BaseException) -> ReportOutcome:
        p, nb = task[0], task[1]
        return ReportOutcome(name=f"{p.name}-{nb}", notebook=nb, params_file=p.source, status="failed",
                             error=f"{type(exc).__name__}: {first_line(exc)}", params=p.model_dump(mode="json"))

    def serve(run: Callable[[tuple, bool], ReportOutcome]) -> None:   # here, or in a feeder thread per worker
        while (got := take()) is not None:
            task, warm = got
            try:
                outcome = run(task, warm)
            except BrokenProcessPool as exc:    # the worker died: its report fails, the rest run here
                done(task, failed(task, exc))
                return
            except Exception as exc:    # noqa: BLE001 - a report that cannot come back still gets its entry
                outcome = failed(task, exc)
            done(task, outcome)

    def in_worker(task: tuple, warm: bool) -> ReportOutcome:   # one report at a time
        return pool.submit(_worker, task[0], task[1], str(task[2].run_dir), run_id, warm).result()

    feeders = [threading.Thread(target=serve, args=(in_worker,), name=f"kam-feed-{i}", daemon=True)
               for i in range(min(jobs, len(pending)) - 1)]
    for thread in feeders:
        thread.start()
    try:
        serve(lambda task, warm: run_report(task[0], task[1], task[2].run_dir, run_id=run_id, warm_next=warm))
    finally:
        with lock:           # interrupted: the workers finish what they run and take nothing more
            queue.clear()
        for thread in feeders:
            thread.join()


def writable(folder: Path) -> None:
    """Refuse (exit 2, nothing written) an output folder that cannot be created or written."""
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise InputError(f"{folder}: output folder cannot be written ({exc.strerror or exc}); choose another "
                         "--out or output.dir") from None


def _progress(total: int, enabled: bool):  # noqa: ANN202 - tqdm type
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="reports", unit="report", disable=not enabled)


def _log_to(path: Path) -> logging.Handler:
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    LOG.addHandler(handler)
    LOG.setLevel(logging.INFO)
    LOG.propagate = False
    return handler


def _masked(value):
    """A parameter dump with every URL's password masked (recursively)."""
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return redact_url(value) if isinstance(value, str) and "://" in value else value


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in 4 MiB blocks; once per file, size and mtime in a process (a
    batch names the same inputs in many parameter sets and notebooks)."""
    stat = path.stat()
    return _digest(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _digest(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 22):
            h.update(block)
    return h.hexdigest()


def _tree_digest(folder: Path, pattern: str = "*") -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts):
        h.update(path.relative_to(folder).as_posix().encode())
        h.update(file_digest(path).encode())
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 over the package's own modules (names and contents): an edited module of an
    editable install changes what a report computes without changing the version."""
    return _tree_digest(Path(kamreport.__file__).parent, "*.py")


def fingerprint_of(params: Params, notebook: str) -> dict:
    """What a report depends on: its parameters, the SHA-256 and size of each input file, the
    notebook, the template, the package's code and version; ``digest`` is None when an input
    is a database (it cannot be hashed, so the report always runs)."""
    inputs = {}
    hashable = True
    sources = {**params.sources(), "codebook": params.data.codebook}
    for role, where in sources.items():
        if not where:
            continue
        path = Path(params.resolve(where))
        if "://" in where or not path.is_file():
            hashable = False
            inputs[role] = {"source": redact_url(where)}
            continue
        inputs[role] = {"file": str(path), "sha256": file_digest(path), "bytes": path.stat().st_size}
    notebook_file = NOTEBOOK_DIR / f"{notebook}.ipynb"
    basis = {"params": params.model_dump(mode="json"), "variant": params.variant, "inputs": inputs,
             "notebook": file_digest(notebook_file) if notebook_file.is_file() else None,
             "template": _tree_digest(TEMPLATE_DIR), "code": code_digest(), "version": kamreport.__version__}
    # not sort_keys: the order of a mapping can be meaning (tiers are cut top-down); the fields'
    # order is the model's, so the same parameters give the same text
    digest = hashlib.sha256(json.dumps(basis, default=str).encode()).hexdigest()
    return {"inputs": inputs, "digest": digest if hashable else None}


def _last_reports(base: Path) -> list[dict]:
    """The report entries of the newest run's manifest in ``base`` (none without one)."""
    try:
        return json.loads((base / "latest" / "manifest.json").read_text(encoding="utf-8")).get("reports", [])
    except (OSError, ValueError):
        return []


def _last_entries(base: Path) -> dict[str, dict]:
    """The entries of the newest run in ``base`` that are usable again (ok or unchanged)."""
    run_dir = (base / "latest").resolve()
    out = {}
    for entry in _last_reports(base):
        if entry.get("status") in ("ok", "unchanged") and entry.get("fingerprint"):
            outputs = {k: str((run_dir / v).resolve()) for k, v in entry.get("outputs", {}).items()}
            if all(Path(v).is_file() for v in outputs.values()):
                out[entry["name"]] = {**entry, "outputs": outputs}
    return out


def _last_costs(base: Path) -> tuple[dict[str, float], dict[str, float]]:
    """Seconds each report of the newest run in ``base`` took (execute + conversions), by report
    name, and their mean by notebook (for a report new to the batch, e.g. one more region)."""
    by_name: dict[str, float] = {}
    by_notebook: dict[str, list[float]] = {}
    for entry in _last_reports(base):
        seconds = sum(v for v in (entry.get("durations") or {}).values() if isinstance(v, (int, float)))
        if entry.get("status") == "ok" and seconds > 0:
            by_name[entry["name"]] = seconds
            by_notebook.setdefault(entry.get("notebook", ""), []).append(seconds)
    return by_name, {nb: sum(v) / len(v) for nb, v in by_notebook.items()}


#: Notebook metadata key: about how many seconds a report of the notebook takes (the demo's,
#: on 2 cores), which orders a first run's reports (:func:`longest_first`) until one has run.
COST_HINT = "kamreport_cost_s"


@functools.lru_cache(maxsize=64)
def cost_hint(notebook: str) -> float | None:
    """The notebook's :data:`COST_HINT`, None when it has none (or cannot be read)."""
    try:
        hint = json.loads((NOTEBOOK_DIR / f"{notebook}.ipynb").read_text(encoding="utf-8"))["metadata"].get(COST_HINT)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return float(hint) if isinstance(hint, (int, float)) and hint > 0 else None


def longest_first(tasks: list, cost: Callable[[object], float | None]) -> list:
    """The tasks in the order that keeps the workers of a pool busy to the end: the longest
    first (Graham's LPT rule), by the cost measured in the last run (or the notebook's
    :data:`COST_HINT` before it has run); tasks of unknown cost first,
    in their given order (they may be long, and a long one started last leaves the other
    workers idle while it runs).

    Examples
    --------
    >>> longest_first(["a", "b", "c", "d"], {"a": 2.0, "b": None, "c": 9.0, "d": 5.0}.get)
    ['b', 'c', 'd', 'a']
    """
    known = [cost(t) for t in tasks]
    return [t for _, t in sorted(zip(known, tasks), key=lambda kt: -math.inf if kt[0] is None else -kt[0])]


def _reuse(last: dict, f: _Folder, params: Params, notebook: str) -> ReportOutcome:
    """The last run's files of an unchanged report, hard-linked (else copied) into this run."""
    outputs = {}
    for kind, src in last["outputs"].items():
        dst = f.run_dir / Path(src).name
        if not dst.exists():
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)
        outputs[kind] = str(dst)
    return ReportOutcome(name=f"{params.name}-{notebook}", notebook=notebook, params_file=params.source,
                         status="unchanged", outputs=outputs, params=params.model_dump(mode="json"),
                         durations={})


def _pages(pdf: str | None) -> int | None:
    """Pages of a PDF we wrote (None without one)."""
    if not pdf or not Path(pdf).is_file():
        return None
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


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
        "unchanged": sum(o.status == "unchanged" for o in outcomes),
        "failed": sum(o.status == "failed" for o in outcomes),
        "invalid": sum(o.status == "invalid" for o in outcomes),
        "reports": [_relative(o.as_dict(), run_dir) for o in outcomes],
    }
    return atomic_write(run_dir / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))


def _relative(entry: dict, run_dir: Path) -> dict:
    entry["outputs"] = {k: os.path.relpath(v, run_dir) for k, v in entry["outputs"].items()}
    return entry


_STATUS_CSS = {"ok": "ok", "unchanged": "ok", "failed": "bad", "invalid": "bad"}


_COLUMNS = ("col_report", "col_status", "col_files", "col_seconds", "col_pages", "col_error")


def write_index(run_dir: Path, run_id: str, outcomes: list[ReportOutcome]) -> Path:
    """A plain, self-contained page linking every report of the run, failures flagged."""
    rows = []
    for o in outcomes:
        links = " · ".join(
            f'<a href="{html.escape(os.path.relpath(path, run_dir))}">{kind.upper()}</a>'
            for kind, path in o.outputs.items() if kind in ("html", "pdf", "xlsx")
        )
        css, word = _STATUS_CSS.get(o.status, "bad"), both(f"status_{o.status}")
        pages = "" if o.pages is None else str(o.pages)
        rows.append(f"<tr><td>{html.escape(o.name)}</td><td class=\"{css}\">{html.escape(word)}</td>"
                    f"<td>{links}</td><td>{o.durations.get('execute', '')}</td><td>{pages}</td>"
                    f"<td>{html.escape(o.error or '')}</td></tr>")
    written = sum(o.status in ("ok", "unchanged") for o in outcomes)
    page = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>kamreport run {html.escape(run_id)}</title><style>
body{{font-family:"Noto Sans CJK SC",Arial,sans-serif;max-width:980px;margin:24px auto;color:#1f2933}}
table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #d9e2ec;padding:6px 8px;text-align:left}}
th{{background:#f0f4f8}}.ok{{color:#1b7f3b;font-weight:600}}.bad{{color:#b42318;font-weight:600}}
</style></head><body><h1>kamreport · {both("run_page")} {html.escape(run_id)}</h1>
<p>{written} / {len(outcomes)} {both("run_written")} · kamreport {html.escape(kamreport.__version__)}</p>
<table><tr>{"".join(f"<th>{both(k)}</th>" for k in _COLUMNS)}</tr>
{''.join(rows)}</table></body></html>"""
    return atomic_write(run_dir / "index.html", page)
