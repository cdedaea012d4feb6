"""The ``kamreport`` command.

Exit codes: 0 every report written; 1 some reports failed (the others are written and the
manifest says which); 2 bad parameters or input (nothing written).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kamreport.errors import KamreportError, exit_code

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Key-account satisfaction and value reports from parameterised notebooks.")


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
    """Check parameter files and every data source they name, without running any report."""
    from kamreport.inputs import check_inputs
    from kamreport.report.batch import collect_params

    try:
        for params in collect_params(paths):
            inputs = check_inputs(params)
            summary = ", ".join(f"{r.source} {r.rows} rows" for r in inputs.describe().itertuples())
            typer.echo(f"ok  {params.source}: {summary or 'no data sources'}")
    except KamreportError as exc:
        _fail(exc)


@app.command()
def run(paths: Annotated[list[Path], typer.Argument(help="parameter files or folders of them")],
        jobs: Annotated[int, typer.Option("--jobs", "-j", help="reports run in parallel")] = 1,
        out: Annotated[Path | None, typer.Option(help="output folder (default: the parameter set's output.dir)")] = None,
        run_id: Annotated[str | None, typer.Option(help="name of the run folder (default: a timestamp)")] = None,
        ) -> None:
    """Execute and render the reports of one or many parameter sets."""
    from kamreport.report.batch import collect_params, run_batch

    try:
        params_list = collect_params(paths)
        result = run_batch(params_list, out_dir=out, jobs=jobs, run_id=run_id, progress=sys.stderr.isatty())
    except KamreportError as exc:
        _fail(exc)
    for o in result.outcomes:
        if o.status == "ok":
            typer.echo(f"ok      {o.name}: {', '.join(o.outputs[k] for k in ('html', 'pdf') if k in o.outputs)}")
        else:
            cell = f" (cell {o.failed_cell})" if o.failed_cell is not None else ""
            typer.echo(f"FAILED  {o.name}{cell}: {o.error}", err=True)
    typer.echo(f"run {result.run_id}: {len(result.outcomes) - len(result.failed)}/{len(result.outcomes)} "
               f"reports written; index: {result.run_dir / 'index.html'}")
    raise typer.Exit(0 if result.ok else 1)


if __name__ == "__main__":  # pragma: no cover
    app()
