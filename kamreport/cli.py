"""The ``kamreport`` command.

Exit codes: 0 every report written; 1 some reports failed (the others are written and the
manifest says which); 2 bad parameters or input (nothing written).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kamreport.errors import InputError, KamreportError, exit_code

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Key-account satisfaction and value reports from parameterised notebooks.")


#: how ``kamreport run`` starts the line of each report, by status
_PREFIX = {"ok": "ok      ", "unchanged": "same    ", "failed": "FAILED  ", "invalid": "INVALID "}


def _fail(exc: KamreportError) -> None:
    typer.echo(f"kamreport: error: {exc}", err=True)
    raise typer.Exit(exit_code(exc))


@app.command("demo-data")
def demo_data(out_dir: Annotated[Path, typer.Argument(help="folder to write the demo data set into")],
              seed: Annotated[int, typer.Option(help="random seed; same seed, same files")] = 2026) -> None:
    """Write the synthetic demo data set (accounts, survey, transactions, codebook, README)."""
    from kamreport.data.demo import write_demo_data

    try:
        written = write_demo_data(out_dir, seed=seed)
    except KamreportError as exc:
        _fail(exc)
    for name, path in written.items():
        typer.echo(f"{name:>13}: {path}")


@app.command()
def validate(paths: Annotated[list[Path], typer.Argument(help="parameter files or folders of them")]) -> None:
    """Check parameter files and every data source they name, without running any report.

    The same checks ``kamreport run`` makes before it runs anything; every problem is listed.
    """
    from kamreport.report.batch import check, gather_params

    try:
        params_list, refused = gather_params(paths)
    except KamreportError as exc:
        _fail(exc)
    summaries: list[str] = []
    _, invalid = check(params_list, summaries)   # each input file read once for all sets
    for line in summaries:
        typer.echo(line)
    problems = [r.error for r in [*refused, *invalid]]
    for problem in problems:
        typer.echo(f"kamreport: error: {problem}", err=True)
    raise typer.Exit(2 if problems else 0)


@app.command()
def run(paths: Annotated[list[Path], typer.Argument(help="parameter files or folders of them")],
        jobs: Annotated[int, typer.Option("--jobs", "-j", help="reports run in parallel")] = 1,
        out: Annotated[Path | None, typer.Option(help="output folder (default: each parameter set's output.dir)")] = None,
        run_id: Annotated[str | None, typer.Option(help="name of the run folder (default: a timestamp)")] = None,
        force: Annotated[bool, typer.Option("--force", help="re-run reports whose inputs have not changed")] = False,
        ) -> None:
    """Check, then execute and render the reports of one or many parameter sets.

    Exit code 0: every report written (or unchanged); 1: some failed; 2: some parameter set or
    its data was refused (nothing written for it). The others are written either way.
    """
    from kamreport.report.batch import gather_params, run_batch

    try:
        params_list, refused = gather_params(paths)
        if not params_list:  # every file refused: say each, write nothing
            for r in refused[1:]:
                typer.echo(f"kamreport: error: {r.error}", err=True)
            raise InputError(refused[0].error)
        result = run_batch(params_list, out_dir=out, jobs=jobs, run_id=run_id, progress=sys.stderr.isatty(),
                           force=force, refused=refused)
    except KamreportError as exc:
        _fail(exc)
    for o in result.outcomes:
        if o.status in ("ok", "unchanged"):
            files = ", ".join(o.outputs[k] for k in ("html", "pdf", "xlsx") if k in o.outputs)
            typer.echo(f"{_PREFIX[o.status]}{o.name}: {files}")
        else:
            cell = f" (cell {o.failed_cell})" if o.failed_cell is not None else ""
            typer.echo(f"{_PREFIX[o.status]}{o.name}{cell}: {o.error}", err=True)
    written = sum(o.status in ("ok", "unchanged") for o in result.outcomes)
    for run_dir in result.run_dirs:
        typer.echo(f"run {result.run_id}: index {run_dir / 'index.html'}")
    typer.echo(f"{written}/{len(result.outcomes)} reports written")
    raise typer.Exit(result.exit_code)


if __name__ == "__main__":  # pragma: no cover
    app()
