"""Execute one report notebook with papermill and convert it with nbconvert, atomically.

A report is ``notebooks/<notebook>.ipynb`` executed with one parameter file, written as
``<run_dir>/<params>-<notebook>.html`` (and ``.pdf``, printed by headless Chromium from the HTML,
and ``.xlsx``, every table of the report, one sheet each, from the tables' raw data).
Every file appears whole or not at all: it is written to a hidden temporary name and renamed.
A failing cell keeps the executed notebook as ``<name>.failed.ipynb`` and reports the cell.
In a batch, a process keeps one Chromium for its PDFs (:class:`Browser`) and starts the next
report's kernel while the current one runs (:func:`execute`, ``warm_next``); each report still
gets a kernel process of its own, forked from a server that has already imported the package
(:mod:`kamreport.report.kernels`).

The PDF printing is :mod:`kamreport.report.pdf`, the workbook :mod:`kamreport.report.workbook`.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import functools
import os
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import nbformat

import kamreport
from kamreport.data.sources import redact_url
from kamreport.errors import RenderError, first_line
from kamreport.params import Params
from kamreport.report import kernels
from kamreport.report.pdf import chromium, close_browser, print_pdf, start_browser  # noqa: F401 - re-exported
from kamreport.report.workbook import SHEET_MAX, report_tables, sheet_names, to_xlsx  # noqa: F401 - re-exported

REPO = Path(__file__).resolve().parents[2]


def _resource(name: str) -> Path:
    """``notebooks`` or ``templates``: $KAMREPORT_<NAME>, else the source tree beside the package
    (editable install, the usual case), else the package data of a wheel
    (``kamreport/resources/<name>``, see pyproject.toml)."""
    if override := os.environ.get(f"KAMREPORT_{name.upper()}"):
        return Path(override)
    beside = REPO / name
    return beside if beside.is_dir() else Path(kamreport.__file__).parent / "resources" / name


NOTEBOOK_DIR = _resource("notebooks")
TEMPLATE_DIR = _resource("templates")
TEMPLATE = "kamreport"
KERNEL = "kamreport"


@dataclass(frozen=True)
class ReportOutcome:
    """What happened to one report: status, output files, error and durations (seconds)."""

    name: str
    notebook: str
    params_file: str
    status: str                                  # "ok" | "unchanged" | "failed" | "invalid"
    outputs: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    failed_cell: int | None = None
    durations: dict[str, float] = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    inputs: dict = field(default_factory=dict)   # role -> file, sha256, bytes
    fingerprint: str | None = None               # what "unchanged" compares (batch.fingerprint_of)
    pages: int | None = None                     # of the PDF

    def as_dict(self) -> dict:
        return {
            "name": self.name, "notebook": self.notebook, "params_file": self.params_file,
            "status": self.status, "outputs": dict(self.outputs), "error": self.error,
            "failed_cell": self.failed_cell, "durations": self.durations, "pages": self.pages,
            "inputs": self.inputs, "fingerprint": self.fingerprint, "params": self.params,
        }


def atomic_write(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a report is for others to read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@functools.lru_cache(maxsize=1)
def kernel_name() -> str:
    """Our own kernel when installed (``make`` installs it into the venv), else ``python3``
    (looked up once a process: 0.1 s)."""
    from jupyter_client.kernelspec import KernelSpecManager

    return KERNEL if KERNEL in KernelSpecManager().find_kernel_specs() else "python3"


#: What a spare kernel started as a new process imports while it waits: the package's core and
#: its heavy dependencies (pandas, scipy, matplotlib), ~2.5 s that a report then no longer waits
#: for. A kernel forked from the server imports nothing more: the server imported what the
#: notebooks import before it forked (and a satisfaction import would cost a customer-value
#: report 0.25 s).
WARM_IMPORTS = "import kamreport.inputs, kamreport.report.notebook, kamreport.satisfaction.pls"
_SPARES: dict[tuple[str, str], Future] = {}   # (kernel name, cwd) -> a kernel starting for the next report
_STARTER: ThreadPoolExecutor | None = None


def _warm_kernel(name: str, cwd: str):
    """A started kernel (its own process, nothing of any report in it) with :data:`WARM_IMPORTS` done."""
    km = kernels.kernel_manager(name)
    km.start_kernel(extra_arguments=["--log-level=CRITICAL"], cwd=cwd)
    client = km.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        if not kernels.forked(km):      # a fork has what its server imported; its notebook imports the rest
            client.execute(WARM_IMPORTS, silent=True, store_history=False)
            client.get_shell_msg(timeout=120)
    except Exception:
        km.shutdown_kernel(now=True)
        raise
    finally:
        client.stop_channels()
    # papermill's client: nbclient awaits its reads and checks each second that the kernel lives;
    # a blocking client (what a KernelManager makes) would wait forever for a kernel that died
    km.client_class = "kamreport.report.kernels.AsyncReadyClient"
    return km


def _starter() -> ThreadPoolExecutor:
    """The threads that start kernels and import the converters while a report runs."""
    global _STARTER
    if _STARTER is None:
        _STARTER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kam-start")
        atexit.register(close_kernels)
    return _STARTER


def prestart(notebook_dir: Path | None = None, *, kernel: str | None = None) -> None:
    """Start (in the background) the kernel that the next report run from ``notebook_dir`` will
    take, with :data:`WARM_IMPORTS` done; nothing when one is already starting. A batch calls it
    before checking its inputs, so the first report's kernel starts while the data are read."""
    key = (kernel or kernel_name(), str(notebook_dir or NOTEBOOK_DIR))
    if key not in _SPARES:
        _SPARES[key] = _starter().submit(_warm_kernel, *key)


def close_kernels() -> None:
    """Shut down the spare kernels this process started (:func:`execute` with ``warm_next``)."""
    while _SPARES:
        _, future = _SPARES.popitem()
        with contextlib.suppress(Exception):
            future.result().shutdown_kernel(now=True)


def execute(notebook: Path, out: Path, parameters: dict, *, kernel: str | None = None,
            timeout: int = 1800, warm_next: bool = False) -> None:
    """Run ``notebook`` with papermill into ``out`` (the cwd is the notebook's folder).

    Every report runs in a kernel of its own. With ``warm_next`` (a batch that has more reports
    to run), the kernel of the next report starts now, in the background, and imports
    :data:`WARM_IMPORTS` while this one runs (on the second core); this report takes the kernel
    that the previous one started, when there is one.
    """
    name, cwd = kernel or kernel_name(), str(notebook.parent)
    prestart(notebook.parent, kernel=name)     # none waiting: start ours now, import papermill meanwhile
    import papermill

    spare = _SPARES.pop((name, cwd))
    km = None
    with contextlib.suppress(Exception):   # a spare that failed to start: a new kernel, as without
        km = spare.result() if spare.result().is_alive() else None
    if warm_next:
        prestart(notebook.parent, kernel=name)
    try:
        papermill.execute_notebook(
            str(notebook), str(out), parameters=parameters, kernel_name=name,
            cwd=cwd, progress_bar=False, log_output=False, execution_timeout=timeout,
            request_save_on_cell_execute=False,
            # the kernel's own log (TCP notice, shutdown chatter) is not the user's business
            extra_arguments=["--log-level=CRITICAL"],
            # the outputs are all in: no need to wait for a polite exit (saves ~0.1 s a report)
            shutdown_kernel="immediate", **({"km": km} if km is not None else {}),
        )
    finally:
        if km is not None:      # a kernel we gave papermill is ours to end
            km.shutdown_kernel(now=True)


@functools.lru_cache(maxsize=4)
def _exporter(template_dir: str):
    """Our HTML exporter (code hidden, images embedded), made once a process: importing nbconvert
    and loading the template cost ~1 s, which :func:`run_report` pays while the kernel runs."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name=TEMPLATE, extra_template_basedirs=[template_dir],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
        embed_images=True,
    )
    # cells tagged "remove_cell" are notes for analysts, not for readers of the report
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"remove_cell"}), enabled=True)
    exporter.register_preprocessor(keep_headings, enabled=True)
    exporter.template   # noqa: B018 - loads and compiles the template now
    with contextlib.suppress(Exception):     # a failure shows again, with its message, in to_html
        exporter.from_notebook_node(_sample_notebook())
    return exporter


#: A 1x1 PNG: an image output for :func:`_sample_notebook`.
_PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def _sample_notebook() -> nbformat.NotebookNode:
    """A notebook with one output of each kind a report has (heading, note, table, chart,
    stream), converted once when the exporter is made: the first conversion of a process
    compiles the sub-templates it includes and the CSS selectors of the image embedding
    (~0.3 s), which the first report would otherwise wait for."""
    from nbformat import v4

    def display(data: dict) -> nbformat.NotebookNode:
        return v4.new_output("display_data", data={**data, "text/plain": ""})

    outputs = [display({"text/markdown": "## A"}), display({"text/markdown": "B"}),
               display({"text/html": "<table><tr><td>1</td></tr></table>"}), display({"image/png": _PIXEL}),
               v4.new_output("stream", name="stdout", text="C\n")]
    nb = v4.new_notebook(cells=[v4.new_markdown_cell(f"# A\n\n![B](data:image/png;base64,{_PIXEL})"),
                                v4.new_code_cell("", outputs=outputs)])
    nb.metadata["kamreport"] = {"title": "A", "language": "zh", "sources": []}
    return nb


def warm_converter() -> Future:
    """:func:`_exporter` made in the background (the HTML converter of the next report)."""
    return _starter().submit(_exporter, str(TEMPLATE_DIR))


def warm_up(pdf: bool) -> None:
    """Everything the next report of this process will need, started in the background: its
    kernel (:func:`prestart`), the HTML converter and, for a PDF, Chromium. A batch calls it
    before checking the inputs (in the parent, or in each worker as it starts). A kernel forked
    from the server (:mod:`kamreport.report.kernels`) is asked for when the report starts, not
    now: it is ready in half a second, and the later it is forked, the more the server has
    imported and read for it."""
    if not kernels.enabled():
        prestart()
    warm_converter()
    if pdf:
        start_browser()


def to_html(nb: nbformat.NotebookNode) -> str:
    """Convert an executed notebook to self-contained HTML with code hidden, via our template."""
    html, _ = _exporter(str(TEMPLATE_DIR)).from_notebook_node(nb)
    return html


#: Output metadata key that groups a heading with what follows it (see :func:`keep_headings`);
#: the template wraps a group in ``<div class="kam-keep">``, which print CSS keeps on one page.
KEEP = "kamreport_keep"
#: How many paragraphs (a heading's note, a computed sentence) a group holds before its content.
KEEP_NOTES = 2


def _kind(output) -> str:
    """``heading``, ``note`` (other Markdown), ``content`` (any other display) or ``other``."""
    if output.get("output_type") not in ("display_data", "execute_result"):
        return "other"
    data = output.get("data", {})
    if "text/markdown" not in data or set(data) - {"text/markdown", "text/plain"}:
        return "content"
    text = data["text/markdown"]
    return "heading" if ("".join(text) if isinstance(text, list) else text).lstrip().startswith("#") else "note"


def keep_headings(nb: nbformat.NotebookNode, resources: dict) -> tuple[nbformat.NotebookNode, dict]:
    """Group each heading with what follows it, so that a page never ends on a heading.

    Chromium ignores ``break-after: avoid`` between output areas, so a group is made one element:
    a heading output (Markdown starting with ``#``), the headings right after it, up to
    :data:`KEEP_NOTES` paragraphs (its note, a computed sentence) and the first other output
    (chart, table, callout). Its first and last outputs are marked in their metadata
    (:data:`KEEP`), and the template wraps the group in ``<div class="kam-keep">``. A group that
    spans cells (a heading at the end of one cell, its table in the next) is moved whole into
    the last of them, which changes nothing a reader sees; a visible Markdown cell or a stream
    output ends a group; a heading followed by nothing stays as it is. An nbconvert
    preprocessor: it changes the exporter's copy of the notebook, never the executed notebook.
    """
    flat = []   # (cell, output) in reading order; None where a visible non-code cell stands
    for cell in nb.cells:
        flat.extend([(cell, o) for o in cell.outputs] if cell.cell_type == "code" else [None])
    k = 0
    while k < len(flat):
        if flat[k] is None or _kind(flat[k][1]) != "heading":
            k += 1
            continue
        j, notes = k + 1, 0
        while j < len(flat) and flat[j] is not None:
            kind = _kind(flat[j][1])
            if kind == "content":            # the chart, table or callout: the group ends with it
                j += 1
                break
            if kind == "other" or kind == "heading" and notes or kind == "note" and notes == KEEP_NOTES:
                break
            notes += kind == "note"
            j += 1
        if j - k > 1:
            _group(flat[k:j])
        k = j
    return nb, resources


def _group(members: list) -> None:
    """Move a group's outputs to the start of its last cell, in order, and mark its ends."""
    target = members[-1][0]
    moved = [o for cell, o in members if cell is not target]
    for cell in {id(c): c for c, _ in members if c is not target}.values():
        cell.outputs = [o for o in cell.outputs if not any(o is m for m in moved)]
    target.outputs = moved + list(target.outputs)
    members[0][1].setdefault("metadata", {})[KEEP] = "open"
    members[-1][1].setdefault("metadata", {})[KEEP] = "close"


def html_to_pdf(html_path: Path, pdf_path: Path, *, timeout: int = 120) -> Path:
    """Print ``html_path`` to ``pdf_path`` (A4, :func:`kamreport.report.pdf.print_pdf`), atomically."""
    return atomic_write(pdf_path, print_pdf(html_path, timeout=timeout))


def run_report(params: Params, notebook: str, run_dir: Path, *, run_id: str = "",
               kernel: str | None = None, timeout: int = 1800, warm_next: bool = False) -> ReportOutcome:
    """Execute ``notebook`` with ``params`` and write its HTML (and PDF) into ``run_dir``.

    Returns a :class:`ReportOutcome`; a failing notebook does not raise, it comes back with
    ``status="failed"``, the error and the failing cell, and its executed notebook is kept as
    ``<name>.failed.ipynb``. Nothing half-written is ever left under a report's final name.
    ``warm_next``: more reports follow in this process (see :func:`execute`).
    """
    from papermill.exceptions import PapermillExecutionError

    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    name = f"{params.name}-{notebook}"
    source = NOTEBOOK_DIR / f"{notebook}.ipynb"
    durations: dict[str, float] = {}
    outcome = dict(name=name, notebook=notebook, params_file=params.source, params=params.model_dump(mode="json"))
    if not source.is_file():
        return ReportOutcome(**outcome, status="failed", error=f"notebook {source} not found")
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".ipynb", dir=run_dir)
    os.close(fd)
    executed = Path(tmp)
    started = time.perf_counter()
    # first the kernels' fork server (a report run alone starts its own, warmed for its notebook:
    # its imports are the longest wait of a first report); then, while it imports and the kernel
    # runs, the converter is made and Chromium starts (the first report of a process)
    kernels.start(kernel or kernel_name(), [source])
    converter = warm_converter()
    if "pdf" in params.output.formats:
        start_browser()
    try:
        try:
            execute(source, executed, {"params_file": str(Path(params.source).resolve()), "run_id": run_id},
                    kernel=kernel, timeout=timeout, warm_next=warm_next)
        except PapermillExecutionError as exc:
            durations["execute"] = round(time.perf_counter() - started, 2)
            failed = run_dir / f"{name}.failed.ipynb"
            os.replace(executed, failed)
            return ReportOutcome(**outcome, status="failed", outputs={"ipynb": str(failed)},
                                 error=first_line(f"{exc.ename}: {exc.evalue}"),
                                 failed_cell=exc.cell_index, durations=durations)
        except Exception as exc:  # kernel died, timeout, bad notebook: the run goes on for others
            durations["execute"] = round(time.perf_counter() - started, 2)
            return ReportOutcome(**outcome, status="failed", error=_failure_line(exc, run_dir),
                                 durations=durations)
        durations["execute"] = round(time.perf_counter() - started, 2)
        outputs: dict[str, str] = {}
        step = "html"
        try:
            nb = nbformat.read(executed, as_version=4)
            nb.metadata["kamreport"] = _report_metadata(params, run_id, durations["execute"])
            t0 = time.perf_counter()
            with contextlib.suppress(Exception):   # a failure shows again, with its message, in to_html
                converter.result()
            html_path = atomic_write(run_dir / f"{name}.html", to_html(nb))
            outputs["html"] = str(html_path)
            durations["html"] = round(time.perf_counter() - t0, 2)
            if "pdf" in params.output.formats:
                step, t0 = "pdf", time.perf_counter()
                outputs["pdf"] = str(html_to_pdf(html_path, run_dir / f"{name}.pdf"))
                durations["pdf"] = round(time.perf_counter() - t0, 2)
            if "xlsx" in params.output.formats:
                step, t0 = "xlsx", time.perf_counter()
                outputs["xlsx"] = str(atomic_write(run_dir / f"{name}.xlsx", to_xlsx(nb)))
                durations["xlsx"] = round(time.perf_counter() - t0, 2)
            atomic_write(run_dir / f"{name}.ipynb", nbformat.writes(nb))
            outputs["ipynb"] = str(run_dir / f"{name}.ipynb")
        except Exception as exc:  # a conversion failure fails this report, not the run
            line = first_line(exc)
            error = (line if isinstance(exc, RenderError) else _failure_line(exc, run_dir)
                     if _disk_full(exc) else f"{step} conversion failed: {type(exc).__name__}: {line}")
            return ReportOutcome(**outcome, status="failed", outputs=outputs, error=error, durations=durations)
        return ReportOutcome(**outcome, status="ok", outputs=outputs, durations=durations)
    finally:
        executed.unlink(missing_ok=True)


def _disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno == errno.ENOSPC


def _failure_line(exc: BaseException, run_dir: Path) -> str:
    """One line for a failed report; a full disk names the folder and the fix."""
    if _disk_full(exc):
        return f"{run_dir}: no space left on device; free space or choose another --out"
    return f"{type(exc).__name__}: {first_line(exc)}"


def _report_metadata(params: Params, run_id: str, duration: float) -> dict:
    return {
        "title": params.title, "subtitle": params.subtitle, "company": params.company,
        "language": params.language, "params_name": params.name, "params_file": params.source,
        "run_id": run_id, "generated_at": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "duration_s": round(duration, 1), "version": kamreport.__version__,
        "sources": [redact_url(s) if "://" in s else Path(s).name for s in params.sources().values()],
    }
